"""Tracking with the real mlflow client: experiments, runs, parameters, metrics, tags,
batches, datasets, searches and metric history against a real `slipway serve`."""

import math
import time
import uuid

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, ViewType


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_default_experiment_is_zero(tracking):
    client = MlflowClient()
    default = client.get_experiment("0")
    assert default.name == "Default"
    assert default.lifecycle_stage == "active"
    assert client.get_experiment_by_name("Default").experiment_id == "0"


def test_experiment_lifecycle(tracking):
    client = MlflowClient()
    name = _name("exp")
    experiment_id = mlflow.create_experiment(name, tags={"team": "vision"})
    experiment = client.get_experiment(experiment_id)
    assert experiment.name == name
    assert experiment.tags["team"] == "vision"
    assert experiment.artifact_location == f"mlflow-artifacts:/{experiment_id}"
    assert client.get_experiment_by_name(name).experiment_id == experiment_id

    client.set_experiment_tag(experiment_id, "stage", "dev")
    client.delete_experiment_tag(experiment_id, "team")
    tags = client.get_experiment(experiment_id).tags
    assert tags.get("stage") == "dev" and "team" not in tags

    renamed = name + "-renamed"
    client.rename_experiment(experiment_id, renamed)
    assert client.get_experiment(experiment_id).name == renamed
    assert client.get_experiment_by_name(name) is None

    client.delete_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "deleted"
    active = [e.experiment_id for e in client.search_experiments()]
    deleted = [e.experiment_id for e in client.search_experiments(view_type=ViewType.DELETED_ONLY)]
    assert experiment_id not in active and experiment_id in deleted
    client.restore_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"


def test_search_experiments_filter_order_and_pages(tracking):
    client = MlflowClient()
    prefix = _name("page")
    ids = [client.create_experiment(f"{prefix}-{i}", tags={"idx": str(i)}) for i in range(5)]
    found = client.search_experiments(filter_string=f"name LIKE '{prefix}-%'", order_by=["name DESC"])
    assert [e.name for e in found] == [f"{prefix}-{i}" for i in reversed(range(5))]
    by_tag = client.search_experiments(filter_string=f"name LIKE '{prefix}%' AND tags.idx = '3'")
    assert [e.experiment_id for e in by_tag] == [ids[3]]
    first = client.search_experiments(filter_string=f"name LIKE '{prefix}%'", max_results=2, order_by=["name ASC"])
    assert len(first) == 2 and first.token
    second = client.search_experiments(filter_string=f"name LIKE '{prefix}%'", max_results=2, order_by=["name ASC"],
                                       page_token=first.token)
    third = client.search_experiments(filter_string=f"name LIKE '{prefix}%'", max_results=2, order_by=["name ASC"],
                                      page_token=second.token)
    names = [e.name for e in list(first) + list(second) + list(third)]
    assert names == [f"{prefix}-{i}" for i in range(5)]
    assert not third.token


def test_run_with_params_metrics_tags(tracking):
    mlflow.set_experiment(_name("runs"))
    with mlflow.start_run(run_name="training") as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"epochs": 3, "optimizer": "adam"})
        for step in range(3):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"accuracy": 0.91, "f1": 0.88})
        mlflow.set_tag("owner", "alice")
        mlflow.set_tags({"kind": "baseline", "gpu": "none"})
        run_id = run.info.run_id
    client = MlflowClient()
    stored = client.get_run(run_id)
    assert stored.info.run_name == "training"
    assert stored.info.status == "FINISHED"
    assert stored.info.end_time is not None and stored.info.end_time >= stored.info.start_time
    assert stored.info.artifact_uri == f"mlflow-artifacts:/{stored.info.experiment_id}/{run_id}/artifacts"
    assert stored.data.params == {"lr": "0.01", "epochs": "3", "optimizer": "adam"}
    assert stored.data.metrics["loss"] == pytest.approx(1.0 / 3)
    assert stored.data.metrics["accuracy"] == pytest.approx(0.91)
    assert stored.data.tags["owner"] == "alice"
    assert stored.data.tags["mlflow.runName"] == "training"
    history = client.get_metric_history(run_id, "loss")
    assert [(m.step, round(m.value, 6)) for m in history] == [(0, 1.0), (1, 0.5), (2, round(1 / 3, 6))]

    client.delete_tag(run_id, "gpu")
    assert "gpu" not in client.get_run(run_id).data.tags


def test_same_param_value_again_is_fine(tracking):
    with mlflow.start_run() as run:
        mlflow.log_param("seed", 42)
        mlflow.log_param("seed", 42)
    assert MlflowClient().get_run(run.info.run_id).data.params["seed"] == "42"


