"""Exactly one workflow per matching file, also across a crash: 200 matching files uploaded
concurrently to a server that is killed (SIGKILL) midway and restarted; the uploads that were
not acknowledged are sent again (as a client would). Every file gets one workflow, none two,
and every workflow ends: those whose files were acknowledged without a workflow come from
the scan at start, those cut short resume once the dead node's claim expires."""

import json
import os
import secrets
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from slipway_server import SERVERS, run_cli, start_server, stop
from tetra_helpers import ORG, Tetra
from test_artifacts import NAMESPACE, put, write_folder

FILES = 200
KILL_AFTER = 70

HELLO_PROTOCOL = f'''\
protocolSchema: "v3"
name: "Hello"
steps:
  - id: hello
    task:
      namespace: {NAMESPACE}
      slug: durable-taskscript
      version: v1.0.0
      function: hello
    input:
      input_file_pointer: $( workflow.inputFile )
'''

HELLO_MAIN = '''\
def hello(input: dict, context) -> dict:
    return {"seen": input["input_file_pointer"]["fileKey"]}
'''


@pytest.mark.timeout(600)
def test_two_hundred_concurrent_uploads_with_a_crash_give_two_hundred_workflows(tmp_path):
    root = tmp_path / "crash"
    password, client_secret = "compat-" + secrets.token_urlsafe(16), "secret-" + secrets.token_urlsafe(24)
    server = start_server(root, admin_password=password, client_secret=client_secret)
    try:
        token = run_cli(server, "workspace", "create", ORG).stdout.strip()
        auth = tmp_path / "auth.json"
        auth.write_text(json.dumps({"api_url": server.base_url + "/v1", "org": ORG, "auth_token": token, "ignore_ssl": False}))
        config = {"language": "python", "runtime": "python3.11", "functions": [{"slug": "hello", "function": "main.hello"}]}
        files = {"config.json": json.dumps(config), "main.py": HELLO_MAIN, "requirements.txt": ""}
        assert put(auth, "task-script", "durable-taskscript", "v1.0.0", write_folder(tmp_path / "ts", files)).returncode == 0
        assert put(auth, "protocol", "hello", "v1.0.0", write_folder(tmp_path / "p", {"protocol.yml": HELLO_PROTOCOL})).returncode == 0
        tetra = Tetra(server.base_url, token)
        created = tetra.call("POST", "/pipeline/create", json={
            "name": "durable", "protocolSlug": "hello", "protocolVersion": "v1.0.0", "masterScriptNamespace": NAMESPACE,
            "triggerType": "custom", "triggerCondition": {"groups": [{"key": "filePath", "operator": "glob", "value": "in/*.json"}]}})
        assert created.status_code == 201, created.text
        pipeline_id = created.json()["id"]

        acknowledged = []

        def upload(index: int, base_url: str) -> bool:
            try:
                answer = requests.post(f"{base_url}/v1/datalake/upload", params={"filePath": f"in/{index:03d}.json"},
                                       data=json.dumps({"n": index}).encode(),
                                       headers={"ts-auth-token": token, "x-org-slug": ORG}, timeout=30)
            except requests.RequestException:
                return False
            if answer.status_code == 201:
                acknowledged.append(index)
                if len(acknowledged) == KILL_AFTER:
                    os.kill(server.process.pid, signal.SIGKILL)
                return True
            return False

        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(lambda index: upload(index, server.base_url), range(FILES)))
        server.process.wait(timeout=30)
        assert server.process.returncode == -signal.SIGKILL
        missing = [index for index, ok in enumerate(results) if not ok]
        assert len(acknowledged) >= KILL_AFTER and missing, "the kill came after every upload"
        SERVERS.remove(server)

        server = start_server(root, admin_password=password, client_secret=client_secret)
        with ThreadPoolExecutor(max_workers=20) as pool:
            assert all(pool.map(lambda index: upload(index, server.base_url), missing))
        tetra = Tetra(server.base_url, token)
        deadline = time.time() + 300
        while True:
            hits = tetra.call("GET", "/workflow/search", params={"pipelineId": pipeline_id, "size": 1000}).json()["hits"]
            if len(hits) >= FILES and all(hit["status"] in ("completed", "failed") for hit in hits):
                break
            assert time.time() < deadline, f"{len(hits)} workflows, {sum(h['status'] == 'completed' for h in hits)} completed"
            time.sleep(1)
        paths = [hit["inputFile"]["fileKey"] for hit in hits]
        assert len(paths) == FILES and sorted(set(paths)) == [f"in/{index:03d}.json" for index in range(FILES)]
        assert all(hit["status"] == "completed" for hit in hits), [h for h in hits if h["status"] != "completed"][:3]
        assert all(hit["steps"][0]["output"] == {"seen": hit["inputFile"]["fileKey"]} for hit in hits)
    finally:
        if server.process.poll() is None:
            stop(server.process)
        if server in SERVERS:
            SERVERS.remove(server)
