"""What was answered is stored: endpoint executions answered under load are all found after the
server is killed with SIGKILL and restarted, and after a graceful stop (SIGTERM), which also
leaves no worker process behind.

Each test runs its own `slipway serve` (the session's server is not killed)."""

import os
import secrets
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests
from craft_ai_sdk import CraftAiSdk, Input, Output

from conftest import start_server, stop_server
from compat_helpers import container_config

LOAD_THREADS = 8
#: Answers to wait for before the server is stopped (calls are still coming when it is).
MIN_ANSWERS = {"low_latency": 200, "elastic": 30}
LOAD_TIMEOUT_S = 90


def _sdk(server) -> CraftAiSdk:
    return CraftAiSdk(sdk_token=server.admin_token, environment_url=server.base_url, control_url=server.base_url)


def _deploy(sdk: CraftAiSdk, mode: str) -> dict:
    sdk.create_pipeline(
        pipeline_name="durable", function_path="src/deploy_steps.py", function_name="multiply",
        container_config=container_config("deploy"),
        inputs=[Input("number1", "number"), Input("number2", "number")],
        outputs=[Output("resultMulti", "number")], timeout_s=300,
    )
    options = {"enable_parallel_executions": True, "max_parallel_executions_per_pod": 8} if mode == "low_latency" else {}
    deployment = sdk.create_deployment(pipeline_name="durable", deployment_name="durable", execution_rule="endpoint",
                                       mode=mode, **options)
    assert deployment["status"] == "up", deployment
    return deployment


def _load(base_url: str, token: str, answered: list, errors: list, stop: threading.Event) -> None:
    """Calls the endpoint until `stop`; records the id of every execution answered as succeeded
    (and, in `errors`, an answer that is neither a success nor the server going away)."""
    session = requests.Session()
    number = 0
    while not stop.is_set():
        number += 1
        try:
            response = session.post(f"{base_url}/endpoints/durable", json={"number1": number, "number2": 2},
                                    headers={"Authorization": f"EndpointToken {token}"}, timeout=30)
        except requests.RequestException:
            return  # the server is gone
        if response.status_code == 200:
            body = response.json()
            if body.get("outputs", {}).get("resultMulti") != number * 2:
                errors.append(f"wrong answer for {number}: {body}")
                return
            answered.append((body["execution_id"], number * 2))
        elif not stop.is_set() and response.status_code < 500:
            errors.append(f"HTTP {response.status_code}: {response.text[:300]}")
            return


def _under_load(server, token: str, stop_with: signal.Signals, minimum: int) -> list:
    answered: list = []
    errors: list = []
    stop = threading.Event()
    threads = [threading.Thread(target=_load, args=(server.base_url, token, answered, errors, stop), daemon=True)
               for _ in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    while len(answered) < minimum and time.monotonic() < deadline and not errors:
        time.sleep(0.05)
    server.process.send_signal(stop_with)  # while the calls are still coming
    server.process.wait(timeout=60)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors[:3]
    return answered


def _worker_processes(data_dir: Path) -> list:
    """Processes whose command line names the data dir (worker processes run its code copies)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(data_dir) in command and "slipway_worker" in command:
            found.append((int(entry), command))
    return found


@pytest.fixture
def root():
    path = Path(tempfile.mkdtemp(prefix="slipway-durable-"))
    yield path
    for pid, _ in _worker_processes(path):
        os.kill(pid, signal.SIGKILL)


def _check_all_stored(root: Path, admin_token: str, data_dir: Path, answered: list) -> None:
    assert answered, "no call was answered"
    restarted = start_server(root, admin_token, data_dir=data_dir, log_name="restarted.log")
    try:
        sdk = _sdk(restarted)
        stored = {item["execution_id"]: item for item in sdk.list_pipeline_executions("durable")}
        missing = [execution_id for execution_id, _ in answered if execution_id not in stored]
        assert not missing, f"{len(missing)} of {len(answered)} answered executions are not stored: {missing[:5]}"
        for execution_id, _ in answered:
            assert stored[execution_id]["status"] == "Succeeded", stored[execution_id]
        for execution_id, expected in answered[:: max(1, len(answered) // 20)]:
            output = sdk.get_pipeline_execution_output(execution_id, "resultMulti")
            assert output["value"] == expected, (execution_id, output)
    finally:
        stop_server(restarted)


@pytest.mark.parametrize("mode", ["low_latency", "elastic"])
def test_answered_executions_survive_sigkill(root, mode):
    admin_token = "durable-" + secrets.token_urlsafe(24)
    server = start_server(root, admin_token)
    try:
        token = _deploy(_sdk(server), mode)["endpoint_token"]
        answered = _under_load(server, token, signal.SIGKILL, MIN_ANSWERS[mode])
        assert len(answered) >= MIN_ANSWERS[mode], f"too little load to mean anything: {len(answered)} answers"
    finally:
        stop_server(server)
    _check_all_stored(root, admin_token, server.data_dir, answered)


def test_sigterm_stores_what_was_answered_and_leaves_no_worker(root):
    admin_token = "durable-" + secrets.token_urlsafe(24)
    server = start_server(root, admin_token)
    try:
        token = _deploy(_sdk(server), "low_latency")["endpoint_token"]
        assert _worker_processes(server.data_dir), "the low-latency worker should be running"
        answered = _under_load(server, token, signal.SIGTERM, MIN_ANSWERS["low_latency"])
    finally:
        stop_server(server)
    assert server.process.returncode == 0, server.log_tail()
    deadline = time.monotonic() + 10
    while _worker_processes(server.data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _worker_processes(server.data_dir), "worker processes outlived the server"
    _check_all_stored(root, admin_token, server.data_dir, answered)
