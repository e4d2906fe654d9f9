"""A model served by the real worker process (python -m slipway_worker), as the Swift side starts it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List

from conftest import PYTHON, PYTHON_DIR
from onnx_models import dense_model
from test_onnx import SEED_ROW


def _serve(model: Path, requests: List[Dict[str, Any]], max_parallel: int = 1) -> List[Dict[str, Any]]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.update({"SLIPWAY_MODEL_FRAMEWORK": "onnx", "SLIPWAY_MODEL_PATH": str(model), "SLIPWAY_MODEL_NAME": "ccfraud"})
    lines = "".join(json.dumps(r) + "\n" for r in requests) + json.dumps({"type": "shutdown"}) + "\n"
    completed = subprocess.run(
        [
            PYTHON, "-m", "slipway_worker",
            "--code-dir", str(PYTHON_DIR),
            "--function-path", "slipway_models/entry.py",
            "--function-name", "infer",
            "--mode", "resident",
            "--max-parallel", str(max_parallel),
        ],
        input=lines.encode(), capture_output=True, env=env, cwd=str(PYTHON_DIR), timeout=120,
    )
    return [json.loads(line) for line in completed.stdout.decode().splitlines() if line.strip()]


def test_worker_serves_an_onnx_model(tmp_path: Path) -> None:
    model = dense_model(tmp_path / "ccfraud.onnx")
    messages = _serve(
        model,
        [
            {"type": "execute", "execution_id": "ok", "inputs": {"records": [{"tensor": SEED_ROW}] * 4}},
            {"type": "execute", "execution_id": "bad", "inputs": {"records": [{"tensor": SEED_ROW[:3]}]}},
        ],
        max_parallel=2,
    )
    assert messages[0]["type"] == "ready"
    outcomes = {m["execution_id"]: m for m in messages if m["type"] in ("result", "error")}
    records = outcomes["ok"]["outputs"]["records"]
    assert len(records) == 4 and len({json.dumps(r) for r in records}) == 1
    assert set(records[0]) == {"dense_1"}
    error = outcomes["bad"]["error"]
    assert error["type"] == "InferenceDataError"
    assert "'tensor'" in error["message"]


def test_worker_reports_a_broken_model_as_a_load_error(tmp_path: Path) -> None:
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"not an onnx file at all")
    messages = _serve(model, [])
    [load_error] = [m for m in messages if m["type"] == "load_error"]
    assert load_error["error"]["type"] == "ModelLoadError"
    assert load_error["error"]["message"].startswith("model 'ccfraud' is not a valid ONNX file: ")
