"""Low-latency deployments ("Deploy in low-latency" in the Craft AI docs): one resident worker
that imports the module once at creation (`creation_pending` until then, `creation_failed` if
the import raises), globals kept between executions, deployment logs, reload with
update_deployment, and the execution timeout that replaces the worker."""

import re
import time

from craft_ai_sdk import Input, Output

from compat_helpers import (
    FAILED_STATUSES,
    by_name,
    create_pipeline,
    deployment_executions,
    endpoint_post,
    error_body,
    log_text,
    sdk_error,
    unique,
)

SERVER_OR_CLIENT_ERROR = range(400, 600)
INIT_LINE = "Init count at : 0"


def _deployment_log_entries(sdk, name) -> list:
    logs = sdk.get_deployment_logs(name)
    assert isinstance(logs, list), logs
    for entry in logs:
        assert {"timestamp", "message", "stream", "pod_id", "type"} <= set(entry), entry
        assert entry["type"] == "deployment", entry
        assert entry["stream"] in ("stdout", "stderr"), entry
    return logs


def _deployment_log_text(sdk, name) -> str:
    return "\n".join(str(entry["message"]) for entry in _deployment_log_entries(sdk, name))


def _low_latency(deployments, pipeline, name=None, **kwargs) -> dict:
    return deployments.create(pipeline_name=pipeline, deployment_name=name or unique("ll"),
                              execution_rule="endpoint", mode="low_latency", **kwargs)


def test_preloaded_globals_deployment_logs_and_reload(sdk, deployments):
    """The documentation's "simple example": a module-level counter keeps counting across
    executions; the module-level print is in the deployment logs, once."""
    pipeline = unique("ll-count")
    create_pipeline(
        sdk, pipeline, "deploy", "src/lowlat_counter.py", "my_step_source_code",
        outputs=[Output("count", "number"), Output("boot_id", "string"), Output("total", "number")],
    )
    name = unique("ll-count")
    deployment = _low_latency(deployments, pipeline, name)
    assert deployment["status"] == "up"
    assert deployment["mode"] == "low_latency"
    assert deployment["execution_rule"] == "endpoint"
    pods = deployment["pods"]
    assert isinstance(pods, list) and pods, deployment
    for pod in pods:
        assert isinstance(pod["pod_id"], str) and pod["pod_id"]
        assert isinstance(pod["status"], str) and pod["status"]
    token = deployment["endpoint_token"]

    # Imported at creation, before any execution.
    entries = _deployment_log_entries(sdk, name)
    assert any(INIT_LINE in str(entry["message"]) for entry in entries), entries
    assert _deployment_log_text(sdk, name).count(INIT_LINE) == 1
    assert len(sdk.get_deployment_logs(name, limit=1)) <= 1

    execution_ids, boot_ids = [], set()
    for expected in (1, 2, 3):
        result = sdk.trigger_endpoint(name, endpoint_token=token)
        assert result["outputs"]["count"] == expected, result
        assert result["outputs"]["total"] == 129
        boot_ids.add(result["outputs"]["boot_id"])
        execution_ids.append(result["execution_id"])
    assert len(boot_ids) == 1, "the three executions did not run in the same worker"

    # Each execution's logs hold its own print, not the import-time one.
    for number, execution_id in enumerate(execution_ids, start=1):
        logs = log_text(sdk, execution_id)
        assert re.search(rf"(?m)^{number} \[2, 3, 5, 7, 11", logs), (number, logs)
        assert INIT_LINE not in logs
        assert sdk.get_pipeline_execution(execution_id)["deployment_name"] == name
    # Still imported once.
    assert _deployment_log_text(sdk, name).count(INIT_LINE) == 1
    assert len(deployment_executions(sdk, pipeline, name)) == 3

    # update_deployment without changes reloads the worker: globals start again.
    reloaded = sdk.update_deployment(name)
    assert reloaded["status"] == "up"
    assert reloaded["pods"]
    result = sdk.trigger_endpoint(name, endpoint_token=token)
    assert result["outputs"]["count"] == 1
    assert result["outputs"]["boot_id"] not in boot_ids
    assert _deployment_log_text(sdk, name).count(INIT_LINE) == 2


