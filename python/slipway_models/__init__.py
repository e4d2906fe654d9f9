"""Model runtimes behind Slipway's Wallaroo-compatible model serving.

A deployed model runs in a resident Slipway worker (``python -m slipway_worker``)
whose code directory holds this package and whose function is
``slipway_models/entry.py:infer``. The model is chosen by environment variables:

* ``SLIPWAY_MODEL_FRAMEWORK`` -- ``onnx``, ``python``, ``custom``, ``sklearn``, ``xgboost``, or
  ``mlflow`` for an MLflow model folder (``adapters/mlflow_adapter.py`` says how it is loaded);
* ``SLIPWAY_MODEL_PATH`` -- the artifact: a file, or for ``custom`` and ``mlflow`` the folder the
  ZIP was unpacked into;
* ``SLIPWAY_MODEL_NAME`` -- the model's name, used in messages.

Like ``slipway_worker``, this package imports the standard library only until a
framework adapter is chosen (``slipway_models.runtime.load_model``); each adapter
imports its own libraries (numpy, onnxruntime, pandas, ...), pinned per framework
in ``slipway_models/requirements/<framework>.txt``. See README.md beside this file.
"""

from __future__ import annotations

#: Frameworks with a runtime here, as Wallaroo names them, and ``mlflow`` (MLflow model folders).
FRAMEWORKS = ("onnx", "python", "custom", "sklearn", "xgboost", "mlflow")

__all__ = ["FRAMEWORKS"]
