"""Helpers for the model-runtime tests (Tests/models).

Each model is loaded the way a Slipway model worker loads it: a fresh Python
process (the interpreter running pytest, i.e. .venvs/models) imports
``slipway_models/entry.py`` with ``slipway_worker.loader.load_function`` and the
SLIPWAY_MODEL_* variables set, then calls ``infer(records=...)`` (the inputs as
keyword arguments) and encodes the outputs as the worker does
(``slipway_worker.runner.encode_outputs``). test_worker_protocol.py also runs the
real worker process over its JSON-lines protocol.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[2] / "python"
PYTHON = os.environ.get("SLIPWAY_MODELS_PYTHON", sys.executable)

_HARNESS = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from slipway_worker.errors import describe_exception
from slipway_worker.loader import LoadError, load_function
from slipway_worker.runner import encode_outputs

requests = json.loads(sys.stdin.read())
try:
    infer = load_function(sys.argv[1], "slipway_models/entry.py", "infer")
except LoadError as failure:
    print(json.dumps({"load_error": failure.error}))
    sys.exit(0)
entry = sys.modules[infer.__module__]
answers = []
for request in requests:
    if request == "describe":
        answers.append({"outputs": entry.describe()})
        continue
    try:
        answers.append({"outputs": json.loads(encode_outputs(infer(**request)))})
    except Exception as exc:
        answers.append({"error": describe_exception(exc)})
print(json.dumps({"answers": answers, "modules": sorted(sys.modules)}))
"""


class ModelRun:
    def __init__(self, data: Dict[str, Any]) -> None:
        self.load_error: Optional[Dict[str, str]] = data.get("load_error")
        self.answers: List[Dict[str, Any]] = data.get("answers", [])
        self.modules: List[str] = data.get("modules", [])

    def records(self, index: int = 0) -> List[Dict[str, Any]]:
        answer = self.answers[index]
        assert "error" not in answer, answer["error"]
        outputs = answer["outputs"]
        assert set(outputs) == {"records"}, outputs
        return outputs["records"]

    def error(self, index: int = 0) -> Dict[str, str]:
        answer = self.answers[index]
        assert "error" in answer, f"expected an error, got {answer}"
        return answer["error"]


def run_model(
    framework: str,
    path: Path,
    requests: List[Any],
    name: str = "m",
    extra_env: Optional[Dict[str, str]] = None,
) -> ModelRun:
    """Load the model in a fresh process and run ``requests`` (each a records list, or "describe")."""
    env = dict(os.environ)
    env.update(
        {"SLIPWAY_MODEL_FRAMEWORK": framework, "SLIPWAY_MODEL_PATH": str(path), "SLIPWAY_MODEL_NAME": name}
    )
    env.update(extra_env or {})
    env.pop("PYTHONPATH", None)
    payload = [request if request == "describe" else {"records": request} for request in requests]
    completed = subprocess.run(
        [PYTHON, "-c", _HARNESS, str(PYTHON_DIR)],
        input=json.dumps(payload).encode("utf-8"),
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr.decode("utf-8", "replace")
    lines = completed.stdout.decode("utf-8").strip().splitlines()
    assert lines, completed.stderr.decode("utf-8", "replace")
    return ModelRun(json.loads(lines[-1]))


@pytest.fixture
def python_dir() -> Path:
    return PYTHON_DIR
