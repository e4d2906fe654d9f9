"""Registering models logged in runs: `mlflow.sklearn.log_model` then `mlflow.register_model`
with `runs:/` and `models:/m-…` sources, loaded back by name and alias. Needs the tracking
RPCs; skipped on a build without them (enable by merging)."""

import secrets

import pytest

from mlflow_helpers import tracking_available


@pytest.fixture()
def runs(server, tracking):
    if not tracking_available(server):
        pytest.skip("this build does not serve the tracking RPCs (runs/create)")
    return tracking


def test_register_from_run_and_delete_run_keeps_version(runs):
    import mlflow
    import mlflow.pyfunc
    import mlflow.sklearn
    from mlflow import MlflowClient
    from sklearn.datasets import load_iris
    from sklearn.tree import DecisionTreeClassifier

    X, y = load_iris(return_X_y=True, as_frame=True)
    model = DecisionTreeClassifier(random_state=0).fit(X, y)
    name = f"from-run-{secrets.token_hex(4)}"
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model", input_example=X.head(3), serialization_format="cloudpickle")
    registered = mlflow.register_model(f"runs:/{run.info.run_id}/model", name)
    assert registered.version == "1"
    client = MlflowClient()
    version = client.get_model_version(name, "1")
    assert version.status == "READY" and version.run_id == run.info.run_id
    client.set_registered_model_alias(name, "prod", "1")
    expected = list(model.predict(X))
    client.delete_run(run.info.run_id)
    assert list(mlflow.pyfunc.load_model(f"models:/{name}@prod").predict(X)) == expected

    second = mlflow.register_model(info.model_uri, name)
    assert second.version == "2"
    assert list(mlflow.pyfunc.load_model(f"models:/{name}/2").predict(X)) == expected
