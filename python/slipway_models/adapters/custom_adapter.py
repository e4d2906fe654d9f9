"""``custom`` (BYOP) models: a ZIP of ``.py`` files with an ``InferenceBuilder`` subclass.

The ZIP is unpacked by the Swift side; ``SLIPWAY_MODEL_PATH`` is that folder (a
single top folder inside it, as ``zip -r m.zip m/`` makes, is entered). Slipway's
``mac`` module (``slipway_models/mac_shim``) goes on ``sys.path`` before the
model's files are imported; the one concrete ``InferenceBuilder`` subclass they
define builds the Inference with ``create(CustomInferenceConfig(model_path=...))``.

Each request becomes one ``predict`` call with a dict of numpy arrays (one per
column, rows stacked on axis 0; a ragged column is a 1-D object array of per-row
arrays, BYOP being where ragged data goes). The returned dict of arrays (rows on
axis 0) becomes one output dict per row. ``InferenceDataValidationError`` raised
by the model is an ``InferenceDataError`` (HTTP 400).
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

from slipway_models.arrays import natural_array, result_rows
from slipway_models.errors import InferenceDataError, ModelLoadError, ModelOutputError
from slipway_models.records import check_same_columns, column_values, profile_column
from slipway_models.runtime import Model

MAC_SHIM_DIR = str(Path(__file__).resolve().parent.parent / "mac_shim")
_IGNORED = {"__MACOSX", "__pycache__"}


def model_root(path: str) -> Path:
    """The folder holding the model's files: ``path``, or the single folder inside it."""
    root = Path(path)
    while True:
        if any(root.glob("*.py")):
            return root
        entries = [entry for entry in root.iterdir() if entry.name not in _IGNORED and not entry.name.startswith(".")]
        if len(entries) == 1 and entries[0].is_dir():
            root = entries[0]
            continue
        return root


class CustomModel(Model):
    framework = "custom"

    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.root = model_root(spec.path)
        for entry in (MAC_SHIM_DIR, str(self.root)):  # ends as [root, mac_shim, ...]
            while entry in sys.path:
                sys.path.remove(entry)
            sys.path.insert(0, entry)
        try:
            from mac.config.inference import CustomInferenceConfig
            from mac.exceptions import InferenceDataValidationError
            from mac.inference import Inference
            from mac.inference.creation import InferenceBuilder
        except ImportError as exc:  # pragma: no cover - the shim ships with this package
            raise ModelLoadError(f"model {spec.name!r}: the mac module cannot be imported: {exc}") from exc
        self._validation_error = InferenceDataValidationError

        files = sorted(self.root.glob("*.py"))
        if not files:
            raise ModelLoadError(
                f"model {spec.name!r}: its ZIP has no .py file (expected one defining a subclass of "
                "mac.inference.creation.InferenceBuilder)"
            )
        modules = [self._import(file) for file in files]
        module_names = {module.__name__ for module in modules}

        candidates = []
        for module in modules:
            for value in vars(module).values():
                if (
                    inspect.isclass(value)
                    and issubclass(value, InferenceBuilder)
                    and value is not InferenceBuilder
                    and value.__module__ in module_names
                    and not inspect.isabstract(value)
                    and value not in candidates
                ):
                    candidates.append(value)
        # a builder derived from another builder replaces it
        builders = [c for c in candidates if not any(o is not c and issubclass(o, c) for o in candidates)]
        file_list = ", ".join(file.name for file in files)
        if not builders:
            raise ModelLoadError(
                f"model {spec.name!r}: no concrete subclass of mac.inference.creation.InferenceBuilder "
                f"in {file_list}"
            )
        if len(builders) > 1:
            raise ModelLoadError(
                f"model {spec.name!r}: several InferenceBuilder subclasses "
                f"({', '.join(b.__module__ + '.' + b.__qualname__ for b in builders)}); a model has exactly one"
            )
        builder_class = builders[0]
        self.builder_name = f"{builder_class.__module__}.{builder_class.__qualname__}"
        try:
            config = CustomInferenceConfig(model_path=self.root)
            inference = builder_class().create(config)
        except Exception as exc:
            raise ModelLoadError(
                f"model {spec.name!r}: {builder_class.__qualname__}.create() failed: {type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(inference, Inference):
            raise ModelLoadError(
                f"model {spec.name!r}: {builder_class.__qualname__}.create() returned a "
                f"{type(inference).__name__}, not a mac.inference.Inference"
            )
        self.inference = inference

    def _import(self, file: Path) -> Any:
        name = file.stem
        existing = sys.modules.get(name)
        if existing is not None:  # imported already by another of the model's files, or a name taken
            if _same_file(getattr(existing, "__file__", None), file):
                return existing
            name = "slipway_byop_" + name
        loader_spec = importlib.util.spec_from_file_location(name, str(file))
        if loader_spec is None or loader_spec.loader is None:
            raise ModelLoadError(f"model {self.name!r}: {file.name} cannot be loaded as a Python module")
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[name] = module
        try:
            loader_spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(name, None)
            raise ModelLoadError(
                f"model {self.name!r}: importing {file.name} failed: {type(exc).__name__}: {exc}"
            ) from exc
        return module

    def predict_rows(self, records: List[Dict[str, Any]], columns: List[str]) -> List[Dict[str, Any]]:
        check_same_columns(records, columns)
        input_data: Dict[str, np.ndarray] = {}
        for column in columns:
            values = column_values(records, column)
            input_data[column] = natural_array(profile_column(column, values, allow_ragged=True), values)
        try:
            output = self.inference.predict(input_data)
        except self._validation_error as exc:
            raise InferenceDataError(str(exc)) from exc
        what = f"model {self.name!r}: {type(self.inference).__name__}.predict"
        if isinstance(output, dict) and not all(isinstance(key, str) for key in output):
            raise ModelOutputError(f"{what} returned a dict whose keys are not all strings")
        return result_rows(output, len(records), what)

    def describe(self) -> Dict[str, Any]:
        description = super().describe()
        description["builder"] = self.builder_name
        description["inference"] = f"{type(self.inference).__module__}.{type(self.inference).__qualname__}"
        model = getattr(self.inference, "model", None)
        description["model_type"] = None if model is None else f"{type(model).__module__}.{type(model).__qualname__}"
        return description


def _same_file(a: Any, b: Path) -> bool:
    try:
        return isinstance(a, str) and os.path.samefile(a, str(b))
    except OSError:
        return False
