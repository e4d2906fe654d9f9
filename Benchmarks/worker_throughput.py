"""Slipway benchmark: throughput and round-trip latency of the resident Python worker.

Usage (from the repository root; needs no build, only a Python interpreter):

    .venvs/compat/bin/python Benchmarks/worker_throughput.py [--requests 50000]
        [--latency-requests 5000] [--repeat 3] [--config sync-1 ...] [--json PATH]
        [--worker-dir DIR]   # another copy of slipway_worker, for A/B comparisons

For each configuration it starts `python -u -m slipway_worker --mode resident`
on a trivial function in a temporary directory, the way the Swift supervisor
does, and drives it over the JSON-lines protocol:

  * throughput: K pipelined `execute` requests, keeping at most N in flight
    (N = --max-parallel, like the supervisor, which queues the rest itself);
    executions/s = K / time from the first request to the last reply;
  * latency: round trip of one request at a time (in flight 1), p50 / p99.

Every execution must be answered exactly once with the right sum, or the run
fails. The driver runs in this process, on its own core if there is one; the
worker interpreter is this one unless --python names another. On a shared
machine compare A/B runs made at the same time: the numbers follow the load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

REPO_ROOT = Path(__file__).resolve().parents[1]
PYTHON_DIR = REPO_ROOT / "python"

SOURCE = '''\
def add(a, b):
    return {"sum": a + b}


async def add_async(a, b):
    return {"sum": a + b}
'''

# name -> (function name, max parallel)
CONFIGS: Dict[str, Tuple[str, int]] = {
    "sync-1": ("add", 1),
    "sync-6": ("add", 6),
    "async-6": ("add_async", 6),
}


class Worker:
    """A resident worker subprocess driven with raw pipe I/O (the driver must stay cheap)."""

    def __init__(self, python: str, worker_dir: str, code_dir: str, function_name: str, max_parallel: int) -> None:
        env = dict(os.environ)
        worker_dir = os.path.abspath(worker_dir)  # the worker runs in code_dir
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [worker_dir, env.get("PYTHONPATH")]))
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [
                python, "-u", "-m", "slipway_worker",
                "--code-dir", code_dir,
                "--function-path", "main.py",
                "--function-name", function_name,
                "--mode", "resident",
                "--max-parallel", str(max_parallel),
            ],
            cwd=code_dir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            bufsize=0,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        self._buffer = b""
        ready = json.loads(self._next_lines(1)[0])
        if ready.get("type") != "ready":
            raise RuntimeError(f"worker did not start: {ready}")
        self.is_async = ready["is_async"]
        self._next_id = 0

    def _next_lines(self, at_least: int = 1) -> List[bytes]:
        """Complete lines read so far (at least ``at_least``, blocking for them)."""
        lines: List[bytes] = []
        while True:
            *complete, self._buffer = self._buffer.split(b"\n")
            lines.extend(complete)
            if len(lines) >= at_least:
                return lines
            chunk = os.read(self._out, 1 << 16)
            if not chunk:
                raise RuntimeError(f"worker closed its stdout; {self.diagnostics()}")
            self._buffer += chunk

    def _requests(self, count: int) -> Tuple[bytes, List[int]]:
        ids = list(range(self._next_id, self._next_id + count))
        self._next_id += count
        data = b"".join(
            b'{"type":"execute","execution_id":"e%d","inputs":{"a":%d,"b":1}}\n' % (i, i) for i in ids
        )
        return data, ids

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._in, view):]

    @staticmethod
    def _check(line: bytes, pending: Dict[str, int]) -> None:
        message = json.loads(line)
        if message.get("type") != "result":
            raise RuntimeError(f"unexpected message: {message}")
        execution_id = message["execution_id"]
        expected = pending.pop(execution_id, None)
        if expected is None:
            raise RuntimeError(f"unknown or repeated reply for {execution_id}")
        if message["outputs"] != {"sum": expected}:
            raise RuntimeError(f"wrong outputs for {execution_id}: {message['outputs']}")

    def throughput(self, total: int, window: int) -> float:
        """Executions per second with at most ``window`` in flight."""
        pending: Dict[str, int] = {}
        sent = 0
        done = 0
        start = time.perf_counter()
        first = min(window, total)
        data, ids = self._requests(first)
        pending.update((f"e{i}", i + 1) for i in ids)
        sent += first
        self._write(data)
        while done < total:
            lines = self._next_lines(1)
            for line in lines:
                self._check(line, pending)
            done += len(lines)
            more = min(len(lines), total - sent)
            if more:
                data, ids = self._requests(more)
                pending.update((f"e{i}", i + 1) for i in ids)
                sent += more
                self._write(data)
        elapsed = time.perf_counter() - start
        if pending:
            raise RuntimeError(f"{len(pending)} executions never answered")
        return total / elapsed

    def latencies(self, count: int) -> List[float]:
        """Round-trip times in seconds, one request at a time."""
        times = []
        for _ in range(count):
            data, ids = self._requests(1)
            pending = {f"e{ids[0]}": ids[0] + 1}
            start = time.perf_counter()
            self._write(data)
            lines = self._next_lines(1)
            times.append(time.perf_counter() - start)
            for line in lines:
                self._check(line, pending)
        return times

    def diagnostics(self) -> str:
        try:
            code = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            code = None
        self._stderr.seek(0)
        return f"exit status {code}, stderr:\n{self._stderr.read().decode('utf-8', 'replace')[-4000:]}"

    def stop(self) -> int:
        try:
            self._write(b'{"type":"shutdown"}\n')
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run_config(
    name: str, python: str, worker_dir: str, code_dir: str, total: int, latency_count: int, repeat: int
) -> Dict[str, object]:
    function_name, max_parallel = CONFIGS[name]
    worker = Worker(python, worker_dir, code_dir, function_name, max_parallel)
    try:
        worker.throughput(min(2000, total), max_parallel)  # warm-up (threads, event loop, caches)
        rates = [worker.throughput(total, max_parallel) for _ in range(repeat)]
        worker.latencies(min(200, latency_count))  # warm-up
        times = worker.latencies(latency_count)
    finally:
        code = worker.stop()
    if code != 0:
        raise RuntimeError(f"{name}: worker exited with {code}; {worker.diagnostics()}")
    return {
        "config": name,
        "function": function_name,
        "max_parallel": max_parallel,
        "requests": total,
        "executions_per_s": max(rates),
        "executions_per_s_runs": rates,
        "rtt_p50_us": percentile(times, 0.50) * 1e6,
        "rtt_p99_us": percentile(times, 0.99) * 1e6,
        "rtt_mean_us": statistics.fmean(times) * 1e6,
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50_000, help="requests per throughput run")
    parser.add_argument("--latency-requests", type=int, default=5_000, help="requests for the round-trip run")
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs per configuration (best is kept)")
    parser.add_argument("--config", action="append", choices=sorted(CONFIGS), help="configuration(s) to run")
    parser.add_argument("--python", default=sys.executable, help="worker interpreter (default: this one)")
    parser.add_argument(
        "--worker-dir", default=str(PYTHON_DIR), help="folder holding slipway_worker (default: python/ here)"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    options = parser.parse_args(argv)

    names = options.config or list(CONFIGS)
    results = []
    with tempfile.TemporaryDirectory(prefix="slipway-bench-") as code_dir:
        Path(code_dir, "main.py").write_text(SOURCE, encoding="utf-8")
        for name in names:
            result = run_config(
                name,
                options.python,
                options.worker_dir,
                code_dir,
                options.requests,
                options.latency_requests,
                options.repeat,
            )
            results.append(result)
            print(
                f"{name}: {result['executions_per_s']:,.0f} exec/s "
                f"(runs: {', '.join(f'{r:,.0f}' for r in result['executions_per_s_runs'])}), "
                f"round trip p50 {result['rtt_p50_us']:.0f} µs, p99 {result['rtt_p99_us']:.0f} µs",
                file=sys.stderr,
                flush=True,
            )

    print()
    print("| configuration | max parallel | executions/s | round trip p50 | round trip p99 |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['config']} ({r['function']}) | {r['max_parallel']} | {r['executions_per_s']:,.0f} "
            f"| {r['rtt_p50_us']:.0f} µs | {r['rtt_p99_us']:.0f} µs |"
        )
    if options.json:
        document = {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "results": results,
        }
        options.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
