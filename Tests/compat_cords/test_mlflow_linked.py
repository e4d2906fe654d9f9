"""MLflow-linked assets: a KNeighborsClassifier logged with the real mlflow client, described
from its run (params, metrics, tags), its MLmodel (flavours, signature) and its model file; the
JSON-LD parses with rdflib and holds the run's accuracy; semantic queries find it; the run's
artifacts are listed. Once against a real `mlflow server` (the asset names it with
`ml_flow_tracking_uri`), once against Slipway's own tracking (skipped until Slipway answers
the MLflow tracking API)."""

import secrets

import pytest
import rdflib
import requests

from conftest import register
from mlflow_logging import log_knn_run, start_mlflow_server
from slipway_server import stop

MLS = rdflib.Namespace("http://www.w3.org/ns/mls#")


@pytest.fixture(scope="module")
def mlflow_server(_root):
    try:
        process, url = start_mlflow_server(_root / "mlflow-peer")
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield url
    stop(process)


@pytest.fixture(scope="module")
def remote_run(mlflow_server, tmp_path_factory):
    return log_knn_run(mlflow_server, "cords-remote-" + secrets.token_hex(3))


def check_described(user, asset, run, *, expect_manifest: bool):
    semantics = asset["semantics"]
    assert semantics is not None
    graph = rdflib.Graph().parse(data=user.get(f"/api/semantics/get/{asset['asset_id']}").text, format="json-ld")
    node = rdflib.URIRef(f"urn:slipway:asset:{asset['asset_id']}")
    assert (node, rdflib.RDF.type, MLS.Model) in graph
    unresolved = graph.value(node, rdflib.URIRef("urn:slipway:vocab#unresolved"))
    assert unresolved is None, unresolved
    # The run that made it, its accuracy, its hyper-parameter.
    (run_node,) = graph.subjects(MLS.hasOutput, node)
    assert str(graph.value(run_node, rdflib.URIRef("urn:slipway:vocab#runID"))) == run.run_id
    evaluations = [o for o in graph.objects(run_node, MLS.hasOutput) if (o, rdflib.RDF.type, MLS.ModelEvaluation) in graph]
    measured = {str(graph.value(graph.value(e, MLS.specifiedBy), rdflib.RDFS.label)): float(graph.value(e, MLS.hasValue))
                for e in evaluations}
    assert measured == {"accuracy": pytest.approx(run.accuracy)}
    settings = {str(graph.value(graph.value(s, MLS.specifiedBy), rdflib.RDFS.label)): str(graph.value(s, MLS.hasValue))
                for s in graph.objects(run_node, MLS.hasInput) if (s, rdflib.RDF.type, MLS.HyperParameterSetting) in graph}
    assert settings["n_neighbors"] == "3"
    if expect_manifest:
        algorithm = graph.value(run_node, MLS.realizes)
        assert str(graph.value(algorithm, rdflib.RDFS.label)) == "KNeighborsClassifier"
        frameworks = {str(f) for f in graph.objects(node, rdflib.URIRef("urn:slipway:vocab#framework"))}
        assert {"sklearn", "python_function"} <= frameworks
        inputs = list(graph.objects(node, rdflib.URIRef("urn:slipway:vocab#input")))
        assert len(inputs) == 4  # the four iris features of the signature


@pytest.mark.timeout(900)
def test_a_model_logged_to_a_real_mlflow_server(server, mlflow_server, remote_run):
    user = register(server.base_url, f"remote-{secrets.token_hex(4)}@example.com")
    run = remote_run
    logged = user.post("/api/ml_models/add_model", json={
        "name": "knn from mlflow", "version": "1", "ml_flow_tracking_uri": mlflow_server,
        "ml_flow_model_path": f"mlflow-artifacts:/{run.experiment_id}/models/{run.model_id}/artifacts"})
    assert logged.status_code == 201, logged.text
    asset = user.get(f"/api/ml_models/get_model/{logged.json()['asset_id']}").json()
    assert asset["ml_flow_run_id"] == run.run_id
    check_described(user, asset, run, expect_manifest=True)

    # The seed's form of path (the run's folder) describes the run too; models:/m-<id> as well.
    by_run = user.post("/api/ml_models/add_model", json={
        "name": "knn by run", "ml_flow_tracking_uri": mlflow_server,
        "ml_flow_model_path": f"mlflow-artifacts:/{run.experiment_id}/{run.run_id}/artifacts/knnmodel"}).json()
    check_described(user, user.get(f"/api/ml_models/get_model/{by_run['asset_id']}").json(), run, expect_manifest=False)
    by_id = user.post("/api/ml_models/add_model", json={
        "name": "knn by id", "ml_flow_tracking_uri": mlflow_server, "ml_flow_model_path": f"models:/{run.model_id}"}).json()
    check_described(user, user.get(f"/api/ml_models/get_model/{by_id['asset_id']}").json(), run, expect_manifest=True)

    found = user.post("/api/semantics/query",
                      json={"query": "algorithm = KNeighborsClassifier AND metrics.accuracy > 0.5"}).json()
    assert sorted(a["asset_id"] for a in found["assets"]) == sorted([asset["asset_id"], by_id["asset_id"]])
    above = user.post("/api/semantics/query", json={"query": f"metrics.accuracy > {run.accuracy}"}).json()
    assert above["assets"] == []

    files = user.get(f"/api/ml_models/get_model_artifacts/{asset['asset_id']}").json()
    assert "MLmodel" in files["artifacts"] and "model.pkl" in files["artifacts"]
    artifacts = user.get(f"/api/ml_flow/get_run_artifacts/{run.run_id}", params={"tracking_uri": mlflow_server})
    assert artifacts.status_code == 200, artifacts.text
    assert artifacts.json()["metrics"]["accuracy"] == pytest.approx(run.accuracy)
    assert artifacts.json()["params"]["n_neighbors"] == "3"


