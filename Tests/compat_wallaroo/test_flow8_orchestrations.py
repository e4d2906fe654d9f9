"""Flow 8 of the protocol reference (§17), its orchestration half: `orchestration/upload` as the
seed sends it (multipart `file` = a ZIP with main.py and requirements.txt, `metadata` =
{"workspace_id"} as a part with a filename, or a plain field), `orchestration/list` (an entry
with the id and a sha), the packaging build reaching `ready`, `get_by_id`; and the ZIP rules of
§13.1: no main.py, two requirements.txt, the Wallaroo SDK in requirements.txt, an archive that
is not a ZIP — each a 400 that stores nothing. Another workspace's orchestration is not found.
"""

import ast
import hashlib
import io
import json
import time
import zipfile

import pytest
import requests

from wallaroo_helpers import bearer, user_token

MAIN_PY = '''\
import wallaroo

wl = wallaroo.Client()
if wl.in_task():
    print(wl.task_args())
'''


def zip_bytes(files: "dict[str, str]") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def session(TOKENURL, APIURL, creds) -> dict:
    tokens = user_token(TOKENURL, creds["username"], creds["password"], creds["confidentialClient"], creds["confidentialPassword"])
    headers = bearer(tokens["access_token"])
    response = requests.post(f"{APIURL}/v1/api/workspaces/create", json={"workspace_name": "apiorchestrationworkspace"},
                             headers=headers)
    assert response.status_code == 200, response.text
    return {"headers": headers, "workspace_id": response.json()["workspace_id"], "api": APIURL}


def upload(session, archive: bytes, *, metadata_as_file: bool = True, file_name: str = "api_inference_orchestration.zip"):
    metadata = json.dumps({"workspace_id": session["workspace_id"]})
    files = {"file": (file_name, archive, "application/octet-stream")}
    if metadata_as_file:
        files["metadata"] = ("metadata", metadata, "application/json")
        return requests.post(f"{session['api']}/v1/api/orchestration/upload", files=files, headers=session["headers"])
    return requests.post(f"{session['api']}/v1/api/orchestration/upload", files=files, data={"metadata": metadata},
                         headers=session["headers"])


def ids(session) -> "list[str]":
    return sorted(entry["id"] for entry in listing(session))


def listing(session) -> list:
    response = requests.post(f"{session['api']}/v1/api/orchestration/list", json={"workspace_id": session["workspace_id"]},
                             headers=session["headers"])
    assert response.status_code == 200, response.text
    return response.json()


def test_flow8_orchestration_upload_list_and_packaging(session):
    archive = zip_bytes({"main.py": MAIN_PY, "requirements.txt": "# nothing beyond the standard library\n",
                         "data/houses.csv": "id,price\n1,100\n"})
    response = upload(session, archive)
    assert response.status_code == 200, response.text
    orchestration_id = response.json()["id"]

    entries = listing(session)
    entry = next(e for e in entries if e["id"] == orchestration_id)
    assert entry["sha"] == hashlib.sha256(archive).hexdigest()
    assert entry["file_name"] == "api_inference_orchestration.zip" and entry["name"] == "api_inference_orchestration"
    assert entry["workspace_id"] == session["workspace_id"] and entry["task_id"]
    assert entry["status"] in ("packaging", "ready")

    deadline = time.monotonic() + 300
    while entry["status"] == "packaging" and time.monotonic() < deadline:
        time.sleep(0.5)
        response = requests.post(f"{session['api']}/v1/api/orchestration/get_by_id", json={"id": orchestration_id},
                                 headers=session["headers"])
        assert response.status_code == 200, response.text
        entry = response.json()
    assert entry["status"] == "ready", entry

    # The metadata may also come as a plain form field; a main.py in a folder is the entry point.
    nested = upload(session, zip_bytes({"job/main.py": MAIN_PY, "job/lib/main.py": "raise SystemExit(1)\n"}), metadata_as_file=False)
    assert nested.status_code == 200, nested.text
    assert len(listing(session)) == len(entries) + 1


@pytest.mark.parametrize("files, expected", [
    ({"run.py": MAIN_PY, "requirements.txt": ""}, "no main.py"),
    ({"main.py": MAIN_PY, "requirements.txt": "", "extra/requirements.txt": ""}, "2 requirements.txt"),
    ({"main.py": MAIN_PY, "requirements.txt": "pandas==2.2.3\nWallaroo==2026.1.3\n"}, "must not list the Wallaroo SDK"),
    ({"main.py": MAIN_PY, "../escape.py": "x"}, "invalid code archive"),
])
def test_bad_orchestration_archives_are_refused_and_nothing_is_stored(session, files, expected):
    before = ids(session)
    response = upload(session, zip_bytes(files))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == 400 and body["status"] == "error" and expected in body["error"], body
    assert ids(session) == before


