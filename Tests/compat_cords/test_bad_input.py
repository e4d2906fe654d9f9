"""Bad input gets a clear 4xx in the CORDS error shape and changes nothing: missing, foreign
and invalid tokens, wrong passwords, duplicate registration, unknown ids, malformed bodies,
bad model paths and bad queries."""

import secrets

import pytest
import requests

from conftest import CORDS, assert_error, basic, register

PROTECTED = [
    ("POST", "/api/ml_models/add_model", {"name": "x"}),
    ("GET", "/api/ml_models/get_models", None),
    ("GET", "/api/ml_assets/get_assets", None),
    ("POST", "/api/semantics/query", {"query": "kind = model"}),
    ("POST", "/api/dataspace_connector/add_connector", {"id": "https://example.org/c", "name": "c"}),
    ("GET", "/api/dataspace_connector/get_connectors", None),
    ("POST", "/api/dataspace_resource/create_resource", {"asset_id": "a" * 64, "connector_id": "https://example.org/c"}),
    ("POST", "/api/dataspace_connector/register_resource/" + "b" * 64, {"title": "t"}),
    ("GET", "/api/users/me", None),
]


@pytest.mark.parametrize("method,path,body", PROTECTED)
@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Bearer", "Basic Zm9vOmJhcg==", "Token abc"])
def test_protected_routes_refuse_missing_and_invalid_tokens(server, user, method, path, body, header):
    before = user.get("/api/ml_assets/get_assets").json()
    headers = {"Authorization": header} if header else {}
    response = requests.request(method, server.base_url + path, json=body, headers=headers, timeout=60)
    assert_error(response, 401)
    assert "not-a-token" not in response.text
    assert user.get("/api/ml_assets/get_assets").json() == before


def test_the_same_routes_accept_a_valid_token(server, user):
    assert user.get("/api/ml_models/get_models").status_code == 200
    assert user.post("/api/ml_models/add_model", json={"name": "x"}).status_code == 201


def test_registration_refuses_duplicates_and_bad_fields(server):
    email = f"dup-{secrets.token_hex(4)}@example.com"
    register(server.base_url, email)
    for variant in [email, email.upper()]:
        response = requests.post(server.base_url + "/api/users/register",
                                 json={"email": variant, "password": "password999"}, timeout=60)
        assert_error(response, 409, "already exists")
    # The first password still works, the second never did.
    assert requests.post(server.base_url + "/api/users/get-auth-token",
                         headers={"Authorization": basic(email, "password123")}, timeout=60).status_code == 200
    assert_error(requests.post(server.base_url + "/api/users/get-auth-token",
                               headers={"Authorization": basic(email, "password999")}, timeout=60), 401)
    for body, fragment in [({"password": "password123"}, "'email' is required"),
                           ({"email": "x@example.com"}, "'password' is required"),
                           ({"email": "not-an-email", "password": "password123"}, "not valid"),
                           ({"email": "short@example.com", "password": "short"}, "password"),
                           ({"email": 5, "password": "password123"}, "'email' must be a string")]:
        assert_error(requests.post(server.base_url + "/api/users/register", json=body, timeout=60), 400, fragment)
    for raw in ["not json", "[1, 2]", ""]:
        assert_error(requests.post(server.base_url + "/api/users/register", data=raw,
                                   headers={"Content-Type": "application/json"}, timeout=60), 400)


def test_wrong_credentials_get_a_401_without_detail(server, user):
    email = f"pw-{secrets.token_hex(4)}@example.com"
    register(server.base_url, email)
    answers = []
    for header in [basic(email, "wrong-password"), basic("nobody@example.com", "password123"), "Basic !!!", None,
                   "Bearer " + user.token]:
        headers = {"Authorization": header} if header else {}
        response = requests.post(server.base_url + "/api/users/get-auth-token", headers=headers, timeout=60)
        assert_error(response, 401)
        answers.append(response.json()["message"])
    # Unknown user and wrong password say the same thing.
    assert answers[0] == answers[1] == "invalid credentials"
    assert_error(requests.post(server.base_url + "/api/users/get-auth-token", params={"workspace": "default"},
                               headers={"Authorization": basic(email, "password123")}, timeout=60), 403)


def test_unknown_and_malformed_ids(server, user):
    unknown = "c" * 64
    for path in [f"/api/ml_models/get_model/{unknown}", f"/api/ml_assets/get_asset/{unknown}",
                 f"/api/semantics/get/{unknown}", f"/api/dataspace_resource/get_resource/{unknown}"]:
        assert_error(user.get(path), 404, unknown)
    assert_error(user.post(f"/api/semantics/generate/{unknown}"), 404)
    assert_error(user.post(f"/api/dataspace_connector/register_resource/{unknown}", json={"title": "t"}), 404)
    for path in ["/api/ml_models/get_model/xyz", "/api/dataspace_resource/get_resource/12"]:
        assert_error(user.get(path), 400, "64 hexadecimal digits")
    assert_error(user.get("/api/dataspace_connector/get_connector"), 400, "connector_id")
    assert_error(user.get("/api/dataspace_connector/get_connector", params={"connector_id": "https://nowhere.example"}),
                 404)
    assert_error(user.get("/api/ml_models/no_such_route"), 404)


