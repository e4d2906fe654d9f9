"""Slipway benchmark: elastic execution overhead and step creation time.

Usage (from the repository root, after `swift build` and `scripts/python-env.sh`):

    .venvs/compat/bin/python Benchmarks/elastic_overhead.py [--runs 200] [--binary PATH]

Starts its own `slipway serve` on a free loopback port with a temporary data dir,
measures with the real craft-ai-sdk client, stops the server, prints a Markdown
table and writes Benchmarks/results/elastic_overhead.json.

  (a) elastic execution: `sdk.run_pipeline` (POST /run + long-poll of the outputs)
      of a trivial `add(a, b)` step, timed end to end, against the floor of
      starting that step's environment interpreter directly to import and call it;
  (b) step creation: `sdk.create_step` (waits until ready) with a never-seen
      requirements.txt (uncached environment), then with the same one (cached).
"""

import os

# Read by the SDK at import time: keep its console quiet, and never look "inside
# an execution".
os.environ["SDK_VERBOSE_LOG"] = "false"
os.environ.pop("CRAFT_AI_EXECUTION_ID", None)

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import warnings  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402

import craft_ai_sdk  # noqa: E402
from craft_ai_sdk import CraftAiSdk, Input, Output  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
# create_step is deprecated in SDK 0.72.1 in favour of function-based pipelines;
# it is still the documented call that waits for the environment, so keep it quiet.
warnings.filterwarnings("ignore", category=DeprecationWarning, module="craft_ai_sdk")

RESULTS_PATH = REPO_ROOT / "Benchmarks" / "results" / "elastic_overhead.json"
HEALTH_TIMEOUT_S = 60
CREATE_TIMEOUT_S = 600
WARMUP_RUNS = 5
CACHED_CREATIONS = 5
# Targets from the issue ("performance": elastic executions faster than starting Python).
TARGET_ELASTIC_P50_MS = 20.0
TARGET_ELASTIC_P99_MS = 50.0
TARGET_CACHED_CREATE_S = 0.5

ADD_SOURCE = 'def add(a, b):\n    return {"sum": a + b}\n'
# Tiny pure-Python package; the random comment makes the environment hash new.
NEW_REQUIREMENT = "tabulate==0.9.0"


# --- the server ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`slipway serve` on a free loopback port with a fresh data dir under `root`."""

    def __init__(self, binary: Path, root: Path, extra_args: "list[str]" = ()):
        self.data_dir = root / "data"
        self.data_dir.mkdir()
        self.log_path = root / "server.log"
        self.base_url = f"http://127.0.0.1:{free_port()}"
        self.token = "bench-" + secrets.token_urlsafe(32)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CRAFT_AI_", "SDK_"))}
        env["SLIPWAY_ADMIN_TOKEN"] = self.token
        # uv from .venvs/tools, as in Tests/compat/conftest.py.
        env["PATH"] = os.pathsep.join([str(REPO_ROOT / ".venvs" / "tools" / "bin"), env.get("PATH", "/usr/bin:/bin")])
        self._log = open(self.log_path, "wb")
        self._command = [str(binary.resolve()), "serve", "--host", "127.0.0.1", "--port",
                         self.base_url.rsplit(":", 1)[1], "--data-dir", str(self.data_dir), *extra_args]
        self._env, self._root = env, root
        self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen(self._command, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=self._env, cwd=str(self._root))
        self._wait_healthy()

    def kill_and_restart(self) -> float:
        """SIGKILL, then the same command on the same data dir; returns seconds until healthy."""
        self.process.kill()
        self.process.wait(timeout=10)
        started = time.monotonic()
        self._start()
        return time.monotonic() - started

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slipway serve exited with {self.process.returncode}\n{self.log_tail()}")
            try:
                if requests.get(f"{self.base_url}/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"slipway serve not healthy after {HEALTH_TIMEOUT_S} s\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError as error:
            return f"<cannot read {self.log_path}: {error}>"

    def environments(self) -> set:
        """Ready environment directories (`<data-dir>/environments/<sha>`)."""
        root = self.data_dir / "environments"
        return {p for p in root.iterdir() if (p / ".slipway-ready").is_file()} if root.is_dir() else set()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


# --- helpers ---------------------------------------------------------------------


def summary(samples_s: list) -> dict:
    """Percentiles (linear interpolation) and mean, in milliseconds."""
    ms = sorted(s * 1000 for s in samples_s)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {"n": len(ms), "p50_ms": cuts[49], "p90_ms": cuts[89], "p99_ms": cuts[98],
            "mean_ms": statistics.fmean(ms), "min_ms": ms[0], "max_ms": ms[-1]}


def make_step_folder(root: Path, requirements: str) -> Path:
    folder = root / f"step-{uuid.uuid4().hex[:8]}"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "add.py").write_text(ADD_SOURCE)
    (folder / "requirements.txt").write_text(requirements)
    return folder


