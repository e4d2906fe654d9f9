"""``onnx`` models, run with onnxruntime.

Columns map to graph inputs by name; a graph with one input takes a request with
one column whatever the column's name (Wallaroo's ccfraud sends ``tensor`` to a
graph input named ``dense_input``). The rows of a column are stacked into one
tensor of the input's element type. Each output row is the flattened row of the
graph output (``{"dense_1": [0.993]}``). A graph with a fixed batch of 1 runs
row by row.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import onnxruntime

from slipway_models.arrays import output_rows, typed_array
from slipway_models.errors import InferenceDataError, ModelLoadError
from slipway_models.records import check_same_columns, column_values, first_row_with, profile_column, shape_text
from slipway_models.runtime import Model

_ELEMENT_TYPES = {
    "tensor(float)": np.float32,
    "tensor(double)": np.float64,
    "tensor(float16)": np.float16,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(int16)": np.int16,
    "tensor(int8)": np.int8,
    "tensor(uint64)": np.uint64,
    "tensor(uint32)": np.uint32,
    "tensor(uint16)": np.uint16,
    "tensor(uint8)": np.uint8,
    "tensor(bool)": np.bool_,
    "tensor(string)": object,
}


class _Input:
    def __init__(self, arg: Any) -> None:
        self.name: str = arg.name
        self.type: str = arg.type
        self.shape: List[Any] = list(arg.shape) if arg.shape is not None else []
        self.dtype = _ELEMENT_TYPES.get(self.type)
        first = self.shape[0] if self.shape else 1
        #: fixed batch size, or None when the first dimension is dynamic
        self.batch: Optional[int] = first if isinstance(first, int) and first > 0 else None
        self.rank0 = not self.shape
        self.row_dims: List[Any] = self.shape[1:]

    def describe(self) -> Dict[str, Any]:
        return {"name": self.name, "type": self.type, "shape": [_dim(d) for d in self.shape]}


def _dim(dim: Any) -> Any:
    return dim if isinstance(dim, int) and dim >= 0 else (dim if isinstance(dim, str) else None)


class OnnxModel(Model):
    framework = "onnx"

    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only: warnings about unused initialisers are noise here
        threads = os.environ.get("SLIPWAY_MODEL_THREADS", "").strip()
        if threads.isdigit() and int(threads) > 0:
            options.intra_op_num_threads = int(threads)
            options.inter_op_num_threads = 1
        try:
            self.session = onnxruntime.InferenceSession(
                spec.path, sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelLoadError(f"model {spec.name!r} is not a valid ONNX file: {reason}") from exc
        self.inputs = [_Input(arg) for arg in self.session.get_inputs()]
        self.outputs = [(arg.name, arg.type, list(arg.shape or [])) for arg in self.session.get_outputs()]
        self.output_names = [name for name, _, _ in self.outputs]
        for item in self.inputs:
            if item.dtype is None:
                raise ModelLoadError(
                    f"model {spec.name!r}: graph input {item.name!r} is a {item.type}; "
                    "only tensor inputs are supported"
                )
        if not self.inputs:
            raise ModelLoadError(f"model {spec.name!r}: the ONNX graph has no inputs")
        self._row_by_row = any(item.rank0 or item.batch == 1 for item in self.inputs)
        fixed = {item.batch for item in self.inputs if item.batch not in (None, 1)}
        self._fixed_batch = fixed.pop() if len(fixed) == 1 else None

    # -- inference -----------------------------------------------------------------

    def _bind(self, records: List[Dict[str, Any]], columns: List[str]) -> Dict[str, str]:
        """graph input name -> request column."""
        check_same_columns(records, columns)
        names = [item.name for item in self.inputs]
        if len(names) == 1 and len(columns) == 1:
            return {names[0]: columns[0]}
        for name in names:
            if name not in columns:
                raise InferenceDataError(
                    f"missing input column {name!r} (row 0): the model's inputs are {_names(names)}, "
                    f"the request has columns {_names(columns)}"
                )
        for column in columns:
            if column not in names:
                raise InferenceDataError(
                    f"unknown column {column!r} (row {max(first_row_with(records, column), 0)}): "
                    f"the model's inputs are {_names(names)}"
                )
        return {name: name for name in names}

    def _tensor(self, item: _Input, column: str, records: List[Dict[str, Any]]) -> np.ndarray:
        values = column_values(records, column)
        profile = profile_column(column, values)
        target = f"model input {item.name!r} ({item.type})"
        array = typed_array(profile, values, item.dtype, target)
        if item.rank0:
            if profile.shape not in ((), (1,)):
                raise InferenceDataError(
                    f"column {column!r}: row 0 has shape {shape_text(profile.shape)}; the {target} takes a scalar"
                )
            return array.reshape(len(values))
        row_shape = tuple(array.shape[1:])
        dims = item.row_dims
        if len(row_shape) == len(dims) and all(
            not isinstance(d, int) or d < 0 or d == s for d, s in zip(dims, row_shape)
        ):
            return array
        if all(isinstance(d, int) and d >= 0 for d in dims) and int(np.prod(dims, dtype=np.int64)) == int(
            np.prod(row_shape, dtype=np.int64)
        ):
            return array.reshape((len(values),) + tuple(dims))  # e.g. a scalar per row for a (N, 1) input
        raise InferenceDataError(
            f"column {column!r}: row 0 has shape {shape_text(row_shape)} but the {target} takes "
            f"{shape_text([_dim(d) for d in dims])} per row"
        )

    def predict_rows(self, records: List[Dict[str, Any]], columns: List[str]) -> List[Dict[str, Any]]:
        rows = len(records)
        binding = self._bind(records, columns)
        feeds = {item.name: self._tensor(item, binding[item.name], records) for item in self.inputs}
        what = f"model {self.name!r}"
        if self._row_by_row and rows > 1:
            per_row = [
                self._run(
                    {
                        item.name: feeds[item.name][i] if item.rank0 else feeds[item.name][i : i + 1]
                        for item in self.inputs
                    }
                )
                for i in range(rows)
            ]
            result_columns = {
                name: [value for part in per_row for value in output_rows(name, part[name], 1, True, what)]
                for name in self.output_names
            }
        else:
            if self._row_by_row:
                feeds = {
                    item.name: feeds[item.name].reshape(()) if item.rank0 else feeds[item.name]
                    for item in self.inputs
                }
            if self._fixed_batch is not None and rows != self._fixed_batch:
                raise InferenceDataError(
                    f"the model takes batches of exactly {self._fixed_batch} rows, the request has {rows}"
                )
            outputs = self._run(feeds)
            result_columns = {name: output_rows(name, outputs[name], rows, True, what) for name in self.output_names}
        return [{name: result_columns[name][i] for name in self.output_names} for i in range(rows)]

    def _run(self, feeds: Dict[str, np.ndarray]) -> Dict[str, Any]:
        values = self.session.run(None, feeds)
        return dict(zip(self.output_names, values))

    def describe(self) -> Dict[str, Any]:
        description = super().describe()
        description["inputs"] = [item.describe() for item in self.inputs]
        description["outputs"] = [
            {"name": name, "type": type_, "shape": [_dim(d) for d in shape]} for name, type_, shape in self.outputs
        ]
        meta = self.session.get_modelmeta()
        description["producer"] = meta.producer_name or None
        return description


def _names(names: Sequence[str]) -> str:
    return ", ".join(repr(name) for name in names) if names else "(none)"