def test_malformed_bodies_change_nothing(server, user):
    model = user.post("/api/ml_models/add_model", json={"name": "kept", "version": "1"}).json()
    before = user.get("/api/ml_assets/get_assets").json()
    cases = [
        ("POST", "/api/ml_models/add_model", {"version": "1"}, 400, "'name' is required"),
        ("POST", "/api/ml_models/add_model", {"name": ""}, 400, "'name' must not be empty"),
        ("POST", "/api/ml_models/add_model", {"name": 3}, 400, "'name' must be a string"),
        ("POST", "/api/ml_models/add_model", {"name": "x", "ml_flow_model_path": "s3://bucket/model"}, 400, "accepted forms"),
        ("POST", "/api/ml_models/add_model", {"name": "x", "ml_flow_model_path": "runs:/r/../../etc"}, 400, "accepted forms"),
        ("POST", "/api/ml_models/add_model", {"name": "x", "ml_flow_tracking_uri": "file:///etc"}, 400, "http or https"),
        ("POST", "/api/ml_models/add_model", {"name": "x", "ml_flow_tracking_uri": "http://u:secret@127.0.0.1:1"}, 400,
         "credentials"),
        ("POST", "/api/ml_models/add_model", {"name": "x", "metadata": [1]}, 400, "'metadata' must be an object"),
        ("POST", "/api/ml_models/add_model", {"name": "kept", "version": "1"}, 409, "already exists"),
        ("PUT", f"/api/ml_models/update_model/{model['asset_id']}", {}, 400, "changes nothing"),
        ("PUT", f"/api/ml_models/update_model/{model['asset_id']}", {"ml_flow_model_path": "nowhere"}, 400, "accepted forms"),
        ("PUT", f"/api/semantics/update/{model['asset_id']}", {"colour": "red"}, 400, "not a field"),
        ("PUT", f"/api/semantics/update/{model['asset_id']}", {"metrics": {"accuracy": "high"}}, 400, "must be a number"),
        ("PUT", f"/api/semantics/update/{model['asset_id']}", {"keywords": [1, 2]}, 400, "array of strings"),
        ("POST", "/api/dataspace_connector/add_connector", {"name": "no id"}, 400, "'id' is required"),
        ("POST", "/api/dataspace_connector/add_connector", {"id": "not an iri", "name": "c"}, 400, "absolute IRI"),
        ("POST", "/api/dataspace_connector/add_connector", {"id": "https://example.org/c", "name": "c",
                                                            "access_url": "ftp://x"}, 400, "access_url"),
        ("POST", "/api/dataspace_resource/create_resource", {"asset_id": model["asset_id"]}, 400, "'connector_id' is required"),
        ("POST", "/api/dataspace_resource/create_resource", {"asset_id": model["asset_id"],
                                                             "connector_id": "https://example.org/none"}, 404, "connector"),
        ("POST", "/api/dataspace_resource/create_resource", {"asset_id": "zz", "connector_id": "https://example.org/c"}, 400,
         "64 hexadecimal digits"),
        ("GET", "/api/ml_assets/get_assets?type=robot", None, 400, "not one of"),
    ]
    for method, path, body, status, fragment in cases:
        assert_error(user.call(method, path, json=body), status, fragment)
    for raw in ["{", "[]", "null", "\"text\""]:
        assert_error(user.call("POST", "/api/ml_models/add_model", data=raw, headers={"Content-Type": "application/json"}),
                     400)
    assert user.get("/api/ml_assets/get_assets").json() == before
    assert user.get("/api/dataspace_connector/get_connectors").json()["connectors"] == []


@pytest.mark.parametrize("query,fragment", [
    ("", "empty"), ("algorithm", "operator"), ("colour = red", "unknown query key"),
    ("metrics.accuracy > high", "compares numbers"), ("algorithm = 'open", "not closed"),
    ("(kind = model", "not closed"), ("kind = model AND", "ends"), ("kind = model; drop", "unexpected character"),
])
def test_bad_queries_are_refused(server, user, query, fragment):
    assert_error(user.post("/api/semantics/query", json={"query": query}), 400, fragment)


def test_a_query_needs_its_field(server, user):
    assert_error(user.post("/api/semantics/query", json={}), 400, "'query' is required")
    assert_error(user.get("/api/semantics/query"), 400, "'query' is required")
    assert_error(user.post("/api/semantics/query", json={"query": "kind = model", "type": "robot"}), 400, "not one of")


def test_a_revoked_looking_token_of_another_server_is_refused(server):
    stranger = CORDS(server.base_url, "swk_" + secrets.token_urlsafe(24))
    assert_error(stranger.get("/api/users/me"), 401, "not valid")
