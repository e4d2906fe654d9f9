"""The seed's curl calls replayed in order, with the seed's headers and bodies (the bearer
token is the one the server gave; `add_connector` adds it, as every route but the two user
routes needs it)."""

import base64

import rdflib
import requests

from conftest import assert_error

SEED_EMAIL = "tharindu.prf@gmail.com"
SEED_BASIC = "Basic dGhhcmluZHUucHJmQGdtYWlsLmNvbTpwYXNzd29yZDEyMw=="
POSTMAN = {"User-Agent": "PostmanRuntime/7.39.0", "Accept": "*/*", "Cache-Control": "no-cache",
           "Accept-Encoding": "gzip, deflate, br", "Connection": "keep-alive"}
SEED_MODEL_PATH = "mlflow-artifacts:/208444466607110357/2c8c2fc3fefe4c56a29ac325c0bac39c/artifacts/knnmodel"
CONNECTOR = {
    "id": "https://w3id.org/engrd/connector/provider21",
    "name": "CORDS True Connector",
    "type": "ids:BaseConnector",
    "description": "Data Provider Connector description",
    "public_key": "TUlJREdqQ0NBcCtnQXdJQkFnSUJBVEFLQmdncWhrak9QUVFEQWpCTk1Rc3dDUVlEVlFRR0V3SkZVekVNTUFvR0ExVUVDZ3dEVTFG"
                  "VE1SQXdEZ1lEVlFRTERBZFVaWE4wVEdGaU1SNHdIQVlEVlFRRERCVlNaV1psY21WdVkyVlVaWE4wWW1Wa1U=",
    "access_url": "https://89.19.88.88:8449/",
    "reverse_proxy_url": "https://localhost:8184/proxy",
}
IDS = rdflib.Namespace("https://w3id.org/idsa/core/")
MLS = rdflib.Namespace("http://www.w3.org/ns/mls#")


def test_the_seed_in_order(server):
    base = server.base_url
    assert base64.b64decode(SEED_BASIC.split()[1]).decode() == f"{SEED_EMAIL}:password123"

    registered = requests.post(base + "/api/users/register", headers={**POSTMAN, "Content-Type": "application/json"},
                               json={"email": SEED_EMAIL, "password": "password123", "first_name": "Tharindu",
                                     "last_name": "Ranathunga", "role": "ML Engineer"}, timeout=60)
    assert registered.status_code == 201, registered.text
    assert registered.json()["email"] == SEED_EMAIL
    assert registered.json()["role"] == "ML Engineer"
    assert "password" not in registered.text

    token_response = requests.post(base + "/api/users/get-auth-token",
                                   headers={**POSTMAN, "Authorization": SEED_BASIC, "Content-Length": "0"}, timeout=60)
    assert token_response.status_code == 200, token_response.text
    token = token_response.json()["token"]
    auth = {**POSTMAN, "Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    model = requests.post(base + "/api/ml_models/add_model", headers=auth, timeout=60, json={
        "name": "Test Model 1", "version": "1.0", "description": "This model is a test model",
        "ml_flow_model_path": SEED_MODEL_PATH})
    assert model.status_code == 201, model.text
    asset_id = model.json()["asset_id"]
    assert len(asset_id) == 64 and all(c in "0123456789abcdef" for c in asset_id)
    assert model.json()["ml_flow_model_path"] == SEED_MODEL_PATH
    assert model.json()["created_by"]["email"] == SEED_EMAIL

    connector = requests.post(base + "/api/dataspace_connector/add_connector", headers=auth, json=CONNECTOR, timeout=60)
    assert connector.status_code == 201, connector.text
    assert connector.json()["id"] == CONNECTOR["id"]
    assert connector.json()["public_key"] == CONNECTOR["public_key"]

    resource_id = "1b2888f8c6032ee0223373cab9c62380f594e22435170b9cad8a62769d8810ea"
    resource = requests.post(base + "/api/dataspace_resource/create_resource", headers=auth, timeout=60, json={
        "asset_id": asset_id, "connector_id": CONNECTOR["id"], "resource_id": resource_id,
        "timestamp": "2024-05-31T13:37:55.708378", "type": "model"})
    assert resource.status_code == 201, resource.text
    assert resource.json()["resource_id"] == resource_id

    registration = requests.post(base + f"/api/dataspace_connector/register_resource/{resource_id}", headers=auth,
                                 timeout=60, json={
                                     "title": "Example IDS Resource1", "description": "This is an example IDS Resource",
                                     "keywords": ["cords", "energy prediction"],
                                     "catalog_id": "https://w3id.org/idsa/autogen/resourceCatalog/"
                                                   "1ce75044-fd7d-4002-9117-051c7005f4ba"})
    assert registration.status_code == 200, registration.text
    assert registration.headers["Content-Type"].startswith("application/ld+json")

    graph = rdflib.Graph().parse(data=registration.text, format="json-ld")
    resources = list(graph.subjects(rdflib.RDF.type, IDS.Resource))
    assert len(resources) == 1
    (node,) = resources
    representation = graph.value(node, IDS.representation)
    assert representation is not None
    assert graph.value(representation, IDS.instance) is not None
    offer = graph.value(node, IDS.contractOffer)
    assert offer is not None and (offer, rdflib.RDF.type, IDS.ContractOffer) in graph
    assert str(graph.value(offer, IDS.provider)) == CONNECTOR["id"]
    titles = {str(title) for title in graph.objects(node, IDS.title)}
    assert titles == {"Example IDS Resource1"}
    assert {str(k) for k in graph.objects(node, IDS.keyword)} == {"cords", "energy prediction"}
    catalog = rdflib.URIRef("https://w3id.org/idsa/autogen/resourceCatalog/1ce75044-fd7d-4002-9117-051c7005f4ba")
    assert (catalog, IDS.offeredResource, node) in graph
    # The asset's semantics are embedded: the model node with its title.
    model_node = rdflib.URIRef(f"urn:slipway:asset:{asset_id}")
    assert (model_node, rdflib.RDF.type, MLS.Model) in graph

    # The description is kept: the resource says it is registered and serves it again.
    stored = requests.get(base + f"/api/dataspace_resource/get_description/{resource_id}", headers=auth, timeout=60)
    assert stored.status_code == 200
    assert stored.json() == registration.json()
    listed = requests.get(base + "/api/dataspace_resource/get_resources", headers=auth, timeout=60).json()
    assert [r["resource_id"] for r in listed["resources"]] == [resource_id]
    assert listed["resources"][0]["registered"] is True


def test_the_seeds_add_connector_without_a_token_is_refused(server):
    response = requests.post(server.base_url + "/api/dataspace_connector/add_connector",
                             headers={**POSTMAN, "Content-Type": "application/json"}, json=CONNECTOR, timeout=60)
    assert_error(response, 401, "Authorization")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
