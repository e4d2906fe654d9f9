"""Bad inputs, credentials and workspaces on the tracking API: each gets MLflow's error code
and HTTP status, and leaves the stored data as it was."""

import base64
import time
import uuid

import mlflow
import pytest
import requests
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
from mlflow.exceptions import MlflowException, RestException

from slipway_server import TOKEN_PATH


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _error(call) -> MlflowException:
    with pytest.raises(MlflowException) as raised:
        call()
    return raised.value


def test_unknown_ids_are_resource_does_not_exist(tracking):
    client = MlflowClient()
    for call in (lambda: client.get_run("0" * 32), lambda: client.get_experiment("123456789"),
                 lambda: client.log_param("f" * 32, "a", "b"), lambda: client.create_run("987654321"),
                 lambda: client.get_metric_history("e" * 32, "loss")):
        error = _error(call)
        assert error.error_code == "RESOURCE_DOES_NOT_EXIST", error
        assert error.get_http_status_code() == 404


def test_duplicate_experiment_name(tracking):
    client = MlflowClient()
    name = _name("dup")
    experiment_id = client.create_experiment(name)
    before = client.search_experiments(filter_string=f"name = '{name}'")
    error = _error(lambda: client.create_experiment(name))
    assert error.error_code == "RESOURCE_ALREADY_EXISTS"
    assert error.get_http_status_code() == 400
    after = client.search_experiments(filter_string=f"name = '{name}'")
    assert [e.experiment_id for e in after] == [e.experiment_id for e in before] == [experiment_id]
    other = client.create_experiment(_name("dup"))
    assert _error(lambda: client.rename_experiment(other, name)).error_code == "RESOURCE_ALREADY_EXISTS"


def test_param_overwrite_with_another_value_is_refused(tracking):
    client = MlflowClient()
    run = client.create_run("0")
    client.log_param(run.info.run_id, "alpha", "1")
    error = _error(lambda: client.log_param(run.info.run_id, "alpha", "2"))
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    assert "Changing param values is not allowed" in error.message
    # A batch with the conflicting parameter writes nothing at all.
    error = _error(lambda: client.log_batch(run.info.run_id, metrics=[Metric("m", 1.0, 0, 0)],
                                            params=[Param("alpha", "3")], tags=[RunTag("t", "v")]))
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    stored = client.get_run(run.info.run_id)
    assert stored.data.params == {"alpha": "1"}
    assert "m" not in stored.data.metrics and "t" not in stored.data.tags


def _raw(server, path, body, headers=None):
    headers = _basic("admin", server.admin_password) if headers is None else headers
    return requests.post(f"{server.base_url}/api/2.0/mlflow/{path}", json=body, headers=headers, timeout=30)


def test_over_limit_batches_are_refused_and_change_nothing(server, tracking):
    client = MlflowClient()
    run = client.create_run("0")
    run_id = run.info.run_id
    metric = lambda i: {"key": f"k{i}", "value": 1.0, "timestamp": 0, "step": 0}  # noqa: E731
    cases = [
        ({"metrics": [metric(i) for i in range(1001)]}, "1000 metrics"),
        ({"params": [{"key": f"p{i}", "value": "v"} for i in range(101)]}, "100 params"),
        ({"tags": [{"key": f"t{i}", "value": "v"} for i in range(101)]}, "100 tags"),
        ({"metrics": [metric(i) for i in range(950)], "params": [{"key": f"p{i}", "value": "v"} for i in range(51)]},
         "1000 metrics, params and tags"),
        ({"params": [{"key": "long", "value": "x" * 6001}]}, "6000"),
        ({"tags": [{"key": "long", "value": "x" * 8001}]}, "8000"),
        ({"params": [{"key": "k" * 251, "value": "v"}]}, "250"),
    ]
    for body, fragment in cases:
        response = _raw(server, "runs/log-batch", {"run_id": run_id, **body})
        assert response.status_code == 400, (fragment, response.text)
        assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
        assert fragment in response.json()["message"], response.text
    response = _raw(server, "runs/log-batch", {"run_id": run_id, "params": [{"key": "big", "value": "x" * 1_100_000}]})
    assert response.status_code in (400, 413)
    stored = client.get_run(run_id)
    assert stored.data.metrics == {} and stored.data.params == {}
    assert set(stored.data.tags) <= {"mlflow.runName", "mlflow.user", "mlflow.source.name", "mlflow.source.type"}