def test_nested_runs(tracking):
    mlflow.set_experiment(_name("nested"))
    with mlflow.start_run(run_name="parent") as parent:
        with mlflow.start_run(run_name="child", nested=True) as child:
            mlflow.log_metric("inner", 1.0)
    client = MlflowClient()
    assert client.get_run(child.info.run_id).data.tags["mlflow.parentRunId"] == parent.info.run_id
    children = client.search_runs([parent.info.experiment_id],
                                  filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert [r.info.run_id for r in children] == [child.info.run_id]


def test_log_batch_of_5000_metrics_is_split_and_kept(tracking):
    client = MlflowClient()
    experiment_id = client.create_experiment(_name("batch"))
    run = client.create_run(experiment_id)
    now = int(time.time() * 1000)
    metrics = [Metric("series", float(i), now, i) for i in range(5000)]
    params = [Param(f"p{i}", str(i)) for i in range(150)]
    client.log_batch(run.info.run_id, metrics=metrics, params=params, tags=[RunTag("batch", "yes")])
    stored = client.get_run(run.info.run_id)
    assert stored.data.metrics["series"] == 4999.0
    assert len(stored.data.params) == 150
    history = client.get_metric_history(run.info.run_id, "series")
    assert len(history) == 5000
    assert [m.step for m in history[:3]] == [0, 1, 2]


def test_nan_and_infinite_metric_values(tracking):
    client = MlflowClient()
    run = client.create_run("0")
    client.log_metric(run.info.run_id, "weird", float("nan"), step=0)
    client.log_metric(run.info.run_id, "big", float("inf"), step=0)
    stored = client.get_run(run.info.run_id)
    assert math.isnan(stored.data.metrics["weird"])
    assert stored.data.metrics["big"] == float("inf")


def test_metric_history_pages(tracking):
    client = MlflowClient()
    run = client.create_run("0")
    now = int(time.time() * 1000)
    client.log_batch(run.info.run_id, metrics=[Metric("m", float(i), now + i, i) for i in range(30)])
    from mlflow.store.tracking.rest_store import RestStore  # noqa: F401  (the client's own paging below)
    store = client._tracking_client.store
    page = store.get_metric_history(run.info.run_id, "m", max_results=10)
    assert len(page) == 10 and page.token
    second = store.get_metric_history(run.info.run_id, "m", max_results=10, page_token=page.token)
    assert [m.step for m in second] == list(range(10, 20))


def test_log_input_with_pandas_dataset(tracking):
    import pandas as pd
    frame = pd.DataFrame({"x": [1, 2, 3], "y": [0, 1, 0]})
    dataset = mlflow.data.from_pandas(frame, name="tiny", targets="y")
    mlflow.set_experiment(_name("inputs"))
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training")
    client = MlflowClient()
    stored = client.get_run(run.info.run_id)
    inputs = stored.inputs.dataset_inputs
    assert len(inputs) == 1
    assert inputs[0].dataset.name == "tiny"
    assert inputs[0].dataset.digest == dataset.digest
    assert inputs[0].dataset.schema
    assert {t.key: t.value for t in inputs[0].tags}["mlflow.data.context"] == "training"
    found = client.search_runs([stored.info.experiment_id], filter_string="dataset.context = 'training'")
    assert [r.info.run_id for r in found] == [run.info.run_id]


def test_search_runs_filters_order_and_pages(tracking):
    client = MlflowClient()
    experiment_id = client.create_experiment(_name("search"))
    ids = []
    for i in range(6):
        run = client.create_run(experiment_id, run_name=f"r{i}", tags={"parity": "even" if i % 2 == 0 else "odd"},
                                start_time=1_700_000_000_000 + i)
        client.log_metric(run.info.run_id, "acc", i / 10, step=0)
        client.log_param(run.info.run_id, "model", "tree" if i < 3 else "forest")
        ids.append(run.info.run_id)
    client.set_terminated(ids[5], status="FAILED")

    def search(filter_string, **kwargs):
        return [r.info.run_id for r in client.search_runs([experiment_id], filter_string=filter_string, **kwargs)]

    assert set(search("metrics.acc > 0.25")) == set(ids[3:])
    assert set(search("metrics.acc >= 0.2 AND metrics.acc < 0.4")) == {ids[2], ids[3]}
    assert set(search("params.model = 'tree'")) == set(ids[:3])
    assert set(search("params.model != 'tree'")) == set(ids[3:])
    assert set(search("params.model LIKE 'fo%'")) == set(ids[3:])
    assert set(search("params.model ILIKE 'TR%'")) == set(ids[:3])
    assert set(search("tags.parity = 'even'")) == {ids[0], ids[2], ids[4]}
    assert set(search("tags.`parity` != 'even'")) == {ids[1], ids[3], ids[5]}
    assert search("attributes.status = 'FAILED'") == [ids[5]]
    assert set(search(f"attributes.run_id IN ('{ids[0]}', '{ids[1]}')")) == {ids[0], ids[1]}
    assert set(search(f"attributes.run_id NOT IN ('{ids[0]}')")) == set(ids[1:])
    assert search("attributes.run_name = 'r4'") == [ids[4]]
    assert set(search("attributes.start_time >= 1700000000004")) == {ids[4], ids[5]}
    assert search("tags.missing IS NULL", order_by=["attributes.start_time ASC"]) == ids

    assert search("", order_by=["metrics.acc DESC"]) == list(reversed(ids))
    assert search("", order_by=["params.model ASC", "attributes.start_time DESC"])[:3] == [ids[5], ids[4], ids[3]]

    first = client.search_runs([experiment_id], max_results=4, order_by=["metrics.acc ASC"])
    assert [r.info.run_id for r in first] == ids[:4] and first.token
    rest = client.search_runs([experiment_id], max_results=4, order_by=["metrics.acc ASC"], page_token=first.token)
    assert [r.info.run_id for r in rest] == ids[4:] and not rest.token

    frame = mlflow.search_runs([experiment_id], filter_string="metrics.acc > 0.35", order_by=["metrics.acc ASC"])
    assert list(frame["run_id"]) == ids[4:]
    assert list(frame["params.model"]) == ["forest", "forest"]


def test_deleted_runs_are_hidden_and_restorable(tracking):
    client = MlflowClient()
    experiment_id = client.create_experiment(_name("trash"))
    run = client.create_run(experiment_id)
    client.delete_run(run.info.run_id)
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "deleted"
    assert client.search_runs([experiment_id]) == []
    assert [r.info.run_id for r in client.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)] == [run.info.run_id]
    client.restore_run(run.info.run_id)
    assert [r.info.run_id for r in client.search_runs([experiment_id])] == [run.info.run_id]


