"""MLflow runs logged through the MLflow REST API, seen in the browser: the experiment's runs
table with params and metrics, and two runs compared with their metric histories overlaid."""

import time
import uuid

import requests


def _mlflow(server, path: str, body: dict) -> dict:
    answer = requests.post(f"{server.base_url}/api/2.0/mlflow/{path}", json=body, timeout=30,
                           auth=("admin", server.admin_password))
    assert answer.status_code == 200, answer.text
    return answer.json()


def _run(server, experiment_id: str, name: str, rate: float) -> str:
    now = int(time.time() * 1000)
    run_id = _mlflow(server, "runs/create", {"experiment_id": experiment_id, "run_name": name,
                                             "start_time": now})["run"]["info"]["run_id"]
    losses = [1 / (1 + step * rate) for step in range(6)]
    _mlflow(server, "runs/log-batch", {
        "run_id": run_id, "params": [{"key": "rate", "value": str(rate)}, {"key": "optimizer", "value": "sgd"}],
        "metrics": [{"key": "loss", "value": loss, "timestamp": now + step, "step": step}
                    for step, loss in enumerate(losses)]})
    _mlflow(server, "runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": now + 1500})
    return run_id


def test_runs_table_and_run_comparison(browser, server):
    name = f"ui-experiment-{uuid.uuid4().hex[:8]}"
    experiment_id = _mlflow(server, "experiments/create", {"name": name})["experiment_id"]
    slow, fast = _run(server, experiment_id, "slow", 0.2), _run(server, experiment_id, "fast", 0.8)

    browser.sign_in("admin", server.admin_password)
    browser.open("/ui/w/default/experiments")
    browser.wait_for(f"a[href$='/experiments/{experiment_id}']").click()
    table = browser.wait_for("table.runs")
    headers = [cell.text for cell in table.find_elements("css selector", "thead th")]
    assert "rate" in headers and "loss" in headers, headers
    assert "slow" in table.text and "fast" in table.text
    browser.check_page("experiment")

    browser.find(f"#pick-run-{slow}").click()
    browser.find(f"#pick-run-{fast}").click()
    browser.find("#compare-runs button").click()
    browser.wait_for("table.compare")
    differing = {row.find_element("tag name", "th").text for row in browser.find_all("tr[data-differs]")}
    assert {"rate", "loss", "id"} <= differing, differing
    assert "optimizer" not in differing
    chart = browser.find("svg[data-metric='loss']")
    assert len(chart.find_elements("css selector", "g[data-series]")) == 2
    assert len(chart.find_elements("css selector", "circle")) == 12
    browser.check_page("compare-runs")
