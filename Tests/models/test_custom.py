"""The custom (BYOP) runtime: a ZIP of .py files using the mac interface."""

from __future__ import annotations

import pickle
import textwrap
import zipfile
from pathlib import Path
from typing import Dict

import numpy as np
from sklearn.linear_model import LogisticRegression

from conftest import run_model

CLASSIFIER = '''
import pickle
from typing import Any, Set

import numpy as np
from sklearn.linear_model import LogisticRegression

from mac.config.inference import CustomInferenceConfig
from mac.exceptions import InferenceDataValidationError
from mac.inference import Inference
from mac.inference.creation import InferenceBuilder
from mac.types import InferenceData

from helpers import scale


class ClassifierInference(Inference):
    @property
    def expected_model_types(self) -> Set[Any]:
        return {LogisticRegression}

    @Inference.model.setter
    def model(self, model) -> None:
        self._raise_error_if_model_is_wrong_type(model)
        self._model = model

    def _predict(self, input_data: InferenceData) -> InferenceData:
        if "features" not in input_data:
            raise InferenceDataValidationError("input column 'features' is required")
        features = input_data["features"]
        if features.ndim != 2 or features.shape[1] != 4:
            raise InferenceDataValidationError(f"'features' must hold 4 numbers per row, got shape {features.shape}")
        x = scale(features)
        return {
            "label": self.model.predict(x),
            "probabilities": self.model.predict_proba(x).astype(np.float32),
        }


class ClassifierBuilder(InferenceBuilder):
    @property
    def inference(self) -> ClassifierInference:
        return ClassifierInference()

    def create(self, config: CustomInferenceConfig) -> ClassifierInference:
        inference = self.inference
        with open(config.model_path / "model.pkl", "rb") as file:
            inference.model = pickle.load(file)
        return inference
'''

HELPERS = '''
def scale(x):
    return x / 10.0
'''

RAGGED = '''
import json
from typing import Any, Set

import numpy as np

from mac.config.inference import CustomInferenceConfig
from mac.inference import Inference
from mac.inference.creation import InferenceBuilder


class LengthsInference(Inference):
    def expected_model_types(self) -> Set[Any]:  # a method, not a property: accepted too
        return {dict}

    def _predict(self, input_data):
        values = input_data["values"]
        offset = self.model["offset"]
        return {
            "length": np.array([len(v) for v in values]),
            "total": np.array([float(np.sum(v)) + offset for v in values]),
            "name": np.array([str(n).upper() for n in input_data["name"]], dtype=object),
        }


class LengthsBuilder(InferenceBuilder):
    @property
    def inference(self):
        return LengthsInference()

    def create(self, config: CustomInferenceConfig):
        inference = self.inference
        inference.model = json.loads((config.model_path / "settings.json").read_text())
        return inference
'''


def _byop(tmp_path: Path, folder: str, files: Dict[str, bytes]) -> Path:
    """Zip ``files`` under a top folder (as ``zip -r x.zip x/``), then unpack as the Swift side does."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    archive = tmp_path / f"{folder}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"{folder}/", "")
        for name, data in files.items():
            zf.writestr(f"{folder}/{name}", data)
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unpacked)
    return unpacked


def _classifier(tmp_path: Path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(60, 4)) * 10
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    model = LogisticRegression().fit(x / 10.0, y)
    path = _byop(
        tmp_path,
        "byop_classifier",
        {
            "main.py": CLASSIFIER.encode(),
            "helpers.py": HELPERS.encode(),
            "requirements.txt": b"scikit-learn==1.2.2\n",
            "model.pkl": pickle.dumps(model),
        },
    )
    return model, path


def test_byop_classifier_with_top_folder(tmp_path: Path) -> None:
    model, path = _classifier(tmp_path)
    x = np.random.default_rng(4).normal(size=(7, 4)) * 10
    run = run_model("custom", path, [[{"features": row} for row in x.tolist()], "describe"])
    rows = run.records()
    assert [r["label"] for r in rows] == model.predict(x / 10.0).tolist()
    expected = model.predict_proba(x / 10.0).astype(np.float32)
    assert np.array_equal(np.array([r["probabilities"] for r in rows], dtype=np.float32), expected)
    description = run.answers[1]["outputs"]
    assert description["framework"] == "custom"
    assert description["builder"] == "main.ClassifierBuilder"
    assert description["model_type"].endswith("LogisticRegression")


def test_byop_validation_error_is_an_inference_data_error(tmp_path: Path) -> None:
    _, path = _classifier(tmp_path)
    run = run_model("custom", path, [[{"features": [1.0, 2.0, 3.0]}], [{"other": [1, 2, 3, 4]}]])
    error = run.error(0)
    assert error["type"] == "InferenceDataError"
    assert error["message"] == "'features' must hold 4 numbers per row, got shape (1, 3)"
    assert run.error(1)["type"] == "InferenceDataError"
    assert run.error(1)["message"] == "input column 'features' is required"


def test_byop_gets_ragged_columns_and_strings(tmp_path: Path) -> None:
    path = _byop(
        tmp_path,
        "lengths",
        {"lengths.py": RAGGED.encode(), "settings.json": b'{"offset": 0.5}', "requirements.txt": b""},
    )
    records = [{"values": [1, 2, 3], "name": "a"}, {"values": [4.5], "name": "b"}, {"values": [], "name": "c"}]
    run = run_model("custom", path, [records, [{"values": [1, "x"], "name": "a"}]])
    assert run.records(0) == [
        {"length": 3, "total": 6.5, "name": "A"},
        {"length": 1, "total": 5.0, "name": "B"},
        {"length": 0, "total": 0.5, "name": "C"},
    ]
    error = run.error(1)  # one type per column still holds
    assert error["type"] == "InferenceDataError" and "'values'" in error["message"]


def test_byop_load_errors(tmp_path: Path) -> None:
    # the builder assigns a model of the wrong type
    wrong = _byop(
        tmp_path / "a",
        "wrong",
        {"main.py": CLASSIFIER.encode(), "helpers.py": HELPERS.encode(), "model.pkl": pickle.dumps({"not": "a model"})},
    )
    run = run_model("custom", wrong, [[]], name="clf")
    assert run.load_error is not None and run.load_error["type"] == "ModelLoadError"
    assert "model 'clf'" in run.load_error["message"]
    assert "ClassifierBuilder.create() failed: TypeError" in run.load_error["message"]
    assert "LogisticRegression" in run.load_error["message"]
    # no builder at all
    empty = _byop(tmp_path / "b", "empty", {"util.py": b"X = 1\n"})
    run = run_model("custom", empty, [[]], name="clf")
    assert run.load_error is not None and "InferenceBuilder" in run.load_error["message"]
    # no Python file
    none = _byop(tmp_path / "c", "none", {"model.pkl": b"x"})
    run = run_model("custom", none, [[]], name="clf")
    assert run.load_error is not None and ".py" in run.load_error["message"]
