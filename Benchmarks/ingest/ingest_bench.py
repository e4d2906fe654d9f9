"""Ingestion throughput, end to end into the store, against the floor a user would script.

Contenders, on the same N records of a tabular model (8 float inputs, 1 float prediction):
  slipway-capture  one SageMaker Data Capture JSONL file (CSV payloads, one inference per line,
                   event ids as partner ids) POSTed to .../inferences/integrations/sagemaker_data_capture;
                   timed until the 207/201 answer, which comes after the records are committed.
  slipway-stream   the same records as Arthur streaming JSON (arrays of --chunk inferences)
                   POSTed to .../inferences from --threads threads; timed until the last answer.
  floor-capture    pandas.read_json(lines=True) of the same file, the CSV payloads split into
                   columns, and pyarrow.parquet.write_table of the result (what a user scripts).
  floor-stream     json.loads of the same streaming payloads, a DataFrame, and a Parquet write.
Rounds are interleaved (the order alternates); each Slipway round uses a new model. The table
gives medians of records/s and the ratio Slipway / floor per round (median and range).
"""

import argparse
import concurrent.futures
import io
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import requests

FEATURES = [f"x{i}" for i in range(8)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(binary: str, root: Path) -> "tuple[subprocess.Popen, str, str]":
    token = "swk_bench_" + secrets.token_hex(16)
    port = free_port()
    env = {**os.environ, "SLIPWAY_ADMIN_TOKEN": token}
    log = open(root / "server.log", "ab")
    process = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(root / "data"),
                                "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                return process, url, token
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit("slipway serve did not start")


def create_model(url: str, token: str) -> str:
    attributes = [{"name": name, "value_type": "FLOAT", "stage": "PIPELINE_INPUT", "position": index}
                  for index, name in enumerate(FEATURES)]
    attributes.append({"name": "prediction", "value_type": "FLOAT", "stage": "PREDICTED_VALUE", "position": 0})
    body = {"partner_model_id": "bench-" + uuid.uuid4().hex[:10], "input_type": "TABULAR", "output_type": "REGRESSION",
            "is_batch": False, "attributes": attributes}
    response = requests.post(url + "/api/v3/models", params={"async_model_provisioning": "true"}, json=body,
                             headers={"Authorization": token}, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def make_data(count: int) -> "tuple[np.ndarray, np.ndarray]":
    rng = np.random.default_rng(13)
    inputs = np.round(rng.normal(size=(count, len(FEATURES))), 6)
    predictions = np.round(inputs.sum(axis=1) * 0.1, 6)
    return inputs, predictions


def capture_file(inputs: np.ndarray, predictions: np.ndarray, path: Path) -> None:
    with open(path, "w") as out:
        for index in range(len(inputs)):
            line = {"captureData": {
                "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT",
                                  "data": ",".join(repr(float(v)) for v in inputs[index]), "encoding": "CSV"},
                "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT",
                                   "data": repr(float(predictions[index])), "encoding": "CSV"}},
                "eventMetadata": {"eventId": f"event-{index}", "inferenceTime": "2024-03-01T10:00:00Z"},
                "eventVersion": "0"}
            out.write(json.dumps(line) + "\n")


def stream_payloads(inputs: np.ndarray, predictions: np.ndarray, chunk: int) -> "list[bytes]":
    payloads = []
    for start in range(0, len(inputs), chunk):
        items = []
        for index in range(start, min(start + chunk, len(inputs))):
            data = {name: float(inputs[index][j]) for j, name in enumerate(FEATURES)}
            data["prediction"] = float(predictions[index])
            items.append({"partner_inference_id": f"inf-{index}", "inference_timestamp": "2024-03-01T10:00:00Z",
                          "inference_data": data})
        payloads.append(json.dumps(items).encode())
    return payloads


def slipway_capture(url: str, token: str, path: Path, count: int) -> float:
    model = create_model(url, token)
    with open(path, "rb") as handle:
        data = handle.read()
    started = time.perf_counter()
    response = requests.post(f"{url}/api/v3/models/{model}/inferences/integrations/sagemaker_data_capture",
                             files={"inference_data": ("capture.jsonl", data)}, headers={"Authorization": token},
                             timeout=600)
    elapsed = time.perf_counter() - started
    assert response.status_code in (201, 207), response.text[:500]
    counts = response.json()["counts"]
    assert counts["success"] == count, counts
    return elapsed


