"""Parallel executions on a low-latency deployment ("Parallelism Deployment" in the Craft AI
docs): `def` steps in threads and `async def` steps as asyncio tasks, at most
max_parallel_executions_per_pod at a time, per-execution logs kept apart, and a worker crash in
the middle of parallel executions.

The documentation's example: 20 simultaneous calls of a step that sleeps, 5 at a time. With a
1 s sleep that is 4 rounds, about 4 s: more than 3.5 s proves the limit, less than 8 s proves
the parallelism."""

import re
import threading
import time

import pytest
from craft_ai_sdk import CraftAiSdk, Input, Output

from compat_helpers import (
    FAILED_STATUSES,
    FINAL_EXECUTION_STATUSES,
    create_pipeline,
    endpoint_post,
    error_body,
    log_text,
    run_concurrently,
    uid,
    unique,
)

CALLS = 20
MAX_PARALLEL = 5
TAG_RE = re.compile(r"tag-\d\d-[0-9a-f]{8}")


def _sleepy_pipeline(sdk, module) -> str:
    name = unique("par")
    create_pipeline(sdk, name, "deploy", module, "sleepy",
                    inputs=[Input("tag", "string")],
                    outputs=[Output("tag", "string"), Output("boot_id", "string")])
    return name


def _parallel_deployment(deployments, pipeline, **kwargs) -> dict:
    deployment = deployments.create(
        pipeline_name=pipeline,
        deployment_name=unique("par"),
        execution_rule="endpoint",
        mode="low_latency",
        **kwargs,
    )
    assert deployment["status"] == "up"
    return deployment


def _tags(count=CALLS):
    return [f"tag-{index:02d}-{uid()}" for index in range(count)]


def _assert_own_logs_only(sdk, execution_id, tag):
    logs = log_text(sdk, execution_id)
    assert f"start {tag}" in logs and f"end {tag}" in logs, (tag, logs)
    assert set(TAG_RE.findall(logs)) == {tag}, (tag, logs)


def test_parallel_sync_executions_respect_the_limit(sdk, deployments, base_url):
    pipeline = _sleepy_pipeline(sdk, "src/resident_steps.py")
    deployment = _parallel_deployment(
        deployments, pipeline,
        enable_parallel_executions=True, max_parallel_executions_per_pod=MAX_PARALLEL,
    )
    assert deployment["enable_parallel_executions"] is True
    assert deployment["max_parallel_executions_per_pod"] == MAX_PARALLEL
    name, token = deployment["name"], deployment["endpoint_token"]

    warm = endpoint_post(base_url, name, token, json_body={"tag": "warm-up"})
    assert warm.status_code == 200, (warm.status_code, warm.text[:500])
    boot_id = warm.json()["outputs"]["boot_id"]

    tags = _tags()
    responses, elapsed = run_concurrently([
        (lambda tag=tag: endpoint_post(base_url, name, token, json_body={"tag": tag}))
        for tag in tags
    ])
    for tag, response in zip(tags, responses):
        assert response.status_code == 200, (tag, response.status_code, response.text[:300])
        body = response.json()
        assert body["status"] == "Succeeded"
        assert body["outputs"] == {"tag": tag, "boot_id": boot_id}
    assert 3.5 < elapsed < 8, f"{CALLS} calls of 1 s, {MAX_PARALLEL} at a time, took {elapsed:.2f}s"

    # Logs are attributed per execution even though the executions shared one process.
    for tag, response in zip(tags, responses):
        _assert_own_logs_only(sdk, response.json()["execution_id"], tag)


def test_parallel_async_executions_respect_the_limit(sdk, deployments):
    """`async def` step; 20 callers, each with its own CraftAiSdk, as in the documentation."""
    pipeline = _sleepy_pipeline(sdk, "src/resident_async.py")
    deployment = _parallel_deployment(
        deployments, pipeline,
        enable_parallel_executions=True, max_parallel_executions_per_pod=MAX_PARALLEL,
    )
    name, token = deployment["name"], deployment["endpoint_token"]
    boot_id = sdk.trigger_endpoint(name, endpoint_token=token,
                                   inputs={"tag": "warm-up"})["outputs"]["boot_id"]

    def call(tag):
        client = CraftAiSdk()
        return client.trigger_endpoint(name, endpoint_token=token, inputs={"tag": tag})

    tags = _tags()
    results, elapsed = run_concurrently([(lambda tag=tag: call(tag)) for tag in tags])
    for tag, result in zip(tags, results):
        assert result["outputs"] == {"tag": tag, "boot_id": boot_id}
    assert 3.5 < elapsed < 8, f"{CALLS} calls of 1 s, {MAX_PARALLEL} at a time, took {elapsed:.2f}s"

    for tag, result in zip(tags, results):
        _assert_own_logs_only(sdk, result["execution_id"], tag)
        assert sdk.get_pipeline_execution(result["execution_id"])["status"] == "Succeeded"


