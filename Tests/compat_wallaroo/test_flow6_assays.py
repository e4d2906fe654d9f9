"""Flow 6 of the protocol reference (§17): assays on 31 days of synthetic house-price
predictions loaded with `pipelines/import_logs` (day 0 the baseline, days 11 and 12 shifted),
then create, list, activate/deactivate, interactive baseline, get_baseline, run_interactive
(30 windows), scheduled results appearing without a call (the session server analyses every
second) and get_results paging. The PSI of every window is recomputed here with numpy from
the same records, using the reference's quantile rule (§11.4)."""

import datetime
import io
import json
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import requests

from models_helpers import Client, dense_onnx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from drift_reference import reference_psi  # noqa: E402
from slipway_server import run_cli  # noqa: E402

DAY_MS = 86_400_000
START = datetime.datetime(2023, 1, 1, 5, tzinfo=datetime.timezone.utc)  # 2023-01-01T00:00:00-05:00
START_MS = int(START.timestamp() * 1000)
SHIFTED_DAYS = {11, 12}
PER_DAY = 600
SPACING_MS = 140_000  # PER_DAY records fit in a day


def day_values(day: int) -> np.ndarray:
    rng = np.random.default_rng(1000 + day)
    mean = 13.9 if day in SHIFTED_DAYS else 12.9
    return rng.normal(mean, 0.43, PER_DAY).astype(np.float32).astype(np.float64)


def records(days: range) -> list:
    rows = []
    for day in days:
        for index, value in enumerate(day_values(day)):
            rows.append({"time": START_MS + day * DAY_MS + index * SPACING_MS,
                         "in": {"tensor": [float(day), float(index)] + [0.5] * 15},
                         "out": {"dense_2": [float(value)]}})
    return rows


def assay_body(pipeline_id: int, workspace_id: int, assay_id=None) -> dict:
    """The seed's §11.1 body."""
    body = {
        "name": "api assay", "pipeline_id": pipeline_id, "pipeline_name": "housepricepipe", "active": True,
        "status": "active", "iopath": "output dense_2 0",
        "baseline": {"Fixed": {"pipeline": "housepricepipe", "model": "housepricemodel",
                               "start_at": "2023-01-01T00:00:00-05:00", "end_at": "2023-01-02T00:00:00-05:00"}},
        "window": {"pipeline": "housepricepipe", "model": "housepricemodel", "width": "24 hours",
                   "start": None, "interval": None},
        "summarizer": {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density",
                       "metric": "PSI", "num_bins": 5, "bin_weights": None, "bin_width": None,
                       "provided_edges": None, "add_outlier_edges": True},
        "warning_threshold": 0, "alert_threshold": 0.1, "run_until": None, "workspace_id": workspace_id,
        "model_insights_url": "http://localhost:3000/d/model-insights/model-insights",
    }
    if assay_id is not None:
        body["id"] = assay_id
    return body


@pytest.fixture(scope="module")
def client(APIURL, TOKENURL, creds):
    return Client(APIURL, TOKENURL, creds)


@pytest.fixture(scope="module")
def drift(client):
    """Workspace `housepricedrift` with model `housepricemodel` and pipeline `housepricepipe`
    (not deployed), and 31 days of records imported."""
    workspace_id = client.workspace("housepricedrift")
    model = client.upload(workspace_id, "housepricemodel", dense_onnx(inputs=17, output="dense_2")).json()
    model_id = model["insert_models"]["returning"][0]["models"][0]["id"]
    step = client.model_step(client.latest_version(model_id, "housepricemodel"))
    client.post("pipelines/create", {"pipeline_id": "housepricepipe", "workspace_id": workspace_id,
                                     "definition": {"steps": [{"ModelInference": {"models": [step]}}]}})
    listed = client.post("workspaces/list", {}).json()["workspaces"]
    pipeline_id = next(w for w in listed if w["name"] == "housepricedrift")["pipelines"][0]
    answer = client.post("pipelines/import_logs", {"workspace_id": workspace_id, "pipeline_id": "housepricepipe",
                                                   "model_name": "housepricemodel", "records": records(range(31))}).json()
    assert answer == {"inserted": 31 * PER_DAY}
    return {"workspace_id": workspace_id, "pipeline_id": pipeline_id}


