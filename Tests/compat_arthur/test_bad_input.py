"""Bad input and credentials: clear 4xx answers in the Arthur error shape (or per-record
failures), nothing else stored; every credential rule both ways."""

import json

import pytest

from conftest import MAX_FILE_BYTES, TABULAR_ATTRIBUTES, Arthur, assert_error, capture_line, cli


def inference(pid: str, **overrides) -> dict:
    data = {"f_float": 1.5, "f_int": 16, "f_str": "testStringA", "f_bool": False, "prediction": 0.5, **overrides}
    return {"partner_inference_id": pid, "inference_timestamp": "2024-01-01T00:00:00Z", "inference_data": data}


def test_keys_are_required_and_checked(server, api):
    assert_error(Arthur(server.base_url, None).get("/users/me"), 401, "Authorization")
    assert_error(Arthur(server.base_url, "not-a-key-0123456789").get("/users/me"), 401)
    me = api.get("/users/me")
    assert me.status_code == 200 and me.json()["organization_id"]
    info = api.get("/users/me/auth_info").json()
    assert me.json()["organization_id"] in info["organization_ids"]


def test_an_ingestion_key_sends_inferences_but_nothing_else(server, api, ingest_key):
    model = api.create_model()
    ingest = Arthur(server.base_url, ingest_key)
    assert ingest.get(f"/models/{model['id']}").status_code == 200
    sent = ingest.post(f"/models/{model['id']}/inferences", json=[inference("by-ingest-key")])
    assert sent.status_code == 207 and sent.json()["counts"]["success"] == 1
    truth = ingest.patch(f"/models/{model['id']}/ground_truth",
                         json=[{"partner_inference_id": "by-ingest-key", "ground_truth_timestamp": "2024-01-02T00:00:00Z",
                                "ground_truth_data": {"truth": 1.0}}])
    assert truth.status_code == 207 and truth.json()["counts"]["success"] == 1
    assert_error(ingest.post("/models", json={"partner_model_id": "nope", "input_type": "TABULAR", "output_type": "REGRESSION",
                                              "attributes": TABULAR_ATTRIBUTES}), 403, "only send inferences")
    assert_error(ingest.get("/models"), 403)
    assert_error(ingest.delete(f"/models/{model['id']}"), 403)
    assert_error(ingest.post(f"/models/{model['id']}/inferences/query", json={}), 403)
    assert api.get(f"/models/{model['id']}").status_code == 200, "the refused delete changed nothing"
    # Other dialects refuse the key outright.
    refresh = api_request(server, "POST", "/api/v1/auth/refresh", json={"refresh_token": ingest_key})
    assert refresh.status_code == 403
    mlflow = api_request(server, "GET", "/api/2.0/mlflow/experiments/search?max_results=1",
                         headers={"Authorization": f"Bearer {ingest_key}"})
    assert mlflow.status_code == 403


def api_request(server, method, path, **kwargs):
    import requests
    return requests.request(method, server.base_url + path, timeout=30, **kwargs)


def test_another_workspaces_model_is_not_found(server, api):
    model = api.create_model()
    other_key = cli(server, "workspace", "create", "arthur-other")
    other = Arthur(server.base_url, other_key)
    other_org = other.get("/users/me").json()["organization_id"]
    assert other_org != api.get("/users/me").json()["organization_id"]
    assert_error(other.get(f"/models/{model['id']}"), 404, "was not found")
    assert_error(other.post(f"/models/{model['id']}/inferences", json=[inference("x")]), 404)
    # The admin is a member of both: the organisation header picks the workspace.
    assert_error(api.call("GET", f"/models/{model['id']}", headers={"Arthur-Organization-ID": other_org}), 404)
    assert Arthur(server.base_url, api.key, organization="arthur-other").get("/models").json()["total_count"] == 0
    assert_error(Arthur(server.base_url, api.key, organization="no-such-org").get("/models"), 404)
    assert api.query_ids(model["id"]) == set()


def test_wrong_model_id_and_id_type(api):
    assert_error(api.post("/models/00000000-0000-0000-0000-000000000000/inferences", json=[inference("x")]), 404, "model")
    model = api.create_model()
    assert api.get(f"/models/{model['partner_model_id']}", params={"id_type": "partner_model_id"}).json()["id"] == model["id"]
    assert_error(api.get(f"/models/{model['id']}", params={"id_type": "name"}), 400, "id_type")


def test_invalid_models_are_refused_and_not_stored(api):
    before = api.get("/models").json()["total_count"]
    assert_error(api.post("/models", json={"partner_model_id": "m", "input_type": "TABULAR", "output_type": "REGRESSION",
                                           "attributes": [{"name": "x", "value_type": "FLOAT", "stage": "PIPELINE_INPUT"}]}),
                 400, "predicted value")
    assert_error(api.post("/models", json={"partner_model_id": "m", "input_type": "SOUND", "output_type": "REGRESSION"}),
                 400, "input_type")
    assert_error(api.post("/models", data="{not json", headers={"Content-Type": "application/json"}), 400, "JSON")
    created = api.create_model("unique-partner-id")
    assert_error(api.post("/models", json={"partner_model_id": "unique-partner-id", "input_type": "TABULAR",
                                           "output_type": "REGRESSION", "attributes": TABULAR_ATTRIBUTES}), 409)
    assert api.get("/models").json()["total_count"] == before + 1 and created["status"] == "Ready"


