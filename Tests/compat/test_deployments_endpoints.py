"""Endpoint deployments (elastic): lifecycle, the three ways to trigger them (SDK with the
endpoint token, SDK with its own credentials, a plain HTTP client), results, files, failed
executions, endpoint tokens, disabling and deletion."""

import io
import json
import secrets

from craft_ai_sdk import Input, Output

from compat_helpers import (
    CLIENT_ERROR,
    FAILED_STATUSES,
    by_name,
    create_pipeline,
    deployment_names,
    endpoint_post,
    endpoint_results,
    error_body,
    execution_ids,
    log_text,
    sdk_error,
    source_keys,
    OUTPUT_DESTINATION_KEYS,
    uid,
    unique,
    unwrap_endpoint_outputs,
)

DEPLOY_STEPS = "src/deploy_steps.py"


def _multiply_pipeline(sdk) -> str:
    name = unique("dep-mul")
    create_pipeline(
        sdk, name, "deploy", DEPLOY_STEPS, "multiply",
        inputs=[Input("number1", "number"), Input("number2", "number")],
        outputs=[Output("resultMulti", "number")],
    )
    return name


def _endpoint(deployments, pipeline, name=None, **kwargs) -> dict:
    name = name or unique("ep")
    return deployments.create(
        pipeline_name=pipeline, deployment_name=name, execution_rule="endpoint", **kwargs
    )


def _new_token() -> str:
    return f"compat-token-{secrets.token_urlsafe(24)}"


def test_endpoint_lifecycle_get_list_trigger_delete(sdk, deployments, base_url):
    pipeline = _multiply_pipeline(sdk)
    run_id = sdk.run_pipeline(pipeline, inputs={"number1": 2, "number2": 3})["execution_id"]
    name = unique("ep-life")

    created = _endpoint(deployments, pipeline, name, description="compat endpoint")
    assert created["name"] == name
    assert created["status"] == "up"
    assert created["mode"] == "elastic"
    assert created["execution_rule"] == "endpoint"
    assert created["pipeline"]["name"] == pipeline
    assert created["is_enabled"] is True
    assert created["description"] == "compat endpoint"
    assert created["endpoint_url_path"] == name  # default: the deployment name
    token = created["endpoint_token"]
    assert isinstance(token, str) and len(token) >= 16
    assert created["last_execution_id"] is None
    assert created["created_at"] and created["created_by"]
    assert "schedule" not in created or created["schedule"] is None

    # Every input and output not mapped is exposed under its own name.
    inputs_mapping = by_name(created["inputs_mapping"], "pipeline_input_name")
    assert set(inputs_mapping) == {"number1", "number2"}
    for input_name, item in inputs_mapping.items():
        assert item["data_type"] == "number"
        assert source_keys(item) == {"endpoint_input_name"}
        assert item["endpoint_input_name"] == input_name
    outputs_mapping = by_name(created["outputs_mapping"], "pipeline_output_name")
    assert set(outputs_mapping) == {"resultMulti"}
    assert outputs_mapping["resultMulti"]["data_type"] == "number"
    assert source_keys(outputs_mapping["resultMulti"], OUTPUT_DESTINATION_KEYS) == {
        "endpoint_output_name"
    }
    assert outputs_mapping["resultMulti"]["endpoint_output_name"] == "resultMulti"

    fetched = sdk.get_deployment(name)
    for key in ("name", "status", "mode", "execution_rule", "endpoint_url_path",
                "endpoint_token", "is_enabled", "inputs_mapping", "outputs_mapping"):
        assert fetched[key] == created[key], key

    listed = by_name(sdk.list_deployments(), "name")[name]
    assert listed["pipeline_name"] == pipeline
    assert listed["execution_rule"] == "endpoint"
    assert listed["mode"] == "elastic"
    assert listed["is_enabled"] is True
    assert listed["created_at"]
    # The endpoint token is a secret: never in a listing.
    assert token not in json.dumps(sdk.list_deployments())

    result = sdk.trigger_endpoint(name, endpoint_token=token, inputs={"number1": 6, "number2": 7})
    assert result["outputs"] == {"resultMulti": 42}
    execution_id = result["execution_id"]

    execution = sdk.get_pipeline_execution(execution_id)
    assert execution["status"] == "Succeeded"
    assert execution["pipeline_name"] == pipeline
    assert execution["deployment_name"] == name
    exec_inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert exec_inputs["number1"]["source"] == "endpoint"
    assert exec_inputs["number1"]["endpoint_input_name"] == "number1"
    assert exec_inputs["number1"]["value"] == 6
    assert exec_inputs["number2"]["value"] == 7
    exec_outputs = by_name(execution["outputs"], "pipeline_output_name")
    assert exec_outputs["resultMulti"]["destination"] == "endpoint"
    assert exec_outputs["resultMulti"]["value"] == 42

    executions = by_name(sdk.list_pipeline_executions(pipeline), "execution_id")
    assert executions[execution_id]["deployment_name"] == name
    assert executions[execution_id]["status"] == "Succeeded"
    assert run_id in executions
    assert sdk.get_deployment(name)["last_execution_id"] == execution_id

    deleted = sdk.delete_deployment(name)
    assert deleted["name"] == name
    assert deleted["execution_rule"] == "endpoint"
    assert name not in deployment_names(sdk)
    with sdk_error(status=404):
        sdk.get_deployment(name)
    # Its executions are gone with it; the pipeline's own runs stay.
    with sdk_error(status=404):
        sdk.get_pipeline_execution(execution_id)
    assert execution_ids(sdk, pipeline) == {run_id}
    assert sdk.get_pipeline_execution(run_id)["status"] == "Succeeded"
    # The endpoint no longer answers, and the deletion is not repeatable.
    gone = endpoint_post(base_url, name, token, json_body={"number1": 1, "number2": 1})
    assert gone.status_code in (401, 404), gone.status_code
    error_body(gone)
    with sdk_error(status=404):
        sdk.delete_deployment(name)