@pytest.mark.parametrize("bad_filter, fragment", [
    ("metrics.acc >", "position 14"),
    ("metrics.acc > 1 OR metrics.acc < 0", "OR is not supported"),
    ("params.model = 'unterminated", "unterminated quote"),
    ("metrics.acc > 'high'", "Expected numeric value"),
    ("params.model > 'x'", "Invalid comparator"),
    ("bogus.key = 'x'", "Invalid attribute key"),
    ("attributes.nope = 'x'", "Invalid attribute key"),
])
def test_malformed_filters_are_invalid_parameter_value(tracking, bad_filter, fragment):
    error = _error(lambda: MlflowClient().search_runs(["0"], filter_string=bad_filter))
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    assert error.get_http_status_code() == 400
    assert fragment in error.message, error.message


def test_bad_order_by_and_page_token(tracking):
    client = MlflowClient()
    assert _error(lambda: client.search_runs(["0"], order_by=["metrics.acc SIDEWAYS"])).error_code == "INVALID_PARAMETER_VALUE"
    assert _error(lambda: client.search_runs(["0"], page_token="not-a-token")).error_code == "INVALID_PARAMETER_VALUE"


def test_wrong_password_is_refused(server, tracking, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "wrong-password")
    error = _error(lambda: MlflowClient().create_experiment(_name("nope")))
    assert error.get_http_status_code() == 401 or "401" in str(error)
    assert "wrong-password" not in str(error)
    response = _raw(server, "experiments/create", {"name": "x"}, headers=_basic("admin", "wrong-password"))
    assert response.status_code == 401 and response.json()["error_code"] == "UNAUTHENTICATED"
    response = _raw(server, "experiments/create", {"name": "x"}, headers={})
    assert response.status_code == 401


def _access_token(server, user="admin", password=None) -> str:
    response = requests.post(server.base_url + TOKEN_PATH, data={
        "grant_type": "password", "client_id": "sdk-client", "username": user,
        "password": password or server.admin_password}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_bearer_access_token_allowed_and_refused(server, tracking, monkeypatch):
    token = _access_token(server)
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME")
    monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD")
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token)
    client = MlflowClient()
    experiment_id = client.create_experiment(_name("bearer"))
    assert client.get_experiment(experiment_id).experiment_id == experiment_id
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token[:-4] + "AAAA")
    error = _error(lambda: MlflowClient().get_experiment(experiment_id))
    assert error.get_http_status_code() == 401 or "401" in str(error)


def test_foreign_workspace_sees_nothing(server, tracking, monkeypatch):
    admin = {"Authorization": "Bearer " + _access_token(server)}
    workspace = "mlflow-" + uuid.uuid4().hex[:8]
    created = requests.post(f"{server.base_url}/v1/api/workspaces/create", json={"workspace_name": workspace},
                            headers=admin, timeout=10)
    assert created.status_code == 200, created.text
    client = MlflowClient()
    home_experiment = client.create_experiment(_name("home"))
    home_run = client.create_run(home_experiment)
    client.log_metric(home_run.info.run_id, "secret", 1.0)
    home_name = client.get_experiment(home_experiment).name

    monkeypatch.setenv("MLFLOW_WORKSPACE", workspace)
    foreign = MlflowClient()
    # Each workspace has its own Default experiment "0".
    assert foreign.get_experiment("0").name == "Default"
    for call in (lambda: foreign.get_experiment(home_experiment), lambda: foreign.get_run(home_run.info.run_id),
                 lambda: foreign.log_metric(home_run.info.run_id, "secret", 2.0),
                 lambda: foreign.create_run(home_experiment)):
        assert _error(call).error_code == "RESOURCE_DOES_NOT_EXIST"
    assert foreign.search_runs([home_experiment]) == []
    same_name = foreign.create_experiment(home_name)
    assert same_name != home_experiment

    monkeypatch.delenv("MLFLOW_WORKSPACE")
    history = MlflowClient().get_metric_history(home_run.info.run_id, "secret")
    assert [m.value for m in history] == [1.0]


def test_outsider_cannot_use_a_workspace(server, tracking, monkeypatch):
    admin = {"Authorization": "Bearer " + _access_token(server)}
    email = f"outsider-{uuid.uuid4().hex[:6]}@example.com"
    invited = requests.post(f"{server.base_url}/v1/api/users/invite", json={"email": email, "password": "outsider pw"},
                            headers=admin, timeout=10)
    assert invited.status_code == 200, invited.text
    workspace = "private-" + uuid.uuid4().hex[:8]
    assert requests.post(f"{server.base_url}/v1/api/workspaces/create", json={"workspace_name": workspace},
                         headers=admin, timeout=10).status_code == 200
    headers = {**_basic(email, "outsider pw"), "X-MLFLOW-WORKSPACE": workspace}
    response = _raw(server, "experiments/create", {"name": "intrusion"}, headers=headers)
    assert response.status_code == 403, response.text
    assert response.json()["error_code"] == "PERMISSION_DENIED"
    monkeypatch.setenv("MLFLOW_WORKSPACE", workspace)
    assert MlflowClient().get_experiment_by_name("intrusion") is None
