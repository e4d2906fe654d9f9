"""Flow 8 of the protocol reference (§17), its orchestration half: `orchestration/upload` as the
seed sends it (multipart `file` = a ZIP with main.py and requirements.txt, `metadata` =
{"workspace_id"} as a part with a filename, or a plain field), `orchestration/list` (an entry
with the id and a sha), the packaging build reaching `ready`, `get_by_id`; and the ZIP rules of
§13.1: no main.py, two requirements.txt, the Wallaroo SDK in requirements.txt, an archive that
is not a ZIP — each a 400 that stores nothing. Another workspace's orchestration is not found.
"""

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
