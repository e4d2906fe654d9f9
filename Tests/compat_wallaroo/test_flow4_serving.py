"""Flow 4 and 5 of the protocol reference (§17): deploy, status, external URL, inference in
pandas-records and Arrow (checked against onnxruntime run directly), logs and their paging,
undeploy, copy; then a two-step chain, A/B, shadow and replicas."""

import datetime
import json
import time

import numpy as np
import onnxruntime
import pandas as pd
import pyarrow as pa
import pytest
import requests

from models_helpers import POST_PROCESS, Client, dense_onnx
from wallaroo_helpers import bearer, user_token

ARROW = "application/vnd.apache.arrow.file"
RECORDS = "application/json; format=pandas-records"


def expected(model_bytes: bytes, rows: np.ndarray) -> np.ndarray:
    session = onnxruntime.InferenceSession(model_bytes)
    return session.run(None, {"dense_input": rows.astype(np.float32)})[0]


@pytest.fixture(scope="module")
def client(APIURL, TOKENURL, creds):
    return Client(APIURL, TOKENURL, creds)


@pytest.fixture(scope="module")
def served(client):
    """Workspace, ONNX model and its version, a deployed pipeline."""
    workspace_id = client.workspace("servingws")
    model_bytes = dense_onnx()
    model_id = client.upload(workspace_id, "apimodel", model_bytes).json()["insert_models"]["returning"][0]["models"][0]["id"]
    version = client.latest_version(model_id, "apimodel")
    empty = client.post("pipelines/create", {"pipeline_id": "pipelinenomodel", "workspace_id": workspace_id,
                                             "definition": {}}).json()
    assert set(empty) == {"pipeline_pk_id", "pipeline_variant_pk_id", "pipeline_variant_version"}
    step = client.model_step(version)
    pipeline = client.post("pipelines/create", {"pipeline_id": "pipelinemodels", "workspace_id": workspace_id,
                                                "definition": {"steps": [{"ModelInference": {"models": [step]}}]}}).json()
    assert pipeline["pipeline_pk_id"] == empty["pipeline_pk_id"] + 1
    deployment_id = client.deploy("pipelinemodels", pipeline, [step])
    return {"workspace_id": workspace_id, "model_bytes": model_bytes, "version": version, "pipeline": pipeline,
            "deployment_id": deployment_id, "step": step}


