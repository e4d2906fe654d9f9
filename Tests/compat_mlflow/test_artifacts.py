"""The proxied artifact service with the real client: `mlflow.artifacts` and the
`HttpArtifactRepository` behind `mlflow-artifacts:` URIs (upload, list, download, delete,
multipart above the client's threshold), and the paths and credentials it refuses."""

import hashlib
import http.client
import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from mlflow_helpers import admin_headers, basic, make_outsider, make_workspace

ROOT = "api/2.0/mlflow-artifacts/artifacts"


def _repo(uri: str):
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
    return get_artifact_repository(uri)


def _tree(root):
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("alpha\n")
    (root / "sub" / "b.bin").write_bytes(os.urandom(70_000))
    (root / "sub" / "deeper" / "c.json").write_text('{"c": 3}')
    return {"a.txt", "sub/b.bin", "sub/deeper/c.json"}


def test_upload_list_download_through_mlflow_artifacts_uri(tracking, tmp_path):
    import mlflow.artifacts
    from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository

    source = tmp_path / "src"
    source.mkdir()
    expected = _tree(source)
    base = f"mlflow-artifacts:/t-{secrets.token_hex(4)}/run1/artifacts"
    repo = _repo(base)
    assert isinstance(repo, HttpArtifactRepository)
    repo.log_artifacts(str(source))

    top = {(f.path, f.is_dir) for f in repo.list_artifacts()}
    assert top == {("a.txt", False), ("sub", True)}
    inner = {f.path: f.file_size for f in repo.list_artifacts("sub")}
    assert inner == {"sub/b.bin": 70_000, "sub/deeper": None}

    target = tmp_path / "out"
    downloaded = mlflow.artifacts.download_artifacts(artifact_uri=base, dst_path=str(target))
    # The client puts a folder under its own name ("artifacts") in the destination.
    found = {str(p.relative_to(downloaded)) for p in Path(downloaded).rglob("*") if p.is_file()}
    assert found == expected
    for name in expected:
        assert (Path(downloaded) / name).read_bytes() == (source / name).read_bytes()

    # One file alone, by its URI.
    single = mlflow.artifacts.download_artifacts(artifact_uri=base + "/sub/deeper/c.json", dst_path=str(tmp_path / "one"))
    assert open(single).read() == '{"c": 3}'


def test_overwrite_and_delete(tracking, tmp_path):
    base = f"mlflow-artifacts:/t-{secrets.token_hex(4)}"
    repo = _repo(base)
    first = tmp_path / "f.txt"
    first.write_text("one")
    repo.log_artifact(str(first), "folder")
    first.write_text("two, longer")
    repo.log_artifact(str(first), "folder")
    (tmp_path / "g.txt").write_text("g")
    repo.log_artifact(str(tmp_path / "g.txt"), "folder/inner")
    assert {f.path: f.file_size for f in repo.list_artifacts("folder")} == {"folder/f.txt": 11, "folder/inner": None}
    (tmp_path / "dl").mkdir()
    out = repo.download_artifacts("folder/f.txt", str(tmp_path / "dl"))
    assert open(out).read() == "two, longer"

    repo.delete_artifacts("folder/inner")
    assert [f.path for f in repo.list_artifacts("folder")] == ["folder/f.txt"]
    repo.delete_artifacts("folder")
    assert repo.list_artifacts() == []


def test_multipart_upload_above_threshold_matches_byte_for_byte(tracking, tmp_path, monkeypatch):
    from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository

    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(1 << 20))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(1 << 20))
    created = []
    original = HttpArtifactRepository.create_multipart_upload

    def counting(self, local_file, num_parts=1, artifact_path=None):
        response = original(self, local_file, num_parts, artifact_path)
        created.append((num_parts, len(response.credentials)))
        return response

    monkeypatch.setattr(HttpArtifactRepository, "create_multipart_upload", counting)
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom((3 << 20) + 12345))
    base = f"mlflow-artifacts:/t-{secrets.token_hex(4)}"
    repo = _repo(base)
    repo.log_artifact(str(big), "data")
    assert created == [(4, 4)]
    assert {f.path: f.file_size for f in repo.list_artifacts("data")} == {"data/big.bin": big.stat().st_size}
    (tmp_path / "dl").mkdir()
    out = repo.download_artifacts("data/big.bin", str(tmp_path / "dl"))
    assert hashlib.sha256(open(out, "rb").read()).hexdigest() == hashlib.sha256(big.read_bytes()).hexdigest()

    # A small file stays a single PUT.
    small = tmp_path / "small.bin"
    small.write_bytes(b"x" * 100)
    repo.log_artifact(str(small), "data")
    assert len(created) == 1


