"""Wallaroo's model-registry calls (protocol reference §6) against a real MLflow tracking server
started by the test: create a registry, attach and detach it, browse its models and a version's
files, import a file as a Wallaroo model, deploy it and infer. The registry token is never
shown in clear. Bad input is refused with Wallaroo's error shape and changes nothing."""

import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from mlflow_server import start_mlflow_server  # noqa: E402
from slipway_server import CONFIDENTIAL_CLIENT, TOKEN_PATH  # noqa: E402

REGISTRY_TOKEN = "dapi-registry-token-0123456789-wxyz"
SCRIPT = b'''
import pandas as pd

def wallaroo_json(data: pd.DataFrame):
    return [{"doubled": [float(value[0]) * 2.0]} for value in data["x"]]
'''


class Wallaroo:
    def __init__(self, server, username="admin", password=None):
        token = requests.post(server.base_url + TOKEN_PATH, data={
            "grant_type": "password", "username": username, "password": password or server.admin_password,
            "client_id": CONFIDENTIAL_CLIENT, "client_secret": server.client_secret}, timeout=30)
        assert token.status_code == 200, token.text
        self.base = server.base_url
        self.headers = {"Authorization": "Bearer " + token.json()["access_token"]}

    def post(self, path, body, expect=200):
        response = requests.post(f"{self.base}/v1/api/{path}", json=body, headers=self.headers, timeout=300)
        assert response.status_code == expect, f"{path}: {response.status_code} {response.text}"
        return response.json()