def test_without_parallelism_executions_run_one_at_a_time(sdk, deployments, base_url):
    pipeline = _sleepy_pipeline(sdk, "src/resident_steps.py")
    deployment = _parallel_deployment(deployments, pipeline)
    assert not deployment.get("enable_parallel_executions")
    name, token = deployment["name"], deployment["endpoint_token"]
    assert endpoint_post(base_url, name, token, json_body={"tag": "warm-up"}).status_code == 200

    tags = _tags(3)
    responses, elapsed = run_concurrently([
        (lambda tag=tag: endpoint_post(base_url, name, token, json_body={"tag": tag}))
        for tag in tags
    ])
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert elapsed > 2.8, f"3 calls of 1 s without parallelism took only {elapsed:.2f}s"


@pytest.mark.parametrize("action", ["exit", "kill"])
def test_worker_crash_during_parallel_executions(sdk, deployments, base_url, action):
    """A step calls os._exit(1) (or SIGKILLs its own process) while other executions run in
    the same worker: that execution fails, the worker is replaced, the deployment stays up
    and later executions succeed."""
    pipeline = unique("par-crash")
    create_pipeline(sdk, pipeline, "deploy", "src/resident_steps.py", "crashy",
                    inputs=[Input("tag", "string"), Input("action", "string"),
                            Input("seconds", "number")],
                    outputs=[Output("tag", "string"), Output("boot_id", "string")])
    deployment = _parallel_deployment(
        deployments, pipeline,
        enable_parallel_executions=True, max_parallel_executions_per_pod=MAX_PARALLEL,
    )
    name, token = deployment["name"], deployment["endpoint_token"]

    def call(tag, what, seconds):
        return endpoint_post(base_url, name, token,
                             json_body={"tag": tag, "action": what, "seconds": seconds})

    warm = call("warm-up", "none", 0)
    assert warm.status_code == 200, (warm.status_code, warm.text[:500])
    first_boot = warm.json()["outputs"]["boot_id"]

    # Three executions running when the crash happens.
    running = {}
    threads = []
    for tag in _tags(3):
        def run(tag=tag):
            try:
                running[tag] = call(tag, "sleep", 3)
            except Exception as error:  # noqa: BLE001 - reported below
                running[tag] = error
        threads.append(threading.Thread(target=run, daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(1)

    crash = call(f"crash-{uid()}", action, 0.2)
    assert crash.status_code == 422, (crash.status_code, crash.text[:500])
    crash_id = error_body(crash)["execution_id"]
    assert sdk.get_pipeline_execution(crash_id)["status"] in FAILED_STATUSES

    for thread in threads:
        thread.join(60)
    assert len(running) == 3, "executions running during the crash never got an answer"
    for tag, response in running.items():
        assert not isinstance(response, Exception), (tag, response)
        # They shared the crashed process: they may fail, but they must end and say so.
        assert response.status_code in (200, 422), (tag, response.status_code, response.text[:300])
        execution_id = response.json()["execution_id"]
        status = sdk.get_pipeline_execution(execution_id)["status"]
        assert status in FINAL_EXECUTION_STATUSES
        if response.status_code == 200:
            assert status == "Succeeded" and response.json()["outputs"]["tag"] == tag
        else:
            assert status in FAILED_STATUSES

    # Later executions run in a new worker.
    responses, _ = run_concurrently([
        (lambda tag=tag: call(tag, "sleep", 0)) for tag in _tags(3)
    ])
    new_boots = set()
    for response in responses:
        assert response.status_code == 200, (response.status_code, response.text[:300])
        new_boots.add(response.json()["outputs"]["boot_id"])
    assert len(new_boots) == 1 and first_boot not in new_boots

    assert sdk.get_deployment(name, wait_for_completion=True, timeout_s=60)["status"] == "up"
    logs = "\n".join(str(entry["message"]) for entry in sdk.get_deployment_logs(name))
    # The replacement of the worker is told (wording free: restarted, replaced, respawned...).
    assert re.search(r"restart|replac|respawn", logs, re.IGNORECASE), logs[-2000:]
    assert logs.count("resident steps imported") >= 2, logs[-2000:]