def test_multipart_complete_needs_every_part_and_abort_discards(server, tmp_path):
    headers = admin_headers(server)
    base = f"{server.base_url}/api/2.0/mlflow-artifacts"
    folder = f"t-{secrets.token_hex(4)}"
    created = requests.post(f"{base}/mpu/create/{folder}", json={"path": "/local/dir/f.bin", "num_parts": 2}, headers=headers)
    assert created.status_code == 200, created.text
    upload = created.json()
    first = requests.put(upload["credentials"][0]["url"], data=b"a" * 10)
    assert first.status_code == 200, first.text
    incomplete = requests.post(f"{base}/mpu/complete/{folder}", headers=headers,
                               json={"path": "f.bin", "upload_id": upload["upload_id"], "parts": [{"part_number": 1}, {"part_number": 2}]})
    assert incomplete.status_code == 400
    assert incomplete.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert requests.get(f"{base}/artifacts/{folder}/f.bin", headers=headers).status_code == 404

    # A tampered part URL is refused; the signature is the only credential there.
    url = upload["credentials"][1]["url"]
    tampered = url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb")
    assert requests.put(tampered, data=b"b").status_code == 403
    assert requests.put(url.split("?")[0], data=b"b").status_code == 401

    aborted = requests.post(f"{base}/mpu/abort/{folder}", json={"path": "f.bin", "upload_id": upload["upload_id"]}, headers=headers)
    assert aborted.status_code == 200, aborted.text
    again = requests.post(f"{base}/mpu/complete/{folder}", headers=headers,
                          json={"path": "f.bin", "upload_id": upload["upload_id"], "parts": [{"part_number": 1}]})
    assert again.status_code == 404
    assert again.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert requests.get(f"{base}/artifacts", params={"path": folder}, headers=headers).json().get("files", []) == []


def _raw(server, method: str, path: str, body: bytes = b"") -> "tuple[int, str]":
    """A request whose path goes out exactly as written (no client-side normalisation)."""
    parsed = urlparse(server.base_url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    connection.request(method, path, body=body, headers=admin_headers(server))
    response = connection.getresponse()
    text = response.read().decode(errors="replace")
    connection.close()
    return response.status, text


@pytest.mark.parametrize("bad", ["../escape.txt", "a/../../escape.txt", "a/%2E%2E/escape.txt", "a//b.txt",
                                 "a%5Cb.txt", "a%00b.txt", "%2Fetc%2Fpasswd", "a/./b.txt"])
def test_bad_paths_are_refused_and_write_nothing(server, bad):
    status, text = _raw(server, "PUT", f"/{ROOT}/guard/{bad}", b"payload")
    assert status == 400, text
    assert '"INVALID_PARAMETER_VALUE"' in text
    assert "payload" not in text
    listed = requests.get(f"{server.base_url}/{ROOT}", params={"path": "guard"}, headers=admin_headers(server))
    assert listed.json().get("files", []) == []
    top = requests.get(f"{server.base_url}/{ROOT}", headers=admin_headers(server)).json().get("files", [])
    assert "escape.txt" not in [entry["path"] for entry in top]


@pytest.mark.parametrize("bad", ["../x", "/etc", "a\\b", "a//b"])
def test_bad_listing_paths_are_refused(server, bad):
    response = requests.get(f"{server.base_url}/{ROOT}", params={"path": bad}, headers=admin_headers(server))
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_registry_folder_is_read_only(server):
    response = requests.put(f"{server.base_url}/{ROOT}/_model-versions/x/file.txt", data=b"x", headers=admin_headers(server))
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_credentials_are_required_and_checked(server):
    assert requests.get(f"{server.base_url}/{ROOT}", timeout=10).status_code == 401
    wrong = requests.put(f"{server.base_url}/{ROOT}/x/y.txt", data=b"x", headers=basic("admin", "wrong"))
    assert wrong.status_code == 401
    assert wrong.json()["error_code"] == "UNAUTHENTICATED"
    email, password = make_outsider(server)
    refused = requests.put(f"{server.base_url}/{ROOT}/x/y.txt", data=b"x", headers=basic(email, password))
    assert refused.status_code == 403
    assert refused.json()["error_code"] == "PERMISSION_DENIED"
    assert requests.get(f"{server.base_url}/{ROOT}/x/y.txt", headers=admin_headers(server)).status_code == 404


def test_workspaces_have_separate_artifacts(server):
    make_workspace(server, "artifacts-other")
    other = admin_headers(server, "artifacts-other")
    put = requests.put(f"{server.base_url}/{ROOT}/iso/only-there.txt", data=b"there", headers=other)
    assert put.status_code == 200, put.text
    assert requests.get(f"{server.base_url}/{ROOT}/iso/only-there.txt", headers=other).content == b"there"
    assert requests.get(f"{server.base_url}/{ROOT}/iso/only-there.txt", headers=admin_headers(server)).status_code == 404
    listed = requests.get(f"{server.base_url}/{ROOT}", params={"path": "iso"}, headers=admin_headers(server))
    assert listed.json().get("files", []) == []