def test_flow6_assays(client, drift):
    workspace_id, pipeline_id = drift["workspace_id"], drift["pipeline_id"]
    assay_id = client.post("assays/create", assay_body(pipeline_id, workspace_id)).json()["assay_id"]
    assert isinstance(assay_id, int)

    listed = client.post("assays/list", {"pipeline_id": pipeline_id}).json()
    first = listed[0]
    assert first["id"] == assay_id and first["name"] == "api assay" and first["active"] is True
    assert first["last_run"] is None or first["status"] != "created"
    assert set(first["summarizer"]) == {"type", "bin_mode", "aggregation", "metric", "num_bins", "bin_weights",
                                        "provided_edges"}
    assert first["baseline"] == assay_body(pipeline_id, workspace_id)["baseline"]  # original offsets kept
    assert first["pipeline_name"] == "housepricepipe" and first["alert_threshold"] == 0.1

    assert client.post("assays/set_active", {"id": assay_id, "active": False}).json() == {"id": assay_id, "active": False}
    assert client.post("assays/set_active", {"id": assay_id, "active": True}).json() == {"id": assay_id, "active": True}

    baseline = client.post("assays/run_interactive_baseline", assay_body(pipeline_id, workspace_id, assay_id)).json()
    assert baseline["status"] == "BaselineRun" and baseline["score"] == 0.0 and baseline["scores"] == [0.0] * 7
    summary = baseline["baseline_summary"]
    assert summary["count"] == PER_DAY and len(summary["edges"]) == 7 and summary["edges"][-1] is None
    assert summary["edge_names"] == ["left_outlier", "q_20", "q_40", "q_60", "q_80", "q_100", "right_outlier"]
    assert all(name.startswith("e_") for name in baseline["window_summary"]["edge_names"][1:-1])
    assert abs(sum(summary["aggregated_values"]) - 1) < 1e-12
    values = day_values(0)
    assert summary["min"] == values.min() and summary["max"] == values.max()
    assert abs(summary["mean"] - values.mean()) < 1e-9
    assert baseline["window_start"] == "2023-01-01T05:00:00Z"

    sample = client.post("assays/get_baseline", {"workspace_id": workspace_id, "pipeline_name": "housepricepipe",
                                                 "limit": 3}).json()
    assert len(sample) == 3
    assert sample[0]["time"] == START_MS and sample[0]["out.dense_2"] == [float(values[0])]
    assert len(sample[0]["in.tensor"]) == 17
    assert json.loads(sample[0]["metadata.last_model"])["model_name"] == "housepricemodel"
    assert ": " in sample[0]["metadata.last_model"]

    interactive = client.post("assays/run_interactive", assay_body(pipeline_id, workspace_id, assay_id)).json()
    assert len(interactive) == 30
    for index, result in enumerate(interactive):
        expected_start = START + datetime.timedelta(days=index + 1)
        assert result["window_start"] == expected_start.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert result["id"] is None and result["assay_id"] == assay_id
        score, scores = reference_psi(values, day_values(index + 1))
        assert abs(result["score"] - score) < 1e-12, (index, result["score"], score)
        assert all(abs(a - b) < 1e-12 for a, b in zip(result["scores"], scores))
        shifted = (index + 1) in SHIFTED_DAYS
        assert (result["score"] > 0.1) == shifted, (index, result["score"])
        assert result["status"] == ("Alert" if shifted else "Warning" if result["score"] > 0 else "Ok")
        assert result["analyzed_at"].endswith("Z") and len(result["analyzed_at"].split(".")[1]) == 10

    # The scheduler analyses the 30 closed windows by itself, once each.
    deadline = time.monotonic() + 60
    stored = []
    while time.monotonic() < deadline:
        stored = client.post("assays/get_results", {"assay_id": assay_id, "pipeline_id": pipeline_id,
                                                    "limit": 100}).json()
        if len(stored) >= 30:
            break
        time.sleep(0.5)
    assert len(stored) == 30, stored[:1]
    assert [r["window_start"] for r in stored] == [r["window_start"] for r in interactive]
    assert [r["score"] for r in stored] == [r["score"] for r in interactive]
    assert len({r["id"] for r in stored}) == 30 and all(isinstance(r["id"], int) for r in stored)
    assert sum(r["status"] == "Alert" for r in stored) == len(SHIFTED_DAYS)
    alerts = client.post("assays/get_alerts", {"workspace_id": workspace_id}).json()
    mine = [a for a in alerts if a["assay_id"] == assay_id]
    assert sorted(a["id"] for a in mine) == sorted(r["id"] for r in stored if r["status"] == "Alert")
    assert all(a["score"] >= a["alert_threshold"] for a in mine)
    assert [a["analyzed_at"] for a in alerts] == sorted((a["analyzed_at"] for a in alerts), reverse=True)
    refused = client.post("assays/get_alerts", {"workspace_id": workspace_id, "limit": 0}, expect=400).json()
    assert "limit" in refused["error"]
    time.sleep(2.5)
    assert len(client.post("assays/get_results", {"assay_id": assay_id, "limit": 100}).json()) == 30

    page = client.post("assays/get_results", {"assay_id": assay_id, "limit": 10}).json()
    rest = client.post("assays/get_results", {"assay_id": assay_id, "limit": 100,
                                              "start": stored[10]["window_start"]}).json()
    assert [r["id"] for r in page + rest] == [r["id"] for r in stored]
    listed = client.post("assays/list", {"pipeline_id": pipeline_id}).json()
    assert listed[0]["last_run"] is not None


