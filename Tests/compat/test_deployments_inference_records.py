"""Inference records of endpoint deployments (monitoring issue §1; opt-in per deployment).

The SDK's create_deployment / update_deployment have fixed signatures, so recording is set with
Slipway's own `record_inferences` body key (plain HTTP on the same routes) or with `slipway
deployment record-inferences`; records are read with GET {API}/deployments/{name}/inferences
and `slipway inference list`. Every call here goes through the unmodified SDK (with the endpoint
token, and with the SDK's own credentials) or a plain HTTP endpoint client."""

import json
import time

import requests
from craft_ai_sdk import Input, Output

from compat_helpers import (
    CLIENT_ERROR,
    access_token,
    create_pipeline,
    endpoint_post,
    error_body,
    unique,
)

DEPLOY_STEPS = "src/deploy_steps.py"
TIMEOUT = 60
# How long a running server may serve a deployment changed by the offline CLI from its cache
# (DeploymentDirectory.maxAge), plus a margin.
CLI_CHANGE_DELAY_S = 1.5


def _multiply_pipeline(sdk) -> str:
    name = unique("rec-mul")
    create_pipeline(
        sdk, name, "deploy", DEPLOY_STEPS, "multiply",
        inputs=[Input("number1", "number"), Input("number2", "number")],
        outputs=[Output("resultMulti", "number")],
    )
    return name


def _headers(base_url, admin_token) -> dict:
    return {"Authorization": f"Bearer {access_token(base_url, admin_token)}"}


def _create_recording_endpoint(sdk, deployments, base_url, admin_token, pipeline, mode="elastic") -> dict:
    """POST {API}/endpoints with `record_inferences: true` (what the SDK sends, plus the key),
    then the SDK's own get_deployment wait."""
    name = deployments.track(unique("rec"))
    response = requests.post(
        f"{base_url}/api/v1/endpoints",
        headers=_headers(base_url, admin_token),
        json={"pipeline_name": pipeline, "name": name, "mode": mode, "record_inferences": True},
        timeout=TIMEOUT,
    )
    assert response.status_code in (200, 201), (response.status_code, response.text)
    return sdk.get_deployment(name, wait_for_completion=True, timeout_s=180)


def _records(base_url, admin_token, name, **params) -> dict:
    response = requests.get(
        f"{base_url}/api/v1/deployments/{name}/inferences",
        headers=_headers(base_url, admin_token), params=params, timeout=TIMEOUT,
    )
    assert response.status_code == 200, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"inferences", "next_cursor"}, body
    return body


