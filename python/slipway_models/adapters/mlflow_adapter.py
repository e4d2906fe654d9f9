"""MLflow model folders (``MLmodel`` at the root), registered through the MLflow dialect or
imported from a registry. The Swift side unpacks the snapshot and says how to load it:

* ``SLIPWAY_MODEL_LOADER``: ``sklearn`` (the folder's pickled estimator, read by the
  sklearn adapter: pickle, cloudpickle and joblib files load alike; ``skops`` files with
  ``skops.io``), ``onnx`` (the folder's ONNX graph, by the onnx adapter) or
  ``python_function`` (``mlflow.pyfunc.load_model`` on the folder; needs mlflow in the
  model's environment, which the model's own requirements bring);
* ``SLIPWAY_MODEL_FILE``: the model file inside the folder (``MLmodel``'s ``model_path``,
  ``pickled_model``…), for the first two;
* ``SLIPWAY_MODEL_SERIALIZATION``: ``pickle``, ``cloudpickle`` or ``skops``.

Outputs: as the sklearn and onnx adapters give them; a pyfunc model's ``predict`` result is
one ``predictions`` value per row (a DataFrame result: one key per column).
"""

from __future__ import annotations

import os
from typing import Any, Dict, List

from slipway_models.errors import InferenceDataError, ModelLoadError
from slipway_models.runtime import Model
from slipway_models.spec import ModelSpec

LOADERS = ("sklearn", "onnx", "python_function")


def _inside(folder: str, relative: str, name: str) -> str:
    path = os.path.realpath(os.path.join(folder, relative))
    if not path.startswith(os.path.realpath(folder) + os.sep) or not os.path.isfile(path):
        raise ModelLoadError(f"model {name!r}: its model file {relative!r} is not a file of the model folder")
    return path


def MLflowFolderModel(spec: ModelSpec) -> Model:
    """The adapter instance that serves the folder, as ``SLIPWAY_MODEL_LOADER`` says."""
    loader = os.environ.get("SLIPWAY_MODEL_LOADER", "").strip()
    if loader not in LOADERS:
        raise ModelLoadError(f"model {spec.name!r}: no way to load an MLflow model with loader {loader!r} "
                             f"(supported: {', '.join(LOADERS)})")
    if loader == "python_function":
        return PyfuncModel(spec)
    path = _inside(spec.path, os.environ.get("SLIPWAY_MODEL_FILE", ""), spec.name)
    if loader == "onnx":
        from slipway_models.adapters.onnx_adapter import OnnxModel

        return OnnxModel(ModelSpec(framework="onnx", path=path, name=spec.name))
    from slipway_models.adapters.estimator_adapter import EstimatorModel

    if os.environ.get("SLIPWAY_MODEL_SERIALIZATION", "") == "skops":
        return EstimatorModel(ModelSpec(framework="sklearn", path=path, name=spec.name), estimator=_skops(path, spec.name))
    return EstimatorModel(ModelSpec(framework="sklearn", path=path, name=spec.name))


def _skops(path: str, name: str) -> Any:
    try:
        import skops.io
    except ImportError as exc:
        raise ModelLoadError(f"model {name!r} is saved with skops, which its requirements do not install") from exc
    try:
        return skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))
    except Exception as exc:
        raise ModelLoadError(f"model {name!r}: the skops file cannot be loaded: {type(exc).__name__}: {exc}") from exc


class PyfuncModel(Model):
    framework = "mlflow"

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__(spec)
        try:
            import mlflow.pyfunc
        except ImportError as exc:
            raise ModelLoadError(
                f"model {spec.name!r} is a generic MLflow (python_function) model and its environment has no "
                f"mlflow ({exc}); list mlflow in the model's requirements.txt"
            ) from exc
        try:
            self.model = mlflow.pyfunc.load_model(spec.path)
        except Exception as exc:
            raise ModelLoadError(f"model {spec.name!r} cannot be loaded: {type(exc).__name__}: {exc}") from exc

    def predict_rows(self, records: List[Dict[str, Any]], columns: List[str]) -> List[Dict[str, Any]]:
        import pandas

        frame = pandas.DataFrame.from_records(records, columns=columns)
        try:
            result = self.model.predict(frame)
        except Exception as exc:
            raise InferenceDataError(f"model {self.name!r} refused the input: {type(exc).__name__}: {exc}") from exc
        if isinstance(result, pandas.DataFrame):
            rows = result.to_dict(orient="records")
        else:
            values = list(result.tolist() if hasattr(result, "tolist") else result)
            rows = [{"predictions": value if isinstance(value, list) else [value]} for value in values]
        if len(rows) != len(records):
            raise InferenceDataError(f"model {self.name!r} returned {len(rows)} rows for {len(records)} inputs")
        return rows
