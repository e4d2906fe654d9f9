"""Shared settings and secrets of an organization (workspace), as a lab-data engineer sets them
up for the seed's pipeline: the shared setting `kaggle_username` and the secret
`kaggle_api_key`, through the REST API and through `slipway secret` / `slipway setting`. Every
credential rule allowed and refused; bad input refused with nothing changed; the secret's value
in no answer, no command output, no server log line and not in clear in the database."""

import os
import sqlite3

import pytest

from tetra_helpers import ORG, Tetra

API_KEY = "kaggle-5d41402abc4b2a76b9719d911017c592"
CLI_SECRET = "cli-secret-7f2b9e1c4d6a8b0e3f5a"


def names(response) -> "list[str]":
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()]


def test_settings_and_secrets_round_trip_without_showing_the_secret(tetra, server):
    answers = []
    response = tetra.call("POST", "/sharedsettings", json={"name": "kaggle_username", "value": "sspdemo-user"})
    assert response.status_code == 201, response.text
    setting = response.json()
    assert setting["name"] == "kaggle_username" and setting["value"] == "sspdemo-user" and setting["type"] == "setting"
    assert setting["version"] == 1 and setting["lastModifiedBy"] == "admin"

    response = tetra.call("POST", "/secrets", json={"name": "kaggle_api_key", "value": API_KEY})
    assert response.status_code == 201, response.text
    answers.append(response.text)
    secret = response.json()
    assert secret["name"] == "kaggle_api_key" and secret["type"] == "secret" and secret["version"] == 1
    assert "value" not in secret

    # Replacing counts versions and keeps the id.
    response = tetra.call("PUT", "/secrets/kaggle_api_key", json={"value": API_KEY + "-rotated"})
    assert response.status_code == 200, response.text
    answers.append(response.text)
    assert response.json()["id"] == secret["id"] and response.json()["version"] == 2
    response = tetra.call("PUT", "/sharedsettings/kaggle_username", json={"value": "sspdemo"})
    assert response.status_code == 200 and response.json()["value"] == "sspdemo" and response.json()["version"] == 2

    for path in ["/secrets", "/secrets/kaggle_api_key", "/sharedsettings", "/sharedsettings/kaggle_username"]:
        response = tetra.call("GET", path)
        assert response.status_code == 200, response.text
        answers.append(response.text)
    assert names(tetra.call("GET", "/secrets")) == ["kaggle_api_key"]
    assert tetra.call("GET", "/sharedsettings/kaggle_username").json()["value"] == "sspdemo"

    for answer in answers:
        assert API_KEY not in answer
    assert API_KEY not in server.log_path.read_text(errors="replace")


def test_every_credential_header_and_refusals(tetra, server, admin):
    for header in ["ts-auth-token", "x-api-key", "Authorization"]:
        response = tetra.call("GET", "/sharedsettings", header=header)
        assert response.status_code == 200, (header, response.text)
    # Without x-org-slug the token's own workspace is used.
    assert tetra.call("GET", "/sharedsettings", org=None).status_code == 200

    missing = tetra.call("GET", "/secrets", token=None)
    assert missing.status_code == 401
    body = missing.json()
    assert body["statusCode"] == 401 and body["error"] == "Unauthorized" and "ts-auth-token" in body["message"]
    assert tetra.call("GET", "/secrets", token="wrong-token-0123456789abcdef").status_code == 401

    # A user of another organization: their token does not open training-sspdemo, nor an unknown org.
    admin.run("workspace", "create", "other-lab")
    admin.run("user", "create", "eve", "--email", "eve@example.com", "--workspace", "other-lab")
    eve_token = admin.run("token", "create", "--user", "eve", "--workspace", "other-lab").stdout.strip()
    eve = Tetra(server.base_url, eve_token, org="other-lab")
    assert eve.call("GET", "/secrets").status_code == 200
    for method, path, body in [("GET", "/secrets", None), ("GET", "/sharedsettings", None),
                               ("POST", "/secrets", {"name": "stolen", "value": API_KEY}),
                               ("DELETE", "/secrets/kaggle_api_key", None)]:
        response = eve.call(method, path, org=ORG, json=body)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["statusCode"] == 403
    assert eve.call("GET", "/secrets", org="no-such-org").status_code == 403
    # Nothing the refused calls sent was stored.
    assert "stolen" not in names(tetra.call("GET", "/secrets"))
    assert names(eve.call("GET", "/secrets")) == []


@pytest.mark.parametrize("path,body,status", [
    ("/secrets", {"name": "bad name", "value": API_KEY}, 400),
    ("/secrets", {"name": "../../etc", "value": API_KEY}, 400),
    ("/secrets", {"name": "x" * 129, "value": API_KEY}, 400),
    ("/secrets", {"value": API_KEY}, 400),
    ("/secrets", {"name": "empty", "value": ""}, 400),
    ("/secrets", {"name": "number", "value": 12345}, 400),
    ("/secrets", {"name": "big", "value": API_KEY + "x" * 16_384}, 413),
    ("/secrets", {"name": "huge", "value": API_KEY + "x" * 70_000}, 413),
    ("/sharedsettings", {"name": "bad/name", "value": "v"}, 400),
    ("/sharedsettings", {"name": "big", "value": "v" * 40_000}, 413),
])
def test_bad_input_is_refused_and_nothing_changes(tetra, path, body, status):
    before = tetra.call("GET", path).json()
    response = tetra.call("POST", path, json=body)
    assert response.status_code == status, response.text
    assert response.json()["statusCode"] == status and response.json()["message"]
    assert API_KEY not in response.text
    assert tetra.call("GET", path).json() == before


