"""Tests for the TetraScience task-script runtime: the stand-in `ts_sdk` Context
(python/slipway_shims/tetra/ts_sdk) and the runner (python/slipway_shims/slipway_task_script.py).

Both talk to a fake of the Slipway task-runtime API (`FakePlatform`, an http.server in a thread).
The runner is started as the platform starts it: `python -c BOOTSTRAP slipway_task_script.py` in
a copy of the code folder.
"""

from __future__ import annotations

import io
import json
import os
import socketserver
import subprocess
import sys
import textwrap
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

SHIMS = Path(__file__).resolve().parents[2] / "python" / "slipway_shims"
RUNNER = SHIMS / "slipway_task_script.py"
if str(SHIMS / "tetra") not in sys.path:
    sys.path.insert(0, str(SHIMS / "tetra"))

from ts_sdk.task import Context  # noqa: E402
from ts_sdk.task.__task_script_runner import ConcurrentModificationError, TaskRuntimeError  # noqa: E402

TOKEN = "run-token-7f3a9c"
ORG = "acme"
TIMEOUT = 30

# The program launcher's bootstrap (Sources/SlipwayRuntime/Programs/LocalProgramLauncher.swift).
BOOTSTRAP = textwrap.dedent("""\
    import os, runpy, sys
    sys.path.append(os.environ.pop("SLIPWAY_SHIMS"))
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    runpy.run_path(script, run_name="__main__")
    """)


