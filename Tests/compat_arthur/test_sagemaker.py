"""The SageMaker Data Capture path: `arthur-client` 1.4's `send_sagemaker_data`, and the seed's
Lambda (lambda_function.py, verbatim) triggered by S3 events of a `moto` S3 on loopback, with
capture files in every format of the seed; every partner id of the seed's table is stored."""

import importlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from arthur.client.rest import ArthurClient
from arthur.client.rest.inferences.models import SageMakerInferenceData

from conftest import capture_line

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """A moto S3 server on a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url, timeout=5)
            break
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or slow to answer on a busy machine
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("moto server did not start")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


def seed_files() -> "dict[str, list[str]]":
    """Capture files with the seed's formats and id cases: (file name → lines)."""
    return {
        # Single inference, no inference id: the event id.
        "csv-single.jsonl": [capture_line("1.5,16,testStringA,false", "0.25", event_id="event-csv-1")],
        # Single inference with an inference id: the inference id.
        "json-option1.jsonl": [capture_line(json.dumps({"instances": [{"features": [1.5, 16, "testStringA", False]}]}),
                                            json.dumps({"predictions": [{"probabilities": [0.7]}]}),
                                            event_id="event-json-1", inference_id="inference-json-1",
                                            input_type="application/json", output_type="application/json")],
        # JSON option 2 (names → values), several inferences, no inference id: EventId_{index}.
        "json-option2.jsonl": [capture_line(
            json.dumps({"instances": [{"f_float": 2.0, "f_int": 12, "f_str": "testStringB", "f_bool": True},
                                      {"f_float": 3.0, "f_int": 13, "f_str": "testStringA", "f_bool": False}]}),
            json.dumps({"predictions": [{"prediction": 5.0}, {"prediction": 2.0}]}), event_id="event-map",
            input_type="application/json", output_type="application/json")],
        # The seed's example: CSV "1,2,3,4\n5,6,7,8\n" with inference id abcdefg-12345 → _0 and _1.
        "csv-multi.jsonl": [capture_line("1,2,testStringA,true\n5,6,testStringB,false\n", "0.1\n0.2\n",
                                         event_id="event-csv-multi", inference_id="abcdefg-12345")],
        # Base64 (a content type the capture was not told about): refused, per record.
        "base64.jsonl": [capture_line("AAECAw==", "AAE=", event_id="event-b64", input_type="application/x-npy",
                                      output_type="application/x-npy", input_encoding="BASE64", output_encoding="BASE64")],
    }


EXPECTED_IDS = {"event-csv-1", "inference-json-1", "event-map_0", "event-map_1", "abcdefg-12345_0", "abcdefg-12345_1"}


def test_arthur_client_sends_a_capture_file_and_gets_failures_per_event(server, admin_key, api, tmp_path):
    model = api.create_model()
    client = ArthurClient(url=server.base_url, api_key=admin_key, organization_id=api.get("/users/me").json()["organization_id"],
                          allow_insecure=True)
    lines = seed_files()["csv-multi.jsonl"] + ["{broken json"] + seed_files()["base64.jsonl"] + [
        capture_line("1.5,sixteen,testStringA,false", "0.3", event_id="event-bad-type")]
    path = tmp_path / "capture.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with open(path, "rb") as handle:
        response = client.inferences.send_sagemaker_data(
            model["id"], SageMakerInferenceData(inference_data=("capture.jsonl", handle)))
    assert response.counts.success == 2 and response.counts.failure == 3 and response.counts.total == 5
    failures = {(failure.event_id, failure.inference_index_in_event): failure for failure in response.failures}
    assert failures[("", 0)].message == "line 2 is not valid JSON"
    assert "base64" in failures[("event-b64", 0)].message
    assert "'f_int' must be an integer" in failures[("event-bad-type", 0)].message
    assert all(failure.status == 400 for failure in response.failures)
    assert api.query_ids(model["id"]) == {"abcdefg-12345_0", "abcdefg-12345_1"}


def test_the_seed_lambda_forwards_every_capture_file(server, ingest_key, api, s3_endpoint, monkeypatch, capsys):
    model = api.create_model()
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("ARTHUR_HOST", server.base_url)
    monkeypatch.setenv("ARTHUR_MODEL_ID", model["id"])
    monkeypatch.setenv("ARTHUR_ACCESS_TOKEN", ingest_key)
    sys.modules.pop("lambda_function", None)
    sys.path.insert(0, str(HERE))
    try:
        lambda_function = importlib.import_module("lambda_function")
    finally:
        sys.path.remove(str(HERE))
    bucket = f"capture-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=bucket)
    for name, lines in seed_files().items():
        key = f"model-a/datacapture/AllTraffic/2022/10/04/10/{name}"
        s3.put_object(Bucket=bucket, Key=key, Body=("\n".join(lines) + "\n").encode())
        # The S3 event of an object creation, as Lambda receives it (keys are URL-encoded there).
        event = {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
                              "eventName": "ObjectCreated:Put",
                              "s3": {"bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                                     "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": 1}}}]}
        lambda_function.lambda_handler(event, None)
    output = capsys.readouterr().out
    assert output.count("Request: POST ") == len(seed_files())
    assert api.query_ids(model["id"]) == EXPECTED_IDS
    assert "base64" in output
    rows = api.post(f"/models/{model['id']}/inferences/query",
                    json={"select": [{"property": "*"}],
                          "filter": [{"property": "partner_inference_id", "comparator": "eq", "value": "inference-json-1"}]}
                    ).json()["query_result"]
    assert rows[0]["f_float"] == 1.5 and rows[0]["f_int"] == 16 and rows[0]["f_str"] == "testStringA"
    assert rows[0]["f_bool"] is False and rows[0]["prediction"] == 0.7
