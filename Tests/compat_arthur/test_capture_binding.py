"""The data-store binding (Slipway's extension of the Arthur API, no Arthur client calls it): a
data-store folder bound to a monitored model, and capture files written into it with the real
craft-ai-sdk (`upload_data_store_object`, which uploads through a presigned URL) are ingested
into the model once: the same content uploaded again is not ingested again, a file written
right before the server is SIGKILLed is ingested exactly once after the restart, a malformed
file shows a failed outcome, and other files (`.csv`, outside the folder) are ignored.

The craft-ai-sdk is not installed in this suite's venv (its Python 3.10 and old pandas/pyarrow
pins are arthurai's): uploads run it in its own venv, `.venvs/compat` ($SLIPWAY_COMPAT_PYTHON,
made by scripts/python-env.sh), in a subprocess.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from conftest import TABULAR_ATTRIBUTES, Arthur, capture_line, cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from slipway_server import REPO_ROOT, SERVERS, start_server, stop  # noqa: E402

FOLDER = "captures/model-a/"
# Scans every half second, so that a file that was not ingested shows quickly.
SCAN_INTERVAL = "0.5"

UPLOAD = """
import sys
from craft_ai_sdk import CraftAiSdk
sdk = CraftAiSdk(sdk_token=sys.argv[1], environment_url=sys.argv[2], control_url=sys.argv[2])
for local, remote in zip(sys.argv[3::2], sys.argv[4::2]):
    sdk.upload_data_store_object(local, remote)
"""


def compat_python() -> str:
    python = os.environ.get("SLIPWAY_COMPAT_PYTHON") or str(REPO_ROOT / ".venvs" / "compat" / "bin" / "python")
    if not Path(python).is_file():
        pytest.fail(f"the craft-ai-sdk venv is missing ({python}): run scripts/python-env.sh", pytrace=False)
    return python


class Capture:
    """The module's own server (it is killed and restarted) and its Arthur client."""

    def __init__(self, root: Path):
        self.root = root
        self.password = "compat-" + secrets.token_urlsafe(16)
        self.secret = "secret-" + secrets.token_urlsafe(24)
        self.server = self._start()
        self.key = (self.server.data_dir / "admin-token").read_text().strip()

    def _start(self):
        try:
            return start_server(self.root, admin_password=self.password, client_secret=self.secret,
                                extra_args=["--capture-interval", SCAN_INTERVAL])
        except RuntimeError as error:
            pytest.fail(str(error), pytrace=False)

    @property
    def api(self) -> Arthur:
        return Arthur(self.server.base_url, self.key)

    def upload(self, tmp_path: Path, files: "dict[str, str]") -> None:
        """Writes each (data-store path → text) with the craft-ai-sdk."""
        args = []
        for remote, text in files.items():
            local = tmp_path / f"{uuid.uuid4().hex}-{Path(remote).name}"
            local.write_text(text)
            args += [str(local), remote]
        env = {key: value for key, value in os.environ.items() if not key.startswith("CRAFT_AI_")}
        result = subprocess.run([compat_python(), "-c", UPLOAD, self.key, self.server.base_url, *args],
                                capture_output=True, text=True, timeout=120, env=env)
        assert result.returncode == 0, result.stderr

    def kill_and_restart(self) -> None:
        self.server.process.send_signal(signal.SIGKILL)
        self.server.process.wait(timeout=30)
        SERVERS.remove(self.server)
        self.server = self._start()

    def bindings(self, model_id: str) -> list:
        response = self.api.get(f"/models/{model_id}/capture_bindings")
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def file(self, model_id: str, path: str) -> "dict | None":
        for binding in self.bindings(model_id):
            for entry in binding["files"]:
                if entry["path"] == path:
                    return entry
        return None

    def settled(self, model_id: str, path: str, timeout: float = 60) -> dict:
        """The file's outcome once it is final (ingestion runs in the background of the write)."""
        deadline = time.monotonic() + timeout
        while True:
            entry = self.file(model_id, path)
            if entry and entry["status"] != "pending":
                return entry
            assert time.monotonic() < deadline, f"{path} was not ingested in {timeout}s: {entry}"
            time.sleep(0.2)

    def ids(self, model_id: str) -> Counter:
        """Partner inference ids of the model's records, with how often each is stored."""
        response = self.api.post(f"/models/{model_id}/inferences/query",
                                 json={"select": [{"property": "partner_inference_id"}], "limit": 10000})
        assert response.status_code == 200, response.text
        return Counter(row["partner_inference_id"] for row in response.json()["query_result"])


@pytest.fixture(scope="module")
def capture(_root):
    state = Capture(_root / "capture")
    yield state
    stop(state.server.process)
    if state.server in SERVERS:
        SERVERS.remove(state.server)


@pytest.fixture(scope="module")
def model(capture) -> dict:
    created = capture.api.create_model(attributes=TABULAR_ATTRIBUTES)
    response = capture.api.post(f"/models/{created['id']}/capture_bindings", json={"folder": FOLDER.rstrip("/")})
    assert response.status_code == 201, response.text
    assert response.json()["folder"] == FOLDER
    return created