@pytest.fixture(scope="module")
def mlflow_registry(tmp_path_factory):
    """A real `mlflow server` with a registered model whose version holds a Python script."""
    import mlflow
    from mlflow import MlflowClient

    server = start_mlflow_server(tmp_path_factory.mktemp("mlflow-peer"))
    try:
        mlflow.set_tracking_uri(server.base_url)
        folder = Path(tempfile.mkdtemp()) / "model"
        folder.mkdir()
        (folder / "doubler.py").write_bytes(SCRIPT)
        (folder / "requirements.txt").write_text("pandas\n")
        mlflow.set_experiment("registry-import")
        with mlflow.start_run() as run:
            mlflow.log_artifacts(str(folder), artifact_path="model")
        client = MlflowClient(server.base_url)
        client.create_registered_model("doubler", description="doubles x")
        version = client.create_model_version("doubler", f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
        client.create_registered_model("empty-model")
        yield {"server": server, "run_id": run.info.run_id, "version": version.version}
    finally:
        mlflow.set_tracking_uri(None)
        server.stop()


def test_registry_browse_import_deploy_infer(server, mlflow_registry):
    wallaroo = Wallaroo(server)
    workspace = wallaroo.post("workspaces/create", {"workspace_name": "registry-ws"})["workspace_id"]
    other = wallaroo.post("workspaces/create", {"workspace_name": "registry-attached"})["workspace_id"]
    peer = mlflow_registry["server"].base_url

    created = wallaroo.post("models/create_registry", {"workspace_id": workspace, "name": "peer mlflow",
                                                       "url": peer, "token": REGISTRY_TOKEN})
    registry_id = created["id"]
    assert created["workspace_id"] == workspace

    listed = wallaroo.post("models/list_registries", {"workspace_id": workspace})
    assert [entry["id"] for entry in listed] == [registry_id]
    assert listed[0]["token"] == "****" + REGISTRY_TOKEN[-4:]
    shown = wallaroo.post("models/get_registry", {"registry_id": registry_id})
    assert shown["url"] == peer and shown["name"] == "peer mlflow"
    assert REGISTRY_TOKEN not in str(shown) and REGISTRY_TOKEN not in str(listed)
    assert wallaroo.post("models/get_registry", {"id": registry_id})["id"] == registry_id

    # Attach to a second workspace (the seed's `id` spelling), then remove it again.
    assert wallaroo.post("models/list_registries", {"workspace-id": other}) == []
    wallaroo.post("models/attach_registry_to_workspace", {"id": registry_id, "workspace_id": other})
    assert [entry["id"] for entry in wallaroo.post("models/list_registries", {"workspace_id": other})] == [registry_id]
    wallaroo.post("models/remove_registry_from_workspace", {"registry_id": registry_id, "workspace_id": other})
    assert wallaroo.post("models/list_registries", {"workspace_id": other}) == []
    wallaroo.post("models/remove_registry_from_workspace", {"registry_id": registry_id, "workspace_id": other},
                  expect=404)

    models = wallaroo.post("models/list_registry_models", {"registry_id": registry_id})
    assert models["next_page_token"] is None
    by_name = {model["name"]: model for model in models["registered_models"]}
    assert set(by_name) == {"doubler", "empty-model"}
    latest = by_name["doubler"]["latest_versions"]
    assert [v["version"] for v in latest] == [mlflow_registry["version"]]
    assert latest[0]["run_id"] == mlflow_registry["run_id"] and latest[0]["status"] == "READY"
    assert isinstance(by_name["doubler"]["creation_timestamp"], int)

    files = wallaroo.post("models/list_registry_model_version_artifacts",
                          {"registry_id": registry_id, "name": "doubler", "version": mlflow_registry["version"]})
    names = {Path(entry["path"]).name: entry for entry in files}
    assert set(names) == {"doubler.py", "requirements.txt"}
    script = names["doubler.py"]
    assert script["is_dir"] is False and script["file_size"] == len(SCRIPT)
    assert script["full_path"].startswith(peer + "/api/2.0/mlflow-artifacts/artifacts/")

    imported = wallaroo.post("models/upload_from_registry", {
        "registry_id": registry_id, "name": "doubler-imported", "path": script["full_path"], "visibility": "public",
        "workspace_id": workspace, "conversion": {"framework": "python", "python_version": "3.8", "requirements": []}})
    model_id = imported["model_id"]
    versions = wallaroo.post("models/list_versions", {"model_id": "doubler-imported", "models_pk_id": model_id})
    assert len(versions) == 1 and versions[0]["file_name"] == "doubler.py"
    import hashlib
    assert versions[0]["sha"] == hashlib.sha256(SCRIPT).hexdigest()

    step = {"name": versions[0]["model_id"], "version": versions[0]["model_version"], "sha": versions[0]["sha"]}
    pipeline = wallaroo.post("pipelines/create", {"pipeline_id": "registry-pipeline", "workspace_id": workspace,
                                                  "definition": {"steps": [{"ModelInference": {"models": [step]}}]}})
    deployment_id = wallaroo.post("pipelines/deploy", {
        "deploy_id": "registry-pipeline", "pipeline_version_pk_id": pipeline["pipeline_variant_pk_id"],
        "models": [step], "pipeline_id": pipeline["pipeline_pk_id"]})["id"]
    deadline = time.monotonic() + 240
    while True:
        status = wallaroo.post("status/get_deployment", {"name": f"registry-pipeline-{deployment_id}"})
        if status["status"] == "Running":
            break
        assert status["status"] != "Error" and time.monotonic() < deadline, status
        time.sleep(0.5)
    url = wallaroo.post("admin/get_pipeline_external_url",
                        {"workspace_id": workspace, "pipeline_name": "registry-pipeline"})["url"]
    answer = requests.post(url, json=[{"x": [1.5]}, {"x": [-2.0]}],
                           headers=wallaroo.headers | {"Content-Type": "application/json; format=pandas-records"},
                           timeout=120)
    assert answer.status_code == 200, answer.text
    assert [record["out"]["doubled"] for record in answer.json()] == [[3.0], [-4.0]]
    wallaroo.post("pipelines/undeploy", {"pipeline_id": pipeline["pipeline_pk_id"], "deployment_id": deployment_id})


def test_registry_bad_input_changes_nothing(server, mlflow_registry):
    wallaroo = Wallaroo(server)
    workspace = wallaroo.post("workspaces/create", {"workspace_name": "registry-bad"})["workspace_id"]
    peer = mlflow_registry["server"].base_url
    for body, status in [
        ({"workspace_id": workspace, "name": "x", "url": "ftp://example.org", "token": "t"}, 400),
        ({"workspace_id": workspace, "name": "x", "url": "http://user:secret@example.org", "token": "t"}, 400),
        ({"workspace_id": workspace, "name": "", "url": peer, "token": "t"}, 400),
        ({"workspace_id": workspace, "name": "x"}, 400),
        ({"workspace_id": 987654, "name": "x", "url": peer, "token": "t"}, 404),
    ]:
        answer = wallaroo.post("models/create_registry", body, expect=status)
        assert answer["status"] == "error" and "secret" not in answer["error"]
    assert wallaroo.post("models/list_registries", {"workspace_id": workspace}) == []

    unknown = "6f1c1f4e-9d0c-4b8e-9d64-3f3e1c0a0b0b"
    for path in ["models/get_registry", "models/list_registry_models"]:
        assert wallaroo.post(path, {"registry_id": unknown}, expect=404)["code"] == 404
        wallaroo.post(path, {"registry_id": "not-a-uuid"}, expect=404)
        wallaroo.post(path, {}, expect=400)

    registry_id = wallaroo.post("models/create_registry", {"workspace_id": workspace, "name": "peer", "url": peer,
                                                           "token": REGISTRY_TOKEN})["id"]
    # An unknown version, a path outside the registry, a registry not attached to the workspace.
    wallaroo.post("models/list_registry_model_version_artifacts",
                  {"registry_id": registry_id, "name": "doubler", "version": "99"}, expect=404)
    base_upload = {"registry_id": registry_id, "name": "bad-import", "visibility": "private",
                   "workspace_id": workspace, "conversion": {"framework": "python", "requirements": []}}
    wallaroo.post("models/upload_from_registry", base_upload | {"path": "http://elsewhere.example/model.py"}, expect=400)
    wallaroo.post("models/upload_from_registry", base_upload | {"path": "mlflow-artifacts:/no/such/folder"}, expect=404)
    foreign = wallaroo.post("workspaces/create", {"workspace_name": "registry-foreign"})["workspace_id"]
    wallaroo.post("models/upload_from_registry", base_upload | {"workspace_id": foreign,
                                                                 "path": "mlflow-artifacts:/x"}, expect=403)
    assert all(model["name"] != "bad-import"
               for model in wallaroo.post("models/list", {"workspace_id": workspace}).get("models", []))

    # A registry that cannot be reached is named, and the token does not leak.
    dead = wallaroo.post("models/create_registry", {"workspace_id": workspace, "name": "dead",
                                                    "url": "http://127.0.0.1:9", "token": REGISTRY_TOKEN})["id"]
    answer = wallaroo.post("models/list_registry_models", {"registry_id": dead}, expect=503)
    assert "127.0.0.1" in answer["error"] and REGISTRY_TOKEN not in answer["error"]
    assert REGISTRY_TOKEN not in server.log_path.read_text(errors="replace")


def test_registry_of_another_user_is_hidden(server, mlflow_registry):
    admin = Wallaroo(server)
    workspace = admin.post("workspaces/create", {"workspace_name": "registry-private"})["workspace_id"]
    registry_id = admin.post("models/create_registry", {"workspace_id": workspace, "name": "private",
                                                        "url": mlflow_registry["server"].base_url})["id"]
    admin.post("users/invite", {"email": "outsider@example.org", "password": "outsider-password-1"})
    outsider = Wallaroo(server, username="outsider@example.org", password="outsider-password-1")
    outsider.post("models/get_registry", {"registry_id": registry_id}, expect=404)
    outsider.post("models/list_registry_models", {"registry_id": registry_id}, expect=404)
    outsider.post("models/list_registries", {"workspace_id": workspace}, expect=403)
    own = outsider.post("workspaces/create", {"workspace_name": "outsider-ws"})["workspace_id"]
    outsider.post("models/attach_registry_to_workspace", {"registry_id": registry_id, "workspace_id": own}, expect=404)
    assert outsider.post("models/list_registries", {"workspace_id": own}) == []


def _deploy_and_infer(wallaroo, workspace, model_id, model_name, pipeline_name, records):
    versions = wallaroo.post("models/list_versions", {"model_id": model_name, "models_pk_id": model_id})
    step = {"name": versions[-1]["model_id"], "version": versions[-1]["model_version"], "sha": versions[-1]["sha"]}
    pipeline = wallaroo.post("pipelines/create", {"pipeline_id": pipeline_name, "workspace_id": workspace,
                                                  "definition": {"steps": [{"ModelInference": {"models": [step]}}]}})
    deployment_id = wallaroo.post("pipelines/deploy", {
        "deploy_id": pipeline_name, "pipeline_version_pk_id": pipeline["pipeline_variant_pk_id"],
        "models": [step], "pipeline_id": pipeline["pipeline_pk_id"]})["id"]
    deadline = time.monotonic() + 420
    while True:
        status = wallaroo.post("status/get_deployment", {"name": f"{pipeline_name}-{deployment_id}"})
        if status["status"] == "Running":
            break
        assert status["status"] != "Error" and time.monotonic() < deadline, status
        time.sleep(1)
    url = wallaroo.post("admin/get_pipeline_external_url",
                        {"workspace_id": workspace, "pipeline_name": pipeline_name})["url"]
    answer = requests.post(url, json=records, timeout=120,
                           headers=wallaroo.headers | {"Content-Type": "application/json; format=pandas-records"})
    assert answer.status_code == 200, answer.text
    wallaroo.post("pipelines/undeploy", {"pipeline_id": pipeline["pipeline_pk_id"], "deployment_id": deployment_id})
    return answer.json()


def _sklearn_model():
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(11)
    x = rng.normal(size=(80, 4))
    return LogisticRegression().fit(x, (x[:, 0] + x[:, 3] > 0).astype(int)), rng.normal(size=(6, 4))


@pytest.mark.parametrize("registry_kind", ["mlflow server", "slipway itself"])
def test_sklearn_model_imported_from_registry_serves_its_predictions(server, mlflow_registry, tracking, registry_kind):
    """`mlflow.sklearn.log_model` → register → Wallaroo `upload_from_registry` of the version's
    source (a whole MLflow model folder) → deploy → the same predictions, from a real MLflow
    server and from Slipway's own registry."""
    import mlflow
    from mlflow import MlflowClient

    model, rows = _sklearn_model()
    name = "wine-" + registry_kind.split()[0]
    if registry_kind == "mlflow server":
        uri, token = mlflow_registry["server"].base_url, None
    else:
        uri = server.base_url
        token = requests.post(server.base_url + TOKEN_PATH, data={
            "grant_type": "password", "username": "admin", "password": server.admin_password,
            "client_id": CONFIDENTIAL_CLIENT, "client_secret": server.client_secret}, timeout=30).json()["access_token"]
    mlflow.set_tracking_uri(uri)
    try:
        mlflow.set_experiment("registry-sklearn")
        with mlflow.start_run():
            info = mlflow.sklearn.log_model(model, name="model", serialization_format="cloudpickle",
                                            registered_model_name=name)
        version = MlflowClient(uri).get_latest_versions(name)[0]
        assert version.status == "READY"
    finally:
        mlflow.set_tracking_uri(tracking)

    wallaroo = Wallaroo(server)
    workspace = wallaroo.post("workspaces/create", {"workspace_name": "import-" + registry_kind.split()[0]})["workspace_id"]
    registry_id = wallaroo.post("models/create_registry", {"workspace_id": workspace, "name": registry_kind, "url": uri,
                                                           **({"token": token} if token else {})})["id"]
    listed = wallaroo.post("models/list_registry_models", {"registry_id": registry_id})["registered_models"]
    assert name in [entry["name"] for entry in listed]
    files = wallaroo.post("models/list_registry_model_version_artifacts",
                          {"registry_id": registry_id, "name": name, "version": version.version})
    assert {"MLmodel", "model.pkl"} <= {Path(entry["path"]).name for entry in files}
    model_id = wallaroo.post("models/upload_from_registry", {
        "registry_id": registry_id, "name": name + "-imported", "path": version.source, "visibility": "private",
        "workspace_id": workspace, "conversion": {"framework": "sklearn", "requirements": []}})["model_id"]
    answer = _deploy_and_infer(wallaroo, workspace, model_id, name + "-imported", "pipe-" + registry_kind.split()[0],
                               [{"tensor": row} for row in rows.tolist()])
    assert [record["out"]["predictions"] for record in answer] == [[int(p)] for p in model.predict(rows)]
    assert info.model_uri
