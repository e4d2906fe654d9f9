"""Choosing and loading a framework adapter (standard library only until one is chosen)."""

from __future__ import annotations

import importlib
from typing import Any, Dict, List, Mapping, Optional

from slipway_models.errors import InferenceDataError, ModelLoadError
from slipway_models.records import check_records
from slipway_models.spec import ModelSpec, spec_from_environment

#: framework -> (adapter module, class)
ADAPTERS = {
    "onnx": ("slipway_models.adapters.onnx_adapter", "OnnxModel"),
    "python": ("slipway_models.adapters.python_adapter", "PythonScriptModel"),
    "custom": ("slipway_models.adapters.custom_adapter", "CustomModel"),
    "sklearn": ("slipway_models.adapters.estimator_adapter", "EstimatorModel"),
    "xgboost": ("slipway_models.adapters.estimator_adapter", "EstimatorModel"),
    "mlflow": ("slipway_models.adapters.mlflow_adapter", "MLflowFolderModel"),
}


class Model:
    """A loaded model. Adapters implement ``predict_rows`` (and may extend ``describe``)."""

    framework = ""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.name = spec.name

    def infer(self, records: Any) -> Dict[str, List[Dict[str, Any]]]:
        """``{"records": [...]}``: one output dict per input row."""
        columns = check_records(records)
        if not records:
            return {"records": []}
        outputs = self.predict_rows(records, columns)
        if len(outputs) != len(records):  # adapters check this; a last guard for the data rule
            raise AssertionError(f"{len(outputs)} output rows for {len(records)} input rows")
        return {"records": outputs}

    def predict_rows(self, records: List[Dict[str, Any]], columns: List[str]) -> List[Dict[str, Any]]:
        raise NotImplementedError

    def describe(self) -> Dict[str, Any]:
        """``{"framework", "name", "inputs", "outputs"}``; inputs/outputs None where unknown."""
        return {"framework": self.framework, "name": self.name, "inputs": None, "outputs": None}


def load_model(spec: ModelSpec) -> Model:
    """Import the adapter of ``spec.framework`` and load the model with it."""
    module_name, class_name = ADAPTERS[spec.framework]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ModelLoadError(
            f"model {spec.name!r}: the {spec.framework} runtime cannot start in this environment ({exc}); "
            f"its libraries are pinned in slipway_models/requirements/{spec.framework}.txt"
        ) from exc
    model = getattr(module, class_name)(spec)
    if spec.framework != "mlflow":  # an MLflow folder is served by the adapter of its flavour
        model.framework = spec.framework
    return model


def load_from_environment(environ: Optional[Mapping[str, str]] = None) -> Model:
    return load_model(spec_from_environment(environ))


__all__ = ["ADAPTERS", "InferenceDataError", "Model", "ModelLoadError", "load_model", "load_from_environment"]