def test_flow4_deploy_infer_logs(client, served, APIURL):
    workspace_id, deployment_id = served["workspace_id"], served["deployment_id"]
    status = client.wait_running(f"pipelinemodels-{deployment_id}")
    assert status["engines"][0]["model_statuses"]["models"][0]["sha"] == served["version"]["sha"]
    assert status["engine_lbs"] and status["sidekicks"] == []

    url = client.post("admin/get_pipeline_external_url",
                      {"workspace_id": workspace_id, "pipeline_name": "pipelinemodels"}).json()["url"]
    assert url.endswith(f"/v1/api/pipelines/infer/pipelinemodels-{deployment_id}/pipelinemodels")

    rows = np.random.default_rng(3).normal(size=(1000, 29))
    want = expected(served["model_bytes"], rows)
    before = int(time.time() * 1000)
    # One row, pandas-records
    headers = client.headers() | {"Content-Type": RECORDS}
    data = pd.DataFrame({"tensor": [rows[0].tolist()]}).to_json(orient="records")
    response = requests.post(url, data=data, headers=headers)
    assert response.status_code == 200, response.text
    result = pd.DataFrame.from_records(response.json())
    assert list(result.columns[:5]) == ["time", "in", "out", "check_failures", "metadata"]
    record = response.json()[0]
    assert isinstance(record["time"], int) and record["time"] >= before
    assert record["in"]["tensor"] == pytest.approx(rows[0].tolist())
    assert record["out"]["dense_1"] == pytest.approx([float(want[0][0])], rel=1e-6)
    assert record["check_failures"] == []
    assert json.loads(record["metadata"]["last_model"]) == {"model_name": "apimodel", "model_sha": served["version"]["sha"]}

    # 1,000 rows in one call
    data = pd.DataFrame({"tensor": rows.tolist()}).to_json(orient="records")
    response = requests.post(url, data=data, headers=headers)
    assert response.status_code == 200, response.text
    got = np.array([r["out"]["dense_1"][0] for r in response.json()])
    assert np.allclose(got, want[:, 0], rtol=1e-5)

    # Arrow in, Arrow out
    table = pa.Table.from_pandas(pd.DataFrame({"tensor": rows[:5].tolist()}))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    response = requests.post(url, data=sink.getvalue().to_pybytes(), headers=client.headers() | {"Content-Type": ARROW})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(ARROW)
    answer = pa.ipc.open_file(pa.py_buffer(response.content)).read_all().to_pylist()
    assert len(answer) == 5
    assert answer[2]["out"]["dense_1"] == pytest.approx([float(want[2][0])], rel=1e-6)
    after = int(time.time() * 1000) + 1

    # An inference-client token works too
    tokens = requests.post(client.tokenurl, data={"grant_type": "client_credentials"},
                           auth=(client.creds["confidentialClient"], client.creds["confidentialPassword"])).json()
    response = requests.post(url, data=pd.DataFrame({"tensor": [rows[0].tolist()]}).to_json(orient="records"),
                             headers=bearer(tokens["access_token"]) | {"Content-Type": RECORDS})
    assert response.status_code == 200, response.text

    # Logs: default (newest first)
    logs = client.post("pipelines/get_logs", {"pipeline_id": "pipelinemodels", "workspace_id": workspace_id})
    assert logs.headers["x-iteration-status"] in ("All", "RecordLimited")
    records = logs.json()
    assert len(records) == 1000  # default page size
    assert records[0]["metadata"]["dropped"] == []
    assert {"time", "in", "out", "metadata"} <= set(records[0])
    # Oldest first inside a time window
    start = datetime.datetime.fromtimestamp(before / 1000, tz=datetime.timezone.utc).isoformat()
    end = datetime.datetime.fromtimestamp(after / 1000, tz=datetime.timezone.utc).isoformat()
    window = client.post("pipelines/get_logs", {"pipeline_id": "pipelinemodels", "workspace_id": workspace_id,
                                                "order": "Asc", "start_time": start, "end_time": end,
                                                "page_size": 10000}).json()
    assert len(window) == 1006
    assert window[0]["in"]["tensor"] == pytest.approx(rows[0].tolist())
    times = [r["time"] for r in window]
    assert times == sorted(times)
    # Arrow logs
    arrow_logs = client.post("pipelines/get_logs", {"pipeline_id": "pipelinemodels", "workspace_id": workspace_id,
                                                    "page_size": 3}, headers=client.headers() | {"Accept": ARROW})
    assert len(pa.ipc.open_file(pa.py_buffer(arrow_logs.content)).read_all()) == 3

    # Flow 5: paging in both orders covers every record once
    for order in ("Asc", "Desc"):
        seen, cursor = [], None
        while True:
            body = {"pipeline_id": "pipelinemodels", "workspace_id": workspace_id, "page_size": 300, "order": order}
            if cursor:
                body["cursor"] = cursor
            page = client.post("pipelines/get_logs", body)
            seen += [(r["time"], json.dumps(r["in"])) for r in page.json()]
            if page.headers["x-iteration-status"] == "All":
                assert "x-iteration-cursor" not in page.headers
                break
            assert page.headers["x-iteration-status"] == "RecordLimited"
            cursor = page.headers["x-iteration-cursor"]
        assert len(seen) == 1007
        assert [t for t, _ in seen] == sorted(t for t, _ in seen) if order == "Asc" else True

    # Bad inference input: each a 4xx with a message, nothing recorded
    count = len(client.post("pipelines/get_logs", {"pipeline_id": "pipelinemodels", "workspace_id": workspace_id,
                                                   "page_size": 10000}).json())
    bad = [
        (b"{not json", RECORDS, 400, "JSON"),
        (json.dumps([{"tensor": [1.0, 2.0]}, {"tensor": [1.0]}]), RECORDS, 400, "row"),
        (json.dumps([{"tensor": [1.0] * 28 + ["x"]}]), RECORDS, 400, "tensor"),
        (json.dumps([{"a": [1.0] * 29, "b": [1.0] * 29}]), RECORDS, 400, "column"),
        (b"ARROW1\x00\x00garbage", ARROW, 400, "Arrow"),
        (json.dumps({"tensor": 1}), RECORDS, 400, "array"),
    ]
    for body, content_type, code, message in bad:
        response = requests.post(url, data=body, headers=client.headers() | {"Content-Type": content_type})
        assert response.status_code == code, (body, response.text)
        assert message in response.json()["error"], (body, response.text)
    response = requests.post(url, data=b"[" + b"1," * (40 << 20) + b"1]", headers=client.headers() | {"Content-Type": RECORDS})
    assert response.status_code == 413
    assert len(client.post("pipelines/get_logs", {"pipeline_id": "pipelinemodels", "workspace_id": workspace_id,
                                                  "page_size": 10000}).json()) == count
    response = requests.post(url, data="[]", headers={"Content-Type": RECORDS})
    assert response.status_code == 401
    response = requests.post(url.replace(f"-{deployment_id}/", "-99999/"), data="[]", headers=client.headers())
    assert response.status_code == 404