def test_wrongly_typed_and_malformed_records_fail_one_by_one(api):
    model = api.create_model()
    response = api.post(f"/models/{model['id']}/inferences", json=[
        inference("good"), inference("bad-bool", f_bool="false"), inference("bad-int", f_int=1.5), "not an object",
        {"partner_inference_id": "no-data"}, inference("good"),
    ])
    assert response.status_code == 207
    body = response.json()
    assert body["counts"] == {"success": 1, "failure": 5, "total": 6}
    assert [result["status"] for result in body["results"]] == [200, 400, 400, 400, 400, 409]
    assert "'f_bool' must be a boolean" in body["results"][1]["message"]
    assert api.query_ids(model["id"]) == {"good"}
    assert_error(api.post(f"/models/{model['id']}/inferences", json=5), 400, "JSON array")


def test_malformed_capture_lines_are_reported_per_line_and_good_ones_kept(api):
    model = api.create_model()
    lines = [capture_line("1.5,16,testStringA,false", "0.1", event_id="keep-1"), "{oops", "[1, 2]",
             capture_line("2.5,17,testStringB,true", "0.2", event_id="keep-2")]
    response = api.post(f"/models/{model['id']}/inferences/integrations/sagemaker_data_capture",
                        files={"inference_data": ("capture.jsonl", "\n".join(lines).encode())})
    assert response.status_code == 207, response.text
    body = response.json()
    assert body["counts"] == {"success": 2, "failure": 2, "total": 4}
    assert [failure["message"] for failure in body["failures"]] == [
        "line 2 is not valid JSON", "line 3: the line is not a JSON object"]
    assert api.query_ids(model["id"]) == {"keep-1", "keep-2"}
    assert_error(api.post(f"/models/{model['id']}/inferences/integrations/sagemaker_data_capture",
                          files={"inference_data": ("capture.csv", b"x")}), 400, ".jsonl")


def test_files_above_the_size_limit_are_refused(api):
    model = api.create_model()
    big = capture_line("1.5,16,testStringA,false", "0.1", event_id="big").encode() + b" " * (MAX_FILE_BYTES + 10)
    response = api.post(f"/models/{model['id']}/inferences/integrations/sagemaker_data_capture",
                        files={"inference_data": ("big.jsonl", big)})
    assert_error(response, 413, "larger than")
    assert api.query_ids(model["id"]) == set()
    huge_json = json.dumps([inference(f"p{i}") for i in range(2)]).encode() + b" " * (MAX_FILE_BYTES + 10)
    assert_error(api.post(f"/models/{model['id']}/inferences/file", files={"inference_data": ("x.json", huge_json)}), 413)


def test_a_parquet_file_that_is_not_parquet_is_refused(api):
    model = api.create_model()
    response = api.post(f"/models/{model['id']}/inferences/file",
                        files={"inference_data": ("inferences.parquet", b"PAR1 this is not really parquet")})
    assert_error(response, 400, "Parquet")
    response = api.post(f"/models/{model['id']}/inferences/file", files={"inference_data": ("inferences.parquet", b"\x00\x01garbage")})
    assert_error(response, 400, "neither a Parquet file nor a JSON array")
    assert api.query_ids(model["id"]) == set()


def test_json_array_files_and_ground_truth_files(api):
    model = api.create_model()
    rows = [{"partner_inference_id": f"f{i}", "inference_timestamp": "2024-03-01T00:00:00+00:00", "f_float": 1.0 * i,
             "f_int": i, "f_str": "testStringA", "f_bool": True, "prediction": 0.1 * i} for i in range(3)]
    created = api.post(f"/models/{model['id']}/inferences/file", files={"inference_data": ("rows.json", json.dumps(rows))})
    assert created.status_code == 201, created.text
    truth = [{"partner_inference_id": "f1", "ground_truth_timestamp": "2024-03-02T00:00:00Z", "truth": 1.0},
             {"partner_inference_id": "missing", "ground_truth_timestamp": "2024-03-02T00:00:00Z", "truth": 0.0}]
    partial = api.post(f"/models/{model['id']}/inferences/file", files={"ground_truth_data": ("gt.json", json.dumps(truth))})
    assert partial.status_code == 207, partial.text
    assert partial.json()["counts"] == {"success": 1, "failure": 1, "total": 2}
    assert partial.json()["failures"][0]["status"] == 404
    count = api.post(f"/models/{model['id']}/inferences/query", json={"select": [{"function": "count"}]}).json()
    assert count["query_result"] == [{"count": 3}]
