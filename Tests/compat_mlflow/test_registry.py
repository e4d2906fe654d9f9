"""The model registry with the real `MlflowClient`: registered models and versions (create,
get, search with filters, order and pages, rename, update, delete), tags, descriptions,
aliases, legacy stages, latest versions and download URIs; versions registered from an
uploaded `mlflow.sklearn.save_model` folder, loaded back with `mlflow.pyfunc.load_model`; the
errors the client sees for bad input; the same models through the Wallaroo dialect."""

import json
import secrets

import pytest
import requests

from mlflow_helpers import access_token, admin_headers, basic, make_outsider, make_workspace, wallaroo

from conftest import ADMIN


def _unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def _error_code(excinfo) -> str:
    return excinfo.value.error_code


@pytest.fixture()
def client(tracking):
    from mlflow import MlflowClient
    return MlflowClient()


@pytest.fixture(scope="module")
def iris():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    X, y = load_iris(return_X_y=True, as_frame=True)
    model = LogisticRegression(max_iter=300).fit(X, y)
    return model, X


def _upload_model_folder(tmp_path, model, X, name: str) -> str:
    """Saves the model with mlflow.sklearn and uploads the folder; returns its artifact URI."""
    import mlflow.sklearn
    from mlflow.models import infer_signature
    folder = tmp_path / name
    mlflow.sklearn.save_model(model, str(folder), signature=infer_signature(X, model.predict(X)),
                              serialization_format="cloudpickle")
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
    uri = f"mlflow-artifacts:/uploads/{name}"
    get_artifact_repository(uri).log_artifacts(str(folder))
    return uri


def _one_empty_version(client, name: str, tmp_path) -> None:
    """A version from a folder holding a minimal MLmodel (pyfunc only)."""
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
    folder = tmp_path / _unique("plain")
    folder.mkdir()
    (folder / "MLmodel").write_text("flavors:\n  python_function:\n    loader_module: mymodule\n    python_version: 3.11.9\n")
    uri = f"mlflow-artifacts:/uploads/{folder.name}"
    get_artifact_repository(uri).log_artifacts(str(folder))
    client.create_model_version(name, uri)


def test_registered_model_lifecycle(client):
    from mlflow.exceptions import MlflowException
    name = _unique("Lifecycle Model")
    created = client.create_registered_model(name, tags={"team": "core"}, description="first")
    assert created.name == name and created.description == "first" and created.tags == {"team": "core"}
    fetched = client.get_registered_model(name)
    assert fetched.creation_timestamp > 0 and fetched.last_updated_timestamp >= fetched.creation_timestamp

    client.update_registered_model(name, description="second")
    assert client.get_registered_model(name).description == "second"
    client.set_registered_model_tag(name, "stage", "beta")
    client.delete_registered_model_tag(name, "team")
    assert client.get_registered_model(name).tags == {"stage": "beta"}

    renamed = name + " renamed"
    client.rename_registered_model(name, renamed)
    with pytest.raises(MlflowException) as missing:
        client.get_registered_model(name)
    assert _error_code(missing) == "RESOURCE_DOES_NOT_EXIST"
    assert client.get_registered_model(renamed).tags == {"stage": "beta"}

    client.delete_registered_model(renamed)
    with pytest.raises(MlflowException) as gone:
        client.get_registered_model(renamed)
    assert _error_code(gone) == "RESOURCE_DOES_NOT_EXIST"


def test_versions_from_a_saved_sklearn_folder_load_back(client, tmp_path, iris):
    import mlflow.pyfunc
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
    model, X = iris
    name = _unique("iris")
    source = _upload_model_folder(tmp_path, model, X, name)
    client.create_registered_model(name)
    version = client.create_model_version(name, source, run_id=None, description="from a folder",
                                          tags={"data": "iris"})
    assert version.version == "1" and version.status == "READY" and version.source == source
    assert version.tags == {"data": "iris"} and version.description == "from a folder"
    client.set_registered_model_alias(name, "champion", "1")
    assert client.get_model_version_by_alias(name, "champion").version == "1"
    assert client.get_registered_model(name).aliases == {"champion": "1"}

    expected = model.predict(X)
    by_number = mlflow.pyfunc.load_model(f"models:/{name}/1")
    assert list(by_number.predict(X)) == list(expected)
    by_alias = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    assert list(by_alias.predict(X)) == list(expected)

    uri = client.get_model_version_download_uri(name, "1")
    files = {f.path for f in get_artifact_repository(uri).list_artifacts()}
    assert "MLmodel" in files and "model.pkl" in files

    # The version is a snapshot: deleting the uploaded folder does not break it.
    get_artifact_repository(source).delete_artifacts()
    assert get_artifact_repository(source).list_artifacts() == []
    again = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    assert list(again.predict(X)) == list(expected)

    client.delete_registered_model_alias(name, "champion")
    assert client.get_registered_model(name).aliases == {}


