"""What the seed's calls must not get away with: bad clients and credentials, expired and
foreign tokens, outsiders, bad names and bodies."""

import base64
import json
import os
import stat
import time

import pytest
import requests
from requests.auth import HTTPBasicAuth

from wallaroo_helpers import bearer, jwt_parts, user_token

OUTSIDER = "outsider@example.com"
OUTSIDER_PASSWORD = "outsider password"


@pytest.fixture(scope="module")
def admin_headers(TOKENURL, creds):
    tokens = user_token(TOKENURL, creds["username"], creds["password"], creds["confidentialClient"],
                        creds["confidentialPassword"])
    return bearer(tokens["access_token"])


@pytest.fixture(scope="module")
def outsider_headers(TOKENURL, APIURL, creds, admin_headers):
    response = requests.post(f"{APIURL}/v1/api/users/invite", json={"email": OUTSIDER, "password": OUTSIDER_PASSWORD},
                             headers=admin_headers)
    assert response.status_code == 200, response.text
    tokens = user_token(TOKENURL, OUTSIDER, OUTSIDER_PASSWORD, creds["confidentialClient"], creds["confidentialPassword"])
    return bearer(tokens["access_token"])


def test_wrong_client_secret_is_401_invalid_client(TOKENURL, creds):
    for grant in ({"grant_type": "password", "username": creds["username"], "password": creds["password"]},
                  {"grant_type": "client_credentials"}):
        response = requests.post(TOKENURL, auth=HTTPBasicAuth(creds["confidentialClient"], "wrong"), data=grant)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert creds["password"] not in response.text


def test_wrong_password_is_invalid_grant(TOKENURL, creds):
    response = requests.post(TOKENURL, auth=HTTPBasicAuth(creds["confidentialClient"], creds["confidentialPassword"]),
                             data={"grant_type": "password", "username": creds["username"], "password": "wrong"})
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}


