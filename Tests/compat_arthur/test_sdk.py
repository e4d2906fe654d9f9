"""The real `arthurai` 3.33.3 SDK: organisation discovery, model creation (`save()` with
async provisioning, then `Ready`), `get_model` by partner id, streaming `send_inferences`,
`update_inference_ground_truths`, batch models' batches, and `send_bulk_inferences` with the
Parquet files the SDK writes."""

import pandas as pd
import pytest
from arthurai.common.constants import Stage

from arthur_models import new_model


def test_the_sdk_finds_its_organisation_and_creates_a_ready_model(connection, api):
    model = new_model(connection)
    assert model.id and model.status == "Ready"
    fetched = connection.get_model(model.partner_model_id, id_type="partner_model_id")
    assert fetched.id == model.id
    by_stage = {attribute.name: attribute.stage for attribute in fetched.attributes}
    assert by_stage == {"age": Stage.ModelPipelineInput, "income": Stage.ModelPipelineInput, "region": Stage.NonInputData,
                        "risk": Stage.PredictedValue, "defaulted": Stage.GroundTruth}
    assert fetched.get_attribute("risk").attribute_link == "defaulted"
    assert api.get("/users/me").json()["organization_id"]


def test_streaming_inferences_and_ground_truth(connection, api):
    model = new_model(connection)
    rows = [{"age": 30 + i, "income": 1000.5 * i, "region": "north" if i % 2 else "south", "risk": i / 10} for i in range(5)]
    ids = [f"stream-{i}" for i in range(5)]
    result = model.send_inferences(rows, partner_inference_ids=ids)
    assert result["counts"] == {"success": 5, "failure": 0, "total": 5}
    assert [item["partner_inference_id"] for item in result["results"]] == ids
    assert api.query_ids(model.id) == set(ids)

    truths = model.update_inference_ground_truths(pd.DataFrame({"partner_inference_id": ids[:3], "defaulted": [0.0, 1.0, 0.0]}))
    assert truths["counts"] == {"success": 3, "failure": 0, "total": 3}
    answer = api.post(f"/models/{model.id}/inferences/query",
                      json={"select": [{"property": "partner_inference_id"}, {"property": "defaulted"}],
                            "filter": [{"property": "defaulted", "comparator": "gte", "value": 0}]}).json()
    assert {row["partner_inference_id"]: row["defaulted"] for row in answer["query_result"]} == {
        "stream-0": 0.0, "stream-1": 1.0, "stream-2": 0.0}


def test_a_wrongly_typed_inference_fails_alone_and_the_sdk_reports_it(connection, api):
    model = new_model(connection)
    response = api.post(f"/models/{model.id}/inferences", json=[
        {"partner_inference_id": "ok", "inference_timestamp": "2024-01-01T00:00:00Z",
         "inference_data": {"age": 41, "income": 10.0, "region": "north", "risk": 0.2}},
        {"partner_inference_id": "bad", "inference_timestamp": "2024-01-01T00:00:00Z",
         "inference_data": {"age": "forty", "income": 10.0, "region": "north", "risk": 0.2}},
    ])
    assert response.status_code == 207, response.text
    body = response.json()
    assert body["counts"] == {"success": 1, "failure": 1, "total": 2}
    assert body["results"][0] == {"message": "success", "status": 200}
    assert body["results"][1]["status"] == 400 and "'age' must be an integer" in body["results"][1]["message"]
    assert api.query_ids(model.id) == {"ok"}
    with pytest.raises(Exception, match="must be an integer"):
        model.send_inferences([{"age": "x", "income": 1.0, "region": "north", "risk": 0.1}], partner_inference_ids=["sdk-bad"])


def test_batch_models_close_their_batches(connection, api):
    model = new_model(connection, is_batch=True)
    rows = [{"age": 20 + i, "income": 5.0, "region": "south", "risk": 0.5} for i in range(3)]
    result = model.send_inferences(rows, partner_inference_ids=[f"b-{i}" for i in range(3)], batch_id="day-1")
    assert result["counts"]["success"] == 3
    batch = api.get(f"/models/{model.id}/batches/day-1").json()
    assert batch["records"] == 3 and batch["status"] == "uploaded" and batch["partner_record_count"] == 3


def test_bulk_parquet_inferences(connection, api):
    model = new_model(connection)
    frame = pd.DataFrame({"age": [50, 51, 52], "income": [1.0, 2.0, 3.0], "region": ["north", "south", "north"],
                          "risk": [0.1, 0.2, 0.3], "partner_inference_id": ["pq-0", "pq-1", "pq-2"],
                          "inference_timestamp": pd.to_datetime(["2024-02-01T00:00:00Z"] * 3, utc=True)})
    model.send_bulk_inferences(data=frame)
    assert api.query_ids(model.id) == {"pq-0", "pq-1", "pq-2"}
    rows = api.post(f"/models/{model.id}/inferences/query", json={"select": [{"property": "*"}]}).json()["query_result"]
    assert sorted(row["age"] for row in rows) == [50, 51, 52]
