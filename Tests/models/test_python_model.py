"""The python runtime: a script defining wallaroo_json(data: pandas.DataFrame)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import run_model


def _script(tmp_path: Path, body: str, name: str = "step.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def test_seed_post_processing_step(tmp_path: Path) -> None:
    # The seed's example, verbatim (it prints the DataFrame: that is a log line, not output).
    path = _script(
        tmp_path,
        """
        import pandas as pd

        def wallaroo_json(data: pd.DataFrame):
            print(data)
            return [{"output": [data["dense_2"].to_list()[0][0]]}]
        """,
    )
    run = run_model("python", path, [[{"dense_2": [12.886651039123535]}]])
    assert run.records() == [{"output": [12.886651039123535]}]


def test_dataframe_and_dict_results_one_row_per_input_row(tmp_path: Path) -> None:
    frame = _script(
        tmp_path,
        """
        import numpy as np

        def wallaroo_json(data):
            out = data.copy()
            out["doubled"] = data["x"] * 2
            out["ratio"] = np.float32(0.5) * data["x"]
            out["vector"] = [np.array([v, v + 1]) for v in data["x"]]
            out["missing"] = np.nan
            return out[["doubled", "ratio", "vector", "missing", "label"]]
        """,
        "frame.py",
    )
    records = [{"x": 1, "label": "a"}, {"x": 2.5, "label": "b"}, {"x": -3, "label": "c"}]
    run = run_model("python", frame, [records])
    assert run.records() == [
        {"doubled": 2.0, "ratio": 0.5, "vector": [1.0, 2.0], "missing": None, "label": "a"},
        {"doubled": 5.0, "ratio": 1.25, "vector": [2.5, 3.5], "missing": None, "label": "b"},
        {"doubled": -6.0, "ratio": -1.5, "vector": [-3.0, -2.0], "missing": None, "label": "c"},
    ]
    columns = _script(
        tmp_path,
        """
        def wallaroo_json(data):
            return {"n": data["x"].to_numpy() + 1, "tag": "same"}
        """,
        "columns.py",
    )
    run = run_model("python", columns, [[{"x": 1}, {"x": 2}]])
    assert run.records() == [{"n": 2, "tag": "same"}, {"n": 3, "tag": "same"}]


def test_wrong_row_count_is_an_error(tmp_path: Path) -> None:
    path = _script(
        tmp_path,
        """
        def wallaroo_json(data):
            return [{"output": [data["dense_2"].to_list()[0][0]]}]
        """,
    )
    run = run_model("python", path, [[{"dense_2": [1.0]}, {"dense_2": [2.0]}]])
    error = run.error()
    assert error["type"] == "ModelOutputError"
    assert "1 rows for 2 input rows" in error["message"]


def test_exceptions_from_the_script_are_failures_with_a_traceback(tmp_path: Path) -> None:
    path = _script(
        tmp_path,
        """
        def wallaroo_json(data):
            return data["nope"]
        """,
    )
    error = run_model("python", path, [[{"x": 1}]]).error()
    assert error["type"] == "KeyError"
    assert "step.py" in error["traceback"]


def test_script_load_errors(tmp_path: Path) -> None:
    none = _script(tmp_path, "def predict(data):\n    return data\n", "none.py")
    run = run_model("python", none, [[]], name="post")
    assert run.load_error is not None and run.load_error["type"] == "ModelLoadError"
    assert "model 'post'" in run.load_error["message"] and "wallaroo_json" in run.load_error["message"]
    broken = _script(tmp_path, "def wallaroo_json(data):\n    return (\n", "broken.py")
    run = run_model("python", broken, [[]], name="post")
    assert run.load_error is not None and "SyntaxError" in run.load_error["message"]
