"""Small helpers shared by the Wallaroo compatibility tests."""

import base64
import json

import requests
from requests.auth import HTTPBasicAuth


def jwt_parts(token: str) -> "tuple[dict, dict]":
    """The decoded header and claims of a JWT (no signature check)."""
    def decode(segment: str) -> dict:
        return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    header, payload, _ = token.split(".")
    return decode(header), decode(payload)


def user_token(token_url: str, username: str, password: str, client: str, secret: str) -> dict:
    """A password-grant token response, as the seed requests it."""
    auth = HTTPBasicAuth(client, secret)
    data = {"grant_type": "password", "username": username, "password": password}
    response = requests.post(token_url, auth=auth, data=data, verify=True)
    assert response.status_code == 200, response.text
    return response.json()


def bearer(access_token: str) -> dict:
    """What `wl.auth.auth_header()` returns."""
    return {"Authorization": "Bearer " + access_token}
