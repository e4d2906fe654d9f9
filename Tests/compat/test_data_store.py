"""Data store: upload, download, information, listing with pagination, deletion,
multipart uploads, unicode paths and path validation."""

import hashlib
import io
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from craft_ai_sdk import CraftAiSdk

from compat_helpers import CLIENT_ERROR, access_token, sdk_error, uid

# Lowered by conftest.py (read by the SDK at import time).
MULTIPART_THRESHOLD_B = CraftAiSdk._MULTIPART_THRESHOLD
MULTIPART_PART_SIZE_B = CraftAiSdk._MULTIPART_PART_SIZE

PAGE_SIZE = 1000  # server page size for GET /data-store/list


def test_upload_download_information_list_delete(sdk, tmp_path):
    prefix = f"compat/{uid()}/basic"
    from_buffer = f"{prefix}/buffer.bin"
    from_path = f"{prefix}/nested/from-path.txt"

    sdk.upload_data_store_object(io.BytesIO(b"hello data store"), from_buffer)
    local = tmp_path / "local.txt"
    local.write_bytes(b"x" * 2048)
    sdk.upload_data_store_object(str(local), from_path)

    info = sdk.get_data_store_object_information(from_buffer)
    assert info["path"] == from_buffer
    assert info["size"] == "16.00 B"
    assert info["last_modified"]
    assert sdk.get_data_store_object_information(from_path)["size"] == "2.00 KB"

    target = tmp_path / "downloaded.txt"
    sdk.download_data_store_object(from_path, str(target))
    assert target.read_bytes() == b"x" * 2048
    buffer = io.BytesIO()
    sdk.download_data_store_object(from_buffer, buffer)
    assert buffer.getvalue() == b"hello data store"

    listed = {item["path"]: item for item in sdk.list_data_store_objects(prefix)}
    assert set(listed) == {from_buffer, from_path}
    assert listed[from_buffer]["size"] == "16.00 B"
    assert listed[from_buffer]["last_modified"]
    nested = [item["path"] for item in sdk.list_data_store_objects(f"{prefix}/nested")]
    assert nested == [from_path]
    everything = {item["path"] for item in sdk.list_data_store_objects()}
    assert {from_buffer, from_path} <= everything

    # Overwrite in place.
    sdk.upload_data_store_object(io.BytesIO(b"v2"), from_buffer)
    buffer = io.BytesIO()
    sdk.download_data_store_object(from_buffer, buffer)
    assert buffer.getvalue() == b"v2"

    assert sdk.delete_data_store_object(from_buffer) == {"path": from_buffer}
    with sdk_error(status=404):
        sdk.get_data_store_object_information(from_buffer)
    with sdk_error(status=404):
        sdk.download_data_store_object(from_buffer, io.BytesIO())
    assert [item["path"] for item in sdk.list_data_store_objects(prefix)] == [from_path]


def test_listing_paginates_over_many_objects(sdk, base_url, admin_token):
    prefix = f"compat/{uid()}/many"
    count = PAGE_SIZE + 100
    paths = [f"{prefix}/object-{index:05d}.txt" for index in range(count)]
    local = threading.local()

    def upload(path):
        if not hasattr(local, "client"):
            local.client = CraftAiSdk()
        local.client.upload_data_store_object(io.BytesIO(path.encode()), path)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(upload, paths))
    print(f"uploaded {count} objects in {time.monotonic() - started:.1f}s")

    listed = [item["path"] for item in sdk.list_data_store_objects(prefix)]
    assert len(listed) == count
    assert set(listed) == set(paths)

    # The first page is full and carries a continuation token (the SDK follows it).
    token = access_token(base_url, admin_token)
    first_page = requests.get(
        f"{base_url}/api/v1/data-store/list",
        params={"folder_path": prefix},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert first_page.status_code == 200, first_page.text
    body = first_page.json()
    assert len(body["items"]) == PAGE_SIZE
    assert body.get("continuation_token")


def test_multipart_upload_round_trip(sdk, tmp_path, monkeypatch):
    size = 5 * 1024 * 1024 + 12_345
    assert size > MULTIPART_THRESHOLD_B and size % MULTIPART_PART_SIZE_B != 0
    payload = os.urandom(size)
    source = tmp_path / "big.bin"
    source.write_bytes(payload)
    path = f"compat/{uid()}/big/big.bin"

    posted = []
    original_post = sdk._post

    def recording_post(url, *args, **kwargs):
        posted.append(url)
        return original_post(url, *args, **kwargs)

    monkeypatch.setattr(sdk, "_post", recording_post)
    sdk.upload_data_store_object(str(source), path)
    assert any(url.endswith("/data-store/upload/multipart/end") for url in posted), posted
    parts = [url for url in posted if url.endswith("/data-store/upload/multipart/part")]
    assert len(parts) == size // MULTIPART_PART_SIZE_B + 1

    target = tmp_path / "big.copy"
    sdk.download_data_store_object(path, str(target))
    assert hashlib.sha256(target.read_bytes()).hexdigest() == hashlib.sha256(payload).hexdigest()
    assert sdk.get_data_store_object_information(path)["size"] == "5.01 MB"

    # A multipart upload also overwrites an existing object.
    smaller = payload[: MULTIPART_THRESHOLD_B + 1]
    sdk.upload_data_store_object(io.BytesIO(smaller), path)
    buffer = io.BytesIO()
    sdk.download_data_store_object(path, buffer)
    assert buffer.getvalue() == smaller


def test_unicode_paths(sdk):
    folder = f"compat/{uid()}/données/été 2024"
    path = f"{folder}/résumé ✓ 東京.txt"
    content = "contenu accentué ✓".encode()
    sdk.upload_data_store_object(io.BytesIO(content), path)

    assert sdk.get_data_store_object_information(path)["path"] == path
    assert [item["path"] for item in sdk.list_data_store_objects(folder)] == [path]
    buffer = io.BytesIO()
    sdk.download_data_store_object(path, buffer)
    assert buffer.getvalue() == content
    assert sdk.delete_data_store_object(path) == {"path": path}
    assert sdk.list_data_store_objects(folder) == []


@pytest.mark.parametrize(
    "bad_path",
    [
        "../escape.txt",
        "compat/../../escape.txt",
        "compat/a/../../../escape.txt",
        "/etc/passwd",
        "/absolute/path.txt",
    ],
)
def test_paths_escaping_the_store_are_rejected(sdk, bad_path):
    with sdk_error(status=CLIENT_ERROR):
        sdk.upload_data_store_object(io.BytesIO(b"nope"), bad_path)
    with sdk_error(status=CLIENT_ERROR):
        sdk.download_data_store_object(bad_path, io.BytesIO())
    with sdk_error(status=CLIENT_ERROR):
        sdk.get_data_store_object_information(bad_path)
    with sdk_error(status=CLIENT_ERROR):
        sdk.delete_data_store_object(bad_path)
    assert all(".." not in item["path"] for item in sdk.list_data_store_objects())
