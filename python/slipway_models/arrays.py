"""numpy arrays from checked columns, and JSON values from model outputs.

Imported by the framework adapters only (it needs numpy).
"""

from __future__ import annotations

import datetime
import decimal
import math
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from slipway_models.errors import InferenceDataError, ModelOutputError
from slipway_models.records import Column, shape_text

_NATURAL = {
    "int": np.int64,
    "float": np.float64,
    "bool": np.bool_,
}


def natural_array(column: Column, values: Sequence[Any]) -> np.ndarray:
    """The column as one array: rows stacked on axis 0, in the type its values have.

    Numbers are int64 (float64 when a float or null is present, null -> NaN),
    booleans bool, strings and anything else object arrays. A ragged column (only
    possible with ``allow_ragged``) is a 1-D object array of per-row arrays.
    """
    if column.shape is None:
        array = np.empty(len(values), dtype=object)
        for index, value in enumerate(values):
            try:
                array[index] = np.asarray(value, dtype=_NATURAL.get(column.kind, object))
            except (ValueError, TypeError):
                array[index] = value
        return array
    dtype = _NATURAL.get(column.kind, object)
    return _build(column, values, dtype)


def _build(column: Column, values: Sequence[Any], dtype: Any) -> np.ndarray:
    assert column.shape is not None
    if dtype is object:
        array = np.empty((len(values),) + tuple(column.shape), dtype=object)
        if column.shape == ():
            for index, value in enumerate(values):
                array[index] = value
        else:
            array[...] = _object_grid(values, column.shape)
        return array
    return np.array(values, dtype=dtype).reshape((len(values),) + tuple(column.shape))


def _object_grid(values: Sequence[Any], shape: Sequence[int]) -> np.ndarray:
    grid = np.empty((len(values),) + tuple(shape), dtype=object)
    for index, value in enumerate(values):
        grid[index] = np.array(value, dtype=object).reshape(tuple(shape))
    return grid


def typed_array(column: Column, values: Sequence[Any], dtype: Any, target: str) -> np.ndarray:
    """The column as an array of ``dtype`` (a numpy type, or ``object`` for strings).

    ``target`` names what the array is for (``"model input 'x' (tensor(float))"``) in
    messages. Numbers convert between int and float types (a float with a fraction is
    refused for an integer type; null becomes NaN for float types only); booleans and
    strings must be what the target takes.
    """
    if column.rows == 0:
        return np.empty((0,) + tuple(column.shape or ()), dtype=dtype)
    kind = column.kind
    if column.shape is None:
        raise InferenceDataError(f"column {column.name!r} is ragged; the {target} takes a tensor")
    np_dtype = np.dtype(dtype)
    if kind == "empty":
        return np.zeros((column.rows,) + tuple(column.shape), dtype=np_dtype)
    if np_dtype == np.dtype(object) or np_dtype.kind in "US":
        if kind != "str":
            raise _wrong_type(column, kind, target, "strings")
        _refuse_null(column, target)
        return _build(column, values, object)
    if np_dtype.kind == "b":
        if kind != "bool":
            raise _wrong_type(column, kind, target, "booleans")
        _refuse_null(column, target)
        return _build(column, values, np.bool_)
    if kind not in ("int", "float"):
        raise _wrong_type(column, kind, target, "numbers")
    if np_dtype.kind == "f":
        return np.array(values, dtype=np.float64).reshape((column.rows,) + tuple(column.shape)).astype(np_dtype, copy=False)
    # integer target
    _refuse_null(column, target)
    if kind == "float":
        as_float = np.array(values, dtype=np.float64).reshape((column.rows,) + tuple(column.shape))
        fractional = np.mod(as_float, 1) != 0
        if fractional.any():
            row = int(np.argwhere(fractional)[0][0])
            raise InferenceDataError(
                f"column {column.name!r}: row {row} holds a number with a fraction; the {target} takes integers"
            )
        return as_float.astype(np_dtype)
    try:
        return np.array(values, dtype=np_dtype).reshape((column.rows,) + tuple(column.shape))
    except OverflowError:
        raise InferenceDataError(
            f"column {column.name!r} holds an integer out of the range of the {target}"
        ) from None


