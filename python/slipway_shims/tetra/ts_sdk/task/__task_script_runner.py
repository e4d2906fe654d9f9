"""Slipway's stand-in for `ts_sdk.task.__task_script_runner`: the `Context` that a TetraScience
task script's function receives (`def push_data(input: dict, context: Context) -> dict`).

The methods follow the surface of ts-sdk 2.8.0, but where the real SDK reads and writes
TetraScience's S3 buckets and calls its kernel endpoints, this one calls the Slipway task-runtime
API at `SLIPWAY_API_URL`, authenticated by the run's token (`SLIPWAY_TASK_TOKEN`, sent as the
`ts-auth-token` header) and naming the organisation in `x-org-slug`. The few methods that need a
TetraScience service Slipway does not have (IDS schemas, search, agent commands) raise
`NotImplementedError` saying so.

Standard library only, Python 3.9+.
"""

import io
import json
import math
import os
import re
import sys
import traceback
import urllib.parse
from typing import Any, BinaryIO, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

__all__ = ["ConcurrentModificationError", "Context", "TaskLogger", "TaskRuntimeError"]

# Categories a task script may write; RAW files come only from uploads and agents.
WRITABLE_CATEGORIES = ("IDS", "PROCESSED", "TMP")
LABEL_NAME_MAX_LENGTH = 128
LABEL_VALUE_MAX_LENGTH = 256
# ts-sdk refuses presigned URLs living longer than this (S3's limit for its credentials).
PRESIGNED_URL_MAX_TTL_SEC = 900
# Seconds one socket operation of an API call may wait (files can be large, so it is generous).
HTTP_TIMEOUT_SEC = 300
# Exit code of a run stopped by `Context.raise_fatal_error`, telling a fatal error from a failure.
FATAL_ERROR_EXIT_CODE = 126

# Context keys every Context has as attributes (None when the platform did not send them).
CONTEXT_KEYS = (
    "orgSlug", "pipelineId", "workflowId", "masterScriptNamespace", "masterScriptSlug",
    "masterScriptVersion", "inputFile", "createdAt", "taskId", "taskCreatedAt", "pipelineConfig",
    "platformUrl", "platformApiUrl", "platformVersion",
)

# An org secret's SSM path is `/<environment>/<org>/org-secrets/<name>`; its value is in the
# environment variable `SECRET_<name>` (as in TetraScience's containers).
_ORG_SECRETS_PREFIX = re.compile(r"^/[^/]+/[^/]+/org-secrets/")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
_SECRET_NAME_PREFIX = "ts_secret_name_"
_RESOLVED_PREFIX = "_resolved_:"

File = Dict[str, Any]
Label = Mapping[str, str]


class TaskRuntimeError(Exception):
    """A call to the Slipway task-runtime API failed.

    `status` is the HTTP status of the answer (None when the API could not be reached) and
    `message` says what failed and why. Neither ever carries the run's token.
    """

    def __init__(self, status: Optional[int], message: str):
        self.status = status
        self.message = message
        super().__init__(message if status is None else f"{message} (HTTP {status})")


class ConcurrentModificationError(TaskRuntimeError):
    """A conditional write (`if_match` / `if_none_match`) was refused because the file changed
    (or already exists) since it was read: read it again and redo the change."""


def _camel_to_snake(name: str) -> str:
    """`pipelineConfig` -> `pipeline_config`: how ts-sdk names a context key as an attribute."""
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def _env_name(name: str) -> str:
    """The form a secret's name takes in an environment variable name (runs of characters other
    than letters and digits become one `_`, as ts-sdk does)."""
    return _NOT_ALPHANUMERIC.sub("_", name)


