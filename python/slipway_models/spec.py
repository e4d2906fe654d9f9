"""Which model to serve: read from the environment (standard library only)."""

from __future__ import annotations

import os
from typing import Mapping, NamedTuple, Optional

from slipway_models import FRAMEWORKS
from slipway_models.errors import ModelLoadError

FRAMEWORK_VARIABLE = "SLIPWAY_MODEL_FRAMEWORK"
PATH_VARIABLE = "SLIPWAY_MODEL_PATH"
NAME_VARIABLE = "SLIPWAY_MODEL_NAME"

# Spellings accepted besides Wallaroo's framework strings.
_ALIASES = {
    "scikit-learn": "sklearn",
    "byop": "custom",
    "python-step": "python",
}


class ModelSpec(NamedTuple):
    framework: str
    path: str
    name: str


def normalize_framework(value: str) -> Optional[str]:
    """``onnx`` for ``ONNX``, ``Framework.ONNX`` or `` onnx ``; None if not supported."""
    text = value.strip().lower()
    if text.startswith("framework."):
        text = text[len("framework."):].replace("_", "-")
    text = _ALIASES.get(text, text)
    return text if text in FRAMEWORKS else None


def spec_from_environment(environ: Optional[Mapping[str, str]] = None) -> ModelSpec:
    """The model named by the SLIPWAY_MODEL_* variables; ModelLoadError if they are unusable."""
    env = os.environ if environ is None else environ
    name = env.get(NAME_VARIABLE, "").strip() or "model"
    raw_framework = env.get(FRAMEWORK_VARIABLE, "")
    if not raw_framework.strip():
        raise ModelLoadError(
            f"model {name!r}: {FRAMEWORK_VARIABLE} is not set (one of: {', '.join(FRAMEWORKS)})"
        )
    framework = normalize_framework(raw_framework)
    if framework is None:
        raise ModelLoadError(
            f"model {name!r}: framework {raw_framework.strip()!r} has no runtime here "
            f"(supported: {', '.join(FRAMEWORKS)})"
        )
    path = env.get(PATH_VARIABLE, "")
    if not path:
        raise ModelLoadError(f"model {name!r}: {PATH_VARIABLE} is not set")
    path = os.path.abspath(path)
    if not os.path.exists(path):
        raise ModelLoadError(f"model {name!r}: its artifact {path!r} does not exist")
    if framework in ("custom", "mlflow"):
        if not os.path.isdir(path):
            raise ModelLoadError(
                f"model {name!r}: a {framework} model's path must be the folder its ZIP was unpacked into, "
                f"{path!r} is not a folder"
            )
    elif not os.path.isfile(path):
        raise ModelLoadError(f"model {name!r}: its artifact {path!r} is not a file")
    return ModelSpec(framework=framework, path=path, name=name)
