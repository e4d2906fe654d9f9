"""The capability probes and the dialect's authentication, through raw HTTP."""

import base64

import requests


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