def _refuse_null(column: Column, target: str) -> None:
    if column.null_row >= 0:
        raise InferenceDataError(f"column {column.name!r}: row {column.null_row} is null; the {target} takes no nulls")


def _wrong_type(column: Column, kind: str, target: str, wanted: str) -> InferenceDataError:
    words = {"int": "numbers", "float": "numbers", "bool": "booleans", "str": "strings",
             "object": "objects", "null": "nulls"}
    row = min(column.kind_rows.values()) if column.kind_rows else column.null_row
    return InferenceDataError(
        f"column {column.name!r} holds {words.get(kind, kind)} (row {max(row, 0)}); the {target} takes {wanted}"
    )


# -- outputs -------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """A JSON value for ``value``: numpy scalars and arrays become Python numbers and lists.

    Floats stay floats (float32 values as their shortest decimal form, 0.99300325,
    not 0.9930032491683960); NaN and infinities become None; tuples and sets become
    lists; dates become ISO strings. Anything else without a JSON form is a TypeError.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return array_to_json(value)
    if isinstance(value, np.generic):
        return array_to_json(np.asarray(value))
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return to_jsonable(float(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if _is_missing(value):
        return None
    tolist = getattr(value, "tolist", None)  # pandas / arrow arrays
    if callable(tolist):
        return to_jsonable(tolist())
    to_pylist = getattr(value, "to_pylist", None)
    if callable(to_pylist):
        return to_jsonable(to_pylist())
    isoformat = getattr(value, "isoformat", None)  # pandas Timestamp
    if callable(isoformat):
        return isoformat()
    raise TypeError(f"a {type(value).__module__}.{type(value).__name__} has no JSON form")


def _is_missing(value: Any) -> bool:
    try:
        import pandas  # only if the environment has it; never required
    except ImportError:
        return False
    try:
        return value is pandas.NA or value is pandas.NaT
    except Exception:
        return False


def array_to_json(array: np.ndarray) -> Any:
    """The nested list (or scalar, for 0-d arrays) of an array, JSON-ready."""
    kind = array.dtype.kind
    if kind == "f":
        if array.dtype.itemsize < 8:
            # shortest decimal form of each float32/float16 value, read back as a double
            values = array.astype(str).astype(np.float64)
        else:
            values = array
        finite = np.isfinite(values)
        result = values.tolist()
        if not finite.all():
            result = _replace_non_finite(result)
        return result
    if kind in "iub":
        return array.tolist()
    if kind == "c":
        raise TypeError("complex numbers have no JSON form")
    if kind in "US":
        return array.astype(str).tolist() if kind == "S" else array.tolist()
    if kind in "mM":
        return np.datetime_as_string(array).tolist() if kind == "M" else array.astype(str).tolist()
    return _object_list(array)


def _object_list(array: np.ndarray) -> Any:
    if array.ndim == 0:
        return to_jsonable(array.item())
    return [to_jsonable(item) for item in array]


def _replace_non_finite(value: Any) -> Any:
    if isinstance(value, list):
        return [_replace_non_finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def output_rows(name: str, value: Any, rows: int, flatten: bool, what: str) -> List[Any]:
    """One JSON value per input row from an output with the rows on axis 0.

    With ``flatten`` each row's value is a flat list (``[0.993]`` for a (N, 1) output,
    as Wallaroo returns ONNX outputs). ModelOutputError if the row count differs.
    """
    if isinstance(value, np.ndarray):
        if value.ndim == 0 or value.shape[0] != rows:
            if rows == 1 and flatten:
                return [array_to_json(value.reshape(-1))]
            got = "a scalar" if value.ndim == 0 else f"{value.shape[0]} rows (shape {shape_text(value.shape)})"
            raise ModelOutputError(
                f"{what}: output {name!r} has {got} for {rows} input rows; a model returns one output row per input row"
            )
        if flatten:
            value = value.reshape(rows, -1)
        return list(array_to_json(value)) if value.dtype != object else [to_jsonable(item) for item in value]
    if isinstance(value, (list, tuple)):
        if len(value) != rows:
            raise ModelOutputError(
                f"{what}: output {name!r} has {len(value)} rows for {rows} input rows; "
                "a model returns one output row per input row"
            )
        converted = [to_jsonable(item) for item in value]
        if flatten:
            converted = [_flat(item) for item in converted]
        return converted
    if rows == 1:
        converted = to_jsonable(value)
        return [_flat(converted) if flatten else converted]
    raise ModelOutputError(f"{what}: output {name!r} is a {type(value).__name__}, not one value per input row")


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        flat: List[Any] = []
        _flatten_into(value, flat)
        return flat
    if isinstance(value, dict):
        return value
    return [value]


def _flatten_into(value: List[Any], out: List[Any]) -> None:
    for item in value:
        if isinstance(item, list):
            _flatten_into(item, out)
        else:
            out.append(item)


def result_rows(result: Any, rows: int, what: str) -> List[Dict[str, Any]]:
    """Output rows from what a Python model returned.

    Accepted: a pandas DataFrame, a list of row dicts, a dict of columns (each a
    list/array/Series with one value per row; scalars are repeated, as pandas does;
    a dict of scalars only is one row), a numpy array (column ``output``), or an
    Arrow table. ModelOutputError if the result is none of these or its row count
    is not ``rows``.
    """
    table: Optional[List[Dict[str, Any]]] = None
    if result is None:
        raise ModelOutputError(f"{what} returned None; it must return the output rows")
    if _is_dataframe(result):
        columns = [str(c) for c in result.columns]
        data = {c: result[col].to_numpy() for c, col in zip(columns, result.columns)}
        table = _columns_to_rows(data, len(result.index), what)
    elif hasattr(result, "to_pylist") and hasattr(result, "schema"):  # pyarrow Table / RecordBatch
        table = [{str(k): to_jsonable(v) for k, v in row.items()} for row in result.to_pylist()]
    elif isinstance(result, np.ndarray):
        count = 1 if result.ndim == 0 else result.shape[0]
        table = _columns_to_rows({"output": result}, count, what)
    elif isinstance(result, dict):
        table = _dict_rows(result, what)
    elif isinstance(result, (list, tuple)):
        table = []
        for index, row in enumerate(result):
            if not isinstance(row, dict):
                raise ModelOutputError(
                    f"{what} returned a list whose item {index} is a {type(row).__name__}; "
                    "a list result must hold one dict (column -> value) per row"
                )
            table.append({str(k): to_jsonable(v) for k, v in row.items()})
    if table is None:
        raise ModelOutputError(
            f"{what} returned a {type(result).__name__}; return a DataFrame, a list of row dicts or a dict of columns"
        )
    if len(table) != rows:
        raise ModelOutputError(
            f"{what} returned {len(table)} rows for {rows} input rows; a model returns one output row per input row"
        )
    return table


def _is_dataframe(value: Any) -> bool:
    cls = type(value)
    return cls.__name__ == "DataFrame" and cls.__module__.startswith("pandas")


def _is_column(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.ndim > 0
    if isinstance(value, (list, tuple)):
        return True
    cls = type(value)
    return cls.__name__ == "Series" and cls.__module__.startswith("pandas")


def _dict_rows(result: Dict[Any, Any], what: str) -> List[Dict[str, Any]]:
    lengths = {len(v) for v in result.values() if _is_column(v)}
    if not lengths:
        return [{str(k): to_jsonable(v) for k, v in result.items()}]
    if len(lengths) > 1:
        raise ModelOutputError(
            f"{what} returned a dict of columns of different lengths ({', '.join(map(str, sorted(lengths)))})"
        )
    count = lengths.pop()
    data = {}
    for key, value in result.items():
        if _is_column(value):
            data[str(key)] = value.to_numpy() if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray) else value
        else:
            data[str(key)] = [value] * count
    return _columns_to_rows(data, count, what)


def _columns_to_rows(data: Dict[str, Any], count: int, what: str) -> List[Dict[str, Any]]:
    converted = {}
    for name, column in data.items():
        if isinstance(column, np.ndarray):
            if column.ndim == 0:
                column = column.reshape(1)
            converted[name] = array_to_json(column) if column.dtype != object else [to_jsonable(v) for v in column]
        else:
            converted[name] = [to_jsonable(v) for v in column]
    names = list(converted)
    return [{name: converted[name][index] for name in names} for index in range(count)]