def create_add_step(sdk: CraftAiSdk, name: str, folder: Path) -> float:
    """`sdk.create_step` (waits until ready); returns its wall time in seconds."""
    started = time.perf_counter()
    step = sdk.create_step(
        step_name=name,
        function_path="src/add.py",
        function_name="add",
        container_config={"local_folder": str(folder), "requirements_path": "requirements.txt",
                          "included_folders": ["src"]},
        inputs=[Input(name="a", data_type="number"), Input(name="b", data_type="number")],
        outputs=[Output(name="sum", data_type="number")],
        timeout_s=CREATE_TIMEOUT_S,
    )
    elapsed = time.perf_counter() - started
    assert step["creation_info"]["status"] == "ready", step
    return elapsed


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the measurements ------------------------------------------------------------


def bench_elastic(sdk: CraftAiSdk, server: Server, work: Path, runs: int) -> dict:
    name = f"bench-add-{uuid.uuid4().hex[:8]}"
    before = server.environments()
    folder = make_step_folder(work, "")  # empty requirements
    create_add_step(sdk, name, folder)
    sdk.create_pipeline(pipeline_name=name, step_name=name)

    # The step's environment: the one that appeared, else (already cached) the only one.
    new = server.environments() - before
    candidates = new or server.environments()
    assert len(candidates) == 1, f"cannot tell which environment the step uses: {candidates}"
    env_python = next(iter(candidates)) / "bin" / "python"

    # Breakdown: run_pipeline makes three HTTP calls (GET the pipeline, POST /run,
    # GET the outputs with wait_for_completion=true); `elapsed` is each one's time to
    # response headers, as seen by requests.
    calls = []
    sdk._session.hooks["response"].append(
        lambda response, *args, **kwargs: calls.append(
            (response.request.method, response.request.path_url, response.elapsed.total_seconds())))

    progress(f"elastic: {WARMUP_RUNS} warm-up + {runs} runs of run_pipeline({name!r})")
    samples = []
    phases = {"get_pipeline": [], "post_run": [], "wait_outputs": []}
    for i in range(WARMUP_RUNS + runs):
        calls.clear()
        started = time.perf_counter()
        result = sdk.run_pipeline(name, {"a": 1, "b": 2})
        elapsed = time.perf_counter() - started
        assert result["outputs"] == {"sum": 3}, result
        if i >= WARMUP_RUNS:
            samples.append(elapsed)
            for method, path, seconds in calls:
                if method == "GET" and path.endswith(f"/pipelines/{name}"):
                    phases["get_pipeline"].append(seconds)
                elif method == "POST" and path.endswith("/run"):
                    phases["post_run"].append(seconds)
                elif method == "GET" and "/outputs" in path:
                    phases["wait_outputs"].append(seconds)
    sdk._session.hooks["response"].clear()

    # Floor: a fresh interpreter of the same environment importing and calling add.
    module = folder / "src" / "add.py"
    code = ("import importlib.util,sys; s=importlib.util.spec_from_file_location('add', sys.argv[1]); "
            "m=importlib.util.module_from_spec(s); s.loader.exec_module(m); "
            "assert m.add(1, 2) == {'sum': 3}")
    progress(f"floor: {WARMUP_RUNS} warm-up + {runs} runs of {env_python} -c ...")
    floor = []
    for i in range(WARMUP_RUNS + runs):
        started = time.perf_counter()
        subprocess.run([str(env_python), "-c", code, str(module)], check=True)
        elapsed = time.perf_counter() - started
        if i >= WARMUP_RUNS:
            floor.append(elapsed)

    elastic, direct = summary(samples), summary(floor)
    return {
        "pipeline": name,
        "environment_python": str(env_python),
        "warmup_runs": WARMUP_RUNS,
        "elastic": elastic,
        "floor": direct,
        "breakdown_p50_ms": {k: statistics.median(v) * 1000 for k, v in phases.items() if v},
        "ratio_p50": elastic["p50_ms"] / direct["p50_ms"],
        "added_p50_ms": elastic["p50_ms"] - direct["p50_ms"],
    }


def bench_creation(sdk: CraftAiSdk, work: Path) -> dict:
    requirements = f"{NEW_REQUIREMENT}\n# slipway benchmark {uuid.uuid4().hex}\n"
    progress("step creation: uncached environment")
    uncached = create_add_step(sdk, f"bench-new-{uuid.uuid4().hex[:8]}", make_step_folder(work, requirements))
    cached = []
    for i in range(CACHED_CREATIONS):
        progress(f"step creation: cached environment {i + 1}/{CACHED_CREATIONS}")
        cached.append(create_add_step(sdk, f"bench-cached-{uuid.uuid4().hex[:8]}", make_step_folder(work, requirements)))
    return {
        "requirements": requirements,
        "uncached_s": uncached,
        "cached_s": cached,
        "cached_p50_s": statistics.median(cached),
    }


# --- report ----------------------------------------------------------------------