@pytest.mark.timeout(600)
def test_a_remote_path_naming_no_run_is_noted_and_generation_retries(server, mlflow_server):
    user = register(server.base_url, f"later-{secrets.token_hex(4)}@example.com")
    asset = user.post("/api/ml_models/add_model", json={
        "name": "not yet", "ml_flow_tracking_uri": mlflow_server, "ml_flow_model_path": "runs:/0123456789abcdef/model"})
    assert asset.status_code == 201, asset.text
    document = user.get(f"/api/semantics/get/{asset.json()['asset_id']}").json()
    (node,) = [n for n in document["@graph"] if n["@type"] == "mls:Model"]
    assert "does not exist" in node["slipway:unresolved"]
    # A tracking server that is down is noted the same way, never a server error, and without
    # waiting for the server's 60 s request deadline (a refused connection fails at once).
    down = user.post("/api/ml_models/add_model", timeout=20, json={
        "name": "down", "ml_flow_tracking_uri": "http://127.0.0.1:9", "ml_flow_model_path": "runs:/abc/model"})
    assert down.status_code == 201, down.text
    regenerated = user.post(f"/api/semantics/generate/{down.json()['asset_id']}", timeout=20)
    assert regenerated.status_code == 200
    (node,) = [n for n in regenerated.json()["@graph"] if n["@type"] == "mls:Model"]
    assert node["slipway:unresolved"]


def slipway_tracks(base_url: str, password: str) -> bool:
    response = requests.post(base_url + "/api/2.0/mlflow/runs/create", json={"experiment_id": "0"},
                             auth=("admin", password), timeout=30)
    if response.status_code != 404:
        return True
    try:
        return response.json().get("error_code") != "ENDPOINT_NOT_FOUND"
    except ValueError:
        return False


@pytest.mark.timeout(900)
def test_a_model_logged_to_slipways_own_tracking(server, monkeypatch):
    if not slipway_tracks(server.base_url, server.admin_password):
        pytest.skip("this build of Slipway does not serve the MLflow tracking API yet")
    # The administrator logs the run (Basic auth) in the default workspace and catalogs it there.
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "admin")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", server.admin_password)
    run = log_knn_run(server.base_url, "cords-local-" + secrets.token_hex(3))
    token = requests.post(server.base_url + "/api/users/get-auth-token", auth=("admin", server.admin_password),
                          timeout=60).json()["token"]
    from conftest import CORDS
    admin = CORDS(server.base_url, token)
    logged = admin.post("/api/ml_models/add_model", json={
        "name": "knn local " + secrets.token_hex(2),
        "ml_flow_model_path": f"mlflow-artifacts:/{run.experiment_id}/models/{run.model_id}/artifacts"})
    assert logged.status_code == 201, logged.text
    asset = admin.get(f"/api/ml_models/get_model/{logged.json()['asset_id']}").json()
    check_described(admin, asset, run, expect_manifest=True)
    # Another user naming the same run finds nothing of it: paths resolve in their own workspace.
    other = register(server.base_url, f"outsider-{secrets.token_hex(4)}@example.com")
    stolen = other.post("/api/ml_models/add_model", json={
        "name": "stolen", "ml_flow_model_path": f"runs:/{run.run_id}/knnmodel"}).json()
    document = other.get(f"/api/semantics/get/{stolen['asset_id']}").json()
    assert not any(n.get("@type") == "mls:ModelEvaluation" for n in document["@graph"])
