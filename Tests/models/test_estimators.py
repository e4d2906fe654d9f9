"""The sklearn and xgboost runtimes: a pickled estimator, {"predictions": [...]} per row."""

from __future__ import annotations

import pickle
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LogisticRegression

from conftest import run_model


def _data(rows: int = 80, seed: int = 5):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 4))
    y = (x[:, 0] - x[:, 2] > 0).astype(int)
    return x, y


def test_sklearn_pickle_feature_vector_column(tmp_path: Path) -> None:
    x, y = _data()
    model = LogisticRegression().fit(x, y)
    path = tmp_path / "clf.pkl"
    path.write_bytes(pickle.dumps(model))
    test = np.random.default_rng(6).normal(size=(9, 4))
    run = run_model(
        "sklearn",
        path,
        [[{"tensor": row} for row in test.tolist()], [{"tensor": [1.0, 2.0, 3.0]}], "describe"],
    )
    assert run.records() == [{"predictions": [int(p)]} for p in model.predict(test)]
    error = run.error(1)
    assert error["type"] == "InferenceDataError" and "4 features" in error["message"]
    assert run.answers[2]["outputs"]["inputs"] == [{"name": None, "type": None, "shape": [None, 4]}]


def test_sklearn_joblib_named_features(tmp_path: Path) -> None:
    x, _ = _data()
    frame = pd.DataFrame(x, columns=["a", "b", "c", "d"])
    model = RandomForestRegressor(n_estimators=5, random_state=0).fit(frame, x[:, 0] * 2 + x[:, 3])
    path = tmp_path / "reg.joblib"
    joblib.dump(model, path)
    test = np.random.default_rng(7).normal(size=(3, 4))
    records = [{"d": r[3], "c": r[2], "b": r[1], "a": r[0]} for r in test.tolist()]  # any column order
    run = run_model("sklearn", path, [records, [{"a": 1, "b": 2, "c": 3}], [{"a": 1, "b": 2, "c": 3, "d": [4, 5]}]])
    expected = model.predict(pd.DataFrame(test, columns=["a", "b", "c", "d"]))
    assert [r["predictions"] for r in run.records()] == [[float(v)] for v in expected]
    assert run.error(1)["type"] == "InferenceDataError" and "missing input column 'd'" in run.error(1)["message"]
    assert run.error(2)["type"] == "InferenceDataError" and "'d'" in run.error(2)["message"]


def test_not_a_pickle_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.pkl"
    path.write_bytes(b"this is not a pickle")
    run = run_model("sklearn", path, [[]], name="clf")
    assert run.load_error is not None and run.load_error["type"] == "ModelLoadError"
    assert run.load_error["message"].startswith("model 'clf' is not a loadable pickle or joblib file")


def test_xgboost_classifier_and_booster(tmp_path: Path) -> None:
    xgboost = pytest.importorskip("xgboost", reason="xgboost is not installed in this venv")
    x, y = _data()
    model = xgboost.XGBClassifier(n_estimators=5, max_depth=2, tree_method="hist").fit(x, y)
    path = tmp_path / "xgb.pkl"
    path.write_bytes(pickle.dumps(model))
    booster_path = tmp_path / "booster.pkl"
    booster_path.write_bytes(pickle.dumps(model.get_booster()))
    test = np.random.default_rng(8).normal(size=(6, 4))
    records = [{"tensor": row} for row in test.tolist()]
    run = run_model("xgboost", path, [records])
    assert run.records() == [{"predictions": [int(p)]} for p in model.predict(test)]
    run = run_model("xgboost", booster_path, [records])
    expected = model.get_booster().predict(xgboost.DMatrix(test)).astype(np.float32)
    assert np.array_equal(np.array([r["predictions"][0] for r in run.records()], dtype=np.float32), expected)