def markdown(results: dict) -> str:
    e = results["elastic_overhead"]
    c = results["step_creation"]
    el, fl = e["elastic"], e["floor"]
    met = lambda ok: "**met**" if ok else "**not met**"  # noqa: E731
    rows = [
        "| Measurement | n | p50 | p90 | p99 | mean |",
        "|---|---:|---:|---:|---:|---:|",
        f"| Elastic execution, `sdk.run_pipeline` end to end | {el['n']} | {el['p50_ms']:.1f} ms "
        f"| {el['p90_ms']:.1f} ms | {el['p99_ms']:.1f} ms | {el['mean_ms']:.1f} ms |",
        f"| Floor: env interpreter start + import + call | {fl['n']} | {fl['p50_ms']:.1f} ms "
        f"| {fl['p90_ms']:.1f} ms | {fl['p99_ms']:.1f} ms | {fl['mean_ms']:.1f} ms |",
        f"| Step creation, uncached environment (`{NEW_REQUIREMENT}`) | 1 | {c['uncached_s']:.2f} s | | | |",
        f"| Step creation, cached environment | {len(c['cached_s'])} | {c['cached_p50_s']:.2f} s | | | "
        f"{statistics.fmean(c['cached_s']):.2f} s |",
        "",
        f"Elastic p50 / floor p50 = **{e['ratio_p50']:.2f}x**; "
        f"added latency at p50 = **{e['added_p50_ms']:.1f} ms**.",
        "",
        "Inside `run_pipeline` (p50, time to response headers): "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in e["breakdown_p50_ms"].items()) + ".",
        "",
        "| Target | Result | Status |",
        "|---|---:|---|",
        f"| Elastic execution p50 ≤ {TARGET_ELASTIC_P50_MS:.0f} ms | {el['p50_ms']:.1f} ms "
        f"| {met(el['p50_ms'] <= TARGET_ELASTIC_P50_MS)} |",
        f"| Elastic execution p99 ≤ {TARGET_ELASTIC_P99_MS:.0f} ms | {el['p99_ms']:.1f} ms "
        f"| {met(el['p99_ms'] <= TARGET_ELASTIC_P99_MS)} |",
        f"| Cached step creation ≤ {TARGET_CACHED_CREATE_S} s (p50) | {c['cached_p50_s']:.2f} s "
        f"| {met(c['cached_p50_s'] <= TARGET_CACHED_CREATE_S)} |",
    ]
    return "\n".join(rows)


def machine(binary: Path) -> dict:
    return {
        "nproc": os.cpu_count(),
        "loadavg_1_5_15": os.getloadavg(),  # other work on the machine skews the numbers
        "platform": platform.platform(),
        "python": platform.python_version(),
        "craft_ai_sdk": craft_ai_sdk.__version__,
        "binary": str(binary),
        "build": "debug" if "/debug/" in str(binary) else "release" if "/release/" in str(binary) else "unknown",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="measured runs for (a) (default 200)")
    parser.add_argument("--binary", type=Path, help="slipway binary (default: $SLIPWAY_BIN, else .build/debug/slipway)",
                        default=Path(os.environ.get("SLIPWAY_BIN") or REPO_ROOT / ".build" / "debug" / "slipway"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir and server log")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra `slipway serve` argument, e.g. --server-arg=--elastic-standby=0 (repeatable)")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        parser.error(f"slipway binary not found or not executable: {args.binary} (swift build)")
    if args.runs < 100:
        parser.error("--runs must be at least 100 for a p99")

    root = Path(tempfile.mkdtemp(prefix="slipway-bench-"))
    server = Server(args.binary, root, args.server_arg)
    progress(f"slipway serve at {server.base_url}, data dir {server.data_dir}")
    ok = False
    try:
        sdk = CraftAiSdk(sdk_token=server.token, environment_url=server.base_url, control_url=server.base_url)
        work = root / "steps"
        work.mkdir()
        results = {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(args.binary.resolve()),
            "elastic_overhead": bench_elastic(sdk, server, work, args.runs),
            "step_creation": bench_creation(sdk, work),
            "targets": {"elastic_p50_ms": TARGET_ELASTIC_P50_MS, "elastic_p99_ms": TARGET_ELASTIC_P99_MS, "cached_step_creation_s": TARGET_CACHED_CREATE_S},
        }
        ok = True
    except Exception:
        progress(f"--- server log (tail) ---\n{server.log_tail()}")
        raise
    finally:
        server.stop()
        if ok and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            progress(f"kept {root}")

    results["targets"]["elastic_p50_met"] = results["elastic_overhead"]["elastic"]["p50_ms"] <= TARGET_ELASTIC_P50_MS
    results["targets"]["elastic_p99_met"] = results["elastic_overhead"]["elastic"]["p99_ms"] <= TARGET_ELASTIC_P99_MS
    results["targets"]["cached_step_creation_met"] = results["step_creation"]["cached_p50_s"] <= TARGET_CACHED_CREATE_S
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=2) + "\n")
    print(markdown(results))
    progress(f"wrote {RESULTS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
