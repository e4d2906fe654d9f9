"""The onnx runtime: numbers as onnxruntime gives them, input mapping, data rules, load errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest

from conftest import run_model
from onnx_models import dense_model, image_model, string_model, two_input_model

# The seed's sample ccfraud row (§8.5).
SEED_ROW = [
    1.0678324729, 0.2177810266, -1.7115145262, 0.682285721, 1.0138553067, -0.4335000013, 0.7395859437,
    -0.2882839595, -0.447262688, 0.5146124988, 0.3791316964, 0.5190619748, -0.4904593222, 1.1656456469,
    -0.9776307444, -0.6322198963, -0.6891477694, 0.1783317857, 0.1397992467, -0.3554220649, 0.4394217877,
    1.4588397512, -0.3886829615, 0.4353492889, 1.7420053483, -0.4434654615, -0.1515747891, -0.2668451725,
    -1.4549617756,
]


def _direct(path: Path, feeds):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def test_dense_one_row_matches_onnxruntime(tmp_path: Path) -> None:
    path = dense_model(tmp_path / "ccfraud.onnx")
    run = run_model("onnx", path, [[{"tensor": SEED_ROW}]])
    [row] = run.records()
    assert list(row) == ["dense_1"]
    assert isinstance(row["dense_1"], list) and len(row["dense_1"]) == 1
    assert isinstance(row["dense_1"][0], float)
    [expected] = _direct(path, {"dense_input": np.array([SEED_ROW], dtype=np.float32)})
    assert np.float32(row["dense_1"][0]) == expected[0, 0]
    # float32 values are written in their shortest form, as Wallaroo shows them
    assert json.dumps(row["dense_1"][0]) == str(expected[0, 0])


def test_dense_thousand_rows_match_onnxruntime(tmp_path: Path) -> None:
    path = dense_model(tmp_path / "ccfraud.onnx")
    features = np.random.default_rng(1).normal(size=(1000, 29))
    records = [{"tensor": row} for row in features.tolist()]
    run = run_model("onnx", path, [records])
    rows = run.records()
    assert len(rows) == 1000
    [expected] = _direct(path, {"dense_input": features.astype(np.float32)})
    got = np.array([row["dense_1"] for row in rows], dtype=np.float32)
    assert got.shape == (1000, 1)
    assert np.array_equal(got, expected)


def test_single_input_takes_the_single_column_by_name_too(tmp_path: Path) -> None:
    path = dense_model(tmp_path / "m.onnx")
    run = run_model("onnx", path, [[{"dense_input": SEED_ROW}], [{"tensor": SEED_ROW}], [{"whatever": SEED_ROW}]])
    assert run.records(0) == run.records(1) == run.records(2)


def test_two_named_inputs(tmp_path: Path) -> None:
    path = two_input_model(tmp_path / "two.onnx")
    records = [{"b": [2], "a": [1.0, 2.0, 3.0]}, {"a": [0.5, 0.25, -1.0], "b": [-1]}]
    run = run_model("onnx", path, [records, [{"a": [1, 2, 3], "b": 3}]])
    assert run.records(0) == [
        {"scaled": [2.0, 4.0, 6.0], "total": [6.0]},
        {"scaled": [-0.5, -0.25, 1.0], "total": [-0.25]},
    ]
    # ints in a float column; a scalar per row for a (n, 1) input
    assert run.records(1) == [{"scaled": [3.0, 6.0, 9.0], "total": [6.0]}]


def test_two_inputs_unknown_missing_and_wrong_values(tmp_path: Path) -> None:
    path = two_input_model(tmp_path / "two.onnx")
    run = run_model(
        "onnx",
        path,
        [
            [{"a": [1.0, 2.0, 3.0]}],
            [{"a": [1.0, 2.0, 3.0], "b": [1], "c": 5}],
            [{"a": [1.0, 2.0, 3.0], "b": [1]}, {"a": [1.0, 2.0, 3.0], "b": [2.5]}],
            [{"a": [1.0, 2.0], "b": [1]}],
            [{"a": [1.0, 2.0, 3.0], "b": [1]}, {"a": [1.0, 2.0, 3.0]}],
        ],
    )
    missing = run.error(0)
    assert missing["type"] == "InferenceDataError"
    assert "missing input column 'b'" in missing["message"] and "row 0" in missing["message"]
    unknown = run.error(1)
    assert unknown["type"] == "InferenceDataError"
    assert "unknown column 'c'" in unknown["message"] and "row 0" in unknown["message"]
    fraction = run.error(2)
    assert fraction["type"] == "InferenceDataError"
    assert "'b'" in fraction["message"] and "row 1" in fraction["message"] and "integers" in fraction["message"]
    shape = run.error(3)
    assert shape["type"] == "InferenceDataError"
    assert "'a'" in shape["message"] and "(2,)" in shape["message"] and "(3,)" in shape["message"]
    absent = run.error(4)
    assert absent["type"] == "InferenceDataError"
    assert "'b'" in absent["message"] and "row 1" in absent["message"]


def test_ragged_tensor_is_refused_naming_column_and_row(tmp_path: Path) -> None:
    path = dense_model(tmp_path / "m.onnx")
    records = [{"tensor": SEED_ROW}, {"tensor": SEED_ROW}, {"tensor": SEED_ROW[:28]}]
    nested = [{"tensor": [SEED_ROW, SEED_ROW[:3]]}]
    run = run_model("onnx", path, [records, nested])
    error = run.error(0)
    assert error["type"] == "InferenceDataError"
    assert "'tensor'" in error["message"] and "row 2" in error["message"] and "ragged" in error["message"]
    error = run.error(1)
    assert error["type"] == "InferenceDataError"
    assert "'tensor'" in error["message"] and "row 0" in error["message"] and "ragged" in error["message"]


def test_mixed_types_are_refused(tmp_path: Path) -> None:
    path = dense_model(tmp_path / "m.onnx")
    strings = [{"tensor": SEED_ROW}, {"tensor": ["x"] * 29}]
    inside = [{"tensor": SEED_ROW[:28] + ["oops"]}]
    booleans = [{"tensor": [True] * 29}]
    run = run_model("onnx", path, [strings, inside, booleans])
    error = run.error(0)
    assert error["type"] == "InferenceDataError"
    assert "'tensor'" in error["message"] and "row 1" in error["message"] and "strings" in error["message"]
    error = run.error(1)
    assert error["type"] == "InferenceDataError"
    assert "'tensor'" in error["message"] and "row 0" in error["message"]
    error = run.error(2)
    assert error["type"] == "InferenceDataError" and "booleans" in error["message"]


def test_missing_column_and_bad_request_shapes(tmp_path: Path) -> None:
    path = dense_model(tmp_path / "m.onnx")
    run = run_model(
        "onnx", path, [[{"tensor": SEED_ROW}, {"other": SEED_ROW}], [], [{"tensor": SEED_ROW}, 3]]
    )
    error = run.error(0)
    assert error["type"] == "InferenceDataError"
    assert "row 1" in error["message"]
    assert run.records(1) == []
    error = run.error(2)
    assert error["type"] == "InferenceDataError" and "row 1" in error["message"]


def test_null_is_nan_for_floats_and_comes_back_as_null(tmp_path: Path) -> None:
    path = dense_model(tmp_path / "m.onnx")
    row = list(SEED_ROW)
    row[3] = None
    [[value]] = [r["dense_1"] for r in run_model("onnx", path, [[{"tensor": row}]]).records()]
    assert value is None  # NaN in, NaN out, null on the wire


def test_fixed_batch_of_one_runs_row_by_row(tmp_path: Path) -> None:
    path = dense_model(tmp_path / "one.onnx", batch=1)
    features = np.random.default_rng(2).normal(size=(5, 29))
    run = run_model("onnx", path, [[{"tensor": row} for row in features.tolist()]])
    rows = run.records()
    expected = [_direct(path, {"dense_input": features[i : i + 1].astype(np.float32)})[0][0, 0] for i in range(5)]
    assert [np.float32(r["dense_1"][0]) for r in rows] == expected


def test_strings_booleans_and_images(tmp_path: Path) -> None:
    strings = string_model(tmp_path / "s.onnx")
    run = run_model("onnx", strings, [[{"s": ["a", "b"], "flag": True}, {"s": ["c", "d"], "flag": False}],
                                      [{"s": ["a", 1], "flag": True}], [{"s": ["a", "b"], "flag": 1}]])
    assert run.records(0) == [{"echo": ["a", "b"], "negated": [False]}, {"echo": ["c", "d"], "negated": [True]}]
    assert run.error(1)["type"] == "InferenceDataError" and "'s'" in run.error(1)["message"]
    assert run.error(2)["type"] == "InferenceDataError" and "'flag'" in run.error(2)["message"]
    image = image_model(tmp_path / "img.onnx")
    pixels = np.arange(12, dtype=np.float64).reshape(2, 2, 3).tolist()
    run = run_model("onnx", image, [[{"img": pixels}, {"img": pixels}]])
    assert run.records() == [{"mean": [5.5]}, {"mean": [5.5]}]


def test_describe_lists_the_graph(tmp_path: Path) -> None:
    path = two_input_model(tmp_path / "two.onnx")
    description = run_model("onnx", path, ["describe"]).answers[0]["outputs"]
    assert description["framework"] == "onnx"
    assert description["inputs"] == [
        {"name": "a", "type": "tensor(float)", "shape": ["n", 3]},
        {"name": "b", "type": "tensor(int64)", "shape": ["n", 1]},
    ]
    assert [o["name"] for o in description["outputs"]] == ["scaled", "total"]


def test_truncated_onnx_file_is_a_clear_load_error(tmp_path: Path) -> None:
    path = dense_model(tmp_path / "good.onnx")
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    run = run_model("onnx", broken, [[{"tensor": SEED_ROW}]], name="ccfraud")
    assert run.load_error is not None
    assert run.load_error["type"] == "ModelLoadError"
    assert run.load_error["message"].startswith("model 'ccfraud' is not a valid ONNX file: ")


def test_environment_errors_are_load_errors(tmp_path: Path) -> None:
    run = run_model("onnx", tmp_path / "nope.onnx", [[]], name="ghost")
    assert run.load_error is not None and run.load_error["type"] == "ModelLoadError"
    assert "ghost" in run.load_error["message"] and "does not exist" in run.load_error["message"]
    run = run_model("tensorflow", tmp_path, [[]])
    assert run.load_error is not None and "'tensorflow' has no runtime here" in run.load_error["message"]
