"""Calls a public endpoint must refuse, each without creating an execution: a body that does
not match the deployment's mapping (400), an oversized body (413) and more queued executions
than a low-latency deployment accepts (429). Token and disabled-deployment refusals (401, 403)
are in test_deployments_endpoints.py; creation-time refusals in test_deployments_mappings.py
and test_deployments_periodic.py."""

import http.client
import json
import os
import threading
from urllib.parse import urlsplit

from craft_ai_sdk import Input, Output, SdkException

from compat_helpers import (
    CLIENT_ERROR,
    create_pipeline,
    deployment_executions,
    endpoint_post,
    error_body,
    execution_ids,
    sdk_error,
    unique,
    wait_for,
)

TYPED_INPUTS = [
    Input("text", "string"), Input("number", "number"), Input("flag", "boolean"),
    Input("data", "json"), Input("items", "array"),
]
TYPED_OUTPUTS = [
    Output("text", "string"), Output("number", "number"), Output("flag", "boolean"),
    Output("data", "json"), Output("items", "array"),
]
VALID = {"text": "x", "number": 1.5, "flag": True, "data": {"k": "v"}, "items": [1, 2]}

# Just above the default 1 MiB limit on an execution's non-file inputs (slipway serve
# --max-io-bytes), and small enough for a server to read the body whole before answering, so
# the answer is not lost to a connection reset while the client is still writing.
OVERSIZED_BYTES = int(os.environ.get("SLIPWAY_COMPAT_OVERSIZED_BODY_B", (1 << 20) + 16 * 1024))
# Upper bound on the executions queued while looking for a low-latency deployment's 429.
QUEUE_PROBE_MAX = int(os.environ.get("SLIPWAY_COMPAT_QUEUE_PROBE_MAX", 2000))


def _typed_endpoint(sdk, deployments):
    pipeline = unique("bad-typed")
    create_pipeline(sdk, pipeline, "deploy", "src/deploy_steps.py", "typed",
                    inputs=TYPED_INPUTS, outputs=TYPED_OUTPUTS)
    deployment = deployments.create(pipeline_name=pipeline, deployment_name=unique("bad"),
                                    execution_rule="endpoint")
    return pipeline, deployment


