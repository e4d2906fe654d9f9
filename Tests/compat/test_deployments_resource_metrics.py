"""Resource metrics of the environment ("Get resource metrics" in the Craft AI SDK docs), as a
dict and as CSV. The server samples every few seconds, so the tests poll briefly for a value."""

import csv
import io
from datetime import datetime, timedelta

from compat_helpers import CLIENT_ERROR, sdk_error, wait_for

METRICS = ("cpu_usage", "ram_usage", "disk_usage", "network_input_usage", "network_output_usage")
POLL_S = 30


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _has_values(result) -> bool:
    return all(
        any(series.get("values") for series in result["metrics"].get(metric) or [])
        for metric in METRICS
    )


def test_resource_metrics_as_a_dict(sdk):
    start = datetime.now() - timedelta(minutes=5)

    def fetch():
        result = sdk.get_resource_metrics(start, datetime.now())
        assert isinstance(result, dict), type(result)
        return result if _has_values(result) else None

    result = wait_for(fetch, timeout=POLL_S, interval=1,
                      message=f"no sample for every metric after {POLL_S}s")
    end_ms = _ms(datetime.now())

    additional = result["additional_data"]
    for key in ("total_ram", "total_disk"):
        value = additional[key]
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
        assert value > 0 and value == int(value), (key, value)  # a number of bytes

    for metric in METRICS:
        series_list = result["metrics"][metric]
        assert isinstance(series_list, list) and series_list, metric
        for series in series_list:
            assert isinstance(series["metric"]["worker"], str) and series["metric"]["worker"]
            for point in series["values"]:
                assert isinstance(point, list) and len(point) == 2, (metric, point)
                timestamp, value = point
                assert isinstance(timestamp, (int, float)) and not isinstance(timestamp, bool)
                # Milliseconds, within the requested period (a sample may be aligned to the
                # start of its interval).
                assert _ms(start) - 60_000 <= timestamp <= end_ms + 5_000, (metric, point)
                assert isinstance(value, (int, float)) and not isinstance(value, bool)
                assert value >= 0, (metric, point)

    # A period before any sample: the same shape, no values.
    old_start = datetime(2001, 1, 1)
    old = sdk.get_resource_metrics(old_start, old_start + timedelta(minutes=5))
    assert set(METRICS) <= set(old["metrics"])
    for metric in METRICS:
        assert all(not series.get("values") for series in old["metrics"][metric]), metric


def test_resource_metrics_as_csv(sdk):
    start = datetime.now() - timedelta(minutes=5)

    def fetch():
        data = sdk.get_resource_metrics(start, datetime.now(), csv=True)
        assert isinstance(data, bytes), type(data)  # text/csv (or octet-stream) from the server
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        return rows if len(rows) >= 2 else None

    rows = wait_for(fetch, timeout=POLL_S, interval=1,
                    message=f"no CSV data row after {POLL_S}s")
    header, data_rows = rows[0], [row for row in rows[1:] if row]
    assert len(header) >= 2 and all(cell.strip() for cell in header), header

    def is_number(cell):
        try:
            float(cell)
        except ValueError:
            return False
        return True

    assert not all(is_number(cell) for cell in header), f"no header row: {header}"
    assert data_rows
    for row in data_rows:
        assert len(row) == len(header), (header, row)


def test_resource_metrics_period_must_be_valid(sdk):
    now = datetime.now()
    with sdk_error(status=CLIENT_ERROR):
        sdk.get_resource_metrics(now, now - timedelta(minutes=5))
