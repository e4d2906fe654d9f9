"""Checks of pandas-records requests (standard library only).

A request is a list of rows, each a dict column -> JSON value. The Wallaroo data
rules (§7.3) are checked here, before any array is built, so that every message
can name the column and the row (0-based):

* every row has the columns the model reads;
* every element of a tensor column has the same shape (no ragged rows);
* one type per column: numbers (ints and floats mix, null is a missing number),
  booleans or strings, never two of these.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from slipway_models.errors import InferenceDataError

Shape = Tuple[int, ...]

_KIND_NAMES = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    type(None): "null",
}
_KIND_WORDS = {
    "bool": "booleans",
    "number": "numbers",
    "str": "strings",
    "object": "objects",
}


class _Ragged(Exception):
    pass


def check_records(records: Any) -> List[str]:
    """The column names of ``records`` in first-seen order; InferenceDataError if it is no list of objects."""
    if not isinstance(records, list):
        raise InferenceDataError(
            "the request must be a JSON array of row objects (pandas-records), "
            f"got {_json_type(records)}"
        )
    seen: Dict[str, None] = {}
    for index, row in enumerate(records):
        if not isinstance(row, dict):
            raise InferenceDataError(f"row {index} is {_json_type(row)}, not an object of column values")
        for key in row:
            if key not in seen:
                seen[key] = None
    return list(seen)


def check_same_columns(records: Sequence[Dict[str, Any]], columns: Sequence[str]) -> None:
    """InferenceDataError naming the first row whose columns differ from row 0's (equal rows rule)."""
    if not records or len(records[0]) == len(columns) and all(len(row) == len(columns) for row in records):
        return
    first = set(records[0])
    for index, row in enumerate(records):
        if set(row) != first:
            extra = sorted(set(row) - first)
            lacking = sorted(first - set(row))
            if extra:
                detail = f"row {index} has column {extra[0]!r}, which row 0 does not have"
            else:
                detail = f"column {lacking[0]!r} is missing in row {index}"
            raise InferenceDataError(f"{detail}: every row must have the same columns")


def first_row_with(records: Sequence[Dict[str, Any]], column: str) -> int:
    """Index of the first row that has ``column`` (-1 if none)."""
    for index, row in enumerate(records):
        if column in row:
            return index
    return -1


def column_values(records: Sequence[Dict[str, Any]], column: str) -> List[Any]:
    """The values of ``column``, one per row; InferenceDataError naming the first row without it."""
    try:
        return [row[column] for row in records]
    except KeyError:
        pass
    for index, row in enumerate(records):
        if column not in row:
            if index == 0 and first_row_with(records, column) < 0:
                raise InferenceDataError(f"missing input column {column!r} (row 0)") from None
            raise InferenceDataError(
                f"column {column!r} is missing in row {index}: every row must have the same columns"
            ) from None
    raise AssertionError("unreachable")


class Column:
    """What the rows of one column hold.

    ``shape`` is the shape of each row's value (``()`` for scalars), or None when the
    column is ragged (only with ``allow_ragged``). ``kind`` is ``"int"``, ``"float"``,
    ``"bool"``, ``"str"``, ``"object"`` (dicts or other values), ``"null"`` (only nulls) or
    ``"empty"`` (only empty lists). ``null_row`` is the first row holding a null, or -1.
    """

    __slots__ = ("name", "rows", "shape", "kind", "null_row", "kind_rows")

    def __init__(self, name: str, rows: int, shape: Optional[Shape], kind: str, null_row: int, kind_rows: Dict[str, int]):
        self.name = name
        self.rows = rows
        self.shape = shape
        self.kind = kind
        self.null_row = null_row
        self.kind_rows = kind_rows

    @property
    def is_scalar(self) -> bool:
        return self.shape == ()

    def __repr__(self) -> str:
        return f"Column({self.name!r}, rows={self.rows}, shape={self.shape}, kind={self.kind!r})"


def profile_column(name: str, values: Sequence[Any], allow_ragged: bool = False) -> Column:
    """Shape and kind of a column's values; InferenceDataError on ragged rows or mixed types."""
    first_shape: Optional[Shape] = None
    ragged = False
    kind_rows: Dict[type, int] = {}
    for index, value in enumerate(values):
        try:
            shape, types = _scan(value)
        except _Ragged:
            if not allow_ragged:
                raise InferenceDataError(
                    f"column {name!r}: row {index} is a ragged array (nested lists of different lengths); "
                    "every element of a tensor column must have the same shape"
                ) from None
            ragged = True
            types = _leaf_types(value)
        else:
            if first_shape is None:
                first_shape = shape
            elif shape != first_shape and not ragged:
                if not allow_ragged:
                    raise InferenceDataError(
                        f"column {name!r}: row {index} has shape {_shape_text(shape)} but row 0 has shape "
                        f"{_shape_text(first_shape)}; ragged tensors are not supported, every element of a "
                        "column must have the same shape (send ragged data to a custom model)"
                    )
                ragged = True
        for leaf in types:
            if leaf not in kind_rows:
                kind_rows[leaf] = index
    kind, rows_by_kind, null_row = _classify(name, kind_rows)
    return Column(name, len(values), None if ragged else (first_shape or ()), kind, null_row, rows_by_kind)


def _scan(value: Any) -> Tuple[Shape, Any]:
    """(shape, leaf types) of a JSON value; _Ragged if nested lists differ in length."""
    if type(value) is list or type(value) is tuple:
        count = len(value)
        if count == 0:
            return (0,), ()
        types = set(map(type, value))
        if list not in types and tuple not in types:
            return (count,), types
        if len(types - {list, tuple}) > 0:
            raise _Ragged()
        inner: Optional[Shape] = None
        leaves: set = set()
        for item in value:
            shape, item_types = _scan(item)
            if inner is None:
                inner = shape
            elif shape != inner:
                raise _Ragged()
            leaves.update(item_types)
        assert inner is not None
        return (count,) + inner, leaves
    return (), (type(value),)


def _leaf_types(value: Any) -> set:
    if type(value) is list or type(value) is tuple:
        leaves: set = set()
        for item in value:
            leaves.update(_leaf_types(item))
        return leaves
    return {type(value)}


def _classify(name: str, kind_rows: Dict[type, int]) -> Tuple[str, Dict[str, int], int]:
    rows: Dict[str, int] = {}
    for leaf, row in kind_rows.items():
        kind = _KIND_NAMES.get(leaf, "object")
        if kind not in rows or row < rows[kind]:
            rows[kind] = row
    null_row = rows.pop("null", -1)
    groups: Dict[str, int] = {}
    for kind, row in rows.items():
        group = "number" if kind in ("int", "float") else kind
        if group not in groups or row < groups[group]:
            groups[group] = row
    if len(groups) > 1:
        (a, row_a), (b, row_b) = sorted(groups.items(), key=lambda item: (item[1], item[0]))[:2]
        raise InferenceDataError(
            f"column {name!r} mixes {_KIND_WORDS[a]} (row {row_a}) and {_KIND_WORDS[b]} (row {row_b}); "
            "all values of a column must have one type"
        )
    if not groups:
        kind = "null" if null_row >= 0 else "empty"
    elif "number" in groups:
        kind = "float" if "float" in rows or null_row >= 0 else "int"
    else:
        kind = next(iter(groups))
    return kind, rows, null_row


def _shape_text(shape: Shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def shape_text(shape: Optional[Sequence[Any]]) -> str:
    if shape is None:
        return "ragged"
    return _shape_text(tuple(shape))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"