def test_plain_http_client_and_results_url(sdk, deployments, base_url):
    """The "Target the endpoint" call of the Get Started, then the results URL the SDK reads."""
    pipeline = _multiply_pipeline(sdk)
    deployment = _endpoint(deployments, pipeline)
    name, token = deployment["name"], deployment["endpoint_token"]

    response = endpoint_post(base_url, name, token, json_body={"number1": 9, "number2": 6})
    assert response.status_code == 200, (response.status_code, response.text[:500])
    body = response.json()
    assert body["status"] == "Succeeded"
    assert body["outputs"] == {"resultMulti": 54}
    execution_id = body["execution_id"]
    assert sdk.get_pipeline_execution(execution_id)["status"] == "Succeeded"

    results = endpoint_results(base_url, name, execution_id, token)
    assert results.status_code == 200, (results.status_code, results.text[:500])
    assert unwrap_endpoint_outputs(results.json()["outputs"], token) == {"resultMulti": 54}

    # The results URL needs this deployment's token.
    refused = endpoint_results(base_url, name, execution_id, _new_token())
    assert refused.status_code in (401, 403, 404), refused.status_code
    assert "resultMulti" not in refused.text  # the outputs are not in the refusal


def test_trigger_with_sdk_credentials_and_without_waiting(sdk, deployments):
    pipeline = _multiply_pipeline(sdk)
    deployment = _endpoint(deployments, pipeline)
    name, token = deployment["name"], deployment["endpoint_token"]

    # No endpoint token: the SDK's own credentials; outputs keyed by pipeline output name.
    result = sdk.trigger_endpoint(name, inputs={"number1": 3, "number2": 4})
    assert result["outputs"] == {"resultMulti": 12}
    first = result["execution_id"]
    assert sdk.get_pipeline_execution(first)["deployment_name"] == name

    started = sdk.trigger_endpoint(name, inputs={"number1": 5, "number2": 5},
                                   wait_for_completion=False)
    assert set(started) == {"execution_id"}
    assert sdk.retrieve_endpoint_results(name, started["execution_id"])["outputs"] == {
        "resultMulti": 25
    }

    started = sdk.trigger_endpoint(name, endpoint_token=token,
                                   inputs={"number1": 2, "number2": 8},
                                   wait_for_completion=False)
    assert set(started) == {"execution_id"}
    fetched = sdk.retrieve_endpoint_results(name, started["execution_id"], token)
    assert fetched["outputs"] == {"resultMulti": 16}
    assert fetched["execution_id"] == started["execution_id"]

    listed = {item["execution_id"] for item in sdk.list_pipeline_executions(pipeline)
              if item.get("deployment_name") == name}
    assert len(listed) == 3 and first in listed


