"""Models the serving tests upload, built at test time, and the calls that deploy them."""

import io
import time
import zipfile

import numpy as np
import onnx
import requests
from onnx import TensorProto, helper

from wallaroo_helpers import bearer, user_token

RNG = np.random.default_rng(7)


def dense_onnx(inputs: int = 29, seed: int = 1, output: str = "dense_1") -> bytes:
    """A small dense network like the seed's ccfraud: `inputs` floats in, one sigmoid out,
    batch dimension dynamic."""
    rng = np.random.default_rng(seed)
    w1 = rng.normal(size=(inputs, 8)).astype(np.float32)
    b1 = rng.normal(size=(8,)).astype(np.float32)
    w2 = rng.normal(size=(8, 1)).astype(np.float32)
    b2 = rng.normal(size=(1,)).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["dense_input", "w1"], ["h1"]),
        helper.make_node("Add", ["h1", "b1"], ["h2"]),
        helper.make_node("Relu", ["h2"], ["h3"]),
        helper.make_node("MatMul", ["h3", "w2"], ["h4"]),
        helper.make_node("Add", ["h4", "b2"], ["h5"]),
        helper.make_node("Sigmoid", ["h5"], [output]),
    ]
    graph = helper.make_graph(
        nodes, "dense",
        [helper.make_tensor_value_info("dense_input", TensorProto.FLOAT, ["batch", inputs])],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, ["batch", 1])],
        initializer=[helper.make_tensor(name, TensorProto.FLOAT, array.shape, array.flatten())
                     for name, array in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


POST_PROCESS = b'''
import pandas as pd

def wallaroo_json(data: pd.DataFrame):
    return [{"output": [float(row[0]) * 100.0]} for row in data["dense_1"]]
'''


def byop_zip() -> bytes:
    """A BYOP archive: a top folder with requirements.txt and a builder/inference pair that
    sums each row's `tensor` (pure numpy, no model file)."""
    code = b'''
import numpy as np
from mac.inference import Inference
from mac.inference.creation import InferenceBuilder
from mac.exceptions import InferenceDataValidationError


class SumInference(Inference):
    @property
    def expected_model_types(self):
        return {type(None)}

    def _predict(self, input_data):
        if "tensor" not in input_data:
            raise InferenceDataValidationError("column 'tensor' is required")
        return {"total": np.sum(np.asarray(input_data["tensor"], dtype=float), axis=1)}


class SumBuilder(InferenceBuilder):
    @property
    def inference(self):
        return SumInference()

    def create(self, config):
        inference = self.inference
        inference.model = None
        return inference
'''
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("summer/requirements.txt", "")
        archive.writestr("summer/summer.py", code)
    return buffer.getvalue()


class Client:
    """The seed's calls with a fresh admin token each time (tokens last an hour)."""

    def __init__(self, apiurl: str, tokenurl: str, creds: dict):
        self.apiurl = apiurl
        self.tokenurl = tokenurl
        self.creds = creds
        self.token = None

    def headers(self) -> dict:
        if self.token is None:
            self.token = user_token(self.tokenurl, self.creds["username"], self.creds["password"],
                                    self.creds["confidentialClient"], self.creds["confidentialPassword"])["access_token"]
        return bearer(self.token)

    def post(self, path: str, body=None, expect: int = 200, headers=None):
        response = requests.post(f"{self.apiurl}/v1/api/{path}", json=body, headers=headers or self.headers())
        assert response.status_code == expect, f"{path}: {response.status_code} {response.text}"
        return response

    def workspace(self, name: str) -> int:
        return self.post("workspaces/create", {"workspace_name": name}).json()["workspace_id"]

    def upload(self, workspace_id: int, name: str, data: bytes, framework: str = "onnx", expect: int = 200):
        metadata = {"name": name, "visibility": "public", "workspace_id": workspace_id,
                    "conversion": {"framework": framework, "python_version": "3.8", "requirements": []}}
        import json
        files = {"metadata": (None, json.dumps(metadata), "application/json"),
                 "file": (name, data, "application/octet-stream")}
        response = requests.post(f"{self.apiurl}/v1/api/models/upload_and_convert", files=files, headers=self.headers())
        assert response.status_code == expect, response.text
        return response

    def latest_version(self, model_id: int, name: str) -> dict:
        versions = self.post("models/list_versions", {"model_id": name, "models_pk_id": model_id}).json()
        return versions[-1]

    def model_step(self, version: dict) -> dict:
        return {"name": version["model_id"], "version": version["model_version"], "sha": version["sha"]}

    def deploy(self, name: str, pipeline: dict, models: "list[dict]", engine_config=None, timeout: float = 240) -> int:
        body = {"deploy_id": name, "pipeline_version_pk_id": pipeline["pipeline_variant_pk_id"],
                "models": models, "pipeline_id": pipeline["pipeline_pk_id"]}
        if engine_config is not None:
            body["engine_config"] = engine_config
        deployment_id = self.post("pipelines/deploy", body).json()["id"]
        self.wait_running(f"{name}-{deployment_id}", timeout)
        return deployment_id

    def wait_running(self, full_name: str, timeout: float = 240) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            status = self.post("status/get_deployment", {"name": full_name}).json()
            if status["status"] == "Running":
                return status
            assert status["status"] != "Error", status
            assert time.monotonic() < deadline, status
            time.sleep(0.5)