def _cli_records(slipway_server, name) -> list:
    out = slipway_server.cli("inference", "list", "--workspace", "default", "--deployment", name, "--oldest-first")
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_recording_on_keeps_every_endpoint_call_elastic_and_low_latency(
    sdk, deployments, base_url, admin_token, slipway_server
):
    pipeline = _multiply_pipeline(sdk)
    elastic = _create_recording_endpoint(sdk, deployments, base_url, admin_token, pipeline)
    assert elastic["status"] == "up"
    assert elastic["record_inferences"] is True
    # Recording off (the default) on a deployment the SDK created; turned on by the CLI.
    low = deployments.create(pipeline_name=pipeline, deployment_name=unique("rec-ll"),
                             execution_rule="endpoint", mode="low_latency")
    assert low["status"] == "up"
    assert low["record_inferences"] is False
    out = slipway_server.cli("deployment", "record-inferences", "--workspace", "default", low["name"], "--on")
    assert "inference recording on" in out
    assert sdk.get_deployment(low["name"])["record_inferences"] is True
    time.sleep(CLI_CHANGE_DELAY_S)

    answered = {}
    for deployment in (elastic, low):
        name, token = deployment["name"], deployment["endpoint_token"]
        calls = [
            # The SDK with the endpoint token (the held public endpoint route).
            sdk.trigger_endpoint(name, endpoint_token=token, inputs={"number1": 2, "number2": 3}),
            # The SDK with its own credentials (execution id first, then the result).
            sdk.trigger_endpoint(name, inputs={"number1": 4, "number2": 5}),
        ]
        # A plain HTTP client of the public endpoint.
        plain = endpoint_post(base_url, deployment["endpoint_url_path"], token, json_body={"number1": 1.5, "number2": 2})
        assert plain.status_code == 200, plain.text
        assert [call["outputs"] for call in calls] == [{"resultMulti": 6}, {"resultMulti": 20}]
        answered[name] = [call["execution_id"] for call in calls]

        # Readable as soon as the answers were received, oldest first.
        records = _records(base_url, admin_token, name, order="ascending")["inferences"]
        assert [r["inputs"] for r in records] == [
            {"number1": 2, "number2": 3}, {"number1": 4, "number2": 5}, {"number1": 1.5, "number2": 2},
        ], records
        assert [r["outputs"] for r in records] == [{"resultMulti": 6}, {"resultMulti": 20}, {"resultMulti": 3}]
        assert [r["execution_id"] for r in records[:2]] == answered[name]
        for record in records:
            assert set(record) >= {"id", "execution_id", "time", "inputs", "outputs", "latency_ms"}, record
            assert record["latency_ms"] >= 0
            assert record["time"].endswith("Z")
        # Newest first by default, paged with the cursor.
        first = _records(base_url, admin_token, name, limit=2)
        assert [r["id"] for r in first["inferences"]] == [records[2]["id"], records[1]["id"]]
        assert first["next_cursor"]
        rest = _records(base_url, admin_token, name, limit=2, cursor=first["next_cursor"])
        assert [r["id"] for r in rest["inferences"]] == [records[0]["id"]]
        assert rest["next_cursor"] is None
        # The same records through the CLI.
        listed = _cli_records(slipway_server, name)
        assert [line["id"] for line in listed] == [r["id"] for r in records]
        assert [line["external_id"] for line in listed[:2]] == answered[name]

    # Off again (Slipway's key on the SDK's PATCH route): nothing more is recorded.
    response = requests.patch(
        f"{base_url}/api/v1/deployments/{elastic['name']}",
        headers=_headers(base_url, admin_token), json={"record_inferences": False}, timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    assert response.json()["record_inferences"] is False
    assert sdk.get_deployment(elastic["name"])["status"] == "up"
    sdk.trigger_endpoint(elastic["name"], endpoint_token=elastic["endpoint_token"], inputs={"number1": 9, "number2": 9})
    assert len(_records(base_url, admin_token, elastic["name"])["inferences"]) == 3
    # Turning recording on or off did not reload the low-latency worker.
    assert sdk.get_deployment(low["name"])["version"] == 1


def test_recording_off_by_default_records_nothing(sdk, deployments, base_url, admin_token, slipway_server):
    pipeline = _multiply_pipeline(sdk)
    deployment = deployments.create(pipeline_name=pipeline, deployment_name=unique("rec-off"),
                                    execution_rule="endpoint")
    assert deployment["record_inferences"] is False
    result = sdk.trigger_endpoint(deployment["name"], endpoint_token=deployment["endpoint_token"],
                                  inputs={"number1": 2, "number2": 2})
    assert result["outputs"] == {"resultMulti": 4}
    assert _records(base_url, admin_token, deployment["name"]) == {"inferences": [], "next_cursor": None}
    assert _cli_records(slipway_server, deployment["name"]) == []


def _cli_failure(slipway_server, *args) -> str:
    try:
        slipway_server.cli(*args)
    except AssertionError as error:
        return str(error)
    raise AssertionError(f"`slipway {' '.join(args)}` succeeded")


def test_bad_requests_change_nothing(sdk, deployments, base_url, admin_token, slipway_server):
    pipeline = _multiply_pipeline(sdk)
    deployment = deployments.create(pipeline_name=pipeline, deployment_name=unique("rec-bad"),
                                    execution_rule="endpoint")
    name = deployment["name"]
    headers = _headers(base_url, admin_token)

    # CLI: unknown deployment, another workspace's deployment, both switches at once.
    assert "deployment 'compat-ghost' was not found" in _cli_failure(
        slipway_server, "deployment", "record-inferences", "--workspace", "default", "compat-ghost", "--on")
    other = unique("rec-ws")
    other_token = slipway_server.cli_token("workspace", "create", other)
    assert f"deployment '{name}' was not found" in _cli_failure(
        slipway_server, "deployment", "record-inferences", "--workspace", other, name, "--on")
    _cli_failure(slipway_server, "deployment", "record-inferences", "--workspace", "default", name, "--on", "--off")
    _cli_failure(slipway_server, "inference", "list", "--workspace", "default", "--deployment", "compat-ghost")
    assert sdk.get_deployment(name)["record_inferences"] is False

    # HTTP: a non-boolean value, a periodic deployment, bad read parameters.
    response = requests.patch(f"{base_url}/api/v1/deployments/{name}", headers=headers,
                              json={"record_inferences": "yes"}, timeout=TIMEOUT)
    assert response.status_code == 400, response.text
    assert "record_inferences must be a boolean" in error_body(response)["message"]
    periodic = deployments.track(unique("rec-periodic"))
    response = requests.post(
        f"{base_url}/api/v1/periodic-deployment", headers=headers, timeout=TIMEOUT,
        json={"pipeline_name": pipeline, "name": periodic, "schedule": "0 0 * * *", "record_inferences": True,
              "inputs_mapping": [{"pipeline_input_name": "number1", "constant_value": 1},
                                 {"pipeline_input_name": "number2", "constant_value": 2}],
              "outputs_mapping": [{"pipeline_output_name": "resultMulti", "is_null": True}]},
    )
    assert response.status_code == 400, response.text
    assert "only endpoint deployments record inferences" in error_body(response)["message"]
    assert periodic not in {item["name"] for item in sdk.list_deployments()}
    for params in ({"limit": 0}, {"limit": "many"}, {"order": "sideways"}, {"cursor": "not-a-cursor"}, {"from": "x"}):
        response = requests.get(f"{base_url}/api/v1/deployments/{name}/inferences", headers=headers,
                                params=params, timeout=TIMEOUT)
        assert response.status_code in CLIENT_ERROR, (params, response.status_code, response.text)
        error_body(response)
    # Another workspace's token sees no such deployment, on its own environment URL.
    foreign = {"Authorization": f"Bearer {access_token(base_url, other_token)}"}
    for method, body in (("GET", None), ("PATCH", {"record_inferences": True})):
        response = requests.request(method, f"{base_url}/environments/{other}/api/v1/deployments/{name}"
                                    + ("/inferences" if method == "GET" else ""),
                                    headers=foreign, json=body, timeout=TIMEOUT)
        assert response.status_code == 404, (method, response.status_code, response.text)
    assert sdk.get_deployment(name)["record_inferences"] is False