def test_bulk_interval_history(tracking):
    client = MlflowClient()
    runs = [client.create_run("0") for _ in range(2)]
    now = int(time.time() * 1000)
    for run in runs:
        client.log_batch(run.info.run_id, metrics=[Metric("curve", float(i), now, i) for i in range(20)])
    import requests
    response = requests.get(f"{tracking}/api/2.0/mlflow/metrics/get-history-bulk-interval",
                            params={"run_ids": [r.info.run_id for r in runs], "metric_key": "curve",
                                    "start_step": 5, "end_step": 9, "max_results": 100},
                            auth=(mlflow.environment_variables.MLFLOW_TRACKING_USERNAME.get(),
                                  mlflow.environment_variables.MLFLOW_TRACKING_PASSWORD.get()), timeout=10)
    assert response.status_code == 200, response.text
    points = response.json()["metrics"]
    assert len(points) == 10
    assert {p["run_id"] for p in points} == {r.info.run_id for r in runs}
    assert sorted({p["step"] for p in points}) == [5, 6, 7, 8, 9]


def test_logged_model_lifecycle(tracking):
    client = MlflowClient()
    experiment_id = client.create_experiment(_name("models"))
    run = client.create_run(experiment_id)
    model = client.create_logged_model(experiment_id, name="clf", source_run_id=run.info.run_id,
                                       tags={"flavor": "sklearn"}, params={"alpha": "0.5"}, model_type="classifier")
    assert model.model_id.startswith("m-") and len(model.model_id) == 34
    assert model.artifact_location == f"mlflow-artifacts:/{experiment_id}/models/{model.model_id}/artifacts"
    assert str(model.status) == "PENDING"
    from mlflow.entities import LoggedModelStatus
    finalized = client.finalize_logged_model(model.model_id, LoggedModelStatus.READY)
    assert str(finalized.status) == "READY"
    client.set_logged_model_tags(model.model_id, {"stage": "candidate"})
    fetched = client.get_logged_model(model.model_id)
    assert fetched.tags["stage"] == "candidate" and fetched.params == {"alpha": "0.5"}
    found = client.search_logged_models(experiment_ids=[experiment_id])
    assert [m.model_id for m in found] == [model.model_id]
    client.delete_logged_model_tag(model.model_id, "stage")
    assert "stage" not in client.get_logged_model(model.model_id).tags
    client.delete_logged_model(model.model_id)
    with pytest.raises(mlflow.exceptions.MlflowException) as error:
        client.get_logged_model(model.model_id)
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_legacy_log_model_history_tag(tracking):
    import json
    client = MlflowClient()
    run = client.create_run("0")
    store = client._tracking_client.store
    from mlflow.models import Model
    model = Model(artifact_path="model", run_id=run.info.run_id)
    store.record_logged_model(run.info.run_id, model)
    history = json.loads(client.get_run(run.info.run_id).data.tags["mlflow.log-model.history"])
    assert len(history) == 1 and history[0]["artifact_path"] == "model"
