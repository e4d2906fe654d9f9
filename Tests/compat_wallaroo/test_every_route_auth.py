"""Every Wallaroo route listed in the server's own OpenAPI document refuses a call without a
token, with a malformed token and with a token signed by someone else (401), and the
inference-only client token on every control route (403)."""

import base64
import json

import requests

from wallaroo_helpers import bearer


def _foreign_token() -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
    return ".".join([part({"alg": "RS256", "typ": "JWT", "kid": "elsewhere"}),
                     part({"sub": "x", "exp": 4102444800, "iat": 1700000000}), "c2lnbmF0dXJl"])


def test_every_route_needs_a_valid_token(APIURL, TOKENURL, creds):
    document = requests.get(f"{APIURL}/v1/api/docs/openapi.json").json()
    paths = [path for path in document["paths"] if path.startswith("/v1/api/")]
    assert len(paths) >= 25
    client_token = requests.post(TOKENURL, data={"grant_type": "client_credentials"},
                                 auth=(creds["confidentialClient"], creds["confidentialPassword"])).json()["access_token"]
    for path in paths:
        url = APIURL + path.replace("{deployment}", "pipelinemodels-1").replace("{pipeline}", "pipelinemodels")
        for headers in ({}, {"Authorization": "Bearer not-a-jwt"}, bearer(_foreign_token()), {"Authorization": "Basic eDp5"}):
            response = requests.post(url, json={}, headers=headers)
            assert response.status_code == 401, (path, headers, response.text)
            assert response.json()["status"] == "error"
        if "/pipelines/infer/" not in path:
            response = requests.post(url, json={}, headers=bearer(client_token))
            assert response.status_code == 403, (path, response.text)
