"""Raw-HTTP helpers the artifact and registry tests share: credentials, a second workspace or
user made through the Wallaroo dialect of the same server, and a probe for the tracking RPCs
(not on every branch)."""

import base64
import secrets

import requests

from conftest import ADMIN


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def admin_headers(server, workspace: "str | None" = None) -> dict:
    headers = basic(ADMIN, server.admin_password)
    if workspace:
        headers["X-MLFLOW-WORKSPACE"] = workspace
    return headers


def access_token(server, username: str, password: str) -> str:
    response = requests.post(server.token_url, auth=("api-client", server.client_secret),
                             data={"grant_type": "password", "username": username, "password": password}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def wallaroo(server, path: str, body: dict, token: str) -> requests.Response:
    return requests.post(f"{server.base_url}/v1/api/{path}", json=body,
                         headers={"Authorization": "Bearer " + token}, timeout=60)


def make_workspace(server, name: str) -> int:
    """A workspace the administrator is a member of; returns its Wallaroo number."""
    token = access_token(server, ADMIN, server.admin_password)
    response = wallaroo(server, "workspaces/create", {"workspace_name": name}, token)
    assert response.status_code == 200, response.text
    return response.json()["workspace_id"]


def make_outsider(server) -> "tuple[str, str]":
    """A new user who is a member of no workspace of the administrator's: (email, password)."""
    email = f"outsider-{secrets.token_hex(4)}@example.com"
    password = "pw-" + secrets.token_urlsafe(12)
    token = access_token(server, ADMIN, server.admin_password)
    response = wallaroo(server, "users/invite", {"email": email, "password": password}, token)
    assert response.status_code == 200, response.text
    return email, password


def tracking_available(server) -> bool:
    """Whether this build serves the tracking RPCs (runs and experiments)."""
    response = requests.get(f"{server.base_url}/api/2.0/mlflow/experiments/get-by-name",
                            params={"experiment_name": "Default"}, headers=admin_headers(server), timeout=10)
    return not (response.status_code == 404 and response.json().get("error_code") == "ENDPOINT_NOT_FOUND")