def test_undeploy_and_copy(client, served, APIURL):
    pipeline, workspace_id = served["pipeline"], served["workspace_id"]
    url = client.post("admin/get_pipeline_external_url",
                      {"workspace_id": workspace_id, "pipeline_name": "pipelinemodels"}).json()["url"]
    copy = client.post("pipelines/copy", {"name": "copiedmodelpipeline", "workspace_id": workspace_id,
                                          "source_pipeline": pipeline["pipeline_pk_id"]}).json()
    assert copy["pipeline_pk_id"] > pipeline["pipeline_pk_id"]
    assert copy["pipeline_version"] is None and copy["deployment"] is None
    body = client.post("pipelines/undeploy", {"pipeline_id": pipeline["pipeline_pk_id"],
                                              "deployment_id": served["deployment_id"]}).json()
    assert body is None
    response = requests.post(url, data=json.dumps([{"tensor": [0.0] * 29}]), headers=client.headers() | {"Content-Type": RECORDS})
    assert response.status_code in (404, 409), response.text
    client.post("status/get_deployment", {"name": f"pipelinemodels-{served['deployment_id']}"}, expect=404)


def test_chain_ab_shadow_and_replicas(client, served, APIURL):
    workspace_id = served["workspace_id"]
    main = served["step"]

    def upload(name, data, framework="onnx"):
        model_id = client.upload(workspace_id, name, data, framework=framework).json()["insert_models"]["returning"][0]["models"][0]["id"]
        return client.model_step(client.latest_version(model_id, name))

    post = upload("postprocess", POST_PROCESS, framework="python")
    challenger1 = upload("challenger01", dense_onnx(seed=11))
    challenger2 = upload("challenger02", dense_onnx(seed=12))
    row = [{"tensor": [0.5] * 29}]

    def infer(name, pipeline, deployment_id, rows):
        url = client.post("admin/get_pipeline_external_url",
                          {"workspace_id": workspace_id, "pipeline_name": name}).json()["url"]
        response = requests.post(url, data=json.dumps(rows), headers=client.headers() | {"Content-Type": RECORDS})
        assert response.status_code == 200, response.text
        return response.json()

    # A two-step chain: the ONNX model, then Python post-processing of its dense_1 column
    chain = client.post("pipelines/create", {"pipeline_id": "chained", "workspace_id": workspace_id, "definition": {
        "steps": [{"ModelInference": {"models": [main]}}, {"ModelInference": {"models": [post]}}]}}).json()
    chain_id = client.deploy("chained", chain, [main, post])
    want = expected(served["model_bytes"], np.array([row[0]["tensor"]]))[0][0]
    answer = infer("chained", chain, chain_id, row)[0]
    assert answer["out"]["output"] == pytest.approx([float(want) * 100.0], rel=1e-5)
    assert json.loads(answer["metadata"]["last_model"])["model_name"] == "postprocess"

    # A/B over three models: every served row names its model in _model_split
    split = client.post("pipelines/create", {"pipeline_id": "abtest", "workspace_id": workspace_id, "definition": {
        "steps": [{"RandomSplit": {"hash_key": None, "weights": [
            {"model": main, "weight": 1}, {"model": challenger1, "weight": 1}, {"model": challenger2, "weight": 1}]}}]}}).json()
    split_id = client.deploy("abtest", split, [main, challenger1, challenger2])
    names = set()
    for _ in range(30):
        out = infer("abtest", split, split_id, row)[0]["out"]
        names.add(json.loads(out["_model_split"][0])["name"])
    assert names == {"apimodel", "challenger01", "challenger02"}
    logs = client.post("pipelines/get_logs", {"pipeline_id": "abtest", "workspace_id": workspace_id}).json()
    assert len(logs) == 30 and all("_model_split" in r["out"] for r in logs)

    # Shadow deploy with two challengers: the champion answers, the challengers are logged
    shadow = client.post("pipelines/create", {"pipeline_id": "shadowed", "workspace_id": workspace_id, "definition": {
        "steps": [{"ModelInference": {"models": [main, challenger1, challenger2]}}, {"AuditResults": {"from": 1}},
                  {"Nth": {"index": 0}}]}}).json()
    shadow_id = client.deploy("shadowed", shadow, [main, challenger1, challenger2],
                              engine_config={"cpus": 0.5, "replica_count": 2, "memory": "999Mi"})
    answer = infer("shadowed", shadow, shadow_id, row * 5)
    assert answer[0]["out"]["dense_1"] == pytest.approx([float(want)], rel=1e-5)
    assert "out_challenger01" in answer[0] and "out_challenger02" in answer[0]
    logs = client.post("pipelines/get_logs", {"pipeline_id": "shadowed", "workspace_id": workspace_id}).json()
    assert len(logs) == 5
    c1 = expected(dense_onnx(seed=11), np.array([row[0]["tensor"]]))[0][0]
    assert logs[0]["out_challenger01"]["dense_1"] == pytest.approx([float(c1)], rel=1e-5)

    # Replicas: two processes per model, both serving
    status = client.wait_running(f"shadowed-{shadow_id}")
    pids = {engine["pid"] for engine in status["engines"]}
    assert len(status["engines"]) == 6 and len(pids) == 6
    # cpus: 0.5 is a CPU quota where this machine lets the server create control groups
    import os
    if os.access("/sys/fs/cgroup/cpu", os.W_OK):
        for pid in pids:
            assert "slipway/" in open(f"/proc/{pid}/cgroup").read(), pid

    # Unsupported engine settings and undeployable frameworks are refused
    body = {"deploy_id": "gpudeploy", "pipeline_version_pk_id": chain["pipeline_variant_pk_id"],
            "pipeline_id": chain["pipeline_pk_id"], "models": [main, post], "engine_config": {"gpus": 1}}
    response = client.post("pipelines/deploy", body, expect=400)
    assert "GPU" in response.json()["error"]
    body["engine_config"] = {"memory": "lots"}
    client.post("pipelines/deploy", body, expect=400)
    tf = upload("tfmodel", b"PK\x03\x04", framework="tensorflow")
    tf_pipeline = client.post("pipelines/create", {"pipeline_id": "tfpipe", "workspace_id": workspace_id, "definition": {
        "steps": [{"ModelInference": {"models": [tf]}}]}}).json()
    response = client.post("pipelines/deploy", {"deploy_id": "tfpipe", "pipeline_id": tf_pipeline["pipeline_pk_id"],
                                                "pipeline_version_pk_id": tf_pipeline["pipeline_variant_pk_id"],
                                                "models": [tf]}, expect=400)
    assert "tensorflow" in response.json()["error"]