def test_run_until_bounds_windows(client, drift):
    body = assay_body(drift["pipeline_id"], drift["workspace_id"])
    body["run_until"] = "2023-01-06T05:00:00Z"
    results = client.post("assays/run_interactive", body).json()
    assert [r["window_start"] for r in results] == [f"2023-01-0{d}T05:00:00Z" for d in range(2, 6)]


def test_summarize_and_equal_bins(client, drift):
    values = [float(v) for v in day_values(0)]
    summarizer = {"type": "UnivariateContinuous", "bin_mode": "Equal", "aggregation": "Density", "metric": "PSI",
                  "num_bins": 4}
    summary = client.post("assays/summarize", {"summarizer": summarizer, "values": values}).json()
    low, high = min(values), max(values)
    assert summary["count"] == PER_DAY
    assert summary["edges"][1:5] == pytest.approx([low + j * (high - low) / 4 for j in range(1, 5)])
    assert all(name.startswith("p_") for name in summary["edge_names"][1:-1])


def test_arrow_import_and_cli_import(client, drift, server, tmp_path):
    workspace_id = drift["workspace_id"]
    client.post("pipelines/create", {"pipeline_id": "importedpipe", "workspace_id": workspace_id, "definition": {}})
    rows = records(range(40, 41))
    table = pa.table({"time": [r["time"] for r in rows],
                      "in": pa.array([r["in"] for r in rows]), "out": pa.array([r["out"] for r in rows])})
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    response = requests.post(f"{client.apiurl}/v1/api/pipelines/import_logs", data=sink.getvalue(),
                             params={"workspace_id": workspace_id, "pipeline_id": "importedpipe",
                                     "model_name": "housepricemodel"},
                             headers={**client.headers(), "Content-Type": "application/vnd.apache.arrow.file"})
    assert response.status_code == 200, response.text
    assert response.json() == {"inserted": PER_DAY}

    lines = tmp_path / "day41.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in records(range(41, 42))) + "\n")
    done = run_cli(server, "inference", "import", "--workspace", "housepricedrift", "--pipeline", "importedpipe",
                   "--model", "housepricemodel", str(lines))
    assert done.returncode == 0, done.stderr
    assert f"imported {PER_DAY} records" in done.stdout

    logs = client.post("assays/get_baseline", {"workspace_id": workspace_id, "pipeline_name": "importedpipe",
                                               "limit": 2000}).json()
    assert len(logs) == 2 * PER_DAY
    assert logs[0]["time"] == START_MS + 40 * DAY_MS and logs[-1]["time"] == START_MS + 41 * DAY_MS + (PER_DAY - 1) * SPACING_MS