def test_body_not_matching_the_mapping_is_400(sdk, deployments, base_url):
    pipeline, deployment = _typed_endpoint(sdk, deployments)
    name, token = deployment["name"], deployment["endpoint_token"]
    response = endpoint_post(base_url, name, token, json_body=VALID)
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert response.json()["outputs"] == VALID
    before = execution_ids(sdk, pipeline)

    wrong = {
        "unknown key": ({**VALID, "extra": 1}, "extra"),
        "string for a number": ({**VALID, "number": "one"}, "number"),
        "number for a string": ({**VALID, "text": 5}, "text"),
        "string for a boolean": ({**VALID, "flag": "yes"}, "flag"),
        "object for an array": ({**VALID, "items": {"a": 1}}, "items"),
    }
    for label, (body, culprit) in wrong.items():
        response = endpoint_post(base_url, name, token, json_body=body)
        assert response.status_code == 400, (label, response.status_code, response.text[:300])
        assert culprit in error_body(response)["message"], (label, response.text[:300])

    for label, raw in {"not JSON": b"{not json", "a JSON array": b"[1, 2]",
                       "a JSON string": b'"text"'}.items():
        response = endpoint_post(base_url, name, token, data=raw,
                                 headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (label, response.status_code, response.text[:300])
        error_body(response)

    # A required input left out.
    missing = {key: value for key, value in VALID.items() if key != "text"}
    response = endpoint_post(base_url, name, token, json_body=missing)
    assert response.status_code in CLIENT_ERROR, (response.status_code, response.text[:300])
    assert "text" in error_body(response)["message"]

    # The SDK gets the same answers.
    with sdk_error(status=400):
        sdk.trigger_endpoint(name, endpoint_token=token, inputs={**VALID, "extra": 1})
    with sdk_error(status=400):
        sdk.trigger_endpoint(name, inputs={**VALID, "number": "one"})

    assert execution_ids(sdk, pipeline) == before


def _post_raw(base_url, path, headers, body: bytes):
    """POST with http.client, reading the answer even if the server answers (and stops
    reading) before the whole body is sent."""
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    try:
        try:
            connection.request("POST", path, body=body, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early; the answer is still readable
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_oversized_body_is_413(sdk, deployments, base_url):
    pipeline, deployment = _typed_endpoint(sdk, deployments)
    name, token = deployment["name"], deployment["endpoint_token"]
    before = execution_ids(sdk, pipeline)

    body = json.dumps({**VALID, "text": "x" * OVERSIZED_BYTES}).encode()
    status, answer = _post_raw(
        base_url, f"/endpoints/{name}",
        {"Authorization": f"EndpointToken {token}", "Content-Type": "application/json"},
        body,
    )
    assert status == 413, (status, answer[:300])
    error = json.loads(answer)
    assert isinstance(error, dict) and error.get("message"), answer[:300]
    assert execution_ids(sdk, pipeline) == before

    # The endpoint still works.
    response = endpoint_post(base_url, name, token, json_body=VALID)
    assert response.status_code == 200, (response.status_code, response.text[:300])


def test_too_many_queued_executions_is_429(sdk, deployments, base_url):
    """One long execution occupies a low-latency worker (no parallelism); further executions
    queue (the documentation's loop of trigger_endpoint(..., wait_for_completion=False)) until
    the deployment refuses them with 429, without creating an execution."""
    pipeline = unique("bad-queue")
    create_pipeline(sdk, pipeline, "deploy", "src/resident_steps.py", "nap",
                    inputs=[Input("seconds", "number")],
                    outputs=[Output("slept", "number"), Output("boot_id", "string")])
    deployment = deployments.create(pipeline_name=pipeline, deployment_name=unique("bad-queue"),
                                    execution_rule="endpoint", mode="low_latency")
    name, token = deployment["name"], deployment["endpoint_token"]

    # A plain caller blocked on a long execution holds the only slot.
    blocked = {}

    def hold_the_slot():
        try:
            blocked["answer"] = endpoint_post(base_url, name, token, json_body={"seconds": 120},
                                              timeout=300)
        except Exception as error:  # noqa: BLE001 - the deployment is deleted under it
            blocked["answer"] = error

    holder = threading.Thread(target=hold_the_slot, daemon=True)
    holder.start()
    wait_for(lambda: [item for item in deployment_executions(sdk, pipeline, name)
                      if item["status"] == "Running"],
             timeout=30, interval=0.2, message="the long execution did not start")

    accepted = 1
    refusal = None
    while accepted <= QUEUE_PROBE_MAX:
        try:
            sdk.trigger_endpoint(name, inputs={"seconds": 0}, wait_for_completion=False)
        except SdkException as error:
            refusal = error
            break
        accepted += 1
    assert refusal is not None, f"{accepted} executions accepted by a single-slot deployment"
    assert refusal.status_code == 429, refusal
    assert refusal.message

    # The refused call left nothing; neither do the public endpoint's refusals.
    assert len(deployment_executions(sdk, pipeline, name)) == accepted
    response = endpoint_post(base_url, name, token, json_body={"seconds": 0}, timeout=30)
    assert response.status_code == 429, (response.status_code, response.text[:300])
    error_body(response)
    with sdk_error(status=429):
        sdk.trigger_endpoint(name, endpoint_token=token, inputs={"seconds": 0},
                             wait_for_completion=False)
    assert len(deployment_executions(sdk, pipeline, name)) == accepted

    # Deleting the deployment releases the blocked caller.
    sdk.delete_deployment(name)
    holder.join(60)
    assert not holder.is_alive(), "the blocked call did not end with the deletion"
