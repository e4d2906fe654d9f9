"""The capability probes and the dialect's authentication, through raw HTTP."""

import base64
import time

import requests

from mlflow_helpers import make_outsider
from slipway_server import run_cli


def _basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_capability_probes_answer_without_credentials_and_show_no_data(server):
    for path in ["server-features", "server-info"]:
        response = requests.get(f"{server.base_url}/api/3.0/mlflow/{path}", timeout=10)
        assert response.status_code == 200, response.text
        assert response.json()["workspaces_enabled"] is True
        assert "experiment" not in response.text and "admin" not in response.text


def test_rpcs_need_credentials(server):
    response = requests.get(f"{server.base_url}/api/2.0/mlflow/experiments/search", timeout=10)
    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHENTICATED"


def test_rpcs_with_basic_auth(server):
    response = requests.get(f"{server.base_url}/api/2.0/mlflow/experiments/search",
                            params={"max_results": 5}, headers=_basic("admin", server.admin_password), timeout=10)
    assert response.status_code == 200, response.text


def test_wrong_password_is_refused_without_detail(server):
    response = requests.get(f"{server.base_url}/api/2.0/mlflow/experiments/search",
                            params={"max_results": 5}, headers=_basic("admin", "not-the-password"), timeout=10)
    assert response.status_code == 401
    body = response.json()
    assert body["error_code"] == "UNAUTHENTICATED"
    assert "not-the-password" not in response.text


def test_remembered_basic_credentials_stop_working_when_the_password_changes(server):
    """A verified pair is remembered, but whether the password is still the one it matched is
    checked again once a second: the old pair is refused a second after a change, the new one
    accepted."""
    email, password = make_outsider(server)
    url = f"{server.base_url}/api/2.0/mlflow/experiments/search"
    # Authenticated (then refused as a non-member of `default`): the pair is now remembered.
    for _ in range(2):
        assert requests.get(url, params={"max_results": 5}, headers=_basic(email, password), timeout=10).status_code == 403
    changed = run_cli(server, "user", "password", email, "--password", "-", stdin="another-pw-" + password + "\n")
    assert changed.returncode == 0, changed.stderr
    time.sleep(1.1)
    refused = requests.get(url, params={"max_results": 5}, headers=_basic(email, password), timeout=10)
    assert refused.status_code == 401, refused.text
    assert refused.json()["error_code"] == "UNAUTHENTICATED"
    accepted = requests.get(url, params={"max_results": 5}, headers=_basic(email, "another-pw-" + password), timeout=10)
    assert accepted.status_code == 403, accepted.text


def test_unknown_workspace_is_not_found(server):
    headers = {**_basic("admin", server.admin_password), "X-MLFLOW-WORKSPACE": "no-such-workspace"}
    response = requests.get(f"{server.base_url}/api/2.0/mlflow/experiments/search", params={"max_results": 5},
                            headers=headers, timeout=10)
    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_unknown_route_is_endpoint_not_found(server):
    response = requests.get(f"{server.base_url}/api/2.0/mlflow/no-such-rpc",
                            headers=_basic("admin", server.admin_password), timeout=10)
    assert response.status_code == 404
    assert response.json()["error_code"] == "ENDPOINT_NOT_FOUND"
