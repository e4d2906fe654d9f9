"""Pipelines (file-triggered workflows) that run protocols on file arrival, end to end with the unmodified `ts-sdk put`:
the seed's shared setting, secret, task script (its `push_data` posts the PROCESSED data to a
loopback HTTP receiver standing in for the AI/ML platform, with the username and the resolved
API key) and protocol; a pipeline with a trigger; a matching upload → one workflow → the
receiver got the data and the credentials → the secret is in no answer, log or stored input.
Also a four-step protocol passing files between steps, a failing step with and without
`continueOnError`, retry, disabling, loops, and refused requests."""

import http.server
import json
import subprocess
import threading
import time

import pytest
import requests

from tetra_helpers import ORG
from test_artifacts import NAMESPACE, auth_json, put, write_folder  # noqa: F401 (auth_json is a fixture)
from test_artifacts import SEED_CONFIG, SEED_PROTOCOL as ARTIFACTS_SEED_PROTOCOL

SECRET_VALUE = "kgl-Secret-Value-7f3a9c"
USERNAME = "lab-user"

MAIN_TEMPLATE = '''\
import json
import os
import urllib.request

from ts_sdk.task.__task_script_runner import Context

RECEIVER = "__RECEIVER__"


def print_hello_world(input: dict, context: Context):
    print("Hello World!")
    return "Hello World!"


def decorate_input_file(input: dict, context: Context) -> dict:
    file = input["input_file_pointer"]
    context.add_labels(file, [{"name": "decorated", "value": "yes"}])
    # The presigned URL serves the same bytes as read_file, without credentials.
    with urllib.request.urlopen(context.get_presigned_url(file, ttl_sec=60), timeout=10) as answer:
        assert answer.read() == context.read_file(file, form="body")["body"]
    context.get_logger().log({"decorated": file["fileKey"], "labels": [l["name"] for l in context.get_labels(file)]})
    return file


def harmonize_input_file(input: dict, context: Context) -> dict:
    raw = json.loads(context.read_file(input["input_file_pointer"], form="body")["body"])
    if raw.get("fail"):
        context.raise_fatal_error("the instrument file says fail")
    return context.write_file(json.dumps({"harmonized": raw}), "harmonized.json", "IDS")


def enrich_input_file(input: dict, context: Context) -> dict:
    ids = json.loads(context.read_file(input["input_file_pointer"], form="body")["body"])
    ids["extra_data"] = {"enriched": True, "source": ids["harmonized"]}
    return context.write_file(json.dumps(ids), "processed.json", "PROCESSED",
                              labels=[{"name": "stage", "value": "processed"}])


def push_data(input: dict, context: Context) -> dict:
    print("Starting push to 3rd party")
    input_file_pointer = input["input_file_pointer"]
    kaggle_username = input["kaggle_username"]
    kaggle_api_key = context.resolve_secret(input["kaggle_api_key"])
    f = context.read_file(input_file_pointer, form="file_obj")
    processed_json = json.loads(f["file_obj"].read().decode("utf-8"))
    os.environ["KAGGLE_USERNAME"] = kaggle_username
    os.environ["KAGGLE_KEY"] = kaggle_api_key
    data = {"data": processed_json["extra_data"]}
    request = urllib.request.Request(RECEIVER + "/datasets", data=json.dumps(data).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "X-Username": kaggle_username,
                                              "Authorization": "Bearer " + kaggle_api_key})
    with urllib.request.urlopen(request, timeout=10) as answer:
        print("pushed", len(json.dumps(data)), "bytes as", kaggle_username, "with key", kaggle_api_key, "->", answer.status)
    return {"pushed": True}
'''

CONFIG = SEED_CONFIG  # the seed's config.json: five functions of main.py

# The seed's protocol, calling this module's task script.
SEED_PROTOCOL = ARTIFACTS_SEED_PROTOCOL.replace("slug: sspdemo-taskscript", "slug: pipeline-taskscript")


def step(step_id: str, function: str, pointer: str, extra: str = "", options: str = "") -> str:
    return f'''\
  - id: {step_id}
{options}    task:
      namespace: {NAMESPACE}
      slug: pipeline-taskscript
      version: v5.0.0
      function: {function}
    input:
      input_file_pointer: {pointer}
{extra}'''


