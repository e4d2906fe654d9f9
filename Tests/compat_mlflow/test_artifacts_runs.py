"""Artifacts of runs through the tracking client: `log_artifact(s)`, `list_artifacts`,
`download_artifacts`, `GET /mlflow/artifacts/list` and a multipart upload into a run. Runs come
from the tracking RPCs; on a build without them these tests are skipped (enable by merging)."""

import hashlib
import os

import pytest
import requests

from mlflow_helpers import admin_headers, tracking_available


@pytest.fixture()
def runs(server, tracking):
    if not tracking_available(server):
        pytest.skip("this build does not serve the tracking RPCs (runs/create)")
    return tracking


def test_run_artifacts_round_trip(runs, server, tmp_path):
    import mlflow
    from mlflow import MlflowClient

    folder = tmp_path / "logged"
    (folder / "nested").mkdir(parents=True)
    (folder / "one.txt").write_text("1")
    (folder / "nested" / "two.txt").write_text("22")
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(folder), "bundle")
        mlflow.log_text("hello", "notes/hello.txt")
    assert run.info.artifact_uri == f"mlflow-artifacts:/{run.info.experiment_id}/{run.info.run_id}/artifacts"
    client = MlflowClient()
    assert {(f.path, f.is_dir) for f in client.list_artifacts(run.info.run_id)} == {("bundle", True), ("notes", True)}
    assert {f.path for f in client.list_artifacts(run.info.run_id, "bundle")} == {"bundle/one.txt", "bundle/nested"}
    (tmp_path / "dl").mkdir()
    out = client.download_artifacts(run.info.run_id, "bundle", str(tmp_path / "dl"))
    assert open(os.path.join(out, "nested", "two.txt")).read() == "22"

    listed = requests.get(f"{server.base_url}/api/2.0/mlflow/artifacts/list",
                          params={"run_id": run.info.run_id, "path": "bundle"}, headers=admin_headers(server))
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["root_uri"] == run.info.artifact_uri
    assert {(f["path"], f["is_dir"]) for f in body["files"]} == {("bundle/one.txt", False), ("bundle/nested", True)}


def test_run_multipart_artifact(runs, tmp_path, monkeypatch):
    import mlflow
    from mlflow import MlflowClient

    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(1 << 20))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(1 << 20))
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom((2 << 20) + 7))
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(big))
    (tmp_path / "dl").mkdir()
    out = MlflowClient().download_artifacts(run.info.run_id, "big.bin", str(tmp_path / "dl"))
    assert hashlib.sha256(open(out, "rb").read()).digest() == hashlib.sha256(big.read_bytes()).digest()


def test_unknown_run_is_not_found(runs, server):
    listed = requests.get(f"{server.base_url}/api/2.0/mlflow/artifacts/list", params={"run_id": "0" * 32},
                          headers=admin_headers(server))
    assert listed.status_code == 404
    assert listed.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
