"""The mlflow runtime: an MLflow model folder served by the adapter of its flavour."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from conftest import run_model
from onnx_models import dense_model


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "MLmodel").write_text("flavors:\n  sklearn:\n    pickled_model: model.pkl\n")
    return folder


def test_sklearn_flavour_pickle(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(60, 3))
    model = LogisticRegression().fit(x, (x[:, 0] > 0).astype(int))
    folder = _folder(tmp_path)
    (folder / "model.pkl").write_bytes(pickle.dumps(model))
    test = rng.normal(size=(5, 3))
    run = run_model("mlflow", folder, [[{"tensor": row} for row in test.tolist()]],
                    extra_env={"SLIPWAY_MODEL_LOADER": "sklearn", "SLIPWAY_MODEL_FILE": "model.pkl",
                               "SLIPWAY_MODEL_SERIALIZATION": "cloudpickle"})
    assert run.records() == [{"predictions": [int(p)]} for p in model.predict(test)]


def test_onnx_flavour(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    dense_model(folder / "model.onnx")
    run = run_model("mlflow", folder, ["describe"],
                    extra_env={"SLIPWAY_MODEL_LOADER": "onnx", "SLIPWAY_MODEL_FILE": "model.onnx"})
    assert run.answers[0]["outputs"]["framework"] == "onnx"


def test_model_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (tmp_path / "outside.pkl").write_bytes(pickle.dumps({"not": "a model"}))
    run = run_model("mlflow", folder, [[{"x": 1}]],
                    extra_env={"SLIPWAY_MODEL_LOADER": "sklearn", "SLIPWAY_MODEL_FILE": "../outside.pkl"})
    assert run.load_error and "not a file of the model folder" in run.load_error["message"]


def test_unknown_loader_is_a_load_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    run = run_model("mlflow", folder, [[{"x": 1}]], extra_env={"SLIPWAY_MODEL_LOADER": "spark"})
    assert run.load_error and "loader 'spark'" in run.load_error["message"]


def test_pyfunc_without_mlflow_says_what_is_missing(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    run = run_model("mlflow", folder, [[{"x": 1}]], extra_env={"SLIPWAY_MODEL_LOADER": "python_function"})
    assert run.load_error and "has no mlflow" in run.load_error["message"]