def test_folder_without_mlmodel_fails_registration(server, client, tmp_path):
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
    name = _unique("broken")
    client.create_registered_model(name)
    (tmp_path / "not-a-model.txt").write_text("x")
    uri = f"mlflow-artifacts:/uploads/{name}"
    get_artifact_repository(uri).log_artifact(str(tmp_path / "not-a-model.txt"))
    response = requests.post(f"{server.base_url}/api/2.0/mlflow/model-versions/create",
                             json={"name": name, "source": uri}, headers=admin_headers(server))
    assert response.status_code == 200, response.text
    version = response.json()["model_version"]
    assert version["status"] == "FAILED_REGISTRATION"
    assert "MLmodel" in version["status_message"]


def test_stages_and_latest_versions(client, tmp_path):
    from mlflow.exceptions import MlflowException
    name = _unique("staged")
    client.create_registered_model(name)
    for _ in range(3):
        _one_empty_version(client, name, tmp_path)
    client.transition_model_version_stage(name, "1", "Production")
    client.transition_model_version_stage(name, "2", "staging")
    moved = client.transition_model_version_stage(name, "3", "Production", archive_existing_versions=True)
    assert moved.current_stage == "Production"
    stages = {v.version: v.current_stage for v in client.search_model_versions(f"name = '{name}'")}
    assert stages == {"1": "Archived", "2": "Staging", "3": "Production"}
    latest = {v.current_stage: v.version for v in client.get_latest_versions(name)}
    assert latest == {"Archived": "1", "Staging": "2", "Production": "3"}
    assert [v.version for v in client.get_latest_versions(name, stages=["Staging"])] == ["2"]

    with pytest.raises(MlflowException) as bad:
        client.transition_model_version_stage(name, "2", "Shipping")
    assert _error_code(bad) == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as archive_none:
        client.transition_model_version_stage(name, "2", "None", archive_existing_versions=True)
    assert _error_code(archive_none) == "INVALID_PARAMETER_VALUE"
    assert client.get_model_version(name, "2").current_stage == "Staging"

    client.update_model_version(name, "2", description="candidate")
    client.set_model_version_tag(name, "2", "checked", "yes")
    got = client.get_model_version(name, "2")
    assert got.description == "candidate" and got.tags == {"checked": "yes"}
    client.delete_model_version_tag(name, "2", "checked")
    assert client.get_model_version(name, "2").tags == {}

    client.delete_model_version(name, "3")
    with pytest.raises(MlflowException) as deleted:
        client.get_model_version(name, "3")
    assert _error_code(deleted) == "RESOURCE_DOES_NOT_EXIST"
    _one_empty_version(client, name, tmp_path)
    assert sorted(int(v.version) for v in client.search_model_versions(f"name = '{name}'")) == [1, 2, 4]


def test_search_filters_order_and_pages(client, tmp_path):
    prefix = _unique("search")
    names = [f"{prefix}-{letter}" for letter in "abcde"]
    for index, name in enumerate(names):
        client.create_registered_model(name, tags={"parity": "even" if index % 2 == 0 else "odd"})
    found = client.search_registered_models(f"name LIKE '{prefix}-%'")
    assert [m.name for m in found] == names
    assert [m.name for m in client.search_registered_models(f"name = '{names[2]}'")] == [names[2]]
    assert [m.name for m in client.search_registered_models(f"name ILIKE '{prefix.upper()}-_'")] == names
    even = client.search_registered_models(f"name LIKE '{prefix}%' AND tags.parity = 'even'")
    assert [m.name for m in even] == [names[0], names[2], names[4]]
    backticked = client.search_registered_models(f"name LIKE '{prefix}%' AND tags.`parity` != 'even'")
    assert [m.name for m in backticked] == [names[1], names[3]]
    descending = client.search_registered_models(f"name LIKE '{prefix}%'", order_by=["name DESC"])
    assert [m.name for m in descending] == list(reversed(names))

    pages, token = [], None
    while True:
        page = client.search_registered_models(f"name LIKE '{prefix}%'", max_results=2, page_token=token)
        pages.append([m.name for m in page])
        token = page.token
        if not token:
            break
    assert pages == [names[0:2], names[2:4], names[4:5]]

    _one_empty_version(client, names[0], tmp_path)
    _one_empty_version(client, names[0], tmp_path)
    versions = client.search_model_versions(f"name = '{names[0]}'")
    assert [v.version for v in versions] == ["2", "1"]
    assert client.search_model_versions(f"name = '{names[0]}' AND run_id = 'no-such-run'") == []
    latest = client.search_registered_models(f"name = '{names[0]}'")[0].latest_versions
    assert [v.version for v in latest] == ["2"]


