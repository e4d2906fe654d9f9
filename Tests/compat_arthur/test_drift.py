"""Data drift through the real `arthurai` SDK: reference data set with `set_reference_data`,
streamed inferences whose income is shifted, then `query(..., query_type="drift")` and the
PSI bucket table, checked against PSI recomputed with numpy from the same values."""

import datetime
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from arthur_models import new_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from drift_reference import reference_psi  # noqa: E402

ROWS = 1500
BINS = 10


def frame(seed: int, income_mean: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.integers(20, 70, ROWS),
        "income": rng.normal(income_mean, 300.0, ROWS).round(2),
        "region": np.where(rng.random(ROWS) < 0.5, "north", "south"),
        "risk": rng.random(ROWS).round(4),
    })


@pytest.fixture(scope="module")
def drifted(connection):
    model = new_model(connection)
    reference = frame(1, 1000.0)
    model.set_reference_data(data=reference)
    current = frame(2, 1150.0)
    start = datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc)
    times = [start + datetime.timedelta(seconds=i) for i in range(ROWS)]
    result = model.send_inferences(current.to_dict("records"), inference_timestamps=times,
                                   partner_inference_ids=[f"drift-{i}" for i in range(ROWS)])
    assert result["counts"] == {"success": ROWS, "failure": 0, "total": ROWS}
    return model, reference, current


def test_reference_data_is_stored_and_closed(drifted, api):
    model, reference, _ = drifted
    answer = api.get(f"/models/{model.id}/reference_data")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["model_id"] == model.id and body["status"] == "uploaded"
    assert body["records"] == len(reference) and body["partner_record_count"] == len(reference)
    count = api.post(f"/models/{model.id}/inferences/query",
                     json={"select": [{"function": "count"}]}).json()["query_result"]
    assert count == [{"count": ROWS}]


def test_drift_query_matches_numpy_psi(drifted):
    model, reference, current = drifted
    result = model.query({"properties": ["income", "age"], "num_bins": BINS, "metric": "PSI",
                          "base": {"source": "reference"}, "target": {"source": "inference"}}, query_type="drift")
    assert len(result) == 1
    for name in ("income", "age"):
        expected, _ = reference_psi(reference[name].to_numpy(float), current[name].to_numpy(float), bins=BINS)
        assert abs(result[0][name] - expected) < 1e-9, (name, result[0][name], expected)
    assert result[0]["income"] > 0.1 > result[0]["age"]


def test_drift_of_a_filtered_target(drifted):
    model, reference, current = drifted
    result = model.query({"properties": ["income"], "num_bins": BINS, "base": {"source": "reference"},
                          "target": {"source": "inference",
                                     "filter": [{"property": "region", "comparator": "eq", "value": "north"}]}},
                         query_type="drift")
    north = current[current["region"] == "north"]["income"].to_numpy(float)
    expected, _ = reference_psi(reference["income"].to_numpy(float), north, bins=BINS)
    assert abs(result[0]["income"] - expected) < 1e-9


def test_psi_bucket_table_matches_numpy(drifted):
    model, reference, current = drifted
    table = model.query({"property": "income", "num_bins": BINS, "base": {"source": "reference"},
                         "target": {"source": "inference"}}, query_type="drift_psi_bucket_table")
    _, scores = reference_psi(reference["income"].to_numpy(float), current["income"].to_numpy(float), bins=BINS)
    assert len(table) == BINS + 2
    assert sum(row["base_count_per_bucket"] for row in table) == ROWS
    assert sum(row["target_count_per_bucket"] for row in table) == ROWS
    assert all(row["base_total"] == ROWS and row["target_total"] == ROWS for row in table)
    assert all(abs(row["psi"] - score) < 1e-12 for row, score in zip(table, scores))
    assert table[0]["base_bucket_min"] is None and table[-1]["base_bucket_max"] is None
    assert abs(sum(row["base_probability_per_bucket"] for row in table) - 1) < 1e-12


def test_bad_drift_queries_are_refused(drifted, api):
    model, _, _ = drifted
    path = f"/models/{model.id}/inferences/query/data_drift"
    for body, fragment in [({"properties": ["region"], "base": {"source": "reference"}}, "not numeric"),
                           ({"properties": ["nope"]}, "nope"),
                           ({"properties": ["income"], "metric": "KL"}, "PSI"),
                           ({"properties": ["income"], "num_bins": 0}, "bins"),
                           ({"properties": ["income"], "base": {"source": "elsewhere"}}, "source")]:
        answer = api.post(path, json=body)
        assert answer.status_code == 400, (body, answer.status_code, answer.text)
        assert fragment in answer.json()["message"], (body, answer.text)
    assert api.post("/models/00000000-0000-0000-0000-000000000000/inferences/query/data_drift",
                    json={"properties": ["income"]}).status_code == 404
