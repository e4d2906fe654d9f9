"""Authentication and workspace isolation, checked with plain HTTP requests."""

import base64
import io
import json

import jwt
import requests
from craft_ai_sdk import CraftAiSdk

from compat_helpers import access_token, sdk_error, uid

TIMEOUT = 30
ERROR_KEYS = {"message", "name", "request_id", "additional_data"}


def _assert_error(response, status):
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers.get("content-type", "").startswith("application/json")
    body = response.json()
    assert isinstance(body, dict), body
    assert ERROR_KEYS <= set(body), body
    assert isinstance(body["message"], str) and body["message"]
    assert body["request_id"]
    return body


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _altered(signature: str) -> str:
    tail = "AAAA" if not signature.endswith("AAAA") else "BBBB"
    return signature[:-4] + tail


def test_refresh_with_bad_token_is_401_json(base_url):
    response = requests.post(
        f"{base_url}/api/v1/auth/refresh",
        json={"refresh_token": f"bogus-{uid()}"},
        timeout=TIMEOUT,
    )
    _assert_error(response, 401)

    missing = requests.post(f"{base_url}/api/v1/auth/refresh", json={}, timeout=TIMEOUT)
    assert 400 <= missing.status_code < 500
    assert ERROR_KEYS <= set(missing.json())


def test_refresh_returns_a_jwt_with_exp_and_iat(base_url, admin_token):
    token = access_token(base_url, admin_token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert isinstance(claims["exp"], (int, float))
    assert isinstance(claims["iat"], (int, float))
    # The SDK refreshes 120 s before expiry: a shorter lifetime means a refresh per call.
    assert claims["exp"] - claims["iat"] > 120


def test_routes_without_authorization_are_401(base_url):
    for method, path in [
        ("GET", "/api/v1/pipelines"),
        ("GET", "/api/v1/steps"),
        ("GET", "/api/v1/environment-variables"),
        ("GET", "/api/v1/data-store/list"),
        ("GET", "/api/v1/users/me"),
    ]:
        response = requests.request(method, f"{base_url}{path}", timeout=TIMEOUT)
        _assert_error(response, 401)


def test_malformed_or_forged_bearer_tokens_are_401(base_url, admin_token):
    real = access_token(base_url, admin_token)
    header, payload, signature = real.split(".")
    claims = jwt.decode(real, options={"verify_signature": False})
    tampered_claims = dict(claims, exp=claims["exp"] + 10_000)
    forged = [
        "Bearer not-a-jwt",
        "Bearer ",
        "Bearer a.b.c",
        f"Basic {base64.b64encode(b'user:pass').decode()}",
        real,  # no scheme
        f"Bearer {header}.{_b64(tampered_claims)}.{signature}",  # payload changed
        f"Bearer {_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",  # unsigned
        f"Bearer {header}.{payload}.{_altered(signature)}",  # signature changed
        f"Bearer {admin_token}",  # the refresh token is not an access token
    ]
    for authorization in forged:
        response = requests.get(
            f"{base_url}/api/v1/pipelines",
            headers={"Authorization": authorization},
            timeout=TIMEOUT,
        )
        _assert_error(response, 401)

    ok = requests.get(
        f"{base_url}/api/v1/pipelines",
        headers={"Authorization": f"Bearer {real}"},
        timeout=TIMEOUT,
    )
    assert ok.status_code == 200, ok.text
    assert isinstance(ok.json(), list)


def test_users_me_with_a_fresh_access_token(base_url, admin_token):
    token = access_token(base_url, admin_token)
    response = requests.get(
        f"{base_url}/api/v1/users/me",
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    me = response.json()
    assert {"id", "name", "email"} <= set(me)

    user = requests.get(
        f"{base_url}/api/v1/users/{me['id']}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )
    assert user.status_code == 200, user.text
    assert user.json()["id"] == me["id"]


def test_second_user_token_from_the_cli(slipway_server, base_url):
    name = f"compat-user-{uid()}"
    email = f"{name}@example.com"
    slipway_server.cli("user", "create", name, "--email", email)
    token = slipway_server.cli_token("token", "create", "--user", name)

    me = requests.get(
        f"{base_url}/api/v1/users/me",
        headers={"Authorization": f"Bearer {access_token(base_url, token)}"},
        timeout=TIMEOUT,
    )
    assert me.status_code == 200, me.text
    assert me.json()["email"] == email
    assert me.json()["name"] == name

    who = CraftAiSdk(sdk_token=token).who_am_i()
    assert who["email"] == email


def test_workspaces_are_isolated(slipway_server, base_url, admin_token, sdk):
    workspace = f"compat-ws-{uid()}"
    workspace_token = slipway_server.cli_token("workspace", "create", workspace)
    workspace_url = f"{base_url}/environments/{workspace}"

    # Something private in the default workspace.
    secret_path = f"compat/{uid()}/private.txt"
    sdk.upload_data_store_object(io.BytesIO(b"default workspace only"), secret_path)
    variable = f"COMPAT_PRIVATE_{uid().upper()}"
    sdk.create_or_update_environment_variable(variable, "private")

    # The workspace token works on its own environment URL...
    foreign_access = access_token(base_url, workspace_token)
    own = requests.get(
        f"{workspace_url}/api/v1/steps",
        headers={"Authorization": f"Bearer {foreign_access}"},
        timeout=TIMEOUT,
    )
    assert own.status_code == 200, own.text
    assert own.json() == []

    # ...but not on the default workspace's API.
    for path in ("/api/v1/steps", "/api/v1/pipelines", "/api/v1/environment-variables"):
        response = requests.get(
            f"{base_url}{path}",
            headers={"Authorization": f"Bearer {foreign_access}"},
            timeout=TIMEOUT,
        )
        assert response.status_code in (403, 404), (path, response.status_code, response.text)
        assert ERROR_KEYS <= set(response.json())

    # The same through the SDK.
    foreign = CraftAiSdk(
        sdk_token=workspace_token, environment_url=workspace_url, control_url=base_url
    )
    assert foreign.list_pipelines() == []
    assert variable not in {item["name"] for item in foreign.list_environment_variables()}
    assert secret_path not in {item["path"] for item in foreign.list_data_store_objects()}
    with sdk_error(status=404):
        foreign.download_data_store_object(secret_path, io.BytesIO())

    # Writing the same path in the other workspace does not touch the original.
    foreign.upload_data_store_object(io.BytesIO(b"other workspace"), secret_path)
    buffer = io.BytesIO()
    sdk.download_data_store_object(secret_path, buffer)
    assert buffer.getvalue() == b"default workspace only"
    buffer = io.BytesIO()
    foreign.download_data_store_object(secret_path, buffer)
    assert buffer.getvalue() == b"other workspace"

    misdirected = CraftAiSdk(sdk_token=workspace_token, environment_url=base_url, control_url=base_url)
    with sdk_error(status=(403, 404)):
        misdirected.list_steps()