def events(*ids: str) -> str:
    return "\n".join(capture_line("1.5,16,testStringA,false", "0.25", event_id=event) for event in ids) + "\n"


def test_a_file_written_with_the_craft_ai_sdk_is_ingested_once(capture, model, tmp_path):
    run = uuid.uuid4().hex[:6]
    first = [f"once-{run}-1", f"once-{run}-2"]
    path = FOLDER + f"2024/01/01/once-{run}.jsonl"
    capture.upload(tmp_path, {path: events(*first)})
    outcome = capture.settled(model["id"], path)
    assert outcome["status"] == "ingested", outcome
    assert outcome["counts"] == {"success": 2, "failure": 0, "total": 2}
    assert capture.ids(model["id"]) == Counter(first)

    # The same content again: the same version, not ingested again (scans run every 0.5 s).
    capture.upload(tmp_path, {path: events(*first)})
    time.sleep(2.5)
    assert [entry["path"] for entry in capture.bindings(model["id"])[0]["files"]].count(path) == 1
    assert capture.file(model["id"], path)["attempts"] == 1
    assert capture.ids(model["id"]) == Counter(first)

    # Other content at the same path is a new version: ingested too.
    second = [f"once-{run}-3"]
    capture.upload(tmp_path, {path: events(*second)})
    deadline = time.monotonic() + 60
    while capture.ids(model["id"]) != Counter(first + second):
        assert time.monotonic() < deadline, capture.ids(model["id"])
        time.sleep(0.2)
    versions = [entry for entry in capture.bindings(model["id"])[0]["files"] if entry["path"] == path]
    assert len(versions) == 2 and all(entry["status"] == "ingested" for entry in versions)


def test_a_file_written_right_before_a_sigkill_is_ingested_once_after_the_restart(capture, model, tmp_path):
    run = uuid.uuid4().hex[:6]
    ids = [f"crash-{run}-{index}" for index in range(5)]
    path = FOLDER + f"crash-{run}.jsonl"
    before = capture.ids(model["id"])
    capture.upload(tmp_path, {path: events(*ids)})
    capture.kill_and_restart()
    # A claim the killed server held expires after its 60 s lease; a file it never reached is
    # scanned at once.
    outcome = capture.settled(model["id"], path, timeout=120)
    assert outcome["status"] == "ingested", outcome
    assert outcome["counts"] == {"success": 5, "failure": 0, "total": 5}
    after = capture.ids(model["id"])
    assert after - before == Counter(ids), "every record of the file exactly once"
    assert all(count == 1 for count in after.values())
    time.sleep(1.5)
    assert capture.ids(model["id"]) == after


def test_a_malformed_file_fails_and_other_files_are_ignored(capture, model, tmp_path):
    run = uuid.uuid4().hex[:6]
    broken = FOLDER + f"broken-{run}.jsonl"
    capture.upload(tmp_path, {
        broken: "{this is not json\n",
        FOLDER + f"table-{run}.csv": "1.5,16,testStringA,false\n",
        f"elsewhere/{run}.jsonl": events(f"outside-{run}"),
        f"captures/model-ab/{run}.jsonl": events(f"sibling-{run}"),
    })
    outcome = capture.settled(model["id"], broken)
    assert outcome["status"] == "failed", outcome
    assert outcome["counts"] == {"success": 0, "failure": 1, "total": 1}
    assert outcome["failures"] == ["line 1 is not valid JSON"]
    time.sleep(1.5)
    paths = {entry["path"] for binding in capture.bindings(model["id"]) for entry in binding["files"]}
    assert not any(run in path for path in paths - {broken}), paths
    assert not any(run in partner_id for partner_id in capture.ids(model["id"]))
    counts = capture.bindings(model["id"])[0]["counts"]
    assert counts["files"]["failed"] >= 1 and counts["files"]["pending"] == 0


def test_ingestion_keys_may_not_bind_and_the_cli_binds_lists_and_unbinds(capture, model):
    ingest_key = cli(capture.server, "token", "create", "--scope", "ingest")
    refused = Arthur(capture.server.base_url, ingest_key).post(f"/models/{model['id']}/capture_bindings",
                                                                json={"folder": "captures/other/"})
    assert refused.status_code == 403, refused.text
    bad = capture.api.post(f"/models/{model['id']}/capture_bindings", json={"folder": "../escape/"})
    assert bad.status_code == 400 and "folder" in bad.json()["message"], bad.text

    output = cli(capture.server, "capture", "bind", "--workspace", "default", "--model", model["partner_model_id"],
                 "--folder", "captures/cli")
    assert "captures/cli/" in output
    listing = cli(capture.server, "capture", "list", "--workspace", "default")
    assert "captures/cli/" in listing and FOLDER in listing
    assert {binding["folder"] for binding in capture.bindings(model["id"])} == {FOLDER, "captures/cli/"}
    cli(capture.server, "capture", "unbind", "--workspace", "default", "--model", model["id"], "--folder", "captures/cli/")
    assert {binding["folder"] for binding in capture.bindings(model["id"])} == {FOLDER}
