"""Until an adapter is chosen, slipway_models imports the standard library only (the worker rule)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import PYTHON, PYTHON_DIR

HEAVY = ["numpy", "pandas", "onnxruntime", "onnx", "sklearn", "scipy", "xgboost", "joblib", "pyarrow"]

_PROBE = textwrap.dedent(
    r"""
    import importlib.abc, json, sys

    HEAVY = set(json.loads(sys.argv[2]))

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in HEAVY:
                raise ImportError(f"blocked import of {name}")
            return None

    sys.meta_path.insert(0, Block())
    sys.path.insert(0, sys.argv[1])
    import slipway_models, slipway_models.errors, slipway_models.records, slipway_models.spec, slipway_models.runtime
    from slipway_models.records import check_records, column_values, profile_column
    check_records([{"a": [1.0, 2.0]}])
    profile_column("a", [[1.0, 2.0], [3, 4]])

    from slipway_worker.loader import LoadError, load_function
    try:
        load_function(sys.argv[1], "slipway_models/entry.py", "infer")
    except LoadError as failure:
        error = failure.error
    else:
        error = None
    stdlib = set(sys.stdlib_module_names) if hasattr(sys, "stdlib_module_names") else None
    outside = sorted(
        name for name in sys.modules
        if stdlib is not None and name.split(".")[0] not in stdlib
        and name.split(".")[0] not in ("slipway_models", "slipway_worker", "__main__", "_virtualenv")
        and not name.startswith("_")
    )
    print(json.dumps({"error": error, "outside": outside,
                      "heavy": sorted(n for n in sys.modules if n.split(".")[0] in HEAVY)}))
    """
)


def _probe(env_update):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLIPWAY_MODEL_")}
    env.pop("PYTHONPATH", None)
    env.update(env_update)
    completed = subprocess.run(
        [PYTHON, "-c", _PROBE, str(PYTHON_DIR), json.dumps(HEAVY)], capture_output=True, env=env, timeout=60
    )
    assert completed.returncode == 0, completed.stderr.decode()
    return json.loads(completed.stdout.decode().strip().splitlines()[-1])


def test_package_imports_with_the_standard_library_only() -> None:
    result = _probe({})
    assert result["heavy"] == []
    assert result["outside"] == []
    assert result["error"]["type"] == "ModelLoadError"
    assert "SLIPWAY_MODEL_FRAMEWORK is not set" in result["error"]["message"]


def test_a_missing_framework_library_is_a_clear_load_error(tmp_path: Path) -> None:
    model = tmp_path / "m.onnx"
    model.write_bytes(b"\x08\x08")
    result = _probe({"SLIPWAY_MODEL_FRAMEWORK": "onnx", "SLIPWAY_MODEL_PATH": str(model), "SLIPWAY_MODEL_NAME": "m"})
    assert result["error"]["type"] == "ModelLoadError"
    message = result["error"]["message"]
    assert message.startswith("model 'm': the onnx runtime cannot start in this environment")
    assert "requirements/onnx.txt" in message