MULTI_STEP_PROTOCOL = (SEED_PROTOCOL.split("steps:")[0] + "steps:\n" + "".join([
    step("decorate", "decorate-input-file", "$( workflow.inputFile )"),
    step("harmonize", "harmonize-input-file", "$( steps.decorate.output )", options="    continueOnError: $( config.keep_going )\n"),
    step("enrich", "enrich-input-file", "$( steps.harmonize.output )",
         options="    if: $( steps.harmonize.status == 'succeeded' )\n"),
    step("push", "push-data", "$( steps.enrich.output )",
         "      kaggle_username: $( config.kaggle_username )\n      kaggle_api_key: $( config.kaggle_api_key )\n",
         options="    if: $( steps.enrich.status == 'succeeded' )\n"),
])).replace("steps:\n", "  keep_going:\n    label: \"Keep going\"\n    type: \"boolean\"\n    required: false\n    default: false\nsteps:\n", 1)


class Receiver:
    """The stand-in AI/ML platform: records every request it gets."""

    def __init__(self):
        self.requests = []
        received = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def receiver():
    running = Receiver()
    yield running
    running.server.shutdown()


@pytest.fixture(scope="module")
def protocols(tmp_path_factory, auth_json, tetra, receiver):
    assert tetra.call("POST", "/sharedsettings", json={"name": "kaggle_username", "value": USERNAME}).status_code in (200, 201)
    assert tetra.call("POST", "/secrets", json={"name": "kaggle_api_key", "value": SECRET_VALUE}).status_code in (200, 201)
    files = {"config.json": json.dumps(CONFIG), "main.py": MAIN_TEMPLATE.replace("__RECEIVER__", receiver.url),
             "requirements.txt": "# no third-party modules\n"}
    script = put(auth_json, "task-script", "pipeline-taskscript", "v5.0.0", write_folder(tmp_path_factory.mktemp("ts"), files), "-f")
    assert script.returncode == 0, script.stdout + script.stderr
    for slug, text in (("v3-push-pipeline", SEED_PROTOCOL), ("v3-multi", MULTI_STEP_PROTOCOL)):
        result = put(auth_json, "protocol", slug, "v1.0.0", write_folder(tmp_path_factory.mktemp(slug), {"protocol.yml": text}), "-f")
        assert result.returncode == 0, result.stdout + result.stderr
    return {"seed": "v3-push-pipeline", "multi": "v3-multi"}