def test_unknown_grant_type_is_400(TOKENURL, creds):
    response = requests.post(TOKENURL, auth=HTTPBasicAuth(creds["confidentialClient"], creds["confidentialPassword"]),
                             data={"grant_type": "implicit"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_expired_token_is_401_and_files_hold_the_secrets(short_lived_server):
    # The short-lived server chose neither password nor secret: they are in its data dir.
    for name in ("admin-password", "client-secret"):
        path = short_lived_server.data_dir / name
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, name
    tokens = user_token(short_lived_server.token_url, "admin", short_lived_server.admin_password, "api-client",
                        short_lived_server.client_secret)
    _, claims = jwt_parts(tokens["access_token"])
    assert claims["exp"] - claims["iat"] == 2
    api_request = f"{short_lived_server.base_url}/v1/api/workspaces/list"
    assert requests.post(api_request, json={}, headers=bearer(tokens["access_token"])).status_code == 200
    time.sleep(3.1)
    response = requests.post(api_request, json={}, headers=bearer(tokens["access_token"]))
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == 401 and body["status"] == "error" and "expired" in body["error"]


def test_token_of_another_server_is_401(APIURL, short_lived_server):
    tokens = user_token(short_lived_server.token_url, "admin", short_lived_server.admin_password, "api-client",
                        short_lived_server.client_secret)
    response = requests.post(f"{APIURL}/v1/api/workspaces/list", json={}, headers=bearer(tokens["access_token"]))
    assert response.status_code == 401


def test_forged_token_is_401(APIURL, admin_headers):
    token = admin_headers["Authorization"].split()[1]
    header, payload, signature = token.split(".")
    claims = jwt_parts(token)[1]
    claims["exp"] += 86400
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    for forged in (f"{header}.{forged_payload}.{signature}", f"{header}.{payload}.", "garbage"):
        response = requests.post(f"{APIURL}/v1/api/workspaces/list", json={}, headers=bearer(forged))
        assert response.status_code == 401
    assert requests.post(f"{APIURL}/v1/api/workspaces/list", json={}).status_code == 401


def test_inference_token_is_refused_on_control_routes(APIURL, TOKENURL, creds):
    response = requests.post(TOKENURL, auth=HTTPBasicAuth(creds["confidentialClient"], creds["confidentialPassword"]),
                             data={"grant_type": "client_credentials"})
    inference = response.json()["access_token"]
    response = requests.post(f"{APIURL}/v1/api/workspaces/list", json={}, headers=bearer(inference))
    assert response.status_code == 403


def test_user_outside_a_workspace_is_refused(APIURL, admin_headers, outsider_headers):
    created = requests.post(f"{APIURL}/v1/api/workspaces/create", json={"workspace_name": "members-only"},
                            headers=admin_headers).json()
    workspace_id = created["workspace_id"]
    for path, data in (("list_users", {"workspace_id": workspace_id}),
                       ("add_user", {"email": OUTSIDER, "workspace_id": workspace_id}),
                       ("remove_user", {"email": "admin@localhost", "workspace_id": workspace_id})):
        response = requests.post(f"{APIURL}/v1/api/workspaces/{path}", json=data, headers=outsider_headers)
        assert response.status_code in (403, 404), (path, response.text)
        assert response.json()["status"] == "error"
    listed = requests.post(f"{APIURL}/v1/api/workspaces/list", json={}, headers=outsider_headers).json()
    assert workspace_id not in [workspace["id"] for workspace in listed["workspaces"]]
    # User management is for administrators.
    response = requests.post(f"{APIURL}/v1/api/users/deactivate", json={"email": "admin@localhost"},
                             headers=outsider_headers)
    assert response.status_code == 403


def test_duplicate_workspace_changes_nothing(APIURL, admin_headers):
    first = requests.post(f"{APIURL}/v1/api/workspaces/create", json={"workspace_name": "only-once"}, headers=admin_headers)
    assert first.status_code == 200
    before = requests.post(f"{APIURL}/v1/api/workspaces/list", json={}, headers=admin_headers).json()
    again = requests.post(f"{APIURL}/v1/api/workspaces/create", json={"workspace_name": "only-once"}, headers=admin_headers)
    assert again.status_code == 409
    assert again.json()["code"] == 409
    assert requests.post(f"{APIURL}/v1/api/workspaces/list", json={}, headers=admin_headers).json() == before


def test_duplicate_invite_is_409(APIURL, admin_headers, outsider_headers):
    response = requests.post(f"{APIURL}/v1/api/users/invite", json={"email": OUTSIDER, "password": "another"},
                             headers=admin_headers)
    assert response.status_code == 409
    assert "another" not in response.text


@pytest.mark.parametrize("name", ["a_b", "A.b", "UPPER", "has space", "-dash", "dash-", "", "x" * 64])
def test_invalid_workspace_names_are_400(APIURL, admin_headers, name):
    response = requests.post(f"{APIURL}/v1/api/workspaces/create", json={"workspace_name": name}, headers=admin_headers)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 400 and body["status"] == "error" and body["error"]


def test_malformed_json_is_400(APIURL, admin_headers):
    headers = {**admin_headers, "Content-Type": "application/json"}
    for body in ("{not json", "[]", '{"workspace_name": 5}', '{"nothing": true}'):
        response = requests.post(f"{APIURL}/v1/api/workspaces/create", data=body, headers=headers)
        assert response.status_code == 400, body
        assert response.json()["status"] == "error"


def test_oversized_body_is_413(APIURL, admin_headers):
    body = {"workspace_name": "big", "padding": "x" * (2 << 20)}
    response = requests.post(f"{APIURL}/v1/api/workspaces/create", json=body, headers=admin_headers)
    assert response.status_code == 413
    assert response.json()["code"] == 413


def test_doubled_slashes_are_tolerated(APIURL, admin_headers):
    response = requests.post(f"{APIURL}/v1/api//workspaces/list", json={}, headers=admin_headers)
    assert response.status_code == 200
    assert "workspaces" in response.json()
