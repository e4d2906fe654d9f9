"""Flow 7 of the protocol reference (§17): connections, as the seed calls them — create,
add_to_workspace, list, get, get_by_id (by id and, as the seed's example does, by name),
remove_from_workspace (204), delete (204; refused while attached). `details` are masked in
every answer (contracts: at most the last four characters of each value) and the private
values appear in no answer and no server log line."""

from datetime import datetime, timedelta, timezone

import requests

from wallaroo_helpers import bearer, user_token

connection_name = "bigqueryhouseapiinput"
private_key = "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY-----"
private_key_id = "f3d1c9a0b7e24c55a1d2"
details = {
    "type": "service_account",
    "project_id": "wallaroo-release-testing",
    "private_key_id": private_key_id,
    "private_key": private_key,
    "client_email": "wallaroo-release-testing@wallaroo-release-testing.iam.gserviceaccount.com",
    "dataset": "release_testing_2023_2",
    "table": "housepricesaga_inputs",
    "port": 3339,
}


def masked(value) -> str:
    text = str(value)
    return "****" + text[-4:] if len(text) >= 12 else "****"


def test_flow7_connections(TOKENURL, APIURL, creds, server):
    tokens = user_token(TOKENURL, creds["username"], creds["password"], creds["confidentialClient"],
                        creds["confidentialPassword"])
    headers = bearer(tokens["access_token"])
    answers = []

    response = requests.post(f"{APIURL}/v1/api/workspaces/create", json={"workspace_name": "bigqueryapiworkspace"},
                             headers=headers)
    assert response.status_code == 200, response.text
    workspace_id = response.json()["workspace_id"]

    # Create the connection
    api_request = f"{APIURL}/v1/api/connections/create"
    data = {"name": connection_name, "type": "BIGQUERY", "details": details}
    response = requests.post(api_request, json=data, headers=headers, verify=True)
    assert response.status_code == 200, response.text
    answers.append(response.text)
    connection_id = response.json()["id"]

    # Add it to the workspace: the answer is the workspace-connection link's id
    api_request = f"{APIURL}/v1/api/connections/add_to_workspace"
    data = {"workspace_id": workspace_id, "connection_id": connection_id}
    response = requests.post(api_request, json=data, headers=headers, verify=True)
    assert response.status_code == 200, response.text
    link_id = response.json()["id"]
    assert link_id != connection_id

    # List the workspace's connections
    api_request = f"{APIURL}/v1/api/connections/list"
    response = requests.post(api_request, json={"workspace_id": workspace_id}, headers=headers, verify=True)
    assert response.status_code == 200, response.text
    answers.append(response.text)
    listed = response.json()["connections"]
    assert [connection["id"] for connection in listed] == [connection_id]
    connection = listed[0]
    assert connection["name"] == connection_name and connection["type"] == "BIGQUERY"
    assert connection["workspace_names"] == ["bigqueryapiworkspace"]
    created_at = datetime.fromisoformat(connection["created_at"].replace("Z", "+00:00"))
    assert created_at.tzinfo is not None and abs(datetime.now(timezone.utc) - created_at) < timedelta(minutes=10)
    assert set(connection["details"]) == set(details)
    for key, value in details.items():
        assert connection["details"][key] == masked(value), key

    # Get it by name, by id, and by name through get_by_id (the seed's example)
    for path, data in [("get", {"name": connection_name}), ("get_by_id", {"id": connection_id}),
                       ("get_by_id", {"id": connection_name})]:
        response = requests.post(f"{APIURL}/v1/api/connections/{path}", json=data, headers=headers, verify=True)
        assert response.status_code == 200, response.text
        answers.append(response.text)
        assert response.json() == connection

    # Deleting while attached is refused
    response = requests.post(f"{APIURL}/v1/api/connections/delete", json={"name": connection_name}, headers=headers)
    assert response.status_code == 409, response.text
    assert response.json()["status"] == "error" and "attached" in response.json()["error"]
    answers.append(response.text)

    # Remove it from the workspace
    api_request = f"{APIURL}/v1/api/connections/remove_from_workspace"
    data = {"workspace_id": workspace_id, "connection_id": connection_id}
    response = requests.post(api_request, json=data, headers=headers, verify=True)
    assert response.status_code == 204 and response.content == b""
    response = requests.post(f"{APIURL}/v1/api/connections/list", json={"workspace_id": workspace_id}, headers=headers)
    assert response.json() == {"connections": []}

    # Delete it
    api_request = f"{APIURL}/v1/api/connections/delete"
    response = requests.post(api_request, json={"name": connection_name}, headers=headers, verify=True)
    assert response.status_code == 204 and response.content == b""
    response = requests.post(f"{APIURL}/v1/api/connections/get", json={"name": connection_name}, headers=headers)
    assert response.status_code == 404
    response = requests.post(f"{APIURL}/v1/api/connections/get_by_id", json={"id": connection_id}, headers=headers)
    assert response.status_code == 404

    for answer in answers:
        assert private_key not in answer and private_key_id not in answer
    log = server.log_path.read_text(errors="replace")
    assert private_key not in log and private_key_id not in log


def test_connections_refuse_bad_input_and_missing_credentials(TOKENURL, APIURL, creds):
    tokens = user_token(TOKENURL, creds["username"], creds["password"], creds["confidentialClient"],
                        creds["confidentialPassword"])
    headers = bearer(tokens["access_token"])
    good = {"name": "refusals", "type": "BIGQUERY", "details": {"password": private_key}}
    assert requests.post(f"{APIURL}/v1/api/connections/create", json=good).status_code == 401
    assert requests.post(f"{APIURL}/v1/api/connections/create", json=good,
                         headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    for bad in [{**good, "name": "Not_DNS"}, {**good, "type": ""}, {**good, "details": [private_key]},
                {"name": "refusals", "type": "BIGQUERY"}, {**good, "details": {"k": {"$secret": 7}}}]:
        response = requests.post(f"{APIURL}/v1/api/connections/create", json=bad, headers=headers)
        assert response.status_code == 400, (bad, response.text)
        assert private_key not in response.text
    response = requests.post(f"{APIURL}/v1/api/connections/create",
                             json={**good, "details": {"blob": "x" * 70_000}}, headers=headers)
    assert response.status_code == 413
    assert requests.post(f"{APIURL}/v1/api/connections/get", json={"name": "refusals"}, headers=headers).status_code == 404
    response = requests.post(f"{APIURL}/v1/api/connections/add_to_workspace",
                             json={"workspace_id": 1, "connection_id": "9d5b8a52-0000-4000-8000-000000000000"}, headers=headers)
    assert response.status_code == 404
