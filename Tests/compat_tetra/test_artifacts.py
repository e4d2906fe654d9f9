"""Artifacts through the unmodified `ts-sdk put` CLI (ts-sdk 2.8.0): the seed's task script
(config.json with five functions, main.py, requirements.txt) and protocol, re-put refused
without -f and accepted with it, builds and their logs, `init/before_install` (a pip line works,
a command that needs root fails the build with a line that says why), listing, fetching and
deleting; bad archives, descriptors and credentials refused with nothing stored.
"""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tetra_helpers import ORG

NAMESPACE = f"private-{ORG}"
TS_SDK = str(Path(sys.executable).parent / "ts-sdk")

SEED_CONFIG = {
    "language": "python",
    "runtime": "python3.11",
    "functions": [
        {"slug": "print-hello-world", "function": "main.print_hello_world"},
        {"slug": "decorate-input-file", "function": "main.decorate_input_file"},
        {"slug": "harmonize-input-file", "function": "main.harmonize_input_file"},
        {"slug": "enrich-input-file", "function": "main.enrich_input_file"},
        {"slug": "push-data", "function": "main.push_data"},
    ],
}

SEED_MAIN = '''\
import json
import os

from ts_sdk.task.__task_script_runner import Context


def print_hello_world(input: dict, context: Context):
    print("Hello World!")
    return "Hello World!"


def decorate_input_file(input: dict, context: Context) -> dict:
    file = input["input_file_pointer"]
    context.add_labels(file, [{"name": "decorated", "value": "yes"}])
    return file


def harmonize_input_file(input: dict, context: Context) -> dict:
    raw = json.loads(context.read_file(input["input_file_pointer"], form="body")["body"])
    return context.write_file(json.dumps({"harmonized": raw}), "harmonized.json", "IDS")


def enrich_input_file(input: dict, context: Context) -> dict:
    ids = json.loads(context.read_file(input["input_file_pointer"], form="body")["body"])
    ids["extra_data"] = {"enriched": True}
    return context.write_file(json.dumps(ids), "processed.json", "PROCESSED")


def push_data(input: dict, context: Context) -> dict:
    print("Starting push to 3rd party")
    kaggle_username = input["kaggle_username"]
    kaggle_api_key = context.resolve_secret(input["kaggle_api_key"])
    f = context.read_file(input["input_file_pointer"], form="file_obj")
    processed_json = json.loads(f["file_obj"].read().decode("utf-8"))
    os.environ["KAGGLE_USERNAME"] = kaggle_username
    os.environ["KAGGLE_KEY"] = kaggle_api_key
    return {"data": processed_json["extra_data"]}
'''

SEED_PROTOCOL = f'''\
protocolSchema: "v3"
name: "Push - v3 protocol"
description: "Protocol that pushes data to 3rd party application."
config:
  kaggle_username:
    label: "Kaggle Username."
    description: "Kaggle Username to use for pushing data."
    type: "string"
    required: true
  kaggle_api_key:
    label: "Kaggle API Key."
    description: "Kaggle API Key to use for pushing data."
    type: "secret"
    required: true
steps:
  - id: push-step
    task:
      namespace: {NAMESPACE}
      slug: sspdemo-taskscript
      version: v5.0.0
      function: push-data
    input:
      input_file_pointer: $( workflow.inputFile )
      kaggle_username: $( config.kaggle_username )
      kaggle_api_key: $( config.kaggle_api_key )
'''


def printed_json(output: str) -> dict:
    """The JSON object ts-sdk printed (after its banner and the build's log)."""
    return json.JSONDecoder().raw_decode(output[output.rindex("\n{") + 1:] if "\n{" in output else output[output.index("{"):])[0]


def write_folder(folder: Path, files: "dict[str, str]") -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def task_script_files(config=None, before_install: "str | None" = None) -> "dict[str, str]":
    files = {"config.json": json.dumps(config or SEED_CONFIG, indent=2), "main.py": SEED_MAIN,
             "requirements.txt": "# no third-party modules\n"}
    if before_install is not None:
        files["init/before_install"] = before_install
    return files


