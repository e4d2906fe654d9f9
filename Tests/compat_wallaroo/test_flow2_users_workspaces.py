"""Flow 2 of the protocol reference (§17): users and workspaces, as the seed calls them."""

import re

import requests

from wallaroo_helpers import bearer, jwt_parts, user_token

new_user = "john.hansarick@wallaroo.ai"
new_user_password = "Snugglebunnies"
example_workspace_name = "apiworkspaces"


def test_flow2_users_and_workspaces(TOKENURL, APIURL, creds):
    tokens = user_token(TOKENURL, creds["username"], creds["password"], creds["confidentialClient"],
                        creds["confidentialPassword"])
    caller_id = jwt_parts(tokens["access_token"])[1]["sub"]

    def auth_header():
        return bearer(tokens["access_token"])

    # Get all users
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/users/query"
    data = {
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    assert isinstance(response["users"], dict)
    admins = [user for user in response["users"].values() if user["username"] == "admin"]
    assert len(admins) == 1 and "email" not in admins[0]
    for key, user in response["users"].items():
        assert user["id"] == key
        assert isinstance(user["createdTimestamp"], int)
        assert user["access"]["impersonate"] is False and user["access"]["view"] is True
        assert user["disableableCredentialTypes"] == [] and user["requiredActions"] == []
        assert user["notBefore"] == 0 and user["enabled"] is True

    # Get first user Keycloak id
    headers = auth_header()
    first_user_keycloak = list(response['users'])[0]
    api_request = f"{APIURL}/v1/api/users/query"
    data = {
      "user_ids": [
        first_user_keycloak
      ]
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    assert list(response["users"]) == [first_user_keycloak]

    # invite users
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/users/invite"
    data = {
        "email": new_user,
        "password": new_user_password
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    assert response is None

    # Create workspace
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/workspaces/create"
    data = {
      "workspace_name": example_workspace_name
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    example_workspace_id = response['workspace_id']
    assert isinstance(example_workspace_id, int)

    ## List workspaces
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/workspaces/list"
    data = {
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    ids = [workspace["id"] for workspace in response["workspaces"]]
    assert ids == sorted(ids)
    entry = next(workspace for workspace in response["workspaces"] if workspace["id"] == example_workspace_id)
    assert entry["name"] == example_workspace_name
    assert entry["created_by"] == caller_id
    assert entry["archived"] is False and entry["models"] == [] and entry["pipelines"] == []
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", entry["created_at"]), entry["created_at"]
    assert set(entry) == {"id", "name", "created_at", "created_by", "archived", "models", "pipelines"}

    # Add existing user to existing workspace
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/workspaces/add_user"
    data = {
      "email": new_user,
      "workspace_id": example_workspace_id
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    assert response == {}

    # List users in a workspace
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/workspaces/list_users"
    data = {
      "workspace_id": example_workspace_id
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    assert [user["user_type"] for user in response["users"]] == ["OWNER", "COLLABORATOR"]
    assert response["users"][0]["user_id"] == caller_id

    # Remove existing user from an existing workspace
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/workspaces/remove_user"
    data = {
      "email": new_user,
      "workspace_id": example_workspace_id
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    assert response == {'affected_rows': 1}

    ## List users in a workspace (the seed's users/query with workspace_id: not filtered)
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/users/query"
    data = {
      "workspace_id": example_workspace_id
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    invited = [user for user in response["users"].values() if user["username"] == new_user]
    assert len(invited) == 1 and invited[0]["email"] == new_user

    ## Deactivate users
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/users/deactivate"
    data = {
        "email": new_user
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    assert response is None
    refused = requests.post(TOKENURL, auth=(creds["confidentialClient"], creds["confidentialPassword"]),
                            data={"grant_type": "password", "username": new_user, "password": new_user_password})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"

    ## Activate users
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/users/activate"
    data = {
        "email": new_user
    }
    response = requests.post(api_request, json=data, headers=headers, verify=True).json()
    assert response is None
    user_token(TOKENURL, new_user, new_user_password, creds["confidentialClient"], creds["confidentialPassword"])

    # Negative check: a second create with the same name fails.
    headers = auth_header()
    api_request = f"{APIURL}/v1/api/workspaces/create"
    response = requests.post(api_request, json={"workspace_name": example_workspace_name}, headers=headers, verify=True)
    assert 400 <= response.status_code < 500
    assert response.json()["status"] == "error"