def test_outsiders_are_refused(client, served, APIURL, TOKENURL, creds):
    client.post("users/invite", {"email": "serving-outsider@example.com", "password": "outsider-password"})
    outsider = user_token(TOKENURL, "serving-outsider@example.com", "outsider-password", creds["confidentialClient"],
                          creds["confidentialPassword"])["access_token"]
    for path, body in [("models/list", {"workspace_id": served["workspace_id"]}),
                       ("pipelines/get_logs", {"pipeline_id": "pipelinemodels", "workspace_id": served["workspace_id"]}),
                       ("pipelines/deploy", {"deploy_id": "x", "pipeline_id": served["pipeline"]["pipeline_pk_id"],
                                             "models": [served["step"]]})]:
        response = requests.post(f"{APIURL}/v1/api/{path}", json=body, headers=bearer(outsider))
        assert response.status_code == 403, (path, response.text)


def test_byop_sklearn_and_oversized_logs(client, served, APIURL):
    """A BYOP archive and a pickled scikit-learn model really run; a record over the storage
    limit is logged without its largest input, named in metadata.dropped and the warning."""
    import pickle

    from sklearn.linear_model import LinearRegression

    from models_helpers import byop_zip

    workspace_id = served["workspace_id"]

    def deployed(name, data, framework):
        model_id = client.upload(workspace_id, name, data, framework=framework).json()["insert_models"]["returning"][0]["models"][0]["id"]
        step = client.model_step(client.latest_version(model_id, name))
        pipeline = client.post("pipelines/create", {"pipeline_id": f"{name}-pipe", "workspace_id": workspace_id,
                                                    "definition": {"steps": [{"ModelInference": {"models": [step]}}]}}).json()
        client.deploy(f"{name}-pipe", pipeline, [step])
        return client.post("admin/get_pipeline_external_url",
                           {"workspace_id": workspace_id, "pipeline_name": f"{name}-pipe"}).json()["url"]

    byop_url = deployed("summer", byop_zip(), "custom")
    rows = [{"tensor": [1.0, 2.0, 3.5]}, {"tensor": [0.5, 0.5, 0.0]}]
    response = requests.post(byop_url, data=json.dumps(rows), headers=client.headers() | {"Content-Type": RECORDS})
    assert response.status_code == 200, response.text
    assert [r["out"]["total"] for r in response.json()] == [6.5, 1.0]
    response = requests.post(byop_url, data=json.dumps([{"other": [1.0]}]), headers=client.headers() | {"Content-Type": RECORDS})
    assert response.status_code == 400 and "tensor" in response.json()["error"], response.text

    estimator = LinearRegression().fit(np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]]), np.array([1.0, 2.0, 6.0, 7.0]))
    sklearn_url = deployed("linear", pickle.dumps(estimator, protocol=4), "sklearn")
    features = [[0.5, 0.25], [4.0, 3.0]]
    response = requests.post(sklearn_url, data=json.dumps([{"x": f} for f in features]),
                             headers=client.headers() | {"Content-Type": RECORDS})
    assert response.status_code == 200, response.text
    got = [r["out"]["predictions"][0] if isinstance(r["out"]["predictions"], list) else r["out"]["predictions"]
           for r in response.json()]
    assert got == pytest.approx(estimator.predict(np.array(features)).tolist())

    # Over 1 MiB of features: the big input is not stored, and the logs say so
    big = [{"tensor": list(np.linspace(0.0, 1.0, 120_000))}]
    response = requests.post(byop_url, data=json.dumps(big), headers=client.headers() | {"Content-Type": RECORDS})
    assert response.status_code == 200, response.text
    logs = client.post("pipelines/get_logs", {"pipeline_id": "summer-pipe", "workspace_id": workspace_id})
    newest = logs.json()[0]
    assert newest["metadata"]["dropped"] == ["in.tensor"] and "tensor" not in newest["in"]
    assert newest["out"]["total"] == pytest.approx(60000.0)
    assert "in.tensor" in logs.headers["warning"]
    # dataset keeps only the named parts
    selected = client.post("pipelines/get_logs", {"pipeline_id": "summer-pipe", "workspace_id": workspace_id,
                                                  "dataset": ["metadata"]}).json()
    assert set(selected[0]) == {"time", "metadata"}
