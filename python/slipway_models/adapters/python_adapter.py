"""``python`` models: a script defining ``wallaroo_json(data: pandas.DataFrame)``.

The function gets the request rows as a DataFrame (list values stay lists) and
returns a DataFrame, a list of row dicts or a dict of columns; the result must
have one row per input row (Wallaroo's post-processing example returns
``[{"output": [first value]}]`` for its one-row input).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any, Dict, List

import pandas

from slipway_models.arrays import result_rows
from slipway_models.errors import ModelLoadError
from slipway_models.runtime import Model

ENTRY_POINT = "wallaroo_json"


class PythonScriptModel(Model):
    framework = "python"

    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        script_dir = os.path.dirname(spec.path)
        if script_dir not in sys.path:
            sys.path.insert(0, script_dir)  # so that the script can import files beside it
        module_name = "slipway_python_model"
        loader_spec = importlib.util.spec_from_file_location(module_name, spec.path)
        if loader_spec is None or loader_spec.loader is None:
            raise ModelLoadError(f"model {spec.name!r}: {spec.path!r} cannot be loaded as a Python script")
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[module_name] = module
        try:
            loader_spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(module_name, None)
            raise ModelLoadError(
                f"model {spec.name!r}: its script failed to load: {type(exc).__name__}: {exc}"
            ) from exc
        function = getattr(module, ENTRY_POINT, None)
        if not callable(function):
            raise ModelLoadError(
                f"model {spec.name!r}: its script defines no {ENTRY_POINT}(data) function "
                "(a Python model's entry point, called with a pandas DataFrame)"
            )
        self.function = function
        self.module = module

    def predict_rows(self, records: List[Dict[str, Any]], columns: List[str]) -> List[Dict[str, Any]]:
        frame = pandas.DataFrame.from_records(records, columns=columns)
        result = self.function(frame)
        return result_rows(result, len(records), f"model {self.name!r}: {ENTRY_POINT}")

    def describe(self) -> Dict[str, Any]:
        description = super().describe()
        description["entry_point"] = ENTRY_POINT
        return description