class FakePlatform:
    """An in-memory data lake behind the task-runtime API routes the Context calls. Every request
    is recorded in `requests` as `{"method", "path", "segments", "query", "headers", "body"}`
    (header names in lower case)."""

    def __init__(self) -> None:
        self.files: Dict[str, Dict[str, Any]] = {}
        self.requests: List[Dict[str, Any]] = []
        self.next_number = 1
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                platform.handle(self, "GET")

            def do_POST(self) -> None:
                platform.handle(self, "POST")

            def do_DELETE(self) -> None:
                platform.handle(self, "DELETE")

        self.handler = Handler
        self.unix_servers: List[Any] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def serve_unix(self, path: str) -> None:
        """Serves the same API on a Unix socket at `path` too."""
        unix = socketserver.ThreadingUnixStreamServer(path, self.handler)
        self.unix_servers.append(unix)
        threading.Thread(target=unix.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        for server in [self.server, *self.unix_servers]:
            server.shutdown()
            server.server_close()

    def add_file(self, key: str, body: bytes, category: str = "RAW", file_id: Optional[str] = None,
                 custom_metadata: Optional[dict] = None, custom_tags: Optional[list] = None) -> Dict[str, Any]:
        """Stores a file and returns its pointer."""
        number = self.next_number
        self.next_number += 1
        pointer = {"type": "s3file", "bucket": ORG, "fileKey": key, "fileId": file_id or f"file-{number}",
                   "version": f"v{number}"}
        self.files[pointer["fileId"]] = {
            "file": pointer, "body": body, "category": category, "customMetadata": dict(custom_metadata or {}),
            "customTags": list(custom_tags or []), "labels": [], "attributes": {},
            "metadata": {"ts_file_name": os.path.basename(key), "ts_integration_type": "api"},
        }
        return pointer

    def latest(self, key: str) -> Optional[Dict[str, Any]]:
        """The newest file stored at `key`."""
        found = [record for record in self.files.values() if record["file"]["fileKey"] == key]
        return found[-1] if found else None

    def requests_to(self, method: str, path: str) -> List[Dict[str, Any]]:
        return [request for request in self.requests if request["method"] == method and request["path"] == path]

    # -- HTTP

    def handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        split = urllib.parse.urlsplit(handler.path)
        segments = [urllib.parse.unquote(segment) for segment in split.path.split("/")]
        query = urllib.parse.parse_qs(split.query)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        self.requests.append({"method": method, "path": split.path, "segments": segments, "query": query,
                              "headers": {name.lower(): value for name, value in handler.headers.items()},
                              "body": body})
        if handler.headers.get("ts-auth-token") != TOKEN or handler.headers.get("x-org-slug") != ORG:
            return self.answer(handler, 401, {"error": "unknown token or organisation"})
        try:
            status, payload, headers = self.route(method, segments, query, handler.headers, body)
        except LookupError as error:
            status, payload, headers = 404, {"error": str(error)}, {}
        self.answer(handler, status, payload, headers)

    @staticmethod
    def answer(handler: BaseHTTPRequestHandler, status: int, payload: Any, headers: Optional[dict] = None) -> None:
        data = payload if isinstance(payload, bytes) else (b"" if payload is None else json.dumps(payload).encode())
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def record(self, file_id: str) -> Dict[str, Any]:
        if file_id not in self.files:
            raise LookupError(f"no file with id {file_id}")
        return self.files[file_id]

    def route(self, method: str, segments: List[str], query: Dict[str, List[str]], headers: Any, body: bytes):
        one = {name: values[0] for name, values in query.items()}
        route = (method, "/".join(segments[:4]))
        if route == ("GET", "/v1/task-runtime/file") and len(segments) == 4:
            record = self.record(one["fileId"]) if "fileId" in one else self.latest(one["fileKey"])
            if record is None:
                raise LookupError(f"no file at {one['fileKey']}")
            described = {"file": record["file"], "metadata": record["metadata"],
                         "customMetadata": record["customMetadata"], "customTags": record["customTags"],
                         "category": record["category"], "labels": record["labels"]}
            return 200, record["body"], {"X-Slipway-File": json.dumps(described)}
        if route == ("POST", "/v1/task-runtime/file") and len(segments) == 4:
            return self.write(one, headers, body)
        if route == ("POST", "/v1/task-runtime/file") and segments[4:] == ["metadata"]:
            record = self.record(one["fileId"])
            update = json.loads(body)
            metadata = {**record["customMetadata"], **update["customMetadata"]}
            pointer = self.add_file(record["file"]["fileKey"], record["body"], record["category"],
                                    custom_metadata={k: v for k, v in metadata.items() if v is not None},
                                    custom_tags=record["customTags"] + update["customTags"])
            return 200, {"file": pointer}, {}
        if route == ("POST", "/v1/task-runtime/file") and segments[4:] == ["presigned-url"]:
            record = self.record(one["fileId"])
            return 200, {"url": f"https://downloads.example/{record['file']['fileKey']}?ttl={one['ttl']}"}, {}
        if route == ("GET", "/v1/fileinfo/file") and len(segments) == 5:
            if segments[4] == "echo-token":
                return 500, {"error": f"cannot check token {headers.get('ts-auth-token')}"}, {}
            record = self.record(segments[4])
            return 200, {"fileId": segments[4], "file": record["file"], "category": record["category"],
                         "customMetadata": record["customMetadata"], "customTags": record["customTags"],
                         "labels": record["labels"], "size": len(record["body"])}, {}
        if route == ("GET", "/v1/fileinfo/files") and segments[5:] == ["labels"]:
            return 200, self.record(segments[4])["labels"], {}
        if route == ("POST", "/v1/fileinfo/files") and segments[5:] == ["labels"]:
            record = self.record(segments[4])
            added = [{"id": f"label-{len(record['labels']) + index + 1}", **label}
                     for index, label in enumerate(json.loads(body))]
            record["labels"] += added
            return 200, added, {}
        if route == ("DELETE", "/v1/fileinfo/files") and segments[5:] == ["labels"]:
            record = self.record(segments[4])
            record["labels"] = [label for label in record["labels"] if label["id"] not in query.get("id", [])]
            return 204, None, {}
        return 404, {"error": f"no route {method} {'/'.join(segments)}"}, {}

    def write(self, one: Dict[str, str], headers: Any, body: bytes):
        attributes = json.loads(headers["X-Slipway-File-Attributes"])
        key = f"{ORG}/{one['category'].lower()}/{one['fileName']}"
        current = self.latest(key)
        if headers.get("If-None-Match") == "*" and current is not None:
            return 412, {"error": f"{key} already exists"}, {}
        if_match = headers.get("If-Match")
        if if_match is not None and (current is None or current["file"]["version"] != if_match):
            return 412, {"error": f"{key} was changed"}, {}
        pointer = self.add_file(key, body, one["category"], custom_metadata=attributes["customMetadata"],
                                custom_tags=attributes["customTags"])
        record = self.files[pointer["fileId"]]
        record["attributes"] = attributes
        record["labels"] = [{"id": f"label-{index + 1}", **label} for index, label in enumerate(attributes["labels"])]
        return 201, {"file": pointer}, {}


@pytest.fixture
def platform():
    fake = FakePlatform()
    yield fake
    fake.close()


def context_object(input_file: Optional[dict], **overrides: Any) -> Dict[str, Any]:
    """A platform context in its camelCase form."""
    return {
        "orgSlug": ORG, "pipelineId": "pipe-1", "workflowId": "wf-1", "masterScriptNamespace": "common",
        "masterScriptSlug": "demo-protocol", "masterScriptVersion": "v1.0.0", "inputFile": input_file,
        "createdAt": "2024-05-01T10:00:00Z", "taskId": "task-1", "taskCreatedAt": "2024-05-01T10:00:01Z",
        "pipelineConfig": {"threshold": "3"}, "platformUrl": "https://slipway.example/",
        "platformApiUrl": "https://slipway.example/api", "platformVersion": "1.2.3",
        "taskScript": "common/demo:v1.0.0", "taskSlug": "demo", **overrides,
    }


@pytest.fixture
def raw(platform):
    """The run's input file, a RAW file with custom metadata and tags."""
    return platform.add_file(f"{ORG}/raw/instrument/run 7.csv", b"a,b\n1,2\n",
                             custom_metadata={"lab": "north"}, custom_tags=["plate"])


@pytest.fixture
def context(platform, raw, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    return Context(context_object(raw), api_url=platform.url, token=TOKEN)


# -- Context: attributes


def test_context_has_the_snake_case_attributes_and_tmp_dir(context, raw, tmp_path):
    assert context.org_slug == ORG
    assert context.pipeline_id == "pipe-1"
    assert context.workflow_id == "wf-1"
    assert context.master_script_namespace == "common"
    assert context.master_script_slug == "demo-protocol"
    assert context.master_script_version == "v1.0.0"
    assert context.input_file == raw
    assert context.created_at == "2024-05-01T10:00:00Z"
    assert context.task_id == "task-1"
    assert context.task_created_at == "2024-05-01T10:00:01Z"
    assert context.pipeline_config == {"threshold": "3"}
    assert context.platform_url == "https://slipway.example/"
    assert context.platform_api_url == "https://slipway.example/api"
    assert context.platform_version == "1.2.3"
    assert context.task_script == "common/demo:v1.0.0"
    assert context.tmp_dir == str(tmp_path)
    assert context.allowed_ids is None


def test_missing_context_keys_are_none_and_keys_never_hide_methods(platform):
    context = Context({"orgSlug": ORG, "readFile": "not a method", "pipelineConfig": None},
                      api_url=platform.url, token=TOKEN)
    assert context.pipeline_id is None and context.input_file is None
    assert context.pipeline_config == {}
    assert callable(context.read_file)


def test_api_url_and_token_default_to_the_environment(platform, raw, monkeypatch):
    monkeypatch.setenv("SLIPWAY_API_URL", platform.url)
    monkeypatch.setenv("SLIPWAY_TASK_TOKEN", TOKEN)
    assert Context(context_object(raw)).read_file(raw)["body"] == b"a,b\n1,2\n"


def test_the_api_socket_carries_every_call_when_set(platform, raw, monkeypatch, tmp_path):
    path = str(tmp_path / "api.sock")
    platform.serve_unix(path)
    monkeypatch.setenv("SLIPWAY_API_SOCKET", path)
    # The URL names no reachable server: only the socket can answer.
    context = Context(context_object(raw), api_url="http://127.0.0.1:9", token=TOKEN)
    assert context.read_file(raw)["body"] == b"a,b\n1,2\n"
    with pytest.raises(TaskRuntimeError) as refused:
        context.read_file({"fileId": "no-such-file"})
    assert refused.value.status == 404


# -- Context: reading


def test_read_file_body_with_metadata_tags_and_pointer(context, raw, platform):
    result = context.read_file(raw)
    assert result["body"] == b"a,b\n1,2\n"
    assert result["custom_metadata"] == {"lab": "north"}
    assert result["custom_tags"] == ["plate"]
    assert result["metadata"]["ts_file_name"] == "run 7.csv"
    assert result["file"] == raw
    request = platform.requests_to("GET", "/v1/task-runtime/file")[-1]
    assert request["query"] == {"fileId": [raw["fileId"]]}
    assert request["headers"]["ts-auth-token"] == TOKEN
    assert request["headers"]["x-org-slug"] == ORG


def test_read_file_as_file_obj(context, raw):
    result = context.read_file(raw, form="file_obj")
    assert isinstance(result["file_obj"], io.BytesIO)
    assert result["file_obj"].read() == b"a,b\n1,2\n"
    assert result["custom_tags"] == ["plate"]


def test_read_file_download_writes_under_tmp_dir_with_the_data_lake_name(context, raw, tmp_path):
    result = context.read_file(raw, form="download")
    path = Path(result["download"])
    assert path.name == "run 7.csv"
    assert tmp_path in path.parents
    assert path.read_bytes() == b"a,b\n1,2\n"
    assert result["custom_metadata"] == {"lab": "north"}
    again = Path(context.read_file(raw, form="download")["download"])
    assert again != path and path.exists()


def test_read_file_by_file_id_only_resolves_the_pointer(context, raw):
    result = context.read_file({"fileId": raw["fileId"]})
    assert result["body"] == b"a,b\n1,2\n"
    assert result["file"] == raw


def test_read_file_by_key_without_id(context, raw, platform):
    result = context.read_file({"type": "s3file", "bucket": ORG, "fileKey": raw["fileKey"]})
    assert result["file"] == raw
    assert platform.requests_to("GET", "/v1/task-runtime/file")[-1]["query"] == {"fileKey": [raw["fileKey"]]}


def test_read_file_rejects_an_unknown_form_without_calling_the_api(context, raw, platform):
    with pytest.raises(ValueError, match="form"):
        context.read_file(raw, form="stream")
    assert platform.requests == []


def test_api_errors_raise_task_runtime_error_with_status_and_message(context):
    with pytest.raises(TaskRuntimeError) as caught:
        context.read_file({"fileId": "missing"})
    assert caught.value.status == 404
    assert "no file with id missing" in caught.value.message
    assert TOKEN not in str(caught.value)


def test_an_error_echoing_the_token_is_scrubbed(context):
    with pytest.raises(TaskRuntimeError) as caught:
        context.get_file_info("echo-token")
    assert caught.value.status == 500
    assert TOKEN not in str(caught.value) and TOKEN not in caught.value.message
    assert "cannot check token ***" in caught.value.message


def test_a_wrong_token_is_refused(platform, raw):
    context = Context(context_object(raw), api_url=platform.url, token="other")
    with pytest.raises(TaskRuntimeError) as caught:
        context.read_file(raw)
    assert caught.value.status == 401
    assert "other" not in str(caught.value)


def test_an_unreachable_api_raises_task_runtime_error(raw):
    context = Context(context_object(raw), api_url="http://127.0.0.1:9", token=TOKEN)
    with pytest.raises(TaskRuntimeError) as caught:
        context.read_file(raw)
    assert caught.value.status is None
    assert "could not be reached" in caught.value.message


# -- Context: writing


def test_write_file_sends_the_content_and_attributes(context, platform):
    pointer = context.write_file("résumé", "out/summary.txt", "PROCESSED", ids="common/demo:v1.0.0",
                                 custom_metadata={"step": "one"}, custom_tags=["done"], source_type="demo",
                                 labels=[{"name": "batch", "value": "B7"}], gzip_compress_level=9)
    record = platform.files[pointer["fileId"]]
    assert record["body"] == "résumé".encode("utf-8")
    assert record["category"] == "PROCESSED"
    assert pointer["fileKey"] == f"{ORG}/processed/out/summary.txt"
    assert record["attributes"] == {"customMetadata": {"step": "one", "ts_ids": "common/demo:v1.0.0"},
                                    "customTags": ["done"], "labels": [{"name": "batch", "value": "B7"}],
                                    "sourceType": "demo"}
    request = platform.requests_to("POST", "/v1/task-runtime/file")[-1]
    assert request["query"] == {"fileName": ["out/summary.txt"], "category": ["PROCESSED"]}
    request["headers"]["x-slipway-file-attributes"].encode("ascii")
    assert "if-match" not in request["headers"] and "if-none-match" not in request["headers"]


def test_write_file_accepts_bytes_file_objects_and_dicts(context, platform):
    first = context.write_file(b"\x00\x01", "a.bin", "TMP")
    second = context.write_file(io.BytesIO(b"stream"), "b.bin", "IDS")
    third = context.write_file({"value": float("nan")}, "c.json", "PROCESSED")
    assert platform.files[first["fileId"]]["body"] == b"\x00\x01"
    assert platform.files[second["fileId"]]["body"] == b"stream"
    assert json.loads(platform.files[third["fileId"]]["body"]) == {"value": None}


def test_write_file_rejects_raw_and_unknown_categories(context, platform):
    for category in ("RAW", "processed", "OTHER"):
        with pytest.raises(ValueError, match="file_category"):
            context.write_file(b"x", "x.txt", category)
    assert platform.requests_to("POST", "/v1/task-runtime/file") == []


def test_write_file_validates_labels(context):
    with pytest.raises(ValueError, match="128"):
        context.write_file(b"x", "x.txt", "TMP", labels=[{"name": "n" * 129, "value": "v"}])
    with pytest.raises(ValueError, match="256"):
        context.write_file(b"x", "x.txt", "TMP", labels=[{"name": "n", "value": "v" * 257}])
    with pytest.raises(ValueError, match="label"):
        context.write_file(b"x", "x.txt", "TMP", labels=[{"name": "n"}])
    with pytest.raises(TypeError, match="tag"):
        context.write_file(b"x", "x.txt", "TMP", custom_tags=[3])


def test_conditional_writes(context, platform):
    first = context.write_file(b"1", "state.json", "TMP", if_none_match="*")
    assert platform.requests_to("POST", "/v1/task-runtime/file")[-1]["headers"]["if-none-match"] == "*"
    with pytest.raises(ConcurrentModificationError) as caught:
        context.write_file(b"2", "state.json", "TMP", if_none_match="*")
    assert caught.value.status == 412
    assert isinstance(caught.value, TaskRuntimeError)
    assert context.ConcurrentModificationError is ConcurrentModificationError
    second = context.write_file(b"2", "state.json", "TMP", if_match=first)
    assert platform.requests_to("POST", "/v1/task-runtime/file")[-1]["headers"]["if-match"] == first["version"]
    with pytest.raises(ConcurrentModificationError):
        context.write_file(b"3", "state.json", "TMP", if_match=first)
    context.write_file(b"3", "state.json", "TMP", if_match=second["version"])
    assert platform.latest(f"{ORG}/tmp/state.json")["body"] == b"3"


def test_write_detached_file_passes_the_source_on(context, platform):
    pointer = context.write_detached_file(b"x", "detached.txt", "PROCESSED", source_name="lims", source_id="src-9")
    assert platform.files[pointer["fileId"]]["attributes"] == {
        "customMetadata": {}, "customTags": [], "labels": [], "sourceType": "pipeline",
        "sourceName": "lims", "sourceId": "src-9"}


def test_write_ids_names_the_file_after_the_input(context, platform):
    pointer = context.write_ids({"samples": [1, 2]}, "demo", ids="common/demo:v1.0.0", custom_tags=["ids"])
    assert pointer["fileKey"] == f"{ORG}/ids/run 7-demo.json"
    record = platform.files[pointer["fileId"]]
    assert json.loads(record["body"]) == {"samples": [1, 2]}
    assert record["category"] == "IDS"
    assert record["attributes"]["customMetadata"] == {"ts_ids": "common/demo:v1.0.0"}
    assert record["attributes"]["customTags"] == ["ids"]
    assert context.write_ids({}, "parsed.json")["fileKey"] == f"{ORG}/ids/run 7-parsed.json"
    assert context.write_ids({}, "draft", file_category="TMP")["fileKey"] == f"{ORG}/tmp/run 7-draft.json"
    with pytest.raises(TypeError):
        context.write_ids("[]", "demo")


def test_update_metadata_tags_returns_the_new_pointer(context, raw, platform):
    pointer = context.update_metadata_tags(raw, custom_meta={"lab": None, "checked": "yes"}, custom_tags=["ok"])
    assert pointer["fileId"] != raw["fileId"]
    assert platform.files[pointer["fileId"]]["customMetadata"] == {"checked": "yes"}
    assert platform.files[pointer["fileId"]]["customTags"] == ["plate", "ok"]
    request = platform.requests_to("POST", "/v1/task-runtime/file/metadata")[-1]
    assert request["query"] == {"fileId": [raw["fileId"]]}
    assert json.loads(request["body"]) == {"customMetadata": {"lab": None, "checked": "yes"}, "customTags": ["ok"]}


# -- Context: file info, labels, links


def test_file_info_pointer_id_name_and_permalink(context, raw):
    info = context.get_file_info(raw["fileId"])
    assert info["file"] == raw and info["category"] == "RAW" and info["size"] == 8
    assert context.get_file_pointer(raw["fileId"]) == raw
    assert context.get_file_id(raw) == raw["fileId"]
    assert context.get_file_name(raw) == "run 7.csv"
    assert context.get_file_permalink(raw) == \
        "https://slipway.example/data-store?path=acme/raw/instrument/run%207.csv"


def test_labels_round_trip_with_quoted_file_ids(context, platform):
    pointer = platform.add_file(f"{ORG}/raw/odd.csv", b"", file_id="id with/slash")
    assert context.get_labels(pointer) == []
    added = context.add_labels(pointer, [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}])
    assert [label["name"] for label in added] == ["a", "b"]
    assert platform.requests[-1]["path"] == "/v1/fileinfo/files/id%20with%2Fslash/labels"
    assert context.get_labels(pointer) == added
    context.delete_labels(pointer, [added[0]["id"]], no_propagate=True)
    assert platform.requests[-1]["query"] == {"id": [added[0]["id"]], "noPropagate": ["true"]}
    assert context.get_labels(pointer) == added[1:]
    with pytest.raises(ValueError):
        context.add_labels(pointer, [{"name": "", "value": "x"}])


def test_presigned_url(context, raw, platform):
    assert context.get_presigned_url(raw, ttl_sec=60) == \
        "https://downloads.example/acme/raw/instrument/run 7.csv?ttl=60"
    assert platform.requests[-1]["query"] == {"fileId": [raw["fileId"]], "ttl": ["60"]}
    with pytest.raises(ValueError):
        context.get_presigned_url(raw, ttl_sec=901)


# -- Context: secrets, logger, experiments, what Slipway lacks


def test_resolve_secret(platform, raw, monkeypatch):
    config = {"_resolved_:/prod/acme/org-secrets/lims.password": "from-config"}
    context = Context(context_object(raw, pipelineConfig=config), api_url=platform.url, token=TOKEN)
    assert context.resolve_secret({"ssm": "/prod/acme/org-secrets/lims.password"}) == "from-config"
    monkeypatch.setenv("SECRET_api_key_2", "from-env")
    assert context.resolve_secret({"ssm": "/prod/acme/org-secrets/api-key.2"}) == "from-env"
    assert context.resolve_secret("plain") == "plain"
    assert context.resolve_secret({"other": 1}) == {"other": 1}
    with pytest.raises(ValueError, match="/prod/acme/org-secrets/absent"):
        context.resolve_secret({"ssm": "/prod/acme/org-secrets/absent"})


def test_get_secret_config_value(platform, raw, monkeypatch):
    monkeypatch.setenv("SECRET_lims_password", "from-ssm-path")
    monkeypatch.setenv("TS_SECRET_token_b", "from-ts-env")
    config = {"ts_secret_name_lims": "/prod/acme/org-secrets/lims-password", "_resolved_:apikey": "resolved"}
    context = Context(context_object(raw, pipelineConfig=config), api_url=platform.url, token=TOKEN)
    assert context.get_secret_config_value("lims") == "from-ssm-path"
    assert context.get_secret_config_value("ts_secret_name_lims") == "from-ssm-path"
    assert context.get_secret_config_value("apikey") == "resolved"
    assert context.get_secret_config_value("token-b") == "from-ts-env"
    assert context.get_secret_config_value("nothing") is None
    with pytest.raises(ValueError, match="nothing"):
        context.get_secret_config_value("nothing", silent_on_error=False)


def test_logger_prints_one_json_line_per_call(context, capsys):
    logger = context.get_logger()
    logger.log({"message": "start", "step": 1})
    logger.log("plain text")
    logger.info("info line")
    logger.warning("careful", extra={"n": 2})
    logger.error("broken")
    logger.debug("details")
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        logger.log(error)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == {"level": "info", "message": "start", "step": 1}
    assert lines[1] == {"level": "info", "message": "plain text"}
    assert lines[2] == {"level": "info", "message": "info line"}
    assert lines[3] == {"level": "warning", "message": "careful", "extra": {"n": 2}}
    assert [line["level"] for line in lines[4:]] == ["error", "debug", "error"]
    assert lines[6]["message"] == "boom" and "RuntimeError" in lines[6]["exception"]


def test_experiments_are_remembered(context):
    assert not context.is_experiment_enabled("conditional_writes")
    context.enable_experiment("conditional_writes")
    assert context.is_experiment_enabled("conditional_writes")


@pytest.mark.parametrize("name", ["get_ids", "validate_ids", "search_eql", "run_cmd", "get_schema_artifact",
                                  "add_attributes"])
def test_what_slipway_lacks_raises_not_implemented(context, raw, name):
    with pytest.raises(NotImplementedError, match="Slipway"):
        getattr(context, name)(raw)


# -- The runner


def run_task(platform: FakePlatform, code: Path, function: str, task_input: Any = None,
             context: Optional[dict] = None, env: Optional[dict] = None) -> tuple:
    """Runs the runner as the program launcher does; returns (completed process, result path)."""
    work = code.parent / "work"
    work.mkdir()
    (work / "input.json").write_text(json.dumps(task_input if task_input is not None else {}))
    (work / "context.json").write_text(json.dumps(context or context_object(None)))
    result = work / "result.json"
    environment = {
        **{name: value for name, value in os.environ.items() if name != "PYTHONPATH"},
        "SLIPWAY_SHIMS": str(SHIMS), "TMPDIR": str(code), "SLIPWAY_TASK_FUNCTION": function,
        "SLIPWAY_TASK_INPUT": str(work / "input.json"), "SLIPWAY_TASK_CONTEXT": str(work / "context.json"),
        "SLIPWAY_TASK_RESULT": str(result), "SLIPWAY_API_URL": platform.url, "SLIPWAY_TASK_TOKEN": TOKEN,
        **(env or {}),
    }
    completed = subprocess.run([sys.executable, "-c", BOOTSTRAP, str(RUNNER)], cwd=str(code), env=environment,
                               capture_output=True, text=True, timeout=TIMEOUT)
    return completed, result


def code_folder(tmp_path: Path, files: Dict[str, str]) -> Path:
    """A task script's code folder with those files (relative path -> source)."""
    code = tmp_path / "code"
    for name, text in {"config.json": json.dumps({"functions": []}), **files}.items():
        (code / name).parent.mkdir(parents=True, exist_ok=True)
        (code / name).write_text(textwrap.dedent(text))
    return code


def test_runner_calls_the_function_with_a_working_context(tmp_path, platform, raw):
    code = code_folder(tmp_path, {"main.py": """
        import helpers
        from ts_sdk.task.__task_script_runner import Context

        def push_data(input: dict, context: Context) -> dict:
            print("processing", input["file"]["fileKey"])
            body = context.read_file(input["file"])["body"]
            out = context.write_file(helpers.upper(body), "upper.csv", "PROCESSED", custom_tags=["upper"])
            context.get_logger().info("written")
            return {"written": out, "threshold": context.pipeline_config["threshold"],
                    "secret": context.resolve_secret({"ssm": "/prod/acme/org-secrets/db"})}
        """, "helpers.py": """
        def upper(data):
            return data.upper()
        """})
    completed, result = run_task(platform, code, "main.push_data", {"file": raw}, context_object(raw),
                                 env={"SECRET_db": "s3cret"})
    assert completed.returncode == 0, completed.stderr
    answer = json.loads(result.read_text())
    assert platform.files[answer["written"]["fileId"]]["body"] == b"A,B\n1,2\n"
    assert answer["threshold"] == "3" and answer["secret"] == "s3cret"
    lines = completed.stdout.splitlines()
    assert lines[0] == f"processing {raw['fileKey']}"
    assert json.loads(lines[1]) == {"level": "info", "message": "written"}


def test_runner_finds_a_function_in_a_dotted_module_and_writes_null(tmp_path, platform):
    code = code_folder(tmp_path, {"pkg/__init__.py": "", "pkg/tasks/__init__.py": "", "pkg/tasks/parse.py": """
        def run(input, context):
            assert input == {"n": 1}
        """})
    completed, result = run_task(platform, code, "pkg.tasks.parse.run", {"n": 1})
    assert completed.returncode == 0, completed.stderr
    assert json.loads(result.read_text()) is None


def test_runner_shadows_an_installed_ts_sdk_even_when_already_imported(tmp_path, platform):
    site = tmp_path / "site"
    (site / "ts_sdk" / "task").mkdir(parents=True)
    (site / "ts_sdk" / "__init__.py").write_text("REAL = True\n")
    (site / "ts_sdk" / "task" / "__init__.py").write_text("raise ImportError('the real ts-sdk was imported')\n")
    # Imports the installed ts_sdk before the runner starts, as a .pth file could.
    (site / "sitecustomize.py").write_text("import builtins, ts_sdk\nbuiltins.REAL_TS_SDK_IMPORTED = ts_sdk.REAL\n")
    code = code_folder(tmp_path, {"main.py": """
        import builtins
        import ts_sdk
        from ts_sdk.task import Context

        def push_data(input, context):
            return {"sdk": ts_sdk.__file__, "same": type(context) is Context, "real": hasattr(ts_sdk, "REAL"),
                    "imported_before": getattr(builtins, "REAL_TS_SDK_IMPORTED", False)}
        """})
    completed, result = run_task(platform, code, "main.push_data", env={"PYTHONPATH": str(site)})
    assert completed.returncode == 0, completed.stderr
    answer = json.loads(result.read_text())
    assert answer["sdk"] == str(SHIMS / "tetra" / "ts_sdk" / "__init__.py")
    assert answer["same"] is True and answer["real"] is False and answer["imported_before"] is True


def test_runner_reports_an_exception_with_exit_code_1(tmp_path, platform):
    code = code_folder(tmp_path, {"main.py": """
        def push_data(input, context):
            raise KeyError("no such column")
        """})
    completed, result = run_task(platform, code, "main.push_data")
    assert completed.returncode == 1
    assert "Traceback" in completed.stderr and "KeyError: 'no such column'" in completed.stderr
    assert not result.exists()


def test_runner_reports_an_import_error_with_exit_code_1(tmp_path, platform):
    code = code_folder(tmp_path, {"main.py": "import not_installed_anywhere\n"})
    completed, result = run_task(platform, code, "main.push_data")
    assert completed.returncode == 1
    assert "ModuleNotFoundError" in completed.stderr
    assert not result.exists()


def test_runner_reports_a_missing_function(tmp_path, platform):
    code = code_folder(tmp_path, {"main.py": "x = 1\n"})
    completed, result = run_task(platform, code, "main.push_data")
    assert completed.returncode == 1
    assert "has no function 'push_data'" in completed.stderr
    assert not result.exists()


def test_raise_fatal_error_exits_with_126(tmp_path, platform):
    code = code_folder(tmp_path, {"main.py": """
        def push_data(input, context):
            print("before")
            try:
                context.raise_fatal_error("instrument file is corrupt")
            except Exception:
                print("must not be caught as an Exception")
            return {"unreachable": True}
        """})
    completed, result = run_task(platform, code, "main.push_data")
    assert completed.returncode == 126
    assert "instrument file is corrupt" in completed.stderr
    assert completed.stdout == "before\n"
    assert not result.exists()


def test_a_result_that_is_not_json_fails_without_writing(tmp_path, platform):
    code = code_folder(tmp_path, {"main.py": """
        def push_data(input, context):
            return {"when": object()}
        """})
    completed, result = run_task(platform, code, "main.push_data")
    assert completed.returncode == 1
    assert "not JSON-serialisable" in completed.stderr
    assert not result.exists()


def test_runner_output_is_flushed_as_it_is_printed(tmp_path, platform):
    code = code_folder(tmp_path, {"main.py": """
        import time

        def push_data(input, context):
            print("first line")
            time.sleep(30)
        """})
    work = tmp_path / "work"
    work.mkdir()
    (work / "input.json").write_text("{}")
    (work / "context.json").write_text(json.dumps(context_object(None)))
    environment = {
        **{name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "PYTHONUNBUFFERED")},
        "SLIPWAY_SHIMS": str(SHIMS), "SLIPWAY_TASK_FUNCTION": "main.push_data",
        "SLIPWAY_TASK_INPUT": str(work / "input.json"), "SLIPWAY_TASK_CONTEXT": str(work / "context.json"),
        "SLIPWAY_TASK_RESULT": str(work / "result.json"), "SLIPWAY_API_URL": platform.url,
    }
    process = subprocess.Popen([sys.executable, "-c", BOOTSTRAP, str(RUNNER)], cwd=str(code), env=environment,
                               stdout=subprocess.PIPE, text=True)
    lines: List[str] = []
    try:
        reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(TIMEOUT)
        assert lines == ["first line\n"]
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