def create_pipeline(tetra, name: str, slug: str, glob: str, **extra):
    body = {"name": name, "description": "from the seed", "protocolSlug": slug, "protocolVersion": "v1.0.0",
            "masterScriptNamespace": NAMESPACE,
            "pipelineConfig": {"kaggle_username": {"sharedSetting": "kaggle_username"}, "kaggle_api_key": {"secret": "kaggle_api_key"}},
            "triggerType": "custom",
            "triggerCondition": {"groupOperator": "AND", "groups": [{"key": "filePath", "operator": "glob", "value": glob}]}}
    body.update(extra)
    answer = tetra.call("POST", "/pipeline/create", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def upload(tetra, path: str, content, **kwargs):
    answer = tetra.call("POST", "/datalake/upload", params={"filePath": path}, data=json.dumps(content).encode(), **kwargs)
    assert answer.status_code == 201, answer.text
    return answer.json()["file"]


def workflows(tetra, pipeline_id: str) -> list:
    answer = tetra.call("GET", "/workflow/search", params={"pipelineId": pipeline_id})
    assert answer.status_code == 200, answer.text
    return answer.json()["hits"]


def wait_for_workflows(tetra, pipeline_id: str, count: int, timeout: float = 120) -> list:
    deadline = time.time() + timeout
    while True:
        found = workflows(tetra, pipeline_id)
        if len(found) >= count and all(w["status"] in ("completed", "failed") for w in found):
            return found
        assert time.time() < deadline, f"workflows of {pipeline_id}: {found}"
        time.sleep(0.2)


def step_log(tetra, workflow_id: str, step_id: str) -> str:
    answer = tetra.call("GET", f"/workflow/{workflow_id}/steps/{step_id}/logs")
    assert answer.status_code == 200, answer.text
    return "\n".join(line["message"] for line in answer.json()["logs"])


def test_the_seed_pipeline_pushes_a_matching_file_once_with_the_credentials(tetra, protocols, receiver, server):
    pipeline = create_pipeline(tetra, "seed push", protocols["seed"], "incoming/*.json")
    assert pipeline["status"] == "enabled" and pipeline["pipelineConfig"]["kaggle_api_key"] == {"secret": "kaggle_api_key"}
    before = len(receiver.requests)
    upload(tetra, "incoming/run-1.json", {"extra_data": {"plate": 7}})
    upload(tetra, "elsewhere/run-1.json", {"extra_data": {"plate": 8}})  # does not match
    [workflow] = wait_for_workflows(tetra, pipeline["id"], 1)
    assert workflow["status"] == "completed", workflow
    assert workflow["inputFile"]["fileKey"] == "incoming/run-1.json"
    assert [s["status"] for s in workflow["steps"]] == ["completed"] and workflow["steps"][0]["durationMs"] >= 0
    pushed = receiver.requests[before:]
    assert len(pushed) == 1
    assert pushed[0]["body"] == {"data": {"plate": 7}}
    assert pushed[0]["headers"]["X-Username"] == USERNAME and pushed[0]["headers"]["Authorization"] == "Bearer " + SECRET_VALUE

    log = step_log(tetra, workflow["id"], "push-step")
    assert "Starting push to 3rd party" in log and "pushed" in log and "********" in log
    # The step is a Slipway execution, its inputs recorded with the secret as a reference.
    access = requests.post(f"{server.base_url}/api/v1/auth/refresh", json={"refresh_token": tetra.token}, timeout=30).json()
    execution = requests.get(f"{server.base_url}/environments/{ORG}/api/v1/executions/{workflow['steps'][0]['executionId']}",
                             headers={"Authorization": "Bearer " + access["access_token"]}, timeout=30)
    assert execution.status_code == 200, execution.text
    inputs = {item["pipeline_input_name"]: item["value"] for item in execution.json()["inputs"]}
    assert execution.json()["execution_rule"] == "file_arrival" and execution.json()["status"] == "Succeeded"
    assert inputs["kaggle_api_key"] == {"ssm": f"/slipway/{ORG}/org-secrets/kaggle_api_key"}
    assert inputs["kaggle_username"] == USERNAME and SECRET_VALUE not in execution.text
    # The secret is in no answer, log line or stored input.
    answers = [tetra.call("GET", f"/workflow/{workflow['id']}").text, tetra.call("GET", f"/pipeline/{pipeline['id']}").text,
               tetra.call("GET", "/pipeline/search").text, tetra.call("GET", "/secrets").text, log, execution.text]
    assert all(SECRET_VALUE not in text for text in answers)
    time.sleep(1)
    assert SECRET_VALUE not in server.log_tail(100000)

    # The same file again (same content) is the same version: no second workflow; new content is.
    upload(tetra, "incoming/run-1.json", {"extra_data": {"plate": 7}})
    upload(tetra, "incoming/run-1.json", {"extra_data": {"plate": 9}})
    assert len(wait_for_workflows(tetra, pipeline["id"], 2)) == 2
    time.sleep(1)
    assert len(workflows(tetra, pipeline["id"])) == 2


def test_a_multi_step_protocol_passes_files_between_steps_and_writes_no_loops(tetra, protocols, receiver):
    pipeline = create_pipeline(tetra, "multi step", protocols["multi"], "**/*.json")
    before = len(receiver.requests)
    source = upload(tetra, "lab/plate-1.json", {"well": "A1", "od": 0.42})
    [workflow] = wait_for_workflows(tetra, pipeline["id"], 1)
    assert workflow["status"] == "completed", workflow
    assert [s["id"] for s in workflow["steps"]] == ["decorate", "harmonize", "enrich", "push"]
    assert all(s["status"] == "completed" for s in workflow["steps"])
    harmonized = workflow["steps"][1]["output"]
    processed = workflow["steps"][2]["output"]
    assert harmonized["fileKey"] == "IDS/lab/harmonized.json" and processed["fileKey"] == "PROCESSED/lab/processed.json"
    assert receiver.requests[before:][0]["body"] == {"data": {"enriched": True, "source": {"well": "A1", "od": 0.42}}}
    assert '"decorated": "lab/plate-1.json"' in step_log(tetra, workflow["id"], "decorate")
    labels = tetra.call("GET", f"/fileinfo/files/{source['fileId']}/labels").json()
    assert [(label["name"], label["value"]) for label in labels] == [("decorated", "yes")]
    info = tetra.call("GET", f"/fileinfo/file/{processed['fileId']}").json()
    assert info["category"] == "PROCESSED" and info["labels"][0]["name"] == "stage"
    # The files the workflow wrote match `**/*.json` but started no workflow of the same pipeline.
    time.sleep(2)
    assert len(workflows(tetra, pipeline["id"])) == 1
    assert tetra.call("POST", f"/pipeline/update/{pipeline['id']}", json={"status": "disabled"}).json()["status"] == "disabled"


def test_a_failing_step_stops_the_workflow_unless_continue_on_error_and_retry_runs_it_again(tetra, protocols):
    stopping = create_pipeline(tetra, "stops on error", protocols["multi"], "failing/*.json")
    going = create_pipeline(tetra, "goes on", protocols["multi"], "failing/*.json",
                            pipelineConfig={"kaggle_username": {"sharedSetting": "kaggle_username"},
                                            "kaggle_api_key": {"secret": "kaggle_api_key"}, "keep_going": True})
    upload(tetra, "failing/bad.json", {"fail": True})
    [stopped] = wait_for_workflows(tetra, stopping["id"], 1)
    assert stopped["status"] == "failed" and "the instrument file says fail" in stopped["error"]
    assert [s["status"] for s in stopped["steps"]] == ["completed", "failed", "skipped", "skipped"]
    [continued] = wait_for_workflows(tetra, going["id"], 1)
    assert continued["status"] == "completed"
    assert [s["status"] for s in continued["steps"]] == ["completed", "failed", "skipped", "skipped"]
    assert continued["steps"][1]["continuedOnError"] is True

    retried = tetra.call("POST", f"/workflow/{stopped['id']}/retry")
    assert retried.status_code == 200, retried.text
    [again] = wait_for_workflows(tetra, stopping["id"], 1)
    assert again["status"] == "failed" and again["attempts"] == 2
    assert tetra.call("POST", f"/workflow/{continued['id']}/retry").status_code == 409
    for pipeline in (stopping, going):
        assert tetra.call("DELETE", f"/pipeline/{pipeline['id']}").status_code == 204
        assert tetra.call("GET", f"/pipeline/{pipeline['id']}").status_code == 404


def test_a_disabled_pipeline_starts_nothing_and_conditions_on_labels_and_categories(tetra, protocols):
    pipeline = create_pipeline(tetra, "labelled only", protocols["seed"], "tagged/*.json", triggerCondition={
        "groupOperator": "AND", "groups": [
            {"key": "filePath", "operator": "glob", "value": "tagged/*.json"},
            {"groupOperator": "OR", "groups": [{"key": "label:instrument", "operator": "equals", "value": "hplc"},
                                               {"key": "fileCategory", "operator": "equals", "value": "PROCESSED"}]}]})
    labelled = json.dumps({"labels": [{"name": "instrument", "value": "hplc"}]})
    upload(tetra, "tagged/a.json", {"extra_data": 1}, headers={"X-Slipway-File-Attributes": labelled})
    upload(tetra, "tagged/b.json", {"extra_data": 2})
    assert [w["inputFile"]["fileKey"] for w in wait_for_workflows(tetra, pipeline["id"], 1)] == ["tagged/a.json"]
    assert tetra.call("POST", f"/pipeline/update/{pipeline['id']}", json={"status": "disabled"}).status_code == 200
    upload(tetra, "tagged/c.json", {"extra_data": 3}, headers={"X-Slipway-File-Attributes": labelled})
    time.sleep(2)
    assert len(workflows(tetra, pipeline["id"])) == 1
    found = tetra.call("GET", "/pipeline/search", params={"status": "disabled"}).json()["hits"]
    assert pipeline["id"] in [p["id"] for p in found]


@pytest.mark.parametrize("change, status, expected", [
    ({"protocolSlug": "no-such-protocol"}, 404, "no-such-protocol"),
    ({"pipelineConfig": {"kaggle_username": "x"}}, 400, "'kaggle_api_key' is required"),
    ({"pipelineConfig": {"kaggle_username": "x", "kaggle_api_key": "plain"}}, 400, "is a secret"),
    ({"pipelineConfig": {"kaggle_username": "x", "kaggle_api_key": {"secret": "missing"}}}, 400, "no secret named 'missing'"),
    ({"pipelineConfig": {"kaggle_username": {"sharedSetting": "nope"}, "kaggle_api_key": {"secret": "kaggle_api_key"}}}, 400,
     "no shared setting named 'nope'"),
    ({"pipelineConfig": {"unknown": 1, "kaggle_username": "x", "kaggle_api_key": {"secret": "kaggle_api_key"}}}, 400, "'unknown'"),
    ({"triggerCondition": {"groups": [{"key": "filePath", "operator": "glob", "value": "../x"}]}}, 400, "glob"),
    ({"triggerCondition": {"groups": [{"key": "color", "operator": "equals", "value": "red"}]}}, 400, "'color' is not known"),
    ({"triggerCondition": {"groupOperator": "XOR", "groups": [{"key": "fileCategory", "value": "RAW"}]}}, 400, "groupOperator"),
    ({"triggerType": "schedule"}, 400, "triggerType"),
    ({"name": ""}, 400, "pipeline name"),
    ({"surprise": True}, 400, "'surprise' is not a pipeline field"),
])
def test_bad_pipelines_are_refused_and_nothing_is_stored(tetra, protocols, change, status, expected):
    before = tetra.call("GET", "/pipeline/search").json()["total"]
    body = {"name": "refused", "protocolSlug": protocols["seed"], "protocolVersion": "v1.0.0", "masterScriptNamespace": NAMESPACE,
            "pipelineConfig": {"kaggle_username": {"sharedSetting": "kaggle_username"}, "kaggle_api_key": {"secret": "kaggle_api_key"}},
            "triggerType": "custom", "triggerCondition": {"groups": [{"key": "filePath", "operator": "glob", "value": "x/*"}]}}
    body.update(change)
    answer = tetra.call("POST", "/pipeline/create", json=body)
    assert answer.status_code == status, answer.text
    assert expected in answer.json()["message"]
    assert tetra.call("GET", "/pipeline/search").json()["total"] == before


def test_pipelines_check_credentials_and_organizations(tetra, protocols, admin):
    assert tetra.call("GET", "/pipeline/search", token="swt_not-a-token").status_code == 401
    assert tetra.call("GET", "/workflow/search", token=False).status_code == 401
    assert tetra.call("POST", "/datalake/upload", params={"filePath": "incoming/x.json"}, data=b"{}", token=False).status_code == 401
    admin.run("workspace", "create", "pipeline-outsiders")
    admin.run("user", "create", "pipeline-dave", "--email", "pipeline-dave@example.com", "--workspace", "pipeline-outsiders")
    other = admin.run("token", "create", "--user", "pipeline-dave", "--workspace", "pipeline-outsiders").stdout.strip()
    assert tetra.call("GET", "/pipeline/search", org="no-such-org").status_code == 403
    outsider = tetra.call("GET", "/pipeline/search", token=other, org=ORG)
    assert outsider.status_code == 403
    assert tetra.call("GET", "/pipeline/search", token=other, org="pipeline-outsiders").json()["total"] == 0
    mine = create_pipeline(tetra, "private to the org", protocols["seed"], "private/*.json")
    assert tetra.call("GET", f"/pipeline/{mine['id']}", token=other, org="pipeline-outsiders").status_code == 404
    assert tetra.call("DELETE", f"/pipeline/{mine['id']}", token=other, org="pipeline-outsiders").status_code == 404
    assert tetra.call("GET", f"/pipeline/{mine['id']}").status_code == 200
    # The task-runtime API is a running step's: a user's token reads but a dead step token is refused.
    assert tetra.call("GET", "/task-runtime/file", params={"fileKey": "nope"}, token="swj_expired").status_code == 401


def test_the_file_pipeline_commands_create_list_disable_and_delete(tetra, protocols, admin, receiver):
    created = admin.run("file-pipeline", "create", "from the cli", "--workspace", ORG,
                        "--protocol", f"{NAMESPACE}/{protocols['seed']}@v1.0.0",
                        "--config", "kaggle_username=setting:kaggle_username", "--config", "kaggle_api_key=secret:kaggle_api_key",
                        "--trigger", "filePath=cli/*.json", "--trigger", "fileCategory=RAW")
    pipeline_id = created.stdout.strip()
    shown = tetra.call("GET", f"/pipeline/{pipeline_id}").json()
    assert shown["name"] == "from the cli" and shown["status"] == "enabled"
    assert shown["triggerCondition"]["groups"][1] == {"key": "fileCategory", "operator": "equals", "value": "RAW"}
    listed = admin.run("file-pipeline", "list", "--workspace", ORG).stdout
    assert f"{pipeline_id}\tfrom the cli\tenabled\t{NAMESPACE}/{protocols['seed']}/v1.0.0" in listed
    # The running server picks it up at the next file.
    upload(tetra, "cli/one.json", {"extra_data": "cli"})
    assert wait_for_workflows(tetra, pipeline_id, 1)[0]["status"] == "completed"
    admin.run("file-pipeline", "disable", "from the cli", "--workspace", ORG)
    assert tetra.call("GET", f"/pipeline/{pipeline_id}").json()["status"] == "disabled"
    for args, expected in [
        (["--protocol", f"{NAMESPACE}/nothing@v1.0.0", "--trigger", "filePath=x/*"], "no protocol"),
        (["--protocol", "no-slash", "--trigger", "filePath=x/*"], "NAMESPACE/SLUG@VERSION"),
        (["--protocol", f"{NAMESPACE}/{protocols['seed']}@v1.0.0", "--trigger", "colour=red"], "--trigger"),
        (["--protocol", f"{NAMESPACE}/{protocols['seed']}@v1.0.0", "--trigger", "filePath=x/*",
          "--config", "kaggle_username=x", "--config", "kaggle_api_key=plain"], "is a secret"),
    ]:
        refused = admin.run("file-pipeline", "create", "refused", "--workspace", ORG, *args, check=False)
        assert refused.returncode != 0 and expected in refused.stderr, refused.stderr
    admin.run("file-pipeline", "delete", pipeline_id, "--workspace", ORG)
    assert tetra.call("GET", f"/pipeline/{pipeline_id}").status_code == 404
    assert "refused" not in admin.run("file-pipeline", "list", "--workspace", ORG).stdout


def test_a_workspace_can_cut_its_steps_off_from_the_network(tetra, protocols, admin, receiver):
    if subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode != 0:
        pytest.skip("this host does not allow network namespaces (unshare --net needs root or user namespaces)")
    pipeline = create_pipeline(tetra, "offline", protocols["seed"], "offline/*.json")
    denied = admin.run("workspace", "network", ORG, "--deny")
    assert "outbound network denied" in denied.stdout
    try:
        before = len(receiver.requests)
        upload(tetra, "offline/a.json", {"extra_data": {"plate": 1}})
        [workflow] = wait_for_workflows(tetra, pipeline["id"], 1)
        # The step still read its file through Slipway's API; its push to the platform could not leave.
        assert workflow["status"] == "failed", workflow
        log = step_log(tetra, workflow["id"], "push-step")
        assert "Starting push to 3rd party" in log and "unreachable" in log.lower(), log
        assert len(receiver.requests) == before
    finally:
        assert "outbound network allowed" in admin.run("workspace", "network", ORG, "--allow").stdout
    assert "allowed" in admin.run("workspace", "network", ORG).stdout
    assert tetra.call("POST", f"/workflow/{workflow['id']}/retry").status_code == 200
    [retried] = wait_for_workflows(tetra, pipeline["id"], 1)
    assert retried["status"] == "completed", retried
    assert receiver.requests[-1]["body"] == {"data": {"plate": 1}}
    assert tetra.call("DELETE", f"/pipeline/{pipeline['id']}").status_code == 204
