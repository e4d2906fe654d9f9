"""Flow 3 of the protocol reference (§17): model uploads, versions and configs, as the seed
calls them, plus uploads that must be refused without storing anything."""

import hashlib
import io
import json
import zipfile

import pyarrow as pa
import base64
import requests

from models_helpers import Client, byop_zip, dense_onnx


def test_flow3_models(APIURL, TOKENURL, creds):
    client = Client(APIURL, TOKENURL, creds)
    workspace_id = client.workspace("modelflowws")
    model_bytes = dense_onnx()

    # Upload a model (multipart: metadata JSON + file named after the model)
    metadata = {"name": "apimodel", "visibility": "public", "workspace_id": workspace_id,
                "conversion": {"framework": "onnx", "python_version": "3.8", "requirements": []}}
    files = {"metadata": (None, json.dumps(metadata), "application/json"),
             "file": ("apimodel", model_bytes, "application/octet-stream")}
    response = requests.post(f"{APIURL}/v1/api/models/upload_and_convert", files=files, headers=client.headers()).json()
    model_id = response["insert_models"]["returning"][0]["models"][0]["id"]

    # Stream upload, as the seed sends it (form fields + file, a non-standard contentType header)
    headers = client.headers() | {"contentType": "application/octet-stream"}
    data = {"name": "apiteststreammodel", "filename": "./models/ccfraud.onnx", "visibility": "public",
            "workspace_id": workspace_id}
    files = {"file": ("apiteststreammodel", model_bytes)}
    response = requests.post(f"{APIURL}/v1/api/models/upload_stream", data=data, files=files, headers=headers).json()
    stream_model_id = response["insert_models"]["returning"][0]["models"][0]["id"]
    assert stream_model_id == model_id + 1

    # The generated client's form: query parameters and the raw file as the body
    params = {"name": "rawstreammodel", "filename": "ccfraud.onnx", "visibility": "private", "workspace_id": workspace_id}
    response = requests.post(f"{APIURL}/v1/api/models/upload_stream", params=params, data=model_bytes,
                             headers=client.headers() | {"Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.text

    # List models: newest first, owner_id is the string ""
    models = client.post("models/list", {"workspace_id": workspace_id}).json()["models"]
    assert [m["name"] for m in models] == ["rawstreammodel", "apiteststreammodel", "apimodel"]
    assert all(m["owner_id"] == '""' and m["created_at"] == m["updated_at"] for m in models)

    model = client.post("models/get_by_id", {"id": model_id}).json()
    assert model["workspace_id"] == workspace_id and model["name"] == "apimodel" and model["model_config"] is None

    versions = client.post("models/list_versions", {"model_id": "apimodel", "models_pk_id": model_id}).json()
    assert len(versions) == 1
    version = versions[-1]
    assert version["sha"] == hashlib.sha256(model_bytes).hexdigest()
    assert version["file_name"] == "apimodel" and version["status"] == "ready" and version["models_pk_id"] == model_id
    assert len(version["model_version"]) == 36

    assert client.post("models/get_config_by_id", {"model_id": model_id}).json() == {"model_config": None}
    full = client.post("models/get", {"id": model_id}).json()
    assert full["models"][0]["sha"] == version["sha"] and "status" not in full["models"][0]

    # A second upload of the same name is a new version
    client.upload(workspace_id, "apimodel", dense_onnx(seed=2))
    versions = client.post("models/list_versions", {"model_id": "apimodel", "models_pk_id": model_id}).json()
    assert len(versions) == 2 and versions[0]["id"] < versions[1]["id"]

    # The workspace lists its models
    workspaces = client.post("workspaces/list", {}).json()["workspaces"]
    mine = [w for w in workspaces if w["id"] == workspace_id][0]
    assert sorted(mine["models"]) == sorted(m["id"] for m in models)

    # Other frameworks: a Python step, a BYOP archive, a pickled sklearn model, a schema
    client.upload(workspace_id, "postprocess", b"def wallaroo_json(data):\n    return data\n", framework="python")
    client.upload(workspace_id, "summer", byop_zip(), framework="custom")
    import pickle
    from sklearn.linear_model import LinearRegression
    import numpy as np
    estimator = LinearRegression().fit(np.arange(20.0).reshape(10, 2), np.arange(10.0))
    client.upload(workspace_id, "linear", pickle.dumps(estimator, protocol=4), framework="sklearn")
    schema = pa.schema([pa.field("tensor", pa.list_(pa.float32(), 29))])
    encoded = base64.b64encode(schema.serialize()).decode("utf8")
    metadata = {"name": "withschema", "visibility": "private", "workspace_id": workspace_id,
                "conversion": {"framework": "custom", "python_version": "3.8", "requirements": [],
                               "input_schema": encoded, "output_schema": encoded}}
    files = {"metadata": (None, json.dumps(metadata), "application/json"), "file": ("withschema", byop_zip())}
    response = requests.post(f"{APIURL}/v1/api/models/upload_and_convert", files=files, headers=client.headers())
    assert response.status_code == 200, response.text
    # Frameworks this server cannot run are still stored
    client.upload(workspace_id, "tfmodel", b"PK\x03\x04 not really a savedmodel", framework="tensorflow")


def _zip(entries: "dict[str, bytes]") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(zipfile.ZipInfo(name), content)
    return buffer.getvalue()


def test_refused_uploads_store_nothing(APIURL, TOKENURL, creds):
    client = Client(APIURL, TOKENURL, creds)
    workspace_id = client.workspace("badmodelsws")
    model_bytes = dense_onnx()
    cases = [
        ("truncated", model_bytes[: len(model_bytes) // 2], "onnx", "not a valid ONNX model"),
        ("notonnx", b"hello world, not protobuf at all \xff\xff\xff", "onnx", "ONNX"),
        ("escape", _zip({"../evil.py": b"x", "requirements.txt": b""}), "custom", "outside the archive"),
        ("nopython", _zip({"m/requirements.txt": b""}), "custom", "no .py"),
        ("notzip", b"plain text", "custom", "ZIP"),
        ("nofunction", b"print('hi')\n", "python", "wallaroo_json"),
        ("notpickle", b"not a pickle", "sklearn", "pickle"),
        ("Bad_Name", model_bytes, "onnx", "name"),
        ("badframework", model_bytes, "caffe", "unknown framework"),
    ]
    for name, data, framework, message in cases:
        response = client.upload(workspace_id, name, data, framework=framework, expect=400)
        assert message in response.json()["error"], (name, response.text)
    assert client.post("models/list", {"workspace_id": workspace_id}).json() == {"models": []}

    # Malformed multipart, missing parts, bad metadata JSON, bad schema
    response = requests.post(f"{APIURL}/v1/api/models/upload_and_convert", data=b"--x\r\nbroken",
                             headers=client.headers() | {"Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code == 400, response.text
    files = {"metadata": (None, "{not json", "application/json"), "file": ("m", model_bytes)}
    response = requests.post(f"{APIURL}/v1/api/models/upload_and_convert", files=files, headers=client.headers())
    assert response.status_code == 400 and "metadata" in response.json()["error"]
    metadata = {"name": "m", "visibility": "public", "workspace_id": workspace_id}
    response = requests.post(f"{APIURL}/v1/api/models/upload_and_convert",
                             files={"metadata": (None, json.dumps(metadata), "application/json")}, headers=client.headers())
    assert response.status_code == 400 and "file" in response.json()["error"]
    metadata["conversion"] = {"framework": "onnx", "input_schema": "bm90IGFuIGFycm93IHNjaGVtYQ=="}
    files = {"metadata": (None, json.dumps(metadata), "application/json"), "file": ("m", model_bytes)}
    response = requests.post(f"{APIURL}/v1/api/models/upload_and_convert", files=files, headers=client.headers())
    assert response.status_code == 400 and "input_schema" in response.json()["error"]
    assert client.post("models/list", {"workspace_id": workspace_id}).json() == {"models": []}

    # Unknown ids, foreign workspaces, no token
    client.post("models/get_by_id", {"id": 999999}, expect=404)
    client.post("models/list", {"workspace_id": 999999}, expect=404)
    response = requests.post(f"{APIURL}/v1/api/models/list", json={"workspace_id": workspace_id})
    assert response.status_code == 401
