"""Generates ArrowFixtures.swift: Arrow IPC files, streams and schema messages written by real
pyarrow, embedded as base64 so that the Swift tests need no Python.

Re-run after changing a fixture (any pyarrow >= 14 with pandas works):

    uv venv /tmp/arrowvenv --python 3.11
    uv pip install --python /tmp/arrowvenv/bin/python pyarrow pandas
    /tmp/arrowvenv/bin/python Tests/SlipwayCoreTests/Formats/Arrow/make_fixtures.py

Each fixture is a `static let name = "<base64>"`; fixtures whose rows can be compared as JSON also
get `nameRecords`, the rows of `table.to_pylist()` as JSON text (bytes as base64, dates as
ISO 8601), which the tests compare with `ArrowTable.records()`.
"""

import base64
import datetime
import io
import json
import math
import pathlib

import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

OUT = pathlib.Path(__file__).with_name("ArrowFixtures.swift")


def file_bytes(table, **options):
    sink = io.BytesIO()
    with ipc.new_file(sink, table.schema, options=ipc.IpcWriteOptions(**options) if options else None) as writer:
        writer.write_table(table)
    return sink.getvalue()


def file_batches(schema, batches):
    sink = io.BytesIO()
    with ipc.new_file(sink, schema) as writer:
        for batch in batches:
            writer.write_batch(batch)
    return sink.getvalue()


def stream_bytes(schema, batches):
    sink = io.BytesIO()
    with ipc.new_stream(sink, schema) as writer:
        for batch in batches:
            writer.write_batch(batch)
    return sink.getvalue()


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime.datetime):
        raise TypeError("compare timestamps by hand")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        assert math.isfinite(value), "non-finite floats are compared by hand"
    return value


fixtures = {}
records = {}


def add(name, data, table=None):
    fixtures[name] = data
    if table is not None:
        records[name] = json.dumps(jsonable(table.to_pylist()), sort_keys=True)


# ccfraud-like input: a pandas DataFrame with one column "tensor" of 29 doubles per row.
rows = [[round(0.1 * (r + 1) * (c - 14) + 0.001 * c, 6) for c in range(29)] for r in range(5)]
ccfraud = pa.Table.from_pandas(pd.DataFrame({"tensor": rows}))
add("ccfraud", file_bytes(ccfraud), ccfraud)

strings = pa.table({
    "s": pa.array(["a", None, "héllo wörld", "", "日本"], pa.string()),
    "large": pa.array([None, "x", "yy", None, "zzz"], pa.large_string()),
})
add("strings", file_bytes(strings), strings)

ints = pa.table({
    "i8": pa.array([-128, 127, None, 0], pa.int8()),
    "i16": pa.array([-32768, 32767, 1, None], pa.int16()),
    "i32": pa.array([-2**31, 2**31 - 1, None, 7], pa.int32()),
    "i64": pa.array([-2**53, 2**53, 42, None], pa.int64()),
    "u8": pa.array([0, 255, None, 1], pa.uint8()),
    "u16": pa.array([0, 65535, 2, None], pa.uint16()),
    "u32": pa.array([0, 2**32 - 1, None, 3], pa.uint32()),
    "u64": pa.array([0, 2**53, 4, None], pa.uint64()),
})
add("ints", file_bytes(ints), ints)

bools = pa.table({"b": pa.array([True, False, None, True, True, False, False, True, None, True], pa.bool_())})
add("bools", file_bytes(bools), bools)

nested = pa.table({
    "m": pa.array([[[1.5, 2.5], [3.5]], None, [[], None, [4.0, None]], []], pa.list_(pa.list_(pa.float32()))),
})
add("nestedLists", file_bytes(nested), nested)

# pandas-records style in/out dicts, as pa.Table.from_pylist infers them.
structs = pa.Table.from_pylist([
    {"in": {"a": 1.0, "b": "x", "v": [1, 2]}, "out": {"score": 0.25, "label": True}},
    {"in": {"a": 2.5, "b": None, "v": []}, "out": None},
    {"in": None, "out": {"score": 0.75, "label": False}},
])
add("structs", file_bytes(structs), structs)

fixed = pa.table({
    "f": pa.array([[1, 2, 3], [4, 5, 6], None, [7, None, 9]], pa.list_(pa.int32(), 3)),
})
add("fixedSizeList", file_bytes(fixed), fixed)