def test_bad_input_is_refused_and_changes_nothing(server, client):
    from mlflow.exceptions import MlflowException
    name = _unique("guarded")
    client.create_registered_model(name, description="kept")
    with pytest.raises(MlflowException) as duplicate:
        client.create_registered_model(name)
    assert _error_code(duplicate) == "RESOURCE_ALREADY_EXISTS"
    with pytest.raises(MlflowException) as unknown:
        client.get_registered_model(_unique("missing"))
    assert _error_code(unknown) == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException) as no_version:
        client.get_model_version(name, "7")
    assert _error_code(no_version) == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException) as long_key:
        client.set_registered_model_tag(name, "k" * 251, "v")
    assert _error_code(long_key) == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as long_value:
        client.set_registered_model_tag(name, "k", "v" * 100_001)
    assert _error_code(long_value) == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as bad_alias:
        client.set_registered_model_alias(name, "latest", "1")
    assert _error_code(bad_alias) == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as slash:
        client.create_registered_model("has/slash")
    assert _error_code(slash) == "INVALID_PARAMETER_VALUE"
    other = _unique("taken")
    client.create_registered_model(other)
    with pytest.raises(MlflowException) as clash:
        client.rename_registered_model(name, other)
    assert _error_code(clash) == "RESOURCE_ALREADY_EXISTS"
    with pytest.raises(MlflowException) as bad_source:
        client.create_model_version(name, "mlflow-artifacts:/../../etc")
    assert _error_code(bad_source) == "INVALID_PARAMETER_VALUE"
    kept = client.get_registered_model(name)
    assert kept.description == "kept" and kept.tags == {} and kept.latest_versions == []

    bad_number = requests.get(f"{server.base_url}/api/2.0/mlflow/model-versions/get",
                              params={"name": name, "version": "one"}, headers=admin_headers(server))
    assert bad_number.status_code == 400 and bad_number.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    too_many = requests.get(f"{server.base_url}/api/2.0/mlflow/registered-models/search",
                            params={"max_results": 1001}, headers=admin_headers(server))
    assert too_many.status_code == 400 and too_many.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    bad_filter = requests.get(f"{server.base_url}/api/2.0/mlflow/registered-models/search",
                              params={"filter": "name = "}, headers=admin_headers(server))
    assert bad_filter.status_code == 400 and bad_filter.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_workspaces_and_members(server, client, monkeypatch):
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException
    make_workspace(server, "registry-other")
    name = _unique("elsewhere")
    monkeypatch.setenv("MLFLOW_WORKSPACE", "registry-other")
    MlflowClient().create_registered_model(name)
    assert MlflowClient().get_registered_model(name).name == name
    monkeypatch.delenv("MLFLOW_WORKSPACE")
    with pytest.raises(MlflowException) as foreign:
        client.get_registered_model(name)
    assert _error_code(foreign) == "RESOURCE_DOES_NOT_EXIST"

    email, password = make_outsider(server)
    refused = requests.post(f"{server.base_url}/api/2.0/mlflow/registered-models/create", json={"name": _unique("x")},
                            headers=basic(email, password))
    assert refused.status_code == 403 and refused.json()["error_code"] == "PERMISSION_DENIED"
    allowed = requests.get(f"{server.base_url}/api/2.0/mlflow/registered-models/search", headers=admin_headers(server))
    assert allowed.status_code == 200


def test_same_models_as_the_wallaroo_dialect(server, client, tmp_path):
    import io
    import zipfile
    name = _unique("shared")
    client.create_registered_model(name)
    token = access_token(server, ADMIN, server.admin_password)
    listed = wallaroo(server, "workspaces/list", {}, token).json()["workspaces"]
    default = next(w for w in listed if w["name"] == "default")
    models = wallaroo(server, "models/list", {"workspace_id": default["id"]}, token)
    assert models.status_code == 200, models.text
    assert name in json.dumps(models.json())

    uploaded = _unique("from-wallaroo")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("summer/requirements.txt", "")
        bundle.writestr("summer/summer.py", "x = 1\n")
    metadata = {"name": uploaded, "visibility": "public", "workspace_id": default["id"],
                "conversion": {"framework": "custom", "python_version": "3.8", "requirements": []}}
    files = {"metadata": (None, json.dumps(metadata), "application/json"),
             "file": (uploaded + ".zip", archive.getvalue(), "application/octet-stream")}
    response = requests.post(f"{server.base_url}/v1/api/models/upload_and_convert", files=files,
                             headers={"Authorization": "Bearer " + token})
    assert response.status_code == 200, response.text
    found = client.search_registered_models(f"name = '{uploaded}'")
    assert [m.name for m in found] == [uploaded]
    assert [v.version for v in found[0].latest_versions] == ["1"]
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
    uri = client.get_model_version_download_uri(uploaded, "1")
    assert [f.path for f in get_artifact_repository(uri).list_artifacts()] == [uploaded + ".zip"]
