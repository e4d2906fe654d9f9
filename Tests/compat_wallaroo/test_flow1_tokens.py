"""Flow 1 of the protocol reference (§17): the seed's token requests, as it makes them."""

import requests
from requests.auth import HTTPBasicAuth

from wallaroo_helpers import jwt_parts


def test_flow1_tokens(TOKENURL, APIURL, creds):
    login_data = creds

    # Generating token with confidential client, client secret, username, password
    USERNAME = login_data["username"]
    PASSWORD = login_data["password"]
    CONFIDENTIAL_CLIENT = login_data["confidentialClient"]
    CONFIDENTIAL_CLIENT_SECRET = login_data["confidentialPassword"]

    auth = HTTPBasicAuth(CONFIDENTIAL_CLIENT, CONFIDENTIAL_CLIENT_SECRET)
    data = {
        'grant_type': 'password',
        'username': USERNAME,
        'password': PASSWORD
    }
    response = requests.post(TOKENURL, auth=auth, data=data, verify=True)
    access_token = response.json()['access_token']
    refresh_token = response.json()['refresh_token']

    header, first = jwt_parts(access_token)
    assert header["alg"] == "RS256" and header["kid"]
    assert first["azp"] == "api-client"
    assert first["exp"] - first["iat"] == 3600
    users = requests.post(f"{APIURL}/v1/api/users/query", json={},
                          headers={"Authorization": "Bearer " + access_token}).json()["users"]
    assert first["sub"] in users and users[first["sub"]]["username"] == USERNAME
    assert first["preferred_username"] == USERNAME
    for claim in ("email_verified", "sid", "session_state", "realm_access", "resource_access", "scope", "jti", "iss"):
        assert claim in first, claim

    # Refresh the token
    CONFIDENTIAL_CLIENT = login_data["confidentialClient"]
    CONFIDENTIAL_CLIENT_SECRET = login_data["confidentialPassword"]

    auth = HTTPBasicAuth(CONFIDENTIAL_CLIENT, CONFIDENTIAL_CLIENT_SECRET)
    data = {
        'grant_type': 'refresh_token',
        'refresh_token': refresh_token
    }
    response = requests.post(TOKENURL, auth=auth, data=data, verify=True)
    access_token = response.json()['access_token']
    refresh_token = response.json()['refresh_token']

    _, refreshed = jwt_parts(access_token)
    assert refreshed["sub"] == first["sub"]
    assert refreshed["sid"] == first["sid"] and refreshed["session_state"] == first["session_state"]
    assert refreshed["jti"] != first["jti"]
    assert refreshed["exp"] - refreshed["iat"] == 3600
    assert refresh_token

    # Pipeline Inference URL token - does not require Wallaroo username/password.
    CONFIDENTIAL_CLIENT = login_data["confidentialClient"]
    CLIENT_SECRET = login_data["confidentialPassword"]

    auth = HTTPBasicAuth(CONFIDENTIAL_CLIENT, CLIENT_SECRET)
    data = {
        'grant_type': 'client_credentials'
    }
    response = requests.post(TOKENURL, auth=auth, data=data, verify=True)
    inference_access_token = response.json()['access_token']

    _, inference = jwt_parts(inference_access_token)
    assert inference["preferred_username"] == "service-account-api-client"
    assert inference["clientId"] == "api-client"
    assert "sid" not in inference and "email" not in inference and "session_state" not in inference

    # List enablement features
    headers = {"Authorization": "Bearer " + access_token}
    api_request = f"{APIURL}/v1/api/features/list"
    data = {
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    assert response["features"] == {"plateau": "true"}
    assert isinstance(response["name"], str)
    assert response["is_auth_enabled"] is True


def test_curl_style_refresh_reuses_the_first_refresh_token(TOKENURL, creds):
    """The seed's curl variant asks for `offline_access` and refreshes with the same REFRESH
    each time, reading only the access token."""
    auth = (creds["confidentialClient"], creds["confidentialPassword"])
    body = f"grant_type=password&username={creds['username']}&password={creds['password']}&scope=offline_access"
    first = requests.post(TOKENURL, auth=auth, data=body,
                          headers={"Content-Type": "application/x-www-form-urlencoded"}).json()
    REFRESH = first["refresh_token"]
    for _ in range(2):
        response = requests.post(TOKENURL, auth=auth, data=f"grant_type=refresh_token&refresh_token={REFRESH}",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 200, response.text
        assert response.json()["access_token"]