temporal = pa.table({
    "s": pa.array([0, 1_700_000_000, None], pa.timestamp("s")),
    "ms": pa.array([-1, 1_700_000_000_123, None], pa.timestamp("ms", tz="UTC")),
    "us": pa.array([1_700_000_000_123_456, 0, None], pa.timestamp("us", tz="Europe/Paris")),
    "ns": pa.array([1_700_000_000_123_456_789, -1_000_000_001, None], pa.timestamp("ns")),
    "d32": pa.array([datetime.date(2024, 2, 29), datetime.date(1969, 12, 31), None], pa.date32()),
    "d64": pa.array([datetime.date(2000, 1, 1), None, datetime.date(1900, 3, 1)], pa.date64()),
})
add("temporal", file_bytes(temporal))

misc = pa.table({
    "h": pa.array([1.5, None, -0.0009765625, 65504.0], pa.float16()),
    "f": pa.array([1.25, float("nan"), float("inf"), None], pa.float32()),
    "bin": pa.array([b"\x00\x01", None, b"", b"abc"], pa.binary()),
    "lbin": pa.array([b"z", b"", None, b"\xff"], pa.large_binary()),
    "ll": pa.array([[1], None, [2, 3], []], pa.large_list(pa.int16())),
    "n": pa.array([None, None, None, None], pa.null()),
})
add("misc", file_bytes(misc))

schema = pa.schema(
    [
        pa.field("tensor", pa.list_(pa.float64()), nullable=False, metadata={"unit": "usd"}),
        pa.field("name", pa.string()),
        pa.field("count", pa.int32()),
        pa.field("fixed", pa.list_(pa.float32(), 4)),
        pa.field("when", pa.timestamp("ms", tz="UTC")),
        pa.field("in", pa.struct([("a", pa.float64()), ("b", pa.large_string())])),
    ],
    metadata={"origin": "slipway-tests"},
)
add("serializedSchema", schema.serialize().to_pybytes())

batch1 = pa.record_batch({"x": pa.array([1, 2], pa.int64()), "y": pa.array(["a", None])})
batch2 = pa.record_batch({"x": pa.array([3, None, 5], pa.int64()), "y": pa.array(["c", "d", "e"])})
add("stream", stream_bytes(batch1.schema, [batch1, batch2]), pa.Table.from_batches([batch1, batch2]))
add("multiBatchFile", file_batches(batch1.schema, [batch1, batch2]), pa.Table.from_batches([batch1, batch2]))

empty = pa.table({"a": pa.array([], pa.int64()), "b": pa.array([], pa.string()), "c": pa.array([], pa.list_(pa.float64()))})
add("empty", file_bytes(empty), empty)

categorical = pa.Table.from_pandas(pd.DataFrame({"color": pd.Categorical(["red", "green", None, "red", "blue"])}))
add("categorical", file_bytes(categorical), categorical)

sliced = pa.table({
    "s": pa.array(["skip", "a", None, "bc", "skip"]),
    "l": pa.array([[0], [1, 2], None, [3], [9]], pa.list_(pa.int64())),
    "b": pa.array([True, False, None, True, True]),
}).slice(1, 3)
add("sliced", file_bytes(sliced), sliced)

compressed = pa.table({"x": pa.array(list(range(100)), pa.int64())})
add("compressedLZ4", file_bytes(compressed, compression="lz4"))

small = pa.table({"s": pa.array(["a", None, "bc"]), "l": pa.array([[1.0], None, [2.0, 3.0]])})
add("small", file_bytes(small), small)


def swift_string(text):
    return '#"' + text + '"#'


lines = [
    "// Generated by make_fixtures.py with pyarrow " + pa.__version__ + " and pandas " + pd.__version__ + "; do not edit.",
    "// Re-run: /tmp/arrowvenv/bin/python Tests/SlipwayCoreTests/Formats/Arrow/make_fixtures.py",
    "import Foundation",
    "",
    "/// Arrow IPC data written by real pyarrow (base64), and the rows pyarrow reads from it (JSON).",
    "enum ArrowFixtures {",
]
for name, data in fixtures.items():
    lines.append(f"    static let {name} = Data(base64Encoded: \"{base64.b64encode(data).decode()}\")!")
    if name in records:
        lines.append(f"    static let {name}Records = {swift_string(records[name])}")
lines.append("}")
OUT.write_text("\n".join(lines) + "\n")
print(f"wrote {OUT} ({len(fixtures)} fixtures)")
