"""Server time of the web UI's pages with 100,000 executions in the store.

Starts `slipway serve` on a fresh data dir, makes one real execution through craft-ai-sdk (inputs,
logs, metrics), stops the server, copies that execution's row into N executions with spread
creation times, statuses, triggers and pipeline names (straight into the SQLite file: making
100,000 through the API would take hours and measure something else), starts the server again,
signs in and fetches every page R times, the pages interleaved in each round. Reports the median
and p90 of each page's time to last byte on loopback (an upper bound of server time).
"""

import argparse
import os
import random
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "Tests" / "compat_ui" / "fixtures" / "train"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(binary: str, data: Path, port: int, env: dict) -> subprocess.Popen:
    log = open(data.parent / "server.log", "ab")
    process = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", str(data)], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def seed(database: Path, count: int) -> str:
    db = sqlite3.connect(database)
    columns = [row[1] for row in db.execute("PRAGMA table_info(executions)")]
    template = dict(zip(columns, db.execute("SELECT * FROM executions LIMIT 1").fetchone()))
    rng = random.Random(7)
    start_time = time.time() - 30 * 86400
    rows = []
    for index in range(count):
        row = dict(template)
        created = start_time + index * (30 * 86400 / count)
        row.update(id=f"bench-{index:07d}", pipeline_name=f"pipeline-{index % 5}",
                   status=rng.choices(["succeeded", "failed", "error"], [90, 8, 2])[0],
                   trigger=rng.choice(["run", "endpoint", "periodic"]),
                   deployment_name=f"deployment-{index % 3}" if index % 2 else None,
                   created_at=created, started_at=created, ended_at=created + rng.uniform(0.05, 3))
        rows.append(tuple(row[c] for c in columns))
    db.executemany(f"INSERT INTO executions ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
    db.commit()
    db.close()
    return template["id"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--executions", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="slipway-ui-bench-"))
    data = root / "data"
    password, token = "bench-" + secrets.token_hex(8), "bench-token-" + secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLIPWAY_", "CRAFT_AI"))}
    env.update(SLIPWAY_ADMIN_PASSWORD=password, SLIPWAY_ADMIN_TOKEN=token)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(args.binary, data, port, env)
    os.environ.update(CRAFT_AI_SDK_TOKEN=token, CRAFT_AI_ENVIRONMENT_URL=base, CRAFT_AI_CONTROL_URL=base,
                      SDK_VERBOSE_LOG="false")
    from craft_ai_sdk import CraftAiSdk, Input, Output
    sdk = CraftAiSdk()
    sdk.create_pipeline(pipeline_name="pipeline-0", function_path="src/train.py", function_name="train",
                        container_config={"local_folder": str(FIXTURE), "requirements_path": "requirements.txt",
                                          "included_folders": ["src"]},
                        inputs=[Input("epochs", "number"), Input("rate", "number")],
                        outputs=[Output("final_loss", "number")], timeout_s=600)
    real = sdk.run_pipeline("pipeline-0", inputs={"epochs": 50, "rate": 0.1})["execution_id"]
    stop(server)
    seed(data / "slipway.sqlite", args.executions)
    server = start(args.binary, data, port, env)
    try:
        session = requests.Session()
        form = session.get(f"{base}/ui/sign-in").text
        csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
        assert session.post(f"{base}/ui/sign-in", data={"csrf_token": csrf, "username": "admin", "password": password},
                            allow_redirects=False).status_code == 303
        day = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 10 * 86400))
        pages = {
            "overview": "/ui/w/default/",
            "executions, newest first": "/ui/w/default/executions",
            "executions, failed only": "/ui/w/default/executions?status=failed",
            "executions, by pipeline, page 1000": "/ui/w/default/executions?sort=pipeline&order=asc&page=1000",
            "executions, one pipeline since a day": f"/ui/w/default/executions?pipeline=pipeline-3&from={day}",
            "executions, one deployment": "/ui/w/default/executions?deployment=deployment-1",
            "execution (50 log lines, chart)": f"/ui/w/default/executions/{real}",
            "pipeline (code viewer)": "/ui/w/default/pipelines/pipeline-0",
            "deployments": "/ui/w/default/deployments",
        }
        times = {name: [] for name in pages}
        for path in pages.values():
            assert session.get(base + path).status_code == 200, path
        for _ in range(args.rounds):
            for name, path in pages.items():
                started = time.perf_counter()
                answer = session.get(base + path)
                answer.content
                times[name].append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, (path, answer.status_code)
        print(f"{args.executions} executions in the store, {args.rounds} interleaved rounds; ms to last byte")
        print(f"{'page':40} {'median':>8} {'p90':>8}")
        for name, values in times.items():
            values.sort()
            print(f"{name:40} {statistics.median(values):8.1f} {values[int(len(values) * 0.9) - 1]:8.1f}")
    finally:
        stop(server)


if __name__ == "__main__":
    sys.exit(main())