def test_custom_endpoint_url_path(sdk, deployments, base_url):
    pipeline = _multiply_pipeline(sdk)
    name = unique("ep-path")
    path = f"compat-custom-path-{uid()}"
    deployment = _endpoint(deployments, pipeline, name, endpoint_url_path=path)
    assert deployment["endpoint_url_path"] == path
    token = deployment["endpoint_token"]

    response = endpoint_post(base_url, path, token, json_body={"number1": 7, "number2": 3})
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert response.json()["outputs"] == {"resultMulti": 21}

    # The SDK finds the path through get_deployment.
    result = sdk.trigger_endpoint(name, endpoint_token=token, inputs={"number1": 1, "number2": 5})
    assert result["outputs"] == {"resultMulti": 5}

    # The deployment name is not a second path to it.
    before = execution_ids(sdk, pipeline)
    wrong = endpoint_post(base_url, name, token, json_body={"number1": 1, "number2": 1})
    assert wrong.status_code in (401, 404), wrong.status_code
    error_body(wrong)
    assert execution_ids(sdk, pipeline) == before


def test_file_input_and_file_output(sdk, deployments, base_url, tmp_path):
    pipeline = unique("dep-file")
    create_pipeline(
        sdk, pipeline, "deploy", DEPLOY_STEPS, "file_copy",
        inputs=[Input("doc", "file"), Input("label", "string")],
        outputs=[Output("result", "file"), Output("note", "string")],
    )
    deployment = _endpoint(deployments, pipeline)
    name, token = deployment["name"], deployment["endpoint_token"]
    document = tmp_path / "document.txt"
    document.write_bytes(b"endpoint payload")

    # SDK with the endpoint token: multipart, one JSON-encoded field per parameter.
    with open(document, "rb") as handle:
        result = sdk.trigger_endpoint(
            name, endpoint_token=token, inputs={"doc": handle, "label": "copied"}
        )
    assert result["outputs"] == {"result": b"copied:endpoint payload", "note": "16 bytes copied"}

    execution = sdk.get_pipeline_execution(result["execution_id"])
    exec_inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert exec_inputs["doc"]["source"] == "endpoint"
    assert exec_inputs["doc"]["value"] == b"endpoint payload"
    assert exec_inputs["label"]["value"] == "copied"
    exec_outputs = by_name(execution["outputs"], "pipeline_output_name")
    assert exec_outputs["result"]["value"] == b"copied:endpoint payload"

    # SDK with its own credentials.
    with open(document, "rb") as handle:
        result = sdk.trigger_endpoint(name, inputs={"doc": handle, "label": "again"})
    assert result["outputs"] == {"result": b"again:endpoint payload", "note": "16 bytes copied"}

    # Plain multipart: the file output comes back as a URL to fetch with the token.
    response = endpoint_post(
        base_url, name, token,
        files={"doc": ("plain.txt", io.BytesIO(b"from curl"))},
        data={"label": json.dumps("plain")},
    )
    assert response.status_code == 200, (response.status_code, response.text[:500])
    body = response.json()
    assert body["status"] == "Succeeded"
    assert body["outputs"]["note"] == "9 bytes copied"
    assert isinstance(body["outputs"]["result"], dict) and "url" in body["outputs"]["result"]
    assert unwrap_endpoint_outputs(body["outputs"], token) == {
        "result": b"plain:from curl", "note": "9 bytes copied",
    }


