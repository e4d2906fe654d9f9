"""ONNX graphs built at test time with onnx.helper (Wallaroo's ONNX 1.12: IR 8, opset 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Union

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8
Batch = Union[str, int]


def _save(graph: onnx.GraphProto, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="slipway-tests")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def dense_model(path: Path, batch: Batch = "batch", features: int = 29, seed: int = 7) -> Path:
    """Like Wallaroo's ccfraud: dense_input (batch, 29) float -> sigmoid(xW + b) -> dense_1 (batch, 1)."""
    rng = np.random.default_rng(seed)
    weights = numpy_helper.from_array(rng.normal(size=(features, 1)).astype(np.float32), "W")
    bias = numpy_helper.from_array(np.array([0.1], dtype=np.float32), "b")
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["dense_input", "W"], ["xw"]),
            helper.make_node("Add", ["xw", "b"], ["logit"]),
            helper.make_node("Sigmoid", ["logit"], ["dense_1"]),
        ],
        "dense",
        [helper.make_tensor_value_info("dense_input", TensorProto.FLOAT, [batch, features])],
        [helper.make_tensor_value_info("dense_1", TensorProto.FLOAT, [batch, 1])],
        initializer=[weights, bias],
    )
    return _save(graph, path)


def two_input_model(path: Path) -> Path:
    """a (batch, 3) float and b (batch, 1) int64 -> scaled = a * b (batch, 3), total = sum(a) (batch, 1)."""
    axes = numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")
    graph = helper.make_graph(
        [
            helper.make_node("Cast", ["b"], ["b_float"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["a", "b_float"], ["scaled"]),
            helper.make_node("ReduceSum", ["a", "axes"], ["total"], keepdims=1),
        ],
        "two_inputs",
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT, ["n", 3]),
            helper.make_tensor_value_info("b", TensorProto.INT64, ["n", 1]),
        ],
        [
            helper.make_tensor_value_info("scaled", TensorProto.FLOAT, ["n", 3]),
            helper.make_tensor_value_info("total", TensorProto.FLOAT, ["n", 1]),
        ],
        initializer=[axes],
    )
    return _save(graph, path)


def string_model(path: Path) -> Path:
    """s (batch, 2) string -> echo (batch, 2) string; flag (batch,) bool -> negated (batch,)."""
    graph = helper.make_graph(
        [helper.make_node("Identity", ["s"], ["echo"]), helper.make_node("Not", ["flag"], ["negated"])],
        "strings",
        [
            helper.make_tensor_value_info("s", TensorProto.STRING, ["n", 2]),
            helper.make_tensor_value_info("flag", TensorProto.BOOL, ["n"]),
        ],
        [
            helper.make_tensor_value_info("echo", TensorProto.STRING, ["n", 2]),
            helper.make_tensor_value_info("negated", TensorProto.BOOL, ["n"]),
        ],
    )
    return _save(graph, path)


def image_model(path: Path) -> Path:
    """img (batch, 2, 2, 3) double -> mean over everything but the batch, as (batch, 1) double."""
    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["img"], ["m"], axes=[1, 2, 3], keepdims=0),
         helper.make_node("Unsqueeze", ["m", "one"], ["mean"])],
        "image",
        [helper.make_tensor_value_info("img", TensorProto.DOUBLE, ["n", 2, 2, 3])],
        [helper.make_tensor_value_info("mean", TensorProto.DOUBLE, ["n", 1])],
        initializer=[numpy_helper.from_array(np.array([1], dtype=np.int64), "one")],
    )
    return _save(graph, path)