def slipway_stream(url: str, token: str, payloads: "list[bytes]", count: int, threads: int) -> float:
    model = create_model(url, token)
    session_headers = {"Authorization": token, "Content-Type": "application/json"}

    def send(payload: bytes) -> int:
        with requests.Session() as session:
            response = session.post(f"{url}/api/v3/models/{model}/inferences", data=payload, headers=session_headers,
                                    timeout=600)
        assert response.status_code == 207, response.text[:500]
        return response.json()["counts"]["success"]

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        stored = sum(pool.map(send, payloads))
    elapsed = time.perf_counter() - started
    assert stored == count, stored
    return elapsed


def floor_capture(path: Path, out: Path) -> float:
    started = time.perf_counter()
    frame = pd.read_json(path, lines=True)
    inputs = frame["captureData"].map(lambda c: c["endpointInput"]["data"])
    outputs = frame["captureData"].map(lambda c: c["endpointOutput"]["data"])
    columns = inputs.str.split(",", expand=True).astype("float64")
    columns.columns = FEATURES
    columns["prediction"] = outputs.astype("float64")
    columns["partner_inference_id"] = frame["eventMetadata"].map(lambda m: m["eventId"])
    pq.write_table(pa.Table.from_pandas(columns, preserve_index=False), out)
    return time.perf_counter() - started


def floor_stream(payloads: "list[bytes]", out: Path) -> float:
    started = time.perf_counter()
    rows = []
    for payload in payloads:
        for item in json.loads(payload):
            row = dict(item["inference_data"])
            row["partner_inference_id"] = item["partner_inference_id"]
            row["inference_timestamp"] = item["inference_timestamp"]
            rows.append(row)
    frame = pd.DataFrame.from_records(rows)
    frame["inference_timestamp"] = pd.to_datetime(frame["inference_timestamp"], utc=True)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), out)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slipway", required=True)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="slipway-ingest-bench-"))
    inputs, predictions = make_data(args.records)
    capture = root / "capture.jsonl"
    capture_file(inputs, predictions, capture)
    payloads = stream_payloads(inputs, predictions, args.chunk)
    process, url, token = start_server(args.slipway, root)
    times: "dict[str, list[float]]" = {name: [] for name in ("slipway-capture", "slipway-stream", "floor-capture", "floor-stream")}
    try:
        for round_index in range(args.rounds):
            order = list(times) if round_index % 2 == 0 else list(reversed(times))
            for name in order:
                if name == "slipway-capture":
                    elapsed = slipway_capture(url, token, capture, args.records)
                elif name == "slipway-stream":
                    elapsed = slipway_stream(url, token, payloads, args.records, args.threads)
                elif name == "floor-capture":
                    elapsed = floor_capture(capture, root / "floor-capture.parquet")
                else:
                    elapsed = floor_stream(payloads, root / "floor-stream.parquet")
                times[name].append(elapsed)
                print(f"round {round_index + 1} {name}: {args.records / elapsed:,.0f} records/s", file=sys.stderr)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    rate = {name: [args.records / t for t in values] for name, values in times.items()}
    ratios = {kind: [s / f for s, f in zip(rate[f"slipway-{kind}"], rate[f"floor-{kind}"])] for kind in ("capture", "stream")}
    size_mb = capture.stat().st_size / 1e6
    lines = [f"Ingestion of {args.records:,} records (8 float inputs + 1 prediction; capture file {size_mb:.0f} MB; "
             f"streaming arrays of {args.chunk} from {args.threads} threads), {args.rounds} interleaved rounds, "
             f"load average at the end {os.getloadavg()[0]:.1f}", "",
             "| path | Slipway records/s (median) | floor records/s (median) | ratio median (range) |", "|---|---|---|---|"]
    for kind, label in (("capture", "SageMaker Data Capture JSONL"), ("stream", "Arthur streaming JSON")):
        values = ratios[kind]
        lines.append(f"| {label} | {statistics.median(rate['slipway-' + kind]):,.0f} | "
                     f"{statistics.median(rate['floor-' + kind]):,.0f} | {statistics.median(values):.2f}× "
                     f"({min(values):.2f}–{max(values):.2f}) |")
    print("\n".join(lines))
    if args.output:
        Path(args.output).write_text(json.dumps({"records": args.records, "seconds": times, "records_per_second": rate,
                                                 "ratios": ratios}, indent=2))


if __name__ == "__main__":
    main()
