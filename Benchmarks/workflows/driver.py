"""Slipway benchmark: TetraScience pipelines on file arrival. Run by Benchmarks/file_workflows.sh.

One release `slipway serve`; a task script whose function returns the time it started; a
one-step protocol calling it; a pipeline on `arrivals/*.json`. Two measurements, each beside
its floor (the same function run as a fresh Python process of the same interpreter version):

  - latency: `--files` files uploaded one at a time (each after the previous workflow ended);
    arrival-to-first-step-start = the time the function started minus the time the upload was
    acknowledged (the file is stored), and minus the time the upload request was sent. Interleaved with it, one floor sample per file: spawn of a fresh
    interpreter to the same function's start.
  - throughput: `--burst` files uploaded at once (20 concurrent uploads); workflows per second
    from the first upload to the last workflow's end, beside the rate of the same number of
    fresh processes run `--parallel` at a time (the dispatcher runs 8 workflows at once).

Every file must have exactly one workflow, all completed. Prints Markdown tables and writes
Benchmarks/results/file_workflows.json.
"""

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "Benchmarks"))

from elastic_overhead import Server, progress, summary  # noqa: E402

RESULTS_PATH = REPO_ROOT / "Benchmarks" / "results" / "file_workflows.json"
TARGET_P50_MS = 100.0
NAMESPACE = "private-default"
MAIN_PY = "import time\n\n\ndef started(input, context):\n    return {\"t\": time.time()}\n"
FLOOR_PY = "import time, sys\nsys.path.insert(0, sys.argv[1])\nimport main\nprint(main.started({}, None)['t'])\n"
PROTOCOL = f'''\
protocolSchema: "v3"
name: "Benchmark"
steps:
  - id: only
    task:
      namespace: {NAMESPACE}
      slug: bench-script
      version: v1.0.0
      function: started
    input:
      input_file_pointer: $( workflow.inputFile )
'''


