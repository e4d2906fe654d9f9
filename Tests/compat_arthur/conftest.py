"""Arthur compatibility suite: the real `arthurai` 3.33.3 SDK, `arthur-client` 1.4 and the
seed's SageMaker Data Capture Lambda (unchanged, reading from a `moto` S3 on loopback) against
a real `slipway serve` started for the session on a loopback port.

Run with the environment prepared by scripts/python-env.sh:

    eval "$(scripts/python-env.sh)" && "$SLIPWAY_ARTHUR_PYTHON" -m pytest Tests/compat_arthur

The server binary is $SLIPWAY_BIN, else <repo>/.build/debug/slipway; with
$SLIPWAY_COMPAT_DATABASE_URL set to a PostgreSQL URL the server runs on a fresh database there.
"""

import json
import secrets
import sys
import uuid
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from slipway_server import attach_server_logs, SERVERS, Server, run_cli, session_root, start_server, stop  # noqa: E402

# Small, so that the size-limit test sends little; every other file of the suite is far below.
MAX_FILE_BYTES = 1_000_000


class Arthur:
    """Plain `requests` calls of the Arthur v3 API with a raw `Authorization: <key>`."""

    def __init__(self, base_url: str, key: str, organization: "str | None" = None):
        self.base_url = base_url
        self.key = key
        self.organization = organization

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.key is not None:
            headers.setdefault("Authorization", self.key)
        if self.organization:
            headers.setdefault("Arthur-Organization-ID", self.organization)
        return requests.request(method, self.base_url + "/api/v3" + path, headers=headers, timeout=60, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.call("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)

    def create_model(self, partner_id: "str | None" = None, attributes=None, **fields) -> dict:
        body = {"partner_model_id": partner_id or f"model-{uuid.uuid4().hex[:8]}", "input_type": "TABULAR",
                "output_type": "REGRESSION", "is_batch": False, "attributes": attributes or TABULAR_ATTRIBUTES, **fields}
        response = self.post("/models", params={"async_model_provisioning": "true"}, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def query_ids(self, model_id: str) -> "set[str]":
        response = self.post(f"/models/{model_id}/inferences/query",
                             json={"select": [{"property": "partner_inference_id"}]})
        assert response.status_code == 200, response.text
        return {row["partner_inference_id"] for row in response.json()["query_result"]}


# The attributes of the seed's JSON option 1 example ([1.5, 16, "testStringA", false]) and a prediction.
TABULAR_ATTRIBUTES = [
    {"name": "f_float", "value_type": "FLOAT", "stage": "PIPELINE_INPUT", "position": 0},
    {"name": "f_int", "value_type": "INTEGER", "stage": "PIPELINE_INPUT", "position": 1},
    {"name": "f_str", "value_type": "STRING", "stage": "PIPELINE_INPUT", "position": 2, "categorical": True,
     "categories": [{"value": "testStringA"}, {"value": "testStringB"}]},
    {"name": "f_bool", "value_type": "BOOLEAN", "stage": "PIPELINE_INPUT", "position": 3},
    {"name": "prediction", "value_type": "FLOAT", "stage": "PREDICTED_VALUE", "position": 0, "attribute_link": "truth"},
    {"name": "truth", "value_type": "FLOAT", "stage": "GROUND_TRUTH", "position": 0, "attribute_link": "prediction"},
]


def cli(server: Server, *args: str) -> str:
    """Runs a `slipway` administration command on the server's data dir (and database)."""
    result = run_cli(server, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def assert_error(response: requests.Response, status: int, *fragments: str) -> dict:
    """Slipway's Arthur error shape with this status; the message contains every fragment."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == status, body
    for fragment in fragments:
        assert fragment in body["message"], body
    return body


def capture_line(input_data: str, output_data: str, *, event_id: str, inference_id: "str | None" = None,
                 input_type: str = "text/csv", output_type: str = "text/csv", input_encoding: "str | None" = None,
                 output_encoding: "str | None" = None) -> str:
    """One SageMaker Data Capture JSON line, as Data Capture writes it."""
    def side(content_type, data, encoding, mode):
        return {"observedContentType": content_type, "mode": mode, "data": data,
                "encoding": encoding or ("CSV" if content_type == "text/csv" else "JSON")}
    metadata = {"eventId": event_id, "inferenceTime": "2022-10-04T10:00:00Z"}
    if inference_id:
        metadata["inferenceId"] = inference_id
    return json.dumps({"captureData": {"endpointInput": side(input_type, input_data, input_encoding, "INPUT"),
                                       "endpointOutput": side(output_type, output_data, output_encoding, "OUTPUT")},
                       "eventMetadata": metadata, "eventVersion": "0"})


@pytest.fixture(scope="session")
def _root(request):
    yield from session_root(request, "slipway-arthur-")


@pytest.fixture(scope="session")
def server(_root) -> Server:
    try:
        started = start_server(_root / "main", admin_password="compat-" + secrets.token_urlsafe(16),
                               client_secret="secret-" + secrets.token_urlsafe(24),
                               extra_args=["--max-ingest-file-bytes", str(MAX_FILE_BYTES)])
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield started
    stop(started.process)
    SERVERS.remove(started)


@pytest.fixture(scope="session")
def admin_key(server) -> str:
    return (server.data_dir / "admin-token").read_text().strip()


@pytest.fixture(scope="session")
def api(server, admin_key) -> Arthur:
    return Arthur(server.base_url, admin_key)


@pytest.fixture(scope="session")
def connection(server, admin_key):
    """The `arthurai` SDK's client, signed in with the admin's key."""
    from arthurai import ArthurAI
    return ArthurAI(url=server.base_url, access_key=admin_key, allow_insecure=True)


@pytest.fixture(scope="session")
def ingest_key(server) -> str:
    """An ingestion-only key of the admin in the default workspace."""
    return cli(server, "token", "create", "--scope", "ingest")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    attach_server_logs(outcome.get_result())