def _without_nan(value: Any) -> Any:
    """`value` with NaN and infinite floats replaced by None, since JSON has no such numbers
    (ts-sdk writes them as null too)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_nan(item) for item in value]
    return value


def _json_bytes(value: Any) -> bytes:
    """`value` as the UTF-8 JSON text of a data-lake file."""
    return json.dumps(_without_nan(value), allow_nan=False).encode("utf-8")


def _content_bytes(content: Union[bytes, bytearray, memoryview, str, dict, BinaryIO]) -> bytes:
    """A file's content, given as bytes, text (written as UTF-8), a dict (written as JSON) or a
    file-like object with `read()`, as the bytes to upload."""
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, dict):
        return _json_bytes(content)
    read = getattr(content, "read", None)
    if callable(read):
        data = read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise TypeError(f"file content must be bytes, str, dict or a file-like object, not {type(content).__name__}")


def _checked_labels(labels: Optional[Iterable[Label]]) -> List[Dict[str, str]]:
    """`labels` as a list of `{"name", "value"}` dicts, each checked as TetraScience does (strings,
    name at most 128 characters, value at most 256); ValueError naming every bad label otherwise."""
    checked, errors = [], []
    for label in labels or ():
        if not isinstance(label, Mapping) or set(label) != {"name", "value"}:
            errors.append(f'a label must be a dict {{"name": ..., "value": ...}}, not {label!r}')
            continue
        name, value = label["name"], label["value"]
        if not isinstance(name, str) or not isinstance(value, str):
            errors.append(f"a label's name and value must be strings: {label!r}")
        elif not name or len(name) > LABEL_NAME_MAX_LENGTH:
            errors.append(f"a label's name must have 1 to {LABEL_NAME_MAX_LENGTH} characters: {name!r}")
        elif len(value) > LABEL_VALUE_MAX_LENGTH:
            errors.append(f"a label's value must have at most {LABEL_VALUE_MAX_LENGTH} characters (label {name!r})")
        else:
            checked.append({"name": name, "value": value})
    if errors:
        raise ValueError("invalid labels: " + "; ".join(errors))
    return checked


def _checked_tags(tags: Optional[Iterable[str]]) -> List[str]:
    """`tags` as a list, TypeError if one is not a string."""
    tags = list(tags or ())
    for tag in tags:
        if not isinstance(tag, str):
            raise TypeError(f"a tag must be a string, not {type(tag).__name__}: {tag!r}")
    return tags


def _quote_id(identifier: str) -> str:
    """An id as one URL path segment or query value."""
    return urllib.parse.quote(str(identifier), safe="")


def _unix_socket_opener(socket_path: str):
    """A urllib opener whose `http://` requests go over the Unix socket at `socket_path` (the
    server's API socket, for steps that run without a network)."""
    import functools
    import http.client
    import socket
    import urllib.request

    class UnixHTTPConnection(http.client.HTTPConnection):
        def __init__(self, path: str, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._path = path

        def connect(self):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(self.timeout)
            self.sock.connect(self._path)

    class UnixHTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(functools.partial(UnixHTTPConnection, socket_path), req)

    return urllib.request.build_opener(UnixHTTPHandler())


class _Api:
    """The Slipway task-runtime API as one run sees it: the base URL, the run's token and the
    organisation, sent with every call; over the Unix socket `SLIPWAY_API_SOCKET` when the step
    runs without a network. Failed calls raise `TaskRuntimeError`."""

    def __init__(self, base_url: Optional[str], token: Optional[str], org_slug: Optional[str],
                 socket_path: Optional[str] = None):
        self.base_url = (base_url or "").rstrip("/")
        self.token = token
        self.org_slug = org_slug
        self.socket_path = socket_path if socket_path is not None else os.environ.get("SLIPWAY_API_SOCKET")
        self._opener = None

    def send(self, method: str, path: str, query: Sequence[Tuple[str, str]] = (),
             body: Optional[bytes] = None, headers: Optional[Mapping[str, str]] = None):
        """Sends one request and returns the open response (to be closed by the caller, e.g. in a
        `with`). A refused conditional write (409 or 412 to a request with `If-Match` or
        `If-None-Match`) raises `ConcurrentModificationError`, any other error status or an
        unreachable API `TaskRuntimeError`."""
        # Imported on first use: `urllib.request` (http.client, email) adds tens of milliseconds
        # to the start of every step, and many steps never call the API.
        import urllib.error
        import urllib.request

        if not self.base_url:
            raise TaskRuntimeError(None, "SLIPWAY_API_URL is not set: the task runtime API is unknown")
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(list(query), quote_via=urllib.parse.quote)
        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
        if self.token:
            request.add_header("ts-auth-token", self.token)
        if self.org_slug:
            request.add_header("x-org-slug", self.org_slug)
        what = f"{method} {path}"
        try:
            if self.socket_path:
                if self._opener is None:
                    self._opener = _unix_socket_opener(self.socket_path)
                return self._opener.open(request, timeout=HTTP_TIMEOUT_SEC)
            return urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SEC)
        except urllib.error.HTTPError as error:
            with error:
                message = self._scrubbed(f"{what}: {self._error_message(error)}")
            conditional = any(name.lower() in ("if-match", "if-none-match") for name in (headers or {}))
            if error.code in (409, 412) and conditional:
                raise ConcurrentModificationError(error.code, message) from None
            raise TaskRuntimeError(error.code, message) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise TaskRuntimeError(None, self._scrubbed(
                f"{what}: the Slipway API at {self.base_url} could not be reached: {reason}")) from None

    def call(self, method: str, path: str, query: Sequence[Tuple[str, str]] = (), payload: Any = None,
             body: Optional[bytes] = None, headers: Optional[Mapping[str, str]] = None) -> Any:
        """Sends one request (with `payload` as its JSON body, or the raw `body`) and returns the
        answer's JSON (None for an empty answer, such as a 204)."""
        headers = dict(headers or {})
        if payload is not None:
            body = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        with self.send(method, path, query, body, headers) as response:
            data = response.read()
        if not data:
            return None
        try:
            return json.loads(data)
        except ValueError:
            raise TaskRuntimeError(response.status, f"{method} {path}: the answer is not JSON") from None

    @staticmethod
    def _error_message(error: "urllib.error.HTTPError") -> str:
        """The API's explanation of an error answer: the `message` (TetraScience's error shape)
        or `error` of its JSON body, else the start of its text, else the HTTP reason."""
        text = error.read().decode("utf-8", "replace").strip()
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if isinstance(answer, dict):
            for key in ("message", "error"):
                if isinstance(answer.get(key), str):
                    return answer[key]
        return text[:500] or str(error.reason)

    def _scrubbed(self, text: str) -> str:
        """`text` without the run's token, in case a server echoed it."""
        return text.replace(self.token, "***") if self.token else text


class TaskLogger:
    """The structured logger of `Context.get_logger()`: each call prints one JSON object on a line
    of standard output, which Slipway keeps as the run's log."""

    def log(self, *values: Any, sep: str = " ") -> None:
        """Logs a dict as it is (level `info` unless it has one), an exception with its traceback
        (level `error`), or anything else as a `message` (several values joined by `sep`)."""
        if len(values) == 1 and isinstance(values[0], Mapping):
            entry = {"level": "info", **values[0]}
        elif len(values) == 1 and isinstance(values[0], BaseException):
            error = values[0]
            entry = {
                "level": "error",
                "message": str(error),
                "errorType": type(error).__name__,
                "exception": "".join(traceback.format_exception(type(error), error, error.__traceback__)),
            }
        else:
            entry = {"level": "info", "message": sep.join(str(value) for value in values)}
        print(json.dumps(entry, default=str), file=sys.stdout, flush=True)

    def debug(self, message: str, code: Any = None, *, extra: Any = None) -> None:
        """Logs `message` at level `debug`."""
        self._log_at("debug", message, code, extra)

    def info(self, message: str, code: Any = None, *, extra: Any = None) -> None:
        """Logs `message` at level `info`."""
        self._log_at("info", message, code, extra)

    def warning(self, message: str, code: Any = None, *, extra: Any = None) -> None:
        """Logs `message` at level `warning`."""
        self._log_at("warning", message, code, extra)

    warn = warning

    def error(self, message: str, code: Any = None, *, extra: Any = None) -> None:
        """Logs `message` at level `error`."""
        self._log_at("error", message, code, extra)

    def _log_at(self, level: str, message: Any, code: Any, extra: Any) -> None:
        """One entry with a level, the message, the log code when given (a ts-sdk `LogCode` or its
        bare code) and the `extra` fields (a non-dict `extra` becomes `{"data": extra}`)."""
        entry: Dict[str, Any] = {"level": level, "message": str(message)}
        if code is not None:
            entry["code"] = getattr(code, "code", code)
            if hasattr(code, "code_message"):
                entry["codeMessage"] = code.code_message
        if extra is not None:
            entry["extra"] = extra if isinstance(extra, dict) else {"data": extra}
        self.log(entry)


def _not_provided(name: str, reason: str):
    """A Context method that Slipway cannot offer: calling it raises NotImplementedError."""

    def method(self, *args, **kwargs):
        raise NotImplementedError(f"context.{name}() is not provided by Slipway: {reason}")

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Not provided by Slipway ({reason}): raises NotImplementedError."
    return method


class Context:
    """What a task script's function gets as `context`: the run's details as attributes
    (`org_slug`, `pipeline_id`, `input_file`, `pipeline_config`, ... : every key of the platform's
    context in snake case, plus `tmp_dir`) and methods to read and write data-lake files, labels,
    metadata and secrets.

    A file is named by a pointer `{"type": "s3file", "bucket": <org slug>, "fileKey": <path>,
    "fileId": <id>, "version": <version>}`; one with only a `fileId` is enough to read a file.
    """

    # Raised by conditional writes; reachable as `context.ConcurrentModificationError` as in ts-sdk.
    ConcurrentModificationError = ConcurrentModificationError

    org_slug: Optional[str]
    pipeline_id: Optional[str]
    workflow_id: Optional[str]
    master_script_namespace: Optional[str]
    master_script_slug: Optional[str]
    master_script_version: Optional[str]
    input_file: Optional[File]
    created_at: Optional[str]
    task_id: Optional[str]
    task_created_at: Optional[str]
    pipeline_config: Dict[str, Any]
    platform_url: Optional[str]
    platform_api_url: Optional[str]
    platform_version: Optional[str]
    tmp_dir: Optional[str]

    def __init__(self, obj: Mapping[str, Any], api_url: Optional[str] = None, token: Optional[str] = None):
        """`obj` is the platform's context (camelCase keys); the API's URL and the run's token
        default to `SLIPWAY_API_URL` and `SLIPWAY_TASK_TOKEN`."""
        for key in CONTEXT_KEYS:
            setattr(self, _camel_to_snake(key), None)
        for key, value in obj.items():
            name = _camel_to_snake(key)
            # A context key never hides a method or property of the class.
            if not name.startswith("_") and not hasattr(type(self), name):
                setattr(self, name, value)
        if not isinstance(self.pipeline_config, dict):
            self.pipeline_config = {}
        self.tmp_dir = os.environ.get("TMPDIR")
        self._api = _Api(api_url or os.environ.get("SLIPWAY_API_URL"),
                         token or os.environ.get("SLIPWAY_TASK_TOKEN"), self.org_slug)
        self._logger = TaskLogger()
        self._experiments = set()

    # -- Reading files

    def read_file(self, file: File, form: str = "body") -> Dict[str, Any]:
        """Reads a data-lake file. `form` says how its content comes back:

        - `"body"`: `result["body"]` holds the bytes;
        - `"file_obj"`: `result["file_obj"]` is a binary file-like object (e.g. for pandas);
        - `"download"`: `result["download"]` is the path of a local copy under `tmp_dir`, named
          as the file is in the data lake.

        The result also has the file's system `metadata`, its `custom_metadata`, its
        `custom_tags` and `file`, the pointer to the version that was read.
        """
        if form not in ("body", "file_obj", "download"):
            raise ValueError(f"invalid form={form!r}; supported values are 'body', 'file_obj' and 'download'")
        if file.get("fileId"):
            query = [("fileId", str(file["fileId"]))]
        elif file.get("fileKey"):
            query = [("fileKey", str(file["fileKey"]))]
        else:
            raise ValueError("the file pointer has neither a 'fileId' nor a 'fileKey'")
        with self._api.send("GET", "/v1/task-runtime/file", query) as response:
            described = json.loads(response.headers.get("X-Slipway-File") or "{}")
            result: Dict[str, Any] = {
                "metadata": described.get("metadata") or {},
                "custom_metadata": described.get("customMetadata") or {},
                "custom_tags": described.get("customTags") or [],
                "file": described.get("file") or dict(file),
            }
            if form == "download":
                # A folder of its own keeps the data-lake name without clashing with other reads.
                import shutil
                import tempfile

                folder = tempfile.mkdtemp(dir=self.tmp_dir)
                path = os.path.join(folder, os.path.basename(result["file"].get("fileKey") or "") or "file")
                with open(path, "wb") as local:
                    shutil.copyfileobj(response, local)
                result["download"] = path
            else:
                body = response.read()
                result[form] = body if form == "body" else io.BytesIO(body)
        return result

    def get_file_info(self, file_id: str) -> Dict[str, Any]:
        """The platform's description of a file: its pointer (`file`), category, custom metadata,
        tags, labels, size..."""
        return self._api.call("GET", f"/v1/fileinfo/file/{_quote_id(file_id)}")

    def get_file_pointer(self, file_id: str) -> File:
        """The pointer to the file with that id."""
        pointer = self.get_file_info(file_id).get("file")
        if not isinstance(pointer, dict):
            raise TaskRuntimeError(None, f"the description of file {file_id} has no file pointer")
        return pointer

    def get_file_id(self, file: File) -> str:
        """The id in a file pointer."""
        if not file.get("fileId"):
            raise ValueError("the file pointer has no 'fileId'")
        return file["fileId"]

    def get_file_name(self, file: File) -> str:
        """The file's name (last part of its data-lake path), without reading it."""
        return os.path.basename(file["fileKey"])

    def get_file_permalink(self, file: File) -> str:
        """A link to the file in the platform's data store page."""
        base = (self.platform_url or "").rstrip("/")
        return f"{base}/data-store?path={urllib.parse.quote(file['fileKey'])}"

    def get_presigned_url(self, file: File, ttl_sec: int = 300) -> str:
        """A URL from which the file can be downloaded without credentials for `ttl_sec` seconds
        (0 to 900)."""
        if ttl_sec is None or not 0 <= ttl_sec <= PRESIGNED_URL_MAX_TTL_SEC:
            raise ValueError(f"ttl_sec must be between 0 and {PRESIGNED_URL_MAX_TTL_SEC}, not {ttl_sec!r}")
        answer = self._api.call("POST", "/v1/task-runtime/file/presigned-url",
                                [("fileId", str(self.get_file_id(file))), ("ttl", str(int(ttl_sec)))])
        return answer["url"]

    # -- Writing files

    def write_file(self, content, file_name: str, file_category: str, ids: Optional[str] = None,
                   custom_metadata: Optional[Mapping[str, Any]] = None, custom_tags: Iterable[str] = (),
                   source_type: Optional[str] = None, labels: Iterable[Label] = (),
                   gzip_compress_level: int = 5, if_match: Union[File, str, None] = None,
                   if_none_match: Optional[str] = None) -> File:
        """Writes a file of category IDS, PROCESSED or TMP and returns its pointer.

        `content` is bytes, text (written as UTF-8), a dict (written as JSON) or a file-like
        object. `ids` (`namespace/slug:version`) is recorded as custom metadata `ts_ids`.
        `if_match` (a pointer from an earlier read, or its version) writes only if that version
        is still the current one; `if_none_match="*"` writes only if there is no such file yet;
        when the condition fails, `ConcurrentModificationError` is raised. Files are stored as
        they are, so `gzip_compress_level` has no effect.
        """
        return self._write(content, file_name, file_category, ids, custom_metadata, custom_tags, labels,
                           {"sourceType": source_type}, if_match, if_none_match)

    def write_detached_file(self, content, file_name: str, file_category: str, ids: Optional[str] = None,
                            custom_metadata: Optional[Mapping[str, Any]] = None, custom_tags: Iterable[str] = (),
                            source_type: Optional[str] = "pipeline", source_name: Optional[str] = None,
                            source_id: Optional[str] = None, labels: Iterable[Label] = (),
                            gzip_compress_level: int = 5, if_match: Union[File, str, None] = None,
                            if_none_match: Optional[str] = None) -> File:
        """Writes a file as `write_file` does; `source_name` and `source_id` are passed on to the
        platform with the file's attributes."""
        source = {"sourceType": source_type}
        if source_name is not None:
            source["sourceName"] = source_name
        if source_id is not None:
            source["sourceId"] = source_id
        return self._write(content, file_name, file_category, ids, custom_metadata, custom_tags, labels,
                           source, if_match, if_none_match)

    def write_ids(self, content_obj: dict, file_suffix: str, ids: Optional[str] = None,
                  custom_metadata: Optional[Mapping[str, Any]] = None, custom_tags: Iterable[str] = (),
                  source_type: Optional[str] = None, file_category: str = "IDS", labels: Iterable[Label] = (),
                  gzip_compress_level: int = 5, if_match: Union[File, str, None] = None,
                  if_none_match: Optional[str] = None) -> File:
        """Writes an IDS document (a dict, as JSON) and returns its pointer.

        The file is named `<input file name without extension>-<file_suffix>.json` (a suffix
        already ending in `.json` keeps a single one). `file_category` is IDS or TMP (anything
        else means IDS, as in ts-sdk). The document is not validated against its schema: Slipway
        does not hold IDS schemas.
        """
        if not isinstance(content_obj, dict):
            raise TypeError(f"content_obj passed to write_ids must be a dict, not {type(content_obj).__name__}")
        suffix = file_suffix[:-len(".json")] if file_suffix.endswith(".json") else file_suffix
        if not suffix:
            raise ValueError("write_ids needs a non-empty file_suffix")
        input_key = (self.input_file or {}).get("fileKey") or ""
        stem = os.path.splitext(os.path.basename(input_key))[0]
        file_name = "-".join(part for part in (stem, suffix) if part) + ".json"
        category = file_category if file_category in ("IDS", "TMP") else "IDS"
        return self._write(_json_bytes(content_obj), file_name, category, ids, custom_metadata, custom_tags,
                           labels, {"sourceType": source_type}, if_match, if_none_match)

    def _write(self, content, file_name: str, file_category: str, ids: Optional[str],
               custom_metadata: Optional[Mapping[str, Any]], custom_tags: Iterable[str], labels: Iterable[Label],
               source: Mapping[str, Any], if_match: Union[File, str, None], if_none_match: Optional[str]) -> File:
        """Uploads one file with its attributes (`POST /v1/task-runtime/file`) and returns the
        pointer the platform gives it."""
        if file_category not in WRITABLE_CATEGORIES:
            raise ValueError(f"file_category must be one of {', '.join(WRITABLE_CATEGORIES)}, not {file_category!r}")
        if not isinstance(file_name, str) or not file_name:
            raise ValueError("file_name must be a non-empty string")
        metadata = dict(custom_metadata or {})
        if ids:
            metadata["ts_ids"] = ids
        attributes = {
            "customMetadata": metadata,
            "customTags": _checked_tags(custom_tags),
            "labels": _checked_labels(labels),
            **source,
        }
        headers = {
            "Content-Type": "application/octet-stream",
            # HTTP header values are ASCII: json.dumps escapes anything else.
            "X-Slipway-File-Attributes": json.dumps(attributes),
        }
        if if_match is not None:
            headers["If-Match"] = str(if_match.get("version") or "") if isinstance(if_match, Mapping) else str(if_match)
        if if_none_match is not None:
            headers["If-None-Match"] = str(if_none_match)
        answer = self._api.call("POST", "/v1/task-runtime/file",
                                [("fileName", file_name), ("category", file_category)],
                                body=_content_bytes(content), headers=headers)
        return answer["file"]

    def update_metadata_tags(self, file: File, custom_meta: Optional[Mapping[str, Any]] = None,
                             custom_tags: Iterable[str] = (), options: Optional[Mapping[str, Any]] = None) -> File:
        """Changes a file's custom metadata (a None value removes that key) and adds tags; returns
        the pointer to the file's new version. `options` (ts-sdk internals) are not used."""
        answer = self._api.call("POST", "/v1/task-runtime/file/metadata", [("fileId", str(self.get_file_id(file)))],
                                payload={"customMetadata": dict(custom_meta or {}),
                                         "customTags": _checked_tags(custom_tags)})
        return answer["file"]

    # -- Labels

    def get_labels(self, file: File) -> List[Dict[str, str]]:
        """The file's labels, `[{"id", "name", "value"}]`."""
        return self._api.call("GET", self._labels_path(file))

    def add_labels(self, file: File, labels: Iterable[Label], no_propagate: bool = False) -> List[Dict[str, str]]:
        """Adds labels (`{"name", "value"}` dicts) to the file and returns the labels added, with
        their ids. With `no_propagate`, files derived from this one do not get them. Without any
        label, nothing is added and the file's labels are returned (as ts-sdk does)."""
        checked = _checked_labels(labels)
        if not checked:
            return self.get_labels(file)
        return self._api.call("POST", self._labels_path(file), self._propagation(no_propagate), payload=checked)

    def delete_labels(self, file: File, label_ids: Iterable[str], no_propagate: bool = False) -> None:
        """Removes the labels with those ids from the file."""
        query = [("id", str(label_id)) for label_id in label_ids or ()]
        if query:
            self._api.call("DELETE", self._labels_path(file), query + self._propagation(no_propagate))

    def _labels_path(self, file: File) -> str:
        """Where the file's labels are in the API."""
        return f"/v1/fileinfo/files/{_quote_id(self.get_file_id(file))}/labels"

    @staticmethod
    def _propagation(no_propagate: bool) -> List[Tuple[str, str]]:
        """The query item asking that a label change not reach derived files (as ts-sdk sends it)."""
        return [("noPropagate", "true")] if no_propagate else []

    # -- Secrets and configuration

    def resolve_secret(self, secret: Any) -> Any:
        """The value of a secret parameter of the pipeline: `{"ssm": <path>}` gives the value of
        that secret (ValueError if the run has none); any other value is returned unchanged."""
        if not (isinstance(secret, dict) and "ssm" in secret):
            return secret
        value = self._secret_at(str(secret["ssm"]))
        if value is None:
            raise ValueError(f"secret {secret['ssm']} is not available to this task")
        return value

    def get_secret_config_value(self, secret_name: str, silent_on_error: bool = True) -> Optional[str]:
        """Deprecated in ts-sdk (use `resolve_secret`): the value of the secret the pipeline
        configuration names `ts_secret_name_<secret_name>`. None when there is none, or ValueError
        if `silent_on_error` is False."""
        name = secret_name[len(_SECRET_NAME_PREFIX):] if secret_name.startswith(_SECRET_NAME_PREFIX) else secret_name
        path = self.pipeline_config.get(_SECRET_NAME_PREFIX + name)
        value = self._secret_at(path) if isinstance(path, str) else None
        if value is None:
            value = self.pipeline_config.get(_RESOLVED_PREFIX + name)
        if value is None:
            value = os.environ.get("TS_SECRET_" + _env_name(name))
        if value is None and not silent_on_error:
            raise ValueError(f"secret {name} is not available to this task")
        return value

    def _secret_at(self, path: str) -> Optional[str]:
        """The value of the secret at an SSM path: resolved by the platform into the pipeline
        configuration (`_resolved_:<path>`) or given as `SECRET_<name>`; None if neither."""
        resolved = self.pipeline_config.get(_RESOLVED_PREFIX + path)
        if resolved is not None:
            return resolved
        return os.environ.get("SECRET_" + _env_name(_ORG_SECRETS_PREFIX.sub("", path)))

    # -- Logging, experiments, errors

    def get_logger(self) -> TaskLogger:
        """The structured logger: `get_logger().log({"message": ..., "level": ...})`."""
        return self._logger

    def enable_experiment(self, name: Any) -> None:
        """Opts this run into an experimental ts-sdk feature (only remembered: Slipway's behaviour
        does not depend on it)."""
        self._experiments.add(str(getattr(name, "value", name)))

    def is_experiment_enabled(self, name: Any) -> bool:
        """Whether `enable_experiment(name)` was called in this run."""
        return str(getattr(name, "value", name)) in self._experiments

    @property
    def allowed_ids(self) -> None:
        """The IDS the function may write per `config.json`: not enforced by Slipway, so None."""
        return None

    def raise_fatal_error(self, message: str = "No message") -> None:
        """Stops the run at once with a fatal error: prints `message` on standard error and exits
        with code 126 (a SystemExit, so `except Exception` in the script does not stop it)."""
        print(message, file=sys.stderr, flush=True)
        sys.exit(FATAL_ERROR_EXIT_CODE)

    # -- What needs a TetraScience service that Slipway does not have

    get_ids = _not_provided("get_ids", "it holds no IDS schemas")
    get_schema_artifact = _not_provided("get_schema_artifact", "it holds no schema artifacts")
    validate_ids = _not_provided("validate_ids", "it holds no IDS schemas to validate against")
    search_eql = _not_provided("search_eql", "it has no Elasticsearch index of the data lake")
    run_cmd = _not_provided("run_cmd", "it has no agents or connectors to send commands to")
    run_command = _not_provided("run_command", "it has no agents or connectors to send commands to")
    add_attributes = _not_provided(
        "add_attributes", "use update_metadata_tags and add_labels instead")