def test_single_file_output_is_the_response_body(sdk, deployments, base_url):
    pipeline = unique("dep-report")
    create_pipeline(
        sdk, pipeline, "deploy", DEPLOY_STEPS, "text_report",
        inputs=[Input("text", "string")], outputs=[Output("report", "file")],
    )
    deployment = _endpoint(deployments, pipeline)
    name, token = deployment["name"], deployment["endpoint_token"]

    response = endpoint_post(base_url, name, token, json_body={"text": "raw"})
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert "application/octet-stream" in response.headers.get("content-type", "")
    assert response.content == b"report:raw"

    # The SDK (which announces itself with craft-ai-client) still gets a JSON answer with the
    # execution id, then the file through the results URL.
    result = sdk.trigger_endpoint(name, endpoint_token=token, inputs={"text": "sdk"})
    assert result["outputs"] == {"report": b"report:sdk"}
    assert sdk.get_pipeline_execution(result["execution_id"])["status"] == "Succeeded"


def test_failed_execution_is_a_422_with_its_execution_id(sdk, deployments, base_url):
    pipeline = unique("dep-boom")
    create_pipeline(sdk, pipeline, "deploy", DEPLOY_STEPS, "boom")
    deployment = _endpoint(deployments, pipeline)
    name, token = deployment["name"], deployment["endpoint_token"]

    response = endpoint_post(base_url, name, token, json_body={})
    assert response.status_code == 422, (response.status_code, response.text[:500])
    body = error_body(response)
    assert body.get("name")
    execution_id = body["execution_id"]
    execution = sdk.get_pipeline_execution(execution_id)
    assert execution["status"] in FAILED_STATUSES
    assert execution["deployment_name"] == name
    logs = log_text(sdk, execution_id)
    assert "about to fail" in logs
    assert "ValueError: compat deployment boom 42" in logs

    with sdk_error(status=422):
        sdk.trigger_endpoint(name, endpoint_token=token)
    statuses = [item["status"] for item in sdk.list_pipeline_executions(pipeline)]
    assert len(statuses) == 2 and set(statuses) <= set(FAILED_STATUSES)


def test_endpoint_token_rotation(sdk, deployments, base_url):
    pipeline = _multiply_pipeline(sdk)
    chosen = _new_token()
    deployment = _endpoint(deployments, pipeline, endpoint_token=chosen)
    name = deployment["name"]
    assert deployment["endpoint_token"] == chosen
    inputs = {"number1": 2, "number2": 2}

    assert endpoint_post(base_url, name, chosen, json_body=inputs).status_code == 200

    generated = sdk.generate_new_endpoint_token(name)["endpoint_token"]
    assert isinstance(generated, str) and len(generated) >= 16 and generated != chosen
    assert sdk.get_deployment(name)["endpoint_token"] == generated
    before = execution_ids(sdk, pipeline)
    old = endpoint_post(base_url, name, chosen, json_body=inputs)
    assert old.status_code == 401, (old.status_code, old.text[:300])
    error_body(old)
    with sdk_error(status=401):
        sdk.trigger_endpoint(name, endpoint_token=chosen, inputs=inputs)
    assert execution_ids(sdk, pipeline) == before
    assert sdk.trigger_endpoint(name, endpoint_token=generated, inputs=inputs)["outputs"] == {
        "resultMulti": 4
    }

    # A token chosen by the caller.
    second_choice = _new_token()
    rotated = sdk.generate_new_endpoint_token(name, endpoint_token=second_choice)
    assert rotated["endpoint_token"] == second_choice
    assert sdk.get_deployment(name)["endpoint_token"] == second_choice
    assert endpoint_post(base_url, name, generated, json_body=inputs).status_code == 401
    response = endpoint_post(base_url, name, second_choice, json_body=inputs)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    assert response.json()["outputs"] == {"resultMulti": 4}

    with sdk_error(status=404):
        sdk.generate_new_endpoint_token(f"compat-missing-{uid()}")