def test_unknown_names_are_not_found(tetra):
    for method in ["GET", "DELETE"]:
        for path in ["/secrets/never-set", "/sharedsettings/never-set", "/secrets/bad%20name"]:
            response = tetra.call(method, path)
            assert response.status_code == 404, (method, path, response.text)
            assert response.json()["statusCode"] == 404
    response = tetra.call("PUT", "/secrets/kaggle_api_key", json={"name": "another", "value": API_KEY})
    assert response.status_code == 400


def test_cli_sets_lists_and_deletes_secrets_and_settings(tetra, admin, server):
    # The value comes from stdin only; no output shows it.
    result = admin.run("secret", "set", "cli_token", "--workspace", ORG, stdin=CLI_SECRET + "\n")
    assert "cli_token" in result.stdout and "created" in result.stdout
    assert CLI_SECRET not in result.stdout + result.stderr
    result = admin.run("secret", "set", "cli_token", "--workspace", ORG, stdin=CLI_SECRET + "-2")
    assert "updated" in result.stdout and "version 2" in result.stdout
    listed = admin.run("secret", "list", "--workspace", ORG)
    assert "cli_token" in listed.stdout and CLI_SECRET not in listed.stdout + listed.stderr
    # The server sees what the command stored, without the value.
    secret = tetra.call("GET", "/secrets/cli_token")
    assert secret.status_code == 200 and secret.json()["version"] == 2 and secret.json()["lastModifiedBy"] is None
    assert CLI_SECRET not in secret.text

    refused = admin.run("secret", "set", "bad name", "--workspace", ORG, stdin=CLI_SECRET, check=False)
    assert refused.returncode != 0 and CLI_SECRET not in refused.stdout + refused.stderr
    empty = admin.run("secret", "set", "empty_one", "--workspace", ORG, stdin="", check=False)
    assert empty.returncode != 0 and "stdin" in empty.stderr
    unknown = admin.run("secret", "set", "x", "--workspace", "no-such-workspace", stdin=CLI_SECRET, check=False)
    assert unknown.returncode != 0
    assert "empty_one" not in names(tetra.call("GET", "/secrets"))

    result = admin.run("setting", "set", "cli_setting", "value from the cli", "--workspace", ORG)
    assert "created" in result.stdout
    assert "cli_setting\tvalue from the cli" in admin.run("setting", "list", "--workspace", ORG).stdout
    assert tetra.call("GET", "/sharedsettings/cli_setting").json()["value"] == "value from the cli"
    assert admin.run("setting", "delete", "cli_setting", "--workspace", ORG).returncode == 0
    assert tetra.call("GET", "/sharedsettings/cli_setting").status_code == 404
    assert admin.run("setting", "delete", "cli_setting", "--workspace", ORG, check=False).returncode != 0

    # A secret set over REST is deleted by the command, and the other way round.
    assert tetra.call("POST", "/secrets", json={"name": "rest_made", "value": API_KEY}).status_code == 201
    admin.run("secret", "delete", "rest_made", "--workspace", ORG)
    assert tetra.call("GET", "/secrets/rest_made").status_code == 404
    assert tetra.call("DELETE", "/secrets/cli_token").status_code == 204
    assert admin.run("secret", "delete", "cli_token", "--workspace", ORG, check=False).returncode != 0

    assert CLI_SECRET not in server.log_path.read_text(errors="replace")


def test_secret_values_are_sealed_at_rest(tetra, admin, server):
    assert tetra.call("POST", "/secrets", json={"name": "at_rest", "value": API_KEY}).status_code in (200, 201)
    admin.run("secret", "set", "at_rest_cli", "--workspace", ORG, stdin=CLI_SECRET)
    # The sealing key is a file of the data directory, apart from the database.
    assert (server.data_dir / "endpoint-tokens.key").is_file()
    database = server.data_dir / "slipway.sqlite"
    if os.environ.get("SLIPWAY_COMPAT_DATABASE_URL") or not database.exists():
        pytest.skip("the raw-file check reads the SQLite database")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT name, sealed_value, key_id FROM secrets").fetchall()
    assert {"at_rest", "at_rest_cli"} <= {row[0] for row in rows}
    for _, sealed, key_id in rows:
        assert API_KEY not in sealed and CLI_SECRET not in sealed and key_id
    for path in server.data_dir.glob("slipway.sqlite*"):
        raw = path.read_bytes()
        assert API_KEY.encode() not in raw and CLI_SECRET.encode() not in raw, path
