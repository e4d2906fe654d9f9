"""Generates the Parquet fixtures of ParquetReaderTests: small files written by real pyarrow/pandas,
and expected.json, what pyarrow reads back from each (in the shape ParquetFile.records() gives).

Re-run after changing a fixture (pyarrow 17 and pandas 2.2 wrote the committed files):

    /work/main/.venvs/compat-wallaroo/bin/python \
        Tests/SlipwayCoreTests/Formats/Parquet/Fixtures/make_fixtures.py

expected.json maps each fixture name to {"rows": n, "columns": [[name, physical type], ...]},
plus "records" (every row; small fixtures only) or "first"/"last" rows and "sums" of numeric
columns (large fixtures). Record values follow ParquetFile.records(): null → null, integers and
floats → numbers, decimals → numbers, strings → strings, binary → base64, dates → "YYYY-MM-DD",
timestamps → ISO 8601 with the unit's fraction digits and "Z" when adjusted to UTC.
"""

import base64
import datetime
import decimal
import json
import math
import pathlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

HERE = pathlib.Path(__file__).parent
EXPECTED = {}


def iso(value, digits, utc):
    """ISO 8601 text of a timestamp (pandas Timestamp or datetime) with `digits` fraction digits."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    text = ts.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        nanos = ts.microsecond * 1000 + ts.nanosecond
        text += "." + f"{nanos:09d}"[:digits]
    return text + ("Z" if utc else "")


def json_value(value, arrow_type):
    if value is None:
        return None
    if pa.types.is_timestamp(arrow_type):
        digits = {"s": 0, "ms": 3, "us": 6, "ns": 9}[arrow_type.unit]
        return iso(value, digits, arrow_type.tz is not None)
    if pa.types.is_date(arrow_type):
        return value.isoformat()
    if pa.types.is_time(arrow_type):
        digits = {"s": 0, "ms": 3, "us": 6, "ns": 9}[arrow_type.unit]
        text = value.strftime("%H:%M:%S")
        return text + ("." + f"{value.microsecond:06d}000"[:digits] if digits else "")
    if pa.types.is_decimal(arrow_type):
        return float(value)
    if pa.types.is_binary(arrow_type) or pa.types.is_fixed_size_binary(arrow_type):
        return base64.b64encode(value).decode()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return value
    raise TypeError(f"no JSON form for {value!r} ({arrow_type})")


def rows_of(table):
    names = table.column_names
    columns = [table.column(name) for name in names]
    out = []
    for i in range(table.num_rows):
        out.append({name: json_value(column[i].as_py(), column.type) for name, column in zip(names, columns)})
    return out


def record(name, path, full_rows=True):
    """Reads `path` back with pyarrow and stores what the Swift tests expect of it."""
    parquet = pq.ParquetFile(path)
    table = parquet.read()
    meta = parquet.metadata
    entry = {
        "rows": table.num_rows,
        "rowGroups": meta.num_row_groups,
        "columns": [[meta.schema.column(i).name, meta.schema.column(i).physical_type] for i in range(meta.num_columns)],
    }
    rows = rows_of(table)
    if full_rows:
        entry["records"] = rows
    else:
        entry["first"] = rows[0]
        entry["last"] = rows[-1]
        sums = {}
        for column_name in table.column_names:
            column = table.column(column_name)
            if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
                sums[column_name] = float(pa.compute.sum(column).as_py() or 0)
        entry["sums"] = sums
        entry["nullCounts"] = {n: table.column(n).null_count for n in table.column_names}
    EXPECTED[name] = entry
    size = path.stat().st_size
    codecs = {meta.row_group(0).column(i).compression for i in range(meta.num_columns)} if meta.num_row_groups else set()
    encodings = set()
    for g in range(meta.num_row_groups):
        for i in range(meta.num_columns):
            encodings |= set(meta.row_group(g).column(i).encodings)
    print(f"{name}: {size} bytes, {table.num_rows} rows, {meta.num_row_groups} row groups, {codecs}, {sorted(encodings)}")
    if not full_rows:
        print("  first:", rows[0])
        print("  last:", rows[-1])
        print("  sums:", entry["sums"])
        print("  nulls:", entry["nullCounts"])


def basic_frame():
    """float64/int64/bool/string/timestamp[ns, UTC] columns with nulls, as pandas holds them."""
    return pd.DataFrame({
        "score": [0.5, None, -1.25, 3e10, 2.0, None, 7.75, 0.0],
        "count": pd.array([1, 2, None, -4, 9_007_199_254_740_993, 6, None, 8], dtype="Int64"),
        "plain_int": np.array([10, 20, 30, 40, 50, 60, 70, -80], dtype="int64"),
        "flag": pd.array([True, False, None, True, True, None, False, True], dtype="boolean"),
        "label": ["a", "bb", None, "a", "ünïcødé ✓", "", None, "a"],
        "at": pd.to_datetime([
            "2024-01-02T03:04:05.123456789Z", None, "1969-12-31T23:59:59.999999999Z", "2024-01-02T03:04:05Z",
            "2000-02-29T00:00:00Z", "2262-04-11T23:47:16.854775807Z", None, "1677-09-21T00:12:43.145224192Z",
        ], utc=True, format="ISO8601"),
    })


def main():
    frame = basic_frame()
    frame.to_parquet(HERE / "pandas_defaults.parquet")
    record("pandas_defaults", HERE / "pandas_defaults.parquet")
    frame.to_parquet(HERE / "page_v2.parquet", data_page_version="2.0")
    record("page_v2", HERE / "page_v2.parquet")
    frame.to_parquet(HERE / "uncompressed.parquet", compression="none")
    record("uncompressed", HERE / "uncompressed.parquet")
    frame.to_parquet(HERE / "no_dictionary.parquet", use_dictionary=False)
    record("no_dictionary", HERE / "no_dictionary.parquet")
    frame.to_parquet(HERE / "no_dictionary_v2.parquet", use_dictionary=False, data_page_version="2.0",
                     compression="none")
    record("no_dictionary_v2", HERE / "no_dictionary_v2.parquet")

    # Several row groups, some pages with only nulls, a required (non-null) schema for `id`.
    rng = np.random.default_rng(7)
    n = 1_000
    groups = pd.DataFrame({
        "id": np.arange(n, dtype="int64"),
        "value": np.where(np.arange(n) % 7 == 0, np.nan, np.round(rng.normal(size=n), 3)),
        "name": [None if i % 11 == 0 else f"name-{i % 37}" for i in range(n)],
        "nothing": pd.array([None] * n, dtype="Int64"),
    })
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), ("value", pa.float64()), ("name", pa.string()),
                        ("nothing", pa.int64())])
    pq.write_table(pa.Table.from_pandas(groups, schema=schema, preserve_index=False), HERE / "row_groups.parquet",
                   row_group_size=300, data_page_size=512)
    record("row_groups", HERE / "row_groups.parquet", full_rows=False)

    # Other physical and logical types.
    types = pa.table({
        "i8": pa.array([-128, 0, 127, None], pa.int8()),
        "i16": pa.array([-32768, 1, 32767, None], pa.int16()),
        "i32": pa.array([-2147483648, 2, 2147483647, None], pa.int32()),
        "u8": pa.array([0, 1, 255, None], pa.uint8()),
        "u16": pa.array([0, 1, 65535, None], pa.uint16()),
        "u32": pa.array([0, 1, 4294967295, None], pa.uint32()),
        "u64": pa.array([0, 1, 18446744073709551615, None], pa.uint64()),
        "f32": pa.array([1.5, -0.25, 3.4e38, None], pa.float32()),
        "date": pa.array([datetime.date(1970, 1, 1), datetime.date(2024, 2, 29), datetime.date(1900, 3, 1), None]),
        "ts_ms": pa.array([0, 1_700_000_000_123, -1, None], pa.timestamp("ms")),
        "ts_us_utc": pa.array([0, 1_700_000_000_123_456, -1, None], pa.timestamp("us", tz="UTC")),
        "time_ms": pa.array([0, 45_296_789, 86_399_999, None], pa.time32("ms")),
        "time_us": pa.array([0, 45_296_789_012, 86_399_999_999, None], pa.time64("us")),
        "dec9": pa.array([decimal.Decimal("1234567.89"), decimal.Decimal("-0.01"), decimal.Decimal("0"), None],
                         pa.decimal128(9, 2)),
        "dec18": pa.array([decimal.Decimal("12345678901234.5678"), decimal.Decimal("-1"), decimal.Decimal("0.0001"),
                           None], pa.decimal128(18, 4)),
        "dec38": pa.array([decimal.Decimal("-12345678901234567890.1234567890"), decimal.Decimal("1e-10"),
                           decimal.Decimal("0"), None], pa.decimal128(38, 10)),
        "bin": pa.array([b"\x00\x01", b"", b"\xff" * 5, None], pa.binary()),
        "fixed": pa.array([b"abcd", b"\x00\x00\x00\x00", b"wxyz", None], pa.binary(4)),
        "large_text": pa.array(["x", "yy", None, "zzz"], pa.large_string()),
        "required_bool": pa.array([True, False, True, True], pa.bool_()),
    })
    types = types.cast(types.schema.set(types.schema.get_field_index("required_bool"),
                                        pa.field("required_bool", pa.bool_(), nullable=False)))
    pq.write_table(types, HERE / "types.parquet")
    record("types", HERE / "types.parquet")
    pq.write_table(types, HERE / "types_v1.parquet", version="1.0", use_dictionary=False, compression="none")
    record("types_v1", HERE / "types_v1.parquet")

    legacy = pa.table({"ts": pa.array([0, 1_700_000_000_123_456_789, -1, None], pa.timestamp("ns"))})
    pq.write_table(legacy, HERE / "int96.parquet", use_deprecated_int96_timestamps=True)
    record("int96", HERE / "int96.parquet")

    # Refused files: a list column, GZIP pages, DELTA_BINARY_PACKED values.
    pq.write_table(pa.table({"id": [1, 2], "tags": [["a"], ["b", "c"]]}), HERE / "nested.parquet")
    pq.write_table(pa.table({"x": [1.0, 2.0]}), HERE / "gzip.parquet", compression="gzip")
    pq.write_table(pa.table({"x": pa.array([1, 2, 3], pa.int64())}), HERE / "delta.parquet", use_dictionary=False,
                   column_encoding={"x": "DELTA_BINARY_PACKED"})

    # Arthur-style bulk inferences: attribute columns + partner_inference_id + inference_timestamp,
    # 12,000 rows in row groups of 5,000, as ArthurModel.send_bulk_inferences writes them.
    rng = np.random.default_rng(2024)
    n = 12_000
    start = pd.Timestamp("2024-03-01T00:00:00Z")
    inferences = pd.DataFrame({
        "age": rng.integers(18, 90, size=n).astype("int64"),
        "income": np.round(rng.uniform(1_000, 20_000, size=n) / 250) * 250.0,
        "region": rng.choice(["north", "south", "east", "west", None], size=n),
        "approved_pred": np.round(rng.uniform(size=n), 2),
        "partner_inference_id": [f"inf-{i:06d}" for i in range(n)],
        # Inferences arrive in batches of 8 sharing one timestamp (keeps the file small).
        "inference_timestamp": start + pd.to_timedelta(np.arange(n) // 8 * 7_500_000_123, unit="ns"),
    })
    inferences.to_parquet(HERE / "arthur_inferences.parquet", row_group_size=5_000, index=False)
    record("arthur_inferences", HERE / "arthur_inferences.parquet", full_rows=False)

    truth = pd.DataFrame({
        "partner_inference_id": [f"inf-{i:06d}" for i in range(0, n, 4)],
        "ground_truth_timestamp": start + pd.to_timedelta(np.arange(0, n, 4) * 1_000_000_000, unit="ns")
        + pd.Timedelta(days=1),
        "approved": rng.integers(0, 2, size=n // 4).astype(bool),
    })
    truth.to_parquet(HERE / "arthur_ground_truth.parquet", index=False)
    record("arthur_ground_truth", HERE / "arthur_ground_truth.parquet", full_rows=False)

    (HERE / "expected.json").write_text(json.dumps(EXPECTED, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
