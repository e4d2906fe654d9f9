"""Assets of every kind: create, update, get, list with creators; semantic descriptions
generated, updated and queried; workspaces keep users apart; the API document."""

import secrets

import rdflib
import requests

from conftest import assert_error, basic, register

MLS = rdflib.Namespace("http://www.w3.org/ns/mls#")


def add(client, area, kind, **body):
    response = client.post(f"/api/{area}/add_{kind}", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_every_kind_is_created_updated_got_and_listed_with_its_creator(server, user):
    me = user.get("/api/users/me").json()
    model = add(user, "ml_models", "model", name="knn", version="1.0", description="a model",
                algorithm="KNeighborsClassifier")
    dataset = add(user, "datasets", "dataset", name="iris", version=2, description="flowers", format="csv")
    training = add(user, "fl_trainings", "training", name="fl round", metadata={"rounds": 5, "clients": 3,
                                                                                "datasets": ["iris"]})
    assert dataset["version"] == "2"
    assert training["metadata"] == {"rounds": 5, "clients": 3, "datasets": ["iris"]}

    listed = user.get("/api/ml_models/get_models").json()
    assert [m["asset_id"] for m in listed["models"]] == [model["asset_id"]]
    creator = listed["models"][0]["created_by"]
    assert creator == {"user_id": me["user_id"], "email": me["email"], "first_name": "Test", "last_name": "User",
                       "role": "ML Engineer", "username": me["username"]}
    assert [d["asset_id"] for d in user.get("/api/datasets/get_datasets").json()["datasets"]] == [dataset["asset_id"]]
    assert [t["asset_id"] for t in user.get("/api/fl_trainings/get_trainings").json()["trainings"]] == [training["asset_id"]]
    everything = user.get("/api/ml_assets/get_assets").json()
    assert [a["type"] for a in everything["assets"]] == ["model", "dataset", "training"]
    assert all(a["created_by"]["email"] == me["email"] for a in everything["assets"])
    assert [a["asset_id"] for a in user.get("/api/ml_assets/get_assets", params={"type": "dataset"}).json()["assets"]] \
        == [dataset["asset_id"]]

    updated = user.put(f"/api/ml_models/update_model/{model['asset_id']}",
                       json={"description": "a better model", "version": "1.1", "algorithm": None,
                             "metadata": {"datasets": ["iris"]}})
    assert updated.status_code == 200, updated.text
    assert updated.json()["description"] == "a better model"
    assert updated.json()["version"] == "1.1"
    assert updated.json()["metadata"] == {"datasets": ["iris"]}
    got = user.get(f"/api/ml_models/get_model/{model['asset_id']}").json()
    assert got["version"] == "1.1"
    semantics = user.get(f"/api/semantics/get/{model['asset_id']}")
    assert semantics.headers["Content-Type"].startswith("application/ld+json")
    graph = rdflib.Graph().parse(data=semantics.text, format="json-ld")
    assert (rdflib.URIRef(f"urn:slipway:asset:{model['asset_id']}"), rdflib.RDF.type, MLS.Model) in graph
    assert list(graph.subjects(rdflib.RDF.type, MLS.Algorithm)) == []  # the algorithm was removed
    assert any(str(label) == "iris" for label in graph.objects(None, rdflib.RDFS.label))

    # Through the generic route and the kind's own; another kind's route does not find it.
    assert user.get(f"/api/ml_assets/get_asset/{dataset['asset_id']}").status_code == 200
    assert_error(user.get(f"/api/ml_models/get_model/{dataset['asset_id']}"), 404, dataset["asset_id"])


def test_semantic_descriptions_are_updated_and_queried(server, user):
    knn = add(user, "ml_models", "model", name="knn", algorithm="KNeighborsClassifier",
              metrics={"accuracy": 0.95}, datasets=["iris"])
    weak = add(user, "ml_models", "model", name="weak knn", algorithm="KNeighborsClassifier", metrics={"accuracy": 0.7})
    forest = add(user, "ml_models", "model", name="forest", algorithm="RandomForestClassifier", metrics={"accuracy": 0.99})
    dataset = add(user, "datasets", "dataset", name="iris")

    def query(text, **extra):
        response = user.post("/api/semantics/query", json={"query": text, **extra})
        assert response.status_code == 200, response.text
        return sorted(a["asset_id"] for a in response.json()["assets"])

    assert query("algorithm = KNeighborsClassifier AND metrics.accuracy > 0.9") == [knn["asset_id"]]
    assert query("metrics.accuracy > 0.9") == sorted([knn["asset_id"], forest["asset_id"]])
    assert query("dataset = iris") == [knn["asset_id"]]
    assert query("kind = dataset") == [dataset["asset_id"]]
    assert query("metrics.accuracy >= 0", type="model") == sorted([knn["asset_id"], weak["asset_id"], forest["asset_id"]])
    got = user.get("/api/semantics/query", params={"query": "algorithm CONTAINS forest"}).json()
    assert [a["asset_id"] for a in got["assets"]] == [forest["asset_id"]]

    # A manual update changes what matches.
    changed = user.put(f"/api/semantics/update/{weak['asset_id']}",
                       json={"metrics": {"accuracy": 0.97, "f1": 0.9}, "keywords": ["energy prediction"]})
    assert changed.status_code == 200, changed.text
    graph = rdflib.Graph().parse(data=changed.text, format="json-ld")
    values = {float(v) for v in graph.objects(None, MLS.hasValue) if isinstance(v, rdflib.Literal)
              and v.datatype == rdflib.XSD.double}
    assert values == {0.97, 0.9}
    assert query("algorithm = KNeighborsClassifier AND metrics.accuracy > 0.9") == sorted([knn["asset_id"], weak["asset_id"]])
    assert query("keyword = 'energy prediction' AND metrics.f1 >= 0.9") == [weak["asset_id"]]

    # Generating again drops the manual update.
    regenerated = user.post(f"/api/semantics/generate/{weak['asset_id']}")
    assert regenerated.status_code == 200, regenerated.text
    assert query("algorithm = KNeighborsClassifier AND metrics.accuracy > 0.9") == [knn["asset_id"]]


def test_users_are_kept_apart(server, user):
    other = register(server.base_url, f"other-{secrets.token_hex(4)}@example.com")
    asset = add(user, "ml_models", "model", name="private", algorithm="SVC", metrics={"accuracy": 0.99})
    assert other.get("/api/ml_assets/get_assets").json()["assets"] == []
    assert other.post("/api/semantics/query", json={"query": "algorithm = SVC"}).json()["assets"] == []
    for method, path, body in [("GET", f"/api/ml_models/get_model/{asset['asset_id']}", None),
                               ("PUT", f"/api/ml_models/update_model/{asset['asset_id']}", {"name": "mine"}),
                               ("GET", f"/api/semantics/get/{asset['asset_id']}", None),
                               ("PUT", f"/api/semantics/update/{asset['asset_id']}", {"algorithm": "mine"}),
                               ("POST", f"/api/semantics/generate/{asset['asset_id']}", None)]:
        assert_error(other.call(method, path, json=body), 404, asset["asset_id"])
    # Nothing changed.
    got = user.get(f"/api/ml_models/get_model/{asset['asset_id']}").json()
    assert got["name"] == "private"
    assert user.post("/api/semantics/query", json={"query": "algorithm = SVC"}).json()["count"] == 1
    # The other user's connector listing and resources are theirs only.
    user.post("/api/dataspace_connector/add_connector", json={"id": "https://example.org/c1", "name": "c1"})
    assert other.get("/api/dataspace_connector/get_connectors").json()["connectors"] == []
    assert_error(other.get("/api/dataspace_connector/get_connector", params={"connector_id": "https://example.org/c1"}),
                 404)
    assert_error(other.post("/api/dataspace_resource/create_resource",
                            json={"asset_id": asset["asset_id"], "connector_id": "https://example.org/c1"}), 404)


def test_connectors_are_listed_got_and_deleted(server, user):
    connector_id = "https://w3id.org/engrd/connector/provider-" + secrets.token_hex(3)
    created = user.post("/api/dataspace_connector/add_connector",
                        json={"id": connector_id, "name": "True Connector", "access_url": "https://127.0.0.1:8449/"})
    assert created.status_code == 201, created.text
    assert created.json()["type"] == "ids:BaseConnector"
    assert [c["id"] for c in user.get("/api/dataspace_connector/get_connectors").json()["connectors"]] == [connector_id]
    got = user.get("/api/dataspace_connector/get_connector", params={"connector_id": connector_id})
    assert got.status_code == 200 and got.json()["access_url"] == "https://127.0.0.1:8449/"
    assert_error(user.post("/api/dataspace_connector/add_connector", json={"id": connector_id, "name": "again"}), 409,
                 connector_id)
    model = add(user, "ml_models", "model", name="shared")
    resource = user.post("/api/dataspace_resource/create_resource",
                         json={"asset_id": model["asset_id"], "connector_id": connector_id})
    assert resource.status_code == 201, resource.text
    assert len(resource.json()["resource_id"]) == 64
    assert_error(user.delete("/api/dataspace_connector/delete_connector", params={"connector_id": connector_id}), 409,
                 "used by 1 resource")
    free = "https://example.org/free-" + secrets.token_hex(3)
    user.post("/api/dataspace_connector/add_connector", json={"id": free, "name": "free"})
    deleted = user.delete("/api/dataspace_connector/delete_connector", params={"connector_id": free})
    assert deleted.status_code == 200, deleted.text
    assert_error(user.get("/api/dataspace_connector/get_connector", params={"connector_id": free}), 404)


def test_tokens_are_never_listed_and_passwords_never_echoed(server, user):
    me = user.get("/api/users/me")
    assert user.token not in me.text and "password" not in me.text
    listed = user.get("/api/ml_assets/get_assets")
    assert user.token not in listed.text


def test_registration_can_be_turned_off(_root):
    from slipway_server import SERVERS, start_server, stop
    closed = start_server(_root / "closed", admin_password="compat-" + secrets.token_urlsafe(12),
                          client_secret="secret-" + secrets.token_urlsafe(12), extra_args=["--no-open-registration"])
    try:
        response = requests.post(closed.base_url + "/api/users/register",
                                 json={"email": "late@example.com", "password": "password123"}, timeout=60)
        assert_error(response, 403, "turned off")
        # The administrator still gets a token with their password.
        token = requests.post(closed.base_url + "/api/users/get-auth-token",
                              headers={"Authorization": basic("admin", closed.admin_password)}, timeout=60)
        assert token.status_code == 200, token.text
        assert token.json()["workspace"] == "default"
    finally:
        stop(closed.process)
        SERVERS.remove(closed)


def test_the_api_document_lists_every_route(server):
    document = requests.get(server.base_url + "/docs/openapi.json", timeout=60).json()
    paths = document["paths"]
    for path in ["/api/users/register", "/api/users/get-auth-token", "/api/ml_models/add_model",
                 "/api/ml_models/update_model/{asset_id}", "/api/dataspace_connector/add_connector",
                 "/api/dataspace_resource/create_resource", "/api/dataspace_connector/register_resource/{resource_id}",
                 "/api/semantics/query"]:
        assert path in paths, path
    assert all(operation["summary"] != "(not described)" for methods in paths.values() for operation in methods.values())
    assert "required" in paths["/api/ml_models/add_model"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "security" not in paths["/api/users/register"]["post"]
    assert paths["/api/dataspace_connector/add_connector"]["post"]["security"] == [{"bearer": []}]
    page = requests.get(server.base_url + "/docs", timeout=60)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "/api/semantics/query" in page.text