def zipped(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", type=Path, required=True)
    parser.add_argument("--floor-python", required=True, help="an interpreter of the task script's Python version (3.11)")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--parallel", type=int, default=8)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="slipway-bench-workflows-"))
    server = Server(args.binary, root)
    session = requests.Session()
    session.headers.update({"ts-auth-token": server.token})
    api = server.base_url + "/v1"
    code = root / "code"
    code.mkdir()
    (code / "main.py").write_text(MAIN_PY)
    try:
        config = {"language": "python", "runtime": "python3.11", "functions": [{"slug": "started", "function": "main.started"}]}
        answer = session.post(f"{api}/artifact/task-scripts/{NAMESPACE}/bench-script/v1.0.0",
                              data=zipped({"config.json": json.dumps(config), "main.py": MAIN_PY, "requirements.txt": ""}))
        answer.raise_for_status()
        build = answer.json()["build"]["id"]
        while not (status := session.get(f"{api}/artifact/builds/{build}").json()["build"])["buildComplete"]:
            time.sleep(0.5)
        assert status["buildStatus"] == "SUCCEEDED", status
        session.post(f"{api}/artifact/master-scripts/{NAMESPACE}/bench-one/v1.0.0",
                     data=zipped({"protocol.yml": PROTOCOL})).raise_for_status()
        created = session.post(f"{api}/pipeline/create", json={
            "name": "bench", "protocolSlug": "bench-one", "protocolVersion": "v1.0.0", "masterScriptNamespace": NAMESPACE,
            "triggerType": "custom", "triggerCondition": {"groups": [{"key": "filePath", "operator": "glob", "value": "arrivals/*.json"}]}})
        created.raise_for_status()
        pipeline = created.json()["id"]

        def upload(path: str) -> None:
            session.post(f"{api}/datalake/upload", params={"filePath": path}, data=b"{}").raise_for_status()

        def finished(path: str) -> dict:
            while True:
                hits = session.get(f"{api}/workflow/search", params={"pipelineId": pipeline, "filePath": path}).json()["hits"]
                if hits and hits[0]["status"] in ("completed", "failed"):
                    assert len(hits) == 1 and hits[0]["status"] == "completed", hits
                    return hits[0]
                time.sleep(0.002)

        def floor_sample() -> float:
            spawned = time.time()
            output = subprocess.run([args.floor_python, "-c", FLOOR_PY, str(code)], capture_output=True, text=True, check=True)
            return float(output.stdout) - spawned

        # A warm-up workflow (first use of the environment, page cache).
        upload("arrivals/warm-up.json")
        finished("arrivals/warm-up.json")
        progress(f"latency: {args.files} files one at a time, each beside a floor sample")
        latency, from_sent, floor = [], [], []
        for index in range(args.files):
            path = f"arrivals/latency-{index:04d}.json"
            sent = time.time()
            upload(path)
            stored = time.time()
            started = finished(path)["steps"][0]["output"]["t"]
            latency.append(started - stored)
            from_sent.append(started - sent)
            floor.append(floor_sample())

        progress(f"throughput: {args.burst} files at once, then {args.burst} fresh processes {args.parallel} at a time")
        paths = [f"arrivals/burst-{index:04d}.json" for index in range(args.burst)]
        began = time.time()
        with ThreadPoolExecutor(max_workers=20) as pool:
            list(pool.map(upload, paths))
        deadline = time.time() + 600
        while True:
            hits = session.get(f"{api}/workflow/search", params={"pipelineId": pipeline, "size": 1000}).json()["hits"]
            burst = [hit for hit in hits if hit["inputFile"]["fileKey"].startswith("arrivals/burst-")]
            if len(burst) == args.burst and all(hit["status"] in ("completed", "failed") for hit in burst):
                break
            assert time.time() < deadline, f"{len(burst)} burst workflows"
            time.sleep(0.05)
        # Seen ended by polling every 50 ms: at most that much later than the last workflow ended.
        elapsed = time.time() - began
        failed = sum(hit["status"] != "completed" for hit in burst)
        floor_began = time.time()
        with ThreadPoolExecutor(max_workers=args.parallel) as pool:
            list(pool.map(lambda _: floor_sample(), range(args.burst)))
        floor_elapsed = time.time() - floor_began
        result = {
            "files": args.files, "latency": summary(latency), "latency_from_sent": summary(from_sent), "floor": summary(floor),
            "burst": args.burst, "burst_seconds": elapsed, "workflows_per_second": args.burst / elapsed,
            "floor_processes_per_second": args.burst / floor_elapsed, "parallel": args.parallel, "failed": failed,
            "machine": {"cpus": os.cpu_count(), "load": list(os.getloadavg()), "python": platform.python_version()},
        }
    finally:
        server.stop()
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(result, indent=2))
    l, s, f = result["latency"], result["latency_from_sent"], result["floor"]
    print(f"| {args.files} files, one at a time | p50 | p99 | max |")
    print("|---|---:|---:|---:|")
    print(f"| upload acknowledged → first step's function started | {l['p50_ms']:.0f} ms | {l['p99_ms']:.0f} ms | {l['max_ms']:.0f} ms |")
    print(f"| upload sent → first step's function started | {s['p50_ms']:.0f} ms | {s['p99_ms']:.0f} ms | {s['max_ms']:.0f} ms |")
    print(f"| floor: fresh interpreter spawned → same function started | {f['p50_ms']:.0f} ms | {f['p99_ms']:.0f} ms | {f['max_ms']:.0f} ms |")
    print(f"\n| {args.burst} files at once | per second |")
    print("|---|---:|")
    print(f"| workflows (upload of the first → end of the last) | {result['workflows_per_second']:.1f} |")
    print(f"| floor: fresh processes, {args.parallel} at a time | {result['floor_processes_per_second']:.1f} |")
    print(f"\nratio latency/floor p50 {l['p50_ms'] / f['p50_ms']:.2f}; goal p50 ≤ {TARGET_P50_MS:.0f} ms: "
          f"{'met' if l['p50_ms'] <= TARGET_P50_MS else 'not met'}; failed {failed}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