def test_bad_assays_and_imports_change_nothing(client, drift, APIURL):
    workspace_id, pipeline_id = drift["workspace_id"], drift["pipeline_id"]
    before = len(client.post("assays/list", {"pipeline_id": pipeline_id}).json())
    for change, status in [({"iopath": "sideways dense_2 0"}, 400), ({"alert_threshold": "high"}, 400),
                           ({"window": {"width": "forever"}}, 400), ({"pipeline_id": 99_999}, 404),
                           ({"summarizer": {"type": "Multivariate"}}, 400), ({"baseline": {"Rolling": {}}}, 400),
                           ({"warning_threshold": 0.5}, 400)]:
        body = {**assay_body(pipeline_id, workspace_id), **change}
        response = requests.post(f"{APIURL}/v1/api/assays/create", json=body, headers=client.headers())
        assert response.status_code == status, (change, response.text)
        assert response.json().get("msg") or response.json().get("message") or response.json().get("error")
    assert len(client.post("assays/list", {"pipeline_id": pipeline_id}).json()) == before
    assert requests.post(f"{APIURL}/v1/api/assays/set_active", json={"id": 99_999, "active": True},
                         headers=client.headers()).status_code == 404
    assert requests.post(f"{APIURL}/v1/api/assays/list", json={"pipeline_id": pipeline_id}).status_code == 401

    day50 = {"workspace_id": workspace_id, "pipeline_name": "housepricepipe", "limit": 10,
             "start": "2023-02-20T05:00:00Z", "end": "2023-02-21T05:00:00Z"}
    assert client.post("assays/get_baseline", day50).json() == []
    bad = records(range(50, 51))
    bad[5] = {"time": "yesterday", "in": {}, "out": {}}
    for body, status in [({"workspace_id": workspace_id, "pipeline_id": "housepricepipe", "model_name": "housepricemodel",
                           "records": bad}, 400),
                         ({"workspace_id": workspace_id, "pipeline_id": "nopipe", "model_name": "housepricemodel",
                           "records": bad[:2]}, 404),
                         ({"workspace_id": workspace_id, "pipeline_id": "housepricepipe", "model_name": "nomodel",
                           "records": bad[:2]}, 404),
                         ({"workspace_id": workspace_id, "pipeline_id": "housepricepipe", "model_name": "housepricemodel",
                           "records": "all of them"}, 400)]:
        response = requests.post(f"{APIURL}/v1/api/pipelines/import_logs", json=body, headers=client.headers())
        assert response.status_code == status, response.text
    garbage = requests.post(f"{APIURL}/v1/api/pipelines/import_logs", data=b"ARROW1 not really",
                            params={"workspace_id": workspace_id, "pipeline_id": "housepricepipe",
                                    "model_name": "housepricemodel"},
                            headers={**client.headers(), "Content-Type": "application/vnd.apache.arrow.file"})
    assert garbage.status_code == 400
    assert client.post("assays/get_baseline", day50).json() == []


def test_assays_of_another_workspace_are_not_visible(client, drift, APIURL, TOKENURL, creds):
    from wallaroo_helpers import bearer, user_token
    password = "outsider-" + "x" * 12
    invite = client.post("users/invite", {"email": "assay-outsider@example.com", "password": password})
    assert invite.status_code == 200
    token = user_token(TOKENURL, "assay-outsider@example.com", password, creds["confidentialClient"],
                       creds["confidentialPassword"])["access_token"]
    body = assay_body(drift["pipeline_id"], drift["workspace_id"])
    for path, payload in [("assays/create", body), ("assays/list", {"pipeline_id": drift["pipeline_id"]}),
                          ("assays/run_interactive", body),
                          ("assays/get_baseline", {"workspace_id": drift["workspace_id"], "pipeline_name": "housepricepipe"}),
                          ("assays/get_alerts", {"workspace_id": drift["workspace_id"]}),
                          ("pipelines/import_logs", {"workspace_id": drift["workspace_id"], "pipeline_id": "housepricepipe",
                                                     "model_name": "housepricemodel", "records": records(range(1))})]:
        response = requests.post(f"{APIURL}/v1/api/{path}", json=payload, headers=bearer(token))
        assert response.status_code in (403, 404), (path, response.status_code, response.text)