def test_creation_pending_until_the_module_is_imported(sdk, deployments, base_url):
    pipeline = unique("ll-slow")
    create_pipeline(sdk, pipeline, "deploy", "src/lowlat_slow_import.py", "ping",
                    outputs=[Output("pong", "string")])
    name = unique("ll-slow")

    started = time.monotonic()
    pending = _low_latency(deployments, pipeline, name, wait_for_completion=False)
    assert pending["status"] == "creation_pending", pending["status"]
    assert pending["name"] == name

    ready = sdk.get_deployment(name, wait_for_completion=True, timeout_s=180)
    assert ready["status"] == "up"
    assert time.monotonic() - started >= 2.5  # the import sleeps 3 s
    text = _deployment_log_text(sdk, name)
    assert text.index("slow import: loading the model") < text.index("slow import: model loaded")

    response = endpoint_post(base_url, name, ready["endpoint_token"], json_body={})
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert response.json()["outputs"] == {"pong": "pong"}


def test_import_failure_is_creation_failed(sdk, deployments, base_url):
    pipeline = unique("ll-importfail")
    create_pipeline(sdk, pipeline, "deploy", "src/lowlat_import_fails.py", "never",
                    outputs=[Output("never", "string")])
    name = unique("ll-importfail")

    with sdk_error(name="CreationFailedException"):
        _low_latency(deployments, pipeline, name)
    failed = sdk.get_deployment(name)
    assert failed["status"] == "creation_failed"
    text = _deployment_log_text(sdk, name)
    assert "about to fail at import time" in text
    assert "compat import failure 7" in text

    response = endpoint_post(base_url, name, failed["endpoint_token"], json_body={})
    assert response.status_code in SERVER_OR_CLIENT_ERROR, response.status_code
    error_body(response)
    assert deployment_executions(sdk, pipeline, name) == []

    # In elastic mode the module is imported by each execution: the deployment is up and
    # the execution is the one that fails.
    elastic = deployments.create(pipeline_name=pipeline, deployment_name=unique("el-importfail"),
                                 execution_rule="endpoint")
    assert elastic["status"] == "up"
    response = endpoint_post(base_url, elastic["name"], elastic["endpoint_token"], json_body={})
    assert response.status_code == 422, (response.status_code, response.text[:500])
    execution_id = error_body(response)["execution_id"]
    assert sdk.get_pipeline_execution(execution_id)["status"] in FAILED_STATUSES
    assert "compat import failure 7" in log_text(sdk, execution_id)


def test_execution_timeout_replaces_the_worker(sdk, deployments, base_url):
    pipeline = unique("ll-timeout")
    create_pipeline(sdk, pipeline, "deploy", "src/resident_steps.py", "nap",
                    inputs=[Input("seconds", "number")],
                    outputs=[Output("slept", "number"), Output("boot_id", "string")])
    deployment = _low_latency(deployments, pipeline, execution_timeout_s=2)
    name, token = deployment["name"], deployment["endpoint_token"]

    warm = endpoint_post(base_url, name, token, json_body={"seconds": 0})
    assert warm.status_code == 200, (warm.status_code, warm.text[:500])
    first_boot = warm.json()["outputs"]["boot_id"]

    started = time.monotonic()
    slow = endpoint_post(base_url, name, token, json_body={"seconds": 30})
    elapsed = time.monotonic() - started
    assert slow.status_code == 422, (slow.status_code, slow.text[:500])
    assert elapsed < 20, f"the 2 s execution timeout took {elapsed:.1f}s to act"
    body = error_body(slow)
    assert re.search(r"tim(e|ed)[ _-]?out", body["message"], re.IGNORECASE), body
    assert sdk.get_pipeline_execution(body["execution_id"])["status"] in FAILED_STATUSES

    # The worker was replaced (fresh globals) and serves the next executions.
    after = endpoint_post(base_url, name, token, json_body={"seconds": 0})
    assert after.status_code == 200, (after.status_code, after.text[:500])
    assert after.json()["outputs"]["slept"] == 0
    assert after.json()["outputs"]["boot_id"] != first_boot
    assert sdk.get_deployment(name, wait_for_completion=True, timeout_s=60)["status"] == "up"
    statuses = by_name(deployment_executions(sdk, pipeline, name), "execution_id")
    assert statuses[after.json()["execution_id"]]["status"] == "Succeeded"