def test_malformed_uploads_are_refused(session):
    before = ids(session)
    assert upload(session, b"not a zip archive").status_code == 400
    no_metadata = requests.post(f"{session['api']}/v1/api/orchestration/upload",
                                files={"file": ("o.zip", zip_bytes({"main.py": MAIN_PY}), "application/octet-stream")},
                                headers=session["headers"])
    assert no_metadata.status_code == 400 and "metadata" in no_metadata.text
    no_file = requests.post(f"{session['api']}/v1/api/orchestration/upload",
                            files={"metadata": ("metadata", json.dumps({"workspace_id": session["workspace_id"]}), "application/json")},
                            headers=session["headers"])
    assert no_file.status_code == 400 and "file" in no_file.text
    unknown_workspace = requests.post(f"{session['api']}/v1/api/orchestration/upload",
                                      files={"file": ("o.zip", zip_bytes({"main.py": MAIN_PY}), "application/octet-stream"),
                                             "metadata": ("metadata", json.dumps({"workspace_id": 987654}), "application/json")},
                                      headers=session["headers"])
    assert unknown_workspace.status_code in (403, 404)
    unauthenticated = requests.post(f"{session['api']}/v1/api/orchestration/list", json={"workspace_id": session["workspace_id"]})
    assert unauthenticated.status_code == 401
    missing = requests.post(f"{session['api']}/v1/api/orchestration/get_by_id", json={"id": "fd823818-91cf-4d78-9ec2-f74faa1a05f3"},
                            headers=session["headers"])
    assert missing.status_code == 404
    assert ids(session) == before


TASK_MAIN = '''\
import os
import sys

import wallaroo

wl = wallaroo.Client()
assert wl.in_task() and wallaroo.in_task()
args = wl.task_args()
print(args)
print("task", os.environ["TASK_ID"], "sha", os.environ["ORCH_SHA"])
print("to stderr", file=sys.stderr)
if args.get("fail"):
    raise SystemExit(3)
'''


def call(session, route: str, body: dict) -> requests.Response:
    return requests.post(f"{session['api']}/v1/api/{route}", json=body, headers=session["headers"])


