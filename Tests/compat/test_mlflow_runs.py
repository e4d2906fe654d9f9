"""Craft AI executions seen through the MLflow tracking API (one core): an execution with
metrics is a read-only run of its pipeline's experiment, found by `runs/search` with a metric
filter. Raw MLflow REST calls with `requests`, authenticated with the admin's SDK token
(Bearer), which is also checked refused when wrong."""

import requests

from craft_ai_sdk import Input, Output

from compat_helpers import create_pipeline, uid, unique

# The inputs of the `insider` fixture's `record_metrics` (as in test_metrics.py).
METRIC_INPUTS = [
    Input("single_name", "string"),
    Input("list_name", "string"),
    Input("big_name", "string"),
    Input("big_count", "number"),
]


def _mlflow(base_url, token, method, path, **kwargs):
    return requests.request(method, f"{base_url}/api/2.0/mlflow/{path}",
                            headers={"Authorization": f"Bearer {token}"}, timeout=30, **kwargs)


def test_execution_is_a_read_only_mlflow_run(sdk, base_url, admin_token):
    pipeline = unique("mlflow-view")
    create_pipeline(sdk, pipeline, "insider", "src/insider.py", "record_metrics",
                    inputs=METRIC_INPUTS, outputs=[Output("recorded", "boolean")])
    single, lst = f"acc-{uid()}", f"loss-{uid()}"
    result = sdk.run_pipeline(pipeline, inputs={"single_name": single, "list_name": lst, "big_name": "unused",
                                                "big_count": 0})
    execution_id = result["execution_id"]

    response = _mlflow(base_url, admin_token, "GET", "experiments/get-by-name",
                       params={"experiment_name": f"pipelines/{pipeline}"})
    assert response.status_code == 200, response.text
    experiment = response.json()["experiment"]

    found = _mlflow(base_url, admin_token, "POST", "runs/search", json={
        "experiment_ids": [experiment["experiment_id"]], "filter": f"metrics.`{single}` > 2"})
    assert found.status_code == 200, found.text
    runs = found.json()["runs"]
    assert [run["info"]["run_id"] for run in runs] == [execution_id]
    run = runs[0]
    assert run["info"]["status"] == "FINISHED"
    params = {p["key"]: p["value"] for p in run["data"]["params"]}
    assert params["single_name"] == single and params["big_count"] in ("0", "0.0")
    metrics = {m["key"]: m for m in run["data"]["metrics"]}
    assert metrics[single]["value"] == 2.5
    assert metrics[lst]["value"] == 3.0 and metrics[lst]["step"] == 2
    tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
    assert tags["slipway.pipeline"] == pipeline
    assert tags["slipway.code_hash"] and tags["mlflow.runName"] == execution_id

    none = _mlflow(base_url, admin_token, "POST", "runs/search", json={
        "experiment_ids": [experiment["experiment_id"]], "filter": f"metrics.`{single}` > 3"})
    assert none.status_code == 200 and none.json().get("runs", []) == []

    history = _mlflow(base_url, admin_token, "GET", "metrics/get-history",
                      params={"run_id": execution_id, "metric_key": lst})
    assert [(m["step"], m["value"]) for m in history.json()["metrics"]] == [(0, 1.0), (1, 2.0), (2, 3.0)]

    refused = _mlflow(base_url, admin_token, "POST", "runs/log-metric", json={
        "run_id": execution_id, "key": "x", "value": 1, "timestamp": 0})
    assert refused.status_code == 403, refused.text
    assert refused.json()["error_code"] == "PERMISSION_DENIED" and "read-only" in refused.json()["message"]
    again = _mlflow(base_url, admin_token, "GET", "runs/get", params={"run_id": execution_id}).json()["run"]
    assert "x" not in {m["key"] for m in again["data"]["metrics"]}

    wrong = _mlflow(base_url, admin_token + "x", "GET", "runs/get", params={"run_id": execution_id})
    assert wrong.status_code == 401 and wrong.json()["error_code"] == "UNAUTHENTICATED"
    assert admin_token not in wrong.text
