"""CORDS compatibility suite: the seed's curl calls (as `requests` calls with the same headers
and bodies) and the rest of the CORDS ML resource API against a real `slipway serve` started
for the session on a loopback port; MLflow-linked assets with the real `mlflow` client logging
to a real `mlflow server` (and to Slipway's own tracking once it has one).

Run with the environment prepared by scripts/python-env.sh:

    eval "$(scripts/python-env.sh)" && "$SLIPWAY_MLFLOW_PYTHON" -m pytest Tests/compat_cords

The server binary is $SLIPWAY_BIN, else <repo>/.build/debug/slipway; with
$SLIPWAY_COMPAT_DATABASE_URL set to a PostgreSQL URL the server runs on a fresh database there.
"""

import base64
import secrets
import sys
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from slipway_server import attach_server_logs, Server, session_root, session_server, start_server, stop  # noqa: E402


class CORDS:
    """A small client of the CORDS API: `call` sends one request and returns the response."""

    def __init__(self, base_url: str, token: "str | None" = None):
        self.base_url = base_url
        self.token = token

    def call(self, method: str, path: str, *, token: "str | None | bool" = True, **kwargs) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        chosen = self.token if token is True else token
        if chosen:
            headers["Authorization"] = f"Bearer {chosen}"
        kwargs.setdefault("timeout", 60)
        return requests.request(method, self.base_url + path, headers=headers, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def put(self, path, **kwargs):
        return self.call("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


def basic(email: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


def register(base_url: str, email: str, password: str = "password123", **extra) -> CORDS:
    """Registers a user and returns a client holding their token."""
    body = {"email": email, "password": password, "first_name": "Test", "last_name": "User", "role": "ML Engineer", **extra}
    response = requests.post(base_url + "/api/users/register", json=body, timeout=60)
    assert response.status_code == 201, response.text
    token = requests.post(base_url + "/api/users/get-auth-token", headers={"Authorization": basic(email, password)},
                          timeout=60)
    assert token.status_code == 200, token.text
    return CORDS(base_url, token.json()["token"])


def assert_error(response: requests.Response, status: int, *fragments: str) -> dict:
    """The CORDS error shape with this status; the message contains every fragment."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == status, body
    assert isinstance(body["error"], str) and body["error"], body
    for fragment in fragments:
        assert fragment in body["message"], body
    return body


@pytest.fixture(scope="session")
def _root(request):
    yield from session_root(request, "slipway-cords-")


@pytest.fixture(scope="session")
def server(_root) -> Server:
    yield from session_server(_root)


@pytest.fixture()
def user(server) -> CORDS:
    """A freshly registered user with their token."""
    return register(server.base_url, f"user-{secrets.token_hex(4)}@example.com")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    attach_server_logs(outcome.get_result())