def wait_for_run(session, task_id: str, *, status: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = call(session, "task/list_task_runs", {"task_id": task_id}).json()
        if runs and runs[0]["status"] == status:
            return runs[0]
        time.sleep(0.3)
    raise AssertionError(f"no {status} run of task {task_id} within {timeout} s: {runs}")


@pytest.fixture(scope="module")
def task_orchestration(session) -> dict:
    archive = zip_bytes({"main.py": TASK_MAIN, "requirements.txt": ""})
    response = upload(session, archive, file_name="task_orchestration.zip")
    assert response.status_code == 200, response.text
    return {"id": response.json()["id"], "sha": hashlib.sha256(archive).hexdigest()}


def test_flow8_run_once_task_reads_its_args_and_logs(session, task_orchestration):
    args = {"workspace_name": "apiorchestrationworkspace", "pipeline_name": "apipipeline"}
    response = call(session, "task/run_once", {"workspace_id": session["workspace_id"], "orch_id": task_orchestration["id"], "json": args})
    assert response.status_code == 200, response.text
    task_id = response.json()["id"]
    task = call(session, "task/get_by_id", {"id": task_id}).json()
    assert task["status"] in ("pending", "started") and task["flavor"] == "exec_orch_oneshot" and task["exec_type"] == "job"
    assert task["input_data"] == args and task["extra_env_vars"]["TASK_ID"] == task_id
    assert task["extra_env_vars"]["ORCH_SHA"] == task_orchestration["sha"] and task["killed"] is False

    run = wait_for_run(session, task_id, status="success", timeout=300)
    assert run["task"] == task_id and run["run_id"]
    logs = call(session, "task/get_logs_for_run", {"id": run["run_id"]}).json()["logs"]
    printed = [ast.literal_eval(line.split(" stdout F ", 1)[1]) for line in logs if " stdout F {" in line]
    assert printed == [args], logs
    assert any(line.endswith(f"stdout F task {task_id} sha {task_orchestration['sha']}") for line in logs), logs
    assert any(" stderr F to stderr" in line for line in logs)
    stamp = logs[0].split(" ")[0]
    assert len(stamp) == 30 and stamp.endswith("Z") and stamp[10] == "T", stamp
    assert call(session, "task/get_logs_for_run", {"id": run["run_id"], "lines": 1}).json()["logs"] == logs[-1:]
    assert call(session, "task/get_by_id", {"id": task_id}).json()["last_runs"][0]["run_id"] == run["run_id"]


def test_a_failing_task_run_is_a_failure(session, task_orchestration):
    response = call(session, "task/run_once", {"workspace_id": session["workspace_id"], "orch_id": task_orchestration["id"],
                                               "json": {"fail": True}, "name": "failing"})
    assert response.status_code == 200, response.text
    task_id = response.json()["id"]
    run = wait_for_run(session, task_id, status="failure", timeout=300)
    assert call(session, "task/list_task_runs", {"task_id": task_id, "status": "success"}).json() == []
    assert call(session, "task/list_task_runs", {"task_id": task_id, "status": "failure"}).json()[0]["run_id"] == run["run_id"]
    task = call(session, "task/get_by_id", {"id": task_id}).json()
    assert task["status"] == "failed" and task["name"] == "failing"


@pytest.mark.timeout(300)  # up to a minute to the first run, then past the next minute boundary
def test_flow8_scheduled_task_fires_each_minute_until_killed(session, task_orchestration):
    response = call(session, "task/run_scheduled", {"workspace_id": session["workspace_id"], "orch_id": task_orchestration["id"],
                                                    "json": {}, "schedule": "*/1 * * * *"})
    assert response.status_code == 200, response.text
    scheduled_id = response.json()["id"]
    task = call(session, "task/get_by_id", {"id": scheduled_id}).json()
    assert task["schedule"] == "*/1 * * * *" and "flavor" not in task

    ids = call(session, "task/get_tasks_by_orch_sha", {"sha": task_orchestration["sha"]}).json()["ids"]
    assert scheduled_id in ids and len(ids) >= 2
    listed = [t["id"] for t in call(session, "task/list", {"workspace_id": session["workspace_id"]}).json()]
    assert set(ids) <= set(listed)

    run = wait_for_run(session, scheduled_id, status="success", timeout=150)
    killed = call(session, "task/kill", {"id": scheduled_id})
    assert killed.status_code == 200, killed.text
    assert killed.json()["status"] in ("pending_kill", "killed") and killed.json()["schedule"] == "*/1 * * * *"
    runs_at_kill = len(call(session, "task/list_task_runs", {"task_id": scheduled_id}).json())
    # Past the next minute boundary: no new run.
    time.sleep(62 - time.time() % 60 + 2)
    runs = call(session, "task/list_task_runs", {"task_id": scheduled_id}).json()
    assert len(runs) == runs_at_kill and run["run_id"] in [r["run_id"] for r in runs]
    assert call(session, "task/get_by_id", {"id": scheduled_id}).json()["status"] == "killed"


@pytest.mark.parametrize("route, body, expected", [
    ("task/run_scheduled", {"json": {}, "schedule": "every minute"}, "not a valid cron"),
    ("task/run_scheduled", {"json": {}}, "'schedule' is required"),
    ("task/run_once", {"json": [1, 2]}, "must be a JSON object"),
    ("task/run_once", {"json": {}, "timeout": 0}, "'timeout'"),
])
def test_bad_task_requests_are_refused(session, task_orchestration, route, body, expected):
    before = call(session, "task/list", {"workspace_id": session["workspace_id"]}).json()
    response = call(session, route, {"workspace_id": session["workspace_id"], "orch_id": task_orchestration["id"], **body})
    assert response.status_code == 400, response.text
    assert expected in response.json()["error"]
    assert len(call(session, "task/list", {"workspace_id": session["workspace_id"]}).json()) == len(before)


def test_unknown_tasks_and_runs_are_not_found(session):
    missing = "1cb1b550-384f-4476-8619-03e0aca71409"
    for route, body in [("task/get_by_id", {"id": missing}), ("task/kill", {"id": missing}),
                        ("task/list_task_runs", {"task_id": missing}), ("task/get_logs_for_run", {"id": missing}),
                        ("task/run_once", {"workspace_id": session["workspace_id"], "orch_id": missing, "json": {}})]:
        response = call(session, route, body)
        assert response.status_code == 404, (route, response.text)


API_MAIN = '''\
import json
import urllib.request

import wallaroo

wl = wallaroo.Client()
request = urllib.request.Request(wl.api_endpoint + "/v1/api/workspaces/list", data=b"{}",
                                 headers={**wl.auth_header(), "Content-Type": "application/json"})
with urllib.request.urlopen(request) as answer:
    names = sorted(w["name"] for w in json.load(answer)["workspaces"])
print("workspaces", json.dumps(names))
'''


def test_a_task_calls_the_api_of_its_workspace_with_its_own_token(session):
    archive = zip_bytes({"main.py": API_MAIN})
    orchestration = upload(session, archive, file_name="api_orchestration.zip").json()["id"]
    response = call(session, "task/run_once", {"workspace_id": session["workspace_id"], "orch_id": orchestration, "json": {}})
    assert response.status_code == 200, response.text
    task_id = response.json()["id"]
    run = wait_for_run(session, task_id, status="success", timeout=300)
    logs = call(session, "task/get_logs_for_run", {"id": run["run_id"]}).json()["logs"]
    listed = [line.split(" stdout F workspaces ", 1)[1] for line in logs if " stdout F workspaces " in line]
    assert listed and "apiorchestrationworkspace" in json.loads(listed[0]), logs
    # The run's token is in no answer about the task.
    task = call(session, "task/get_by_id", {"id": task_id}).json()
    assert "WALLAROO_TOKEN" not in task["extra_env_vars"] and "swj_" not in json.dumps(task)
