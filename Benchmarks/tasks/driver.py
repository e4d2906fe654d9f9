"""Slipway benchmark: scheduled Wallaroo tasks on time. Run by Benchmarks/scheduled_tasks.sh.

One release `slipway serve`; one orchestration whose `main.py` prints the time it started; N
tasks `run_scheduled` every minute. For `--rounds` minutes, every run is read back
(`task/list_task_runs`, `task/get_logs_for_run`):

  - stored delay = the run's `created_at` minus its slot (the minute it fires for);
  - start delay = the time `main.py` printed as its first line minus the slot: what a user
    sees (the scheduler, the run's record, a copy of the code, a fresh interpreter);
  - the floor, measured in the same run: a fresh Python process of the same interpreter
    started and printing its first line (spawn to first line), `--floor-samples` times.

Every task must have exactly one run per slot. Prints a Markdown table and writes
Benchmarks/results/scheduled_tasks.json.
"""

import argparse
import io
import json
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "Benchmarks"))

from elastic_overhead import Server, progress, summary  # noqa: E402

RESULTS_PATH = REPO_ROOT / "Benchmarks" / "results" / "scheduled_tasks.json"
TARGET_P99_MS = 1000.0
MAIN_PY = 'import time\nprint("started", repr(time.time()), flush=True)\n'


def epoch(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def wallaroo_headers(server: Server) -> dict:
    password = (server.data_dir / "admin-password").read_text().strip()
    secret = (server.data_dir / "client-secret").read_text().strip()
    answer = requests.post(f"{server.base_url}/auth/realms/master/protocol/openid-connect/token", auth=("api-client", secret),
                           data={"grant_type": "password", "username": "admin", "password": password}, timeout=30)
    answer.raise_for_status()
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


def floor_samples(python: str, count: int) -> list:
    samples = []
    for _ in range(count):
        started = time.time()
        output = subprocess.run([python, "-c", MAIN_PY], capture_output=True, text=True, check=True).stdout
        samples.append(float(output.split()[1]) - started)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", type=Path, required=True)
    parser.add_argument("--floor-python", required=True, help="an interpreter of the same version as the tasks'")
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--floor-samples", type=int, default=50)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="slipway-bench-tasks-"))
    server = Server(args.binary, root)
    try:
        headers = wallaroo_headers(server)
        api = f"{server.base_url}/v1/api"

        def call(route: str, body: dict):
            answer = requests.post(f"{api}/{route}", json=body, headers=headers, timeout=60)
            answer.raise_for_status()
            return answer.json()

        workspace = call("workspaces/create", {"workspace_name": "benchtasks"})["workspace_id"]
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr("main.py", MAIN_PY)
        upload = requests.post(f"{api}/orchestration/upload", headers=headers, files={
            "file": ("bench.zip", archive.getvalue(), "application/octet-stream"),
            "metadata": ("metadata", json.dumps({"workspace_id": workspace}), "application/json")}, timeout=60)
        upload.raise_for_status()
        orchestration = upload.json()["id"]
        while call("orchestration/get_by_id", {"id": orchestration})["status"] == "packaging":
            time.sleep(0.5)
        progress(f"creating {args.tasks} scheduled tasks")
        tasks = [call("task/run_scheduled", {"workspace_id": workspace, "orch_id": orchestration, "json": {},
                                             "schedule": "*/1 * * * *"})["id"] for _ in range(args.tasks)]
        created = time.time()
        first_slot = (created // 60 + 1) * 60
        last_slot = first_slot + 60 * (args.rounds - 1)
        progress(f"waiting for {args.rounds} slots ({datetime.utcfromtimestamp(first_slot):%H:%M}–"
                 f"{datetime.utcfromtimestamp(last_slot):%H:%M} UTC)")
        while time.time() < last_slot + 20:
            time.sleep(1)
        for task in tasks:
            call("task/kill", {"id": task})

        stored, started, per_slot, failed = [], [], Counter(), 0
        for task in tasks:
            for run in call("task/list_task_runs", {"task_id": task, "limit": 1000}):
                if run["status"] != "success":
                    failed += 1
                    continue
                created_at = epoch(run["created_at"])
                slot = (created_at // 60) * 60
                if not first_slot <= slot <= last_slot:
                    continue
                per_slot[(task, slot)] += 1
                stored.append(created_at - slot)
                logs = call("task/get_logs_for_run", {"id": run["run_id"]})["logs"]
                line = next(line for line in logs if " stdout F started " in line)
                started.append(float(line.rsplit(" ", 1)[1]) - slot)
        expected = args.tasks * args.rounds
        floor = floor_samples(args.floor_python, args.floor_samples)
        result = {
            "tasks": args.tasks, "rounds": args.rounds, "runs": len(stored), "expected_runs": expected, "failed_runs": failed,
            "fired_twice": sum(1 for count in per_slot.values() if count > 1),
            "stored_delay": summary(stored), "start_delay": summary(started), "floor": summary(floor),
            "machine": {"cpus": __import__("os").cpu_count(), "load": list(__import__("os").getloadavg()),
                        "python": platform.python_version()},
        }
    finally:
        server.stop()
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(result, indent=2))
    s, t, f = result["stored_delay"], result["start_delay"], result["floor"]
    print(f"| {args.tasks} tasks × {args.rounds} slots | p50 | p99 | max |")
    print("|---|---:|---:|---:|")
    print(f"| run stored after its slot | {s['p50_ms']:.0f} ms | {s['p99_ms']:.0f} ms | {s['max_ms']:.0f} ms |")
    print(f"| main.py started after its slot | {t['p50_ms']:.0f} ms | {t['p99_ms']:.0f} ms | {t['max_ms']:.0f} ms |")
    print(f"| floor: a fresh interpreter's first line | {f['p50_ms']:.0f} ms | {f['p99_ms']:.0f} ms | {f['max_ms']:.0f} ms |")
    print(f"\nruns {result['runs']}/{expected}, failed {failed}, fired twice {result['fired_twice']}; "
          f"goal p99 ≤ {TARGET_P99_MS:.0f} ms: {'met' if t['p99_ms'] <= TARGET_P99_MS else 'not met'}")
    return 0 if result["runs"] == expected and result["fired_twice"] == 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