def zip_bytes(files: "dict[str, str | bytes]") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def auth_json(tmp_path_factory, server, org_token) -> Path:
    path = tmp_path_factory.mktemp("auth") / "auth.json"
    path.write_text(json.dumps({"api_url": server.base_url + "/v1", "org": ORG, "auth_token": org_token, "ignore_ssl": False}))
    return path


def put(auth_json: Path, kind: str, slug: str, version: str, folder: Path, *extra: str,
        namespace: str = NAMESPACE) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(auth_json.parent))
    return subprocess.run([TS_SDK, "put", kind, namespace, slug, version, str(folder), "-c", str(auth_json), *extra],
                          capture_output=True, text=True, timeout=600, env=env)


def listing(tetra, segment: str) -> list:
    answer = tetra.call("GET", f"/artifact/{segment}")
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def seed_task_script(tmp_path_factory, auth_json, tetra) -> dict:
    folder = write_folder(tmp_path_factory.mktemp("task-script"), task_script_files())
    # Not uploaded: the CLI's skipped folders.
    write_folder(folder, {"__test__/test_main.py": "assert False\n"})
    result = put(auth_json, "task-script", "sspdemo-taskscript", "v5.0.0", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Build started" in result.stdout
    printed = printed_json(result.stdout)
    assert printed == {"type": "task-script", "namespace": NAMESPACE, "slug": "sspdemo-taskscript", "version": "v5.0.0"}
    answer = tetra.call("GET", f"/artifact/task-scripts/{NAMESPACE}/sspdemo-taskscript/v5.0.0")
    assert answer.status_code == 200, answer.text
    return {"folder": folder, "artifact": answer.json(), "output": result.stdout}


def test_the_seeds_task_script_is_put_built_and_described(seed_task_script, tetra):
    artifact = seed_task_script["artifact"]
    assert artifact["type"] == "task-script" and artifact["runtime"] == "python3.11"
    assert artifact["functions"] == sorted(f["slug"] for f in SEED_CONFIG["functions"])
    assert artifact["config"] == SEED_CONFIG
    assert artifact["build"]["buildComplete"] is True and artifact["build"]["buildStatus"] == "SUCCEEDED"
    # The build's log was printed by ts-sdk as it followed the build.
    assert "Building Python 3.11 environment" in seed_task_script["output"]
    build = tetra.call("GET", f"/artifact/builds/{artifact['build']['id']}")
    assert build.status_code == 200 and build.json()["build"]["buildStatus"] == "SUCCEEDED"
    assert [a["slug"] for a in listing(tetra, "task-scripts")] == ["sspdemo-taskscript"]
    versions = tetra.call("GET", f"/artifact/task-scripts/{NAMESPACE}/sspdemo-taskscript")
    assert [v["version"] for v in versions.json()] == ["v5.0.0"]


def test_build_logs_page_with_next_token(seed_task_script, tetra):
    build_id = seed_task_script["artifact"]["build"]["id"]
    first = tetra.call("GET", f"/artifact/build-logs/{build_id}", params={"nextToken": ""})
    assert first.status_code == 200, first.text
    events = first.json()["events"]
    assert events and all(isinstance(e["message"], str) and isinstance(e["timestamp"], (int, float)) for e in events)
    token = first.json()["nextToken"]
    after = tetra.call("GET", f"/artifact/build-logs/{build_id}", params={"nextToken": token})
    assert after.json() == {"events": [], "nextToken": token}
    assert tetra.call("GET", f"/artifact/build-logs/{build_id}", params={"nextToken": "junk"}).status_code == 400
    missing = tetra.call("GET", "/artifact/builds/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.json()["statusCode"] == 404


def test_a_version_is_immutable_unless_forced(seed_task_script, auth_json, tetra):
    folder = seed_task_script["folder"]
    before = seed_task_script["artifact"]
    refused = put(auth_json, "task-script", "sspdemo-taskscript", "v5.0.0", folder)
    assert refused.returncode != 0
    assert "already exists" in refused.stdout + refused.stderr
    same = tetra.call("GET", f"/artifact/task-scripts/{NAMESPACE}/sspdemo-taskscript/v5.0.0").json()
    assert same["id"] == before["id"]
    forced = put(auth_json, "task-script", "sspdemo-taskscript", "v5.0.0", folder, "-f")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    replaced = tetra.call("GET", f"/artifact/task-scripts/{NAMESPACE}/sspdemo-taskscript/v5.0.0").json()
    assert replaced["id"] != before["id"] and replaced["build"]["buildStatus"] == "SUCCEEDED"
    # The replaced build is gone with its version.
    assert tetra.call("GET", f"/artifact/builds/{before['id']}").status_code == 404
    assert len(listing(tetra, "task-scripts")) == 1


def test_the_seeds_protocol_is_put_against_the_task_script(seed_task_script, auth_json, tetra, tmp_path):
    folder = write_folder(tmp_path / "protocol", {"protocol.yml": SEED_PROTOCOL})
    result = put(auth_json, "protocol", "v3-push", "v1.0.0", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    printed = printed_json(result.stdout)
    assert printed["type"] == "protocol" and printed["slug"] == "v3-push" and "build" not in printed
    stored = tetra.call("GET", f"/artifact/master-scripts/{NAMESPACE}/v3-push/v1.0.0")
    assert stored.status_code == 200, stored.text
    body = stored.json()
    assert body["type"] == "protocol" and body["name"] == "Push - v3 protocol"
    assert body["protocol"]["steps"][0]["task"]["function"] == "push-data"
    assert body["protocol"]["config"]["kaggle_api_key"]["type"] == "secret"
    assert [a["slug"] for a in listing(tetra, "master-scripts")] == ["v3-push"]
    again = put(auth_json, "protocol", "v3-push", "v1.0.0", folder)
    assert again.returncode != 0 and "already exists" in again.stdout + again.stderr
    assert put(auth_json, "protocol", "v3-push", "v1.0.0", folder, "-f").returncode == 0

    # The task script is in use: it cannot be deleted until the protocol is.
    used = tetra.call("DELETE", f"/artifact/task-scripts/{NAMESPACE}/sspdemo-taskscript/v5.0.0")
    assert used.status_code == 409 and "v3-push" in used.json()["message"]


@pytest.mark.parametrize("step_task, expected", [
    ({"slug": "sspdemo-taskscript", "version": "v5.0.0", "function": "no-such-function"}, "has no function 'no-such-function'"),
    ({"slug": "sspdemo-taskscript", "version": "v9.9.9", "function": "push-data"}, "does not exist"),
    ({"slug": "other-script", "version": "v5.0.0", "function": "push-data"}, "does not exist"),
])
def test_a_protocol_naming_a_missing_task_script_or_function_is_refused(seed_task_script, auth_json, tetra, tmp_path,
                                                                         step_task, expected):
    text = SEED_PROTOCOL.replace("slug: sspdemo-taskscript", f"slug: {step_task['slug']}") \
        .replace("version: v5.0.0", f"version: {step_task['version']}").replace("function: push-data", f"function: {step_task['function']}")
    folder = write_folder(tmp_path / "protocol", {"protocol.yml": text})
    result = put(auth_json, "protocol", "broken-protocol", "v1.0.0", folder)
    assert result.returncode != 0
    assert expected in result.stdout + result.stderr
    assert tetra.call("GET", f"/artifact/master-scripts/{NAMESPACE}/broken-protocol/v1.0.0").status_code == 404


def test_before_install_runs_pip_in_the_scripts_environment(auth_json, tetra, tmp_path):
    folder = write_folder(tmp_path / "ts", task_script_files(
        before_install="pip install --no-deps six==1.17.0\npython -c 'import six; print(\"six\", six.__version__)'\n"))
    result = put(auth_json, "task-script", "with-setup", "v1.0.0", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "six 1.17.0" in result.stdout
    assert tetra.call("DELETE", f"/artifact/task-scripts/{NAMESPACE}/with-setup/v1.0.0").status_code == 204
    assert tetra.call("GET", f"/artifact/task-scripts/{NAMESPACE}/with-setup/v1.0.0").status_code == 404


def test_before_install_needing_root_fails_the_build_saying_why(auth_json, tetra, tmp_path):
    folder = write_folder(tmp_path / "ts", task_script_files(before_install="apt-get update && apt-get install -y default-jdk\n"))
    result = put(auth_json, "task-script", "needs-root", "v1.0.0", folder)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Build failed" in output
    assert "need root" in output and "apt-get install" in output
    artifact = tetra.call("GET", f"/artifact/task-scripts/{NAMESPACE}/needs-root/v1.0.0").json()
    assert artifact["build"]["buildStatus"] == "FAILED" and artifact["build"]["buildComplete"] is True
    assert "setup script" in artifact["build"]["failureReason"]


def test_a_runtime_that_is_not_installed_is_refused(auth_json, tetra, tmp_path):
    config = dict(SEED_CONFIG, runtime="python3.7")
    folder = write_folder(tmp_path / "ts", task_script_files(config=config))
    result = put(auth_json, "task-script", "old-python", "v1.0.0", folder)
    if result.returncode == 0:
        pytest.skip("this machine has Python 3.7 installed")
    assert "Python 3.7 is not installed" in result.stdout + result.stderr
    assert tetra.call("GET", f"/artifact/task-scripts/{NAMESPACE}/old-python/v1.0.0").status_code == 404


GOOD_FILES = task_script_files()


@pytest.mark.parametrize("files, status, expected", [
    ({**GOOD_FILES, "../evil.py": "x"}, 400, "invalid code archive"),
    ({**GOOD_FILES, "/etc/evil.py": "x"}, 400, "invalid code archive"),
    ({k: v for k, v in GOOD_FILES.items() if k != "config.json"}, 400, "no config.json"),
    ({k: v for k, v in GOOD_FILES.items() if k != "requirements.txt"}, 400, "no requirements.txt"),
    ({**GOOD_FILES, "config.json": "{not json"}, 400, "config.json is not valid JSON"),
    ({**GOOD_FILES, "config.json": json.dumps(dict(SEED_CONFIG, runtime="python2.7"))}, 400, "'runtime'"),
    ({**GOOD_FILES, "config.json": json.dumps({"language": "python", "functions": [{"slug": "x", "function": "lib.x"}]})},
     400, "no lib.py"),
    ({**GOOD_FILES, "config.json": json.dumps({"language": "python", "functions": []})}, 400, "'functions'"),
])
def test_bad_task_script_archives_are_refused_and_nothing_is_stored(tetra, files, status, expected):
    before = listing(tetra, "task-scripts")
    answer = tetra.call("POST", f"/artifact/task-scripts/{NAMESPACE}/bad-script/v1.0.0", data=zip_bytes(files))
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["statusCode"] == status and expected in body["message"], body
    assert listing(tetra, "task-scripts") == before


@pytest.mark.parametrize("files, expected", [
    ({"protocol.yml": "protocolSchema: v3\nsteps: [{id: a}]\n"}, "'steps[0].task' is required"),
    ({"protocol.yml": SEED_PROTOCOL.replace("$( config.kaggle_api_key )", "$( config.kaggle_key )")}, "'config.kaggle_key' is not declared"),
    ({"protocol.json": "{}", "script.js": "x"}, "v2 protocols"),
    ({"README.md": "x"}, "no protocol.yml"),
])
def test_bad_protocols_are_refused_naming_the_field(tetra, files, expected):
    before = listing(tetra, "master-scripts")
    answer = tetra.call("POST", f"/artifact/master-scripts/{NAMESPACE}/bad-protocol/v1.0.0", data=zip_bytes(files))
    assert answer.status_code == 400, answer.text
    assert expected in answer.json()["message"]
    assert listing(tetra, "master-scripts") == before


def test_oversized_and_malformed_bodies_are_refused(tetra):
    before = listing(tetra, "task-scripts")
    too_big = tetra.call("POST", f"/artifact/task-scripts/{NAMESPACE}/huge/v1.0.0", data=b"\0" * (50 * 1024 * 1024 + 1))
    assert too_big.status_code == 413 and too_big.json()["statusCode"] == 413
    not_zip = tetra.call("POST", f"/artifact/task-scripts/{NAMESPACE}/junk/v1.0.0", data=b"this is not a zip file")
    assert not_zip.status_code == 400 and "not a valid ZIP" in not_zip.json()["message"]
    empty = tetra.call("POST", f"/artifact/task-scripts/{NAMESPACE}/empty/v1.0.0", data=b"")
    assert empty.status_code == 400
    assert listing(tetra, "task-scripts") == before


def test_credentials_organizations_and_names_are_checked(tetra, admin):
    body = zip_bytes(GOOD_FILES)
    path = f"/artifact/task-scripts/{NAMESPACE}/auth-check/v1.0.0"
    assert tetra.call("POST", path, data=body, token="wrong-token-0123456789abcdef").status_code == 401
    assert tetra.call("POST", path, data=body, token=None).status_code == 401
    # An organization the token's user does not belong to.
    admin.run("workspace", "create", "someone-else")
    admin.run("user", "create", "carol", "--email", "carol@example.com", "--workspace", "someone-else")
    carol_token = admin.run("token", "create", "--user", "carol", "--workspace", "someone-else").stdout.strip()
    refused = tetra.call("POST", path, data=body, token=carol_token)
    assert refused.status_code == 403, refused.text
    # Her own organization is open to her, but not this organization's namespace.
    assert tetra.call("GET", "/artifact/task-scripts", token=carol_token, org="someone-else").json() == []
    # The namespace of another organization, even with a valid token.
    foreign = tetra.call("POST", f"/artifact/task-scripts/private-someone-else/auth-check/v1.0.0", data=body)
    assert foreign.status_code == 403 and "private-training-sspdemo" in foreign.json()["message"]
    for bad_path, expected in [
        (f"/artifact/task-scripts/public-{ORG}/auth-check/v1.0.0", "namespace"),
        (f"/artifact/task-scripts/{NAMESPACE}/Auth_Check/v1.0.0", "slug"),
        (f"/artifact/task-scripts/{NAMESPACE}/auth-check/1.0", "version"),
    ]:
        answer = tetra.call("POST", bad_path, data=body)
        assert answer.status_code == 400 and expected in answer.json()["message"], answer.text
    assert tetra.call("POST", f"/artifact/scripts/{NAMESPACE}/auth-check/v1.0.0", data=body).status_code == 404
    assert tetra.call("GET", f"/artifact/task-scripts/{NAMESPACE}/auth-check/v1.0.0").status_code == 404
    # Allowed with the same credentials in x-api-key.
    allowed = tetra.call("POST", path, data=body, header="x-api-key")
    assert allowed.status_code == 200, allowed.text
    assert tetra.call("DELETE", path).status_code == 204


def test_an_ids_schema_is_stored(tetra):
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {"x": {"type": "number"}}}
    answer = tetra.call("POST", f"/artifact/ids/{NAMESPACE}/plate-reader/v1.0.0", data=zip_bytes({"schema.json": json.dumps(schema)}))
    assert answer.status_code == 200, answer.text
    assert "build" not in answer.json()
    stored = tetra.call("GET", f"/artifact/ids/{NAMESPACE}/plate-reader/v1.0.0").json()
    assert stored["schema"] == schema and stored["type"] == "ids"
    bad = tetra.call("POST", f"/artifact/ids/{NAMESPACE}/bad-ids/v1.0.0", data=zip_bytes({"schema.json": "[1]"}))
    assert bad.status_code == 400
