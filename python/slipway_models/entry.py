"""The function a Slipway model worker runs: ``infer`` (see README.md beside this file).

The worker imports this file once (``--function-path slipway_models/entry.py
--function-name infer``); importing it loads the model named by the
SLIPWAY_MODEL_FRAMEWORK / SLIPWAY_MODEL_PATH / SLIPWAY_MODEL_NAME variables, so a
broken model is the worker's load error (``ModelLoadError`` with a clear message).
"""

from __future__ import annotations

import os
import sys
from typing import Any, Dict, List

# The worker's loader puts the function's folder (this package's own folder) on
# sys.path; its modules must not be importable as top-level modules (they would
# shadow e.g. a user's ``errors`` module). The package is found through the code dir.
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_CODE_DIR = os.path.dirname(_PACKAGE_DIR)
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != _PACKAGE_DIR]
if _CODE_DIR not in sys.path:
    sys.path.insert(0, _CODE_DIR)

from slipway_models.errors import InferenceDataError, ModelLoadError, ModelOutputError  # noqa: E402
from slipway_models.runtime import load_from_environment  # noqa: E402

MODEL = load_from_environment()


def infer(records: Any) -> Dict[str, List[Dict[str, Any]]]:
    """Run the model on pandas-records rows; ``{"records": [one output dict per row]}``.

    Raises InferenceDataError (HTTP 400) when the data breaks a data rule; anything
    else is a failure of the model (HTTP 500, traceback in the logs).
    """
    return MODEL.infer(records)


def describe() -> Dict[str, Any]:
    """``{"framework", "name", "inputs": [{"name", "type", "shape"}] | None, "outputs": ...}``."""
    return MODEL.describe()


__all__ = ["InferenceDataError", "MODEL", "ModelLoadError", "ModelOutputError", "describe", "infer"]