def test_endpoint_token_checks(sdk, deployments, base_url):
    pipeline = _multiply_pipeline(sdk)
    first = _endpoint(deployments, pipeline)
    second = _endpoint(deployments, pipeline)
    inputs = {"number1": 1, "number2": 1}
    before = execution_ids(sdk, pipeline)

    attempts = {
        "token of another deployment": {"Authorization": f"EndpointToken {second['endpoint_token']}"},
        "unknown token": {"Authorization": f"EndpointToken {_new_token()}"},
        "no Authorization header": {},
        "Bearer scheme": {"Authorization": f"Bearer {first['endpoint_token']}"},
        "empty token": {"Authorization": "EndpointToken "},
    }
    for label, headers in attempts.items():
        response = endpoint_post(base_url, first["name"], None, json_body=inputs, headers=headers)
        assert response.status_code == 401, (label, response.status_code, response.text[:300])
        body = error_body(response)
        assert first["endpoint_token"] not in json.dumps(body)
        assert second["endpoint_token"] not in json.dumps(body)

    assert execution_ids(sdk, pipeline) == before
    # Both tokens still work for their own deployment.
    for deployment in (first, second):
        response = endpoint_post(base_url, deployment["name"], deployment["endpoint_token"],
                                 json_body=inputs)
        assert response.status_code == 200, (response.status_code, response.text[:300])


def test_disable_and_enable_an_endpoint(sdk, deployments, base_url):
    pipeline = _multiply_pipeline(sdk)
    deployment = _endpoint(deployments, pipeline)
    name, token = deployment["name"], deployment["endpoint_token"]
    inputs = {"number1": 3, "number2": 3}

    disabled = sdk.update_deployment(name, is_enabled=False)
    assert disabled["status"] == "disabled"
    assert disabled["is_enabled"] is False
    assert by_name(sdk.list_deployments(), "name")[name]["is_enabled"] is False

    before = execution_ids(sdk, pipeline)
    response = endpoint_post(base_url, name, token, json_body=inputs)
    assert response.status_code == 403, (response.status_code, response.text[:300])
    error_body(response)
    with sdk_error(status=403):
        sdk.trigger_endpoint(name, endpoint_token=token, inputs=inputs)
    with sdk_error(status=CLIENT_ERROR):
        sdk.trigger_endpoint(name, inputs=inputs)
    assert execution_ids(sdk, pipeline) == before

    enabled = sdk.update_deployment(name, is_enabled=True)
    assert enabled["status"] == "up"
    assert enabled["is_enabled"] is True
    assert enabled["endpoint_token"] == token
    assert sdk.trigger_endpoint(name, endpoint_token=token, inputs=inputs)["outputs"] == {
        "resultMulti": 9
    }


def test_deployment_names_are_unique_and_pipelines_must_exist(sdk, deployments):
    pipeline = _multiply_pipeline(sdk)
    deployment = _endpoint(deployments, pipeline)
    name = deployment["name"]
    names_before = deployment_names(sdk)

    other_pipeline = _multiply_pipeline(sdk)
    with sdk_error(status=CLIENT_ERROR):
        _endpoint(deployments, other_pipeline, name)
    assert deployment_names(sdk) == names_before
    unchanged = sdk.get_deployment(name)
    assert unchanged["pipeline"]["name"] == pipeline
    assert unchanged["endpoint_token"] == deployment["endpoint_token"]

    missing_pipeline = unique("ep-orphan")
    with sdk_error(status=CLIENT_ERROR):
        _endpoint(deployments, f"compat-missing-{uid()}", missing_pipeline)
    assert deployment_names(sdk) == names_before

    for bad_name in ("Not A Valid Name", "-leading-hyphen", "a" * 300):
        with sdk_error(status=CLIENT_ERROR):
            deployments.create(pipeline_name=pipeline, deployment_name=bad_name,
                               execution_rule="endpoint", wait_for_completion=False)
    assert deployment_names(sdk) == names_before

    with sdk_error(status=404):
        sdk.get_deployment(f"compat-missing-{uid()}")
    with sdk_error(status=404):
        sdk.delete_deployment(f"compat-missing-{uid()}")
    with sdk_error(status=404):
        sdk.trigger_endpoint(f"compat-missing-{uid()}", inputs={})
