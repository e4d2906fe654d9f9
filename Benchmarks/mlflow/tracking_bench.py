"""Drives the MLflow tracking benchmark: the same real `mlflow` client against a real
`slipway serve` and a real `mlflow server` (SQLite backend, default workers), interleaved
rounds, medians and ratios. Run through Benchmarks/mlflow_tracking.sh.

Scenarios (sizes configurable; the defaults are the issue's):
  log_batch    --batch-calls calls of log_batch with --batch-size metrics each (metrics/s)
  log_metric   --single-calls log_metric calls from --threads threads (calls/s)
  search_runs  search_runs over --search-runs runs with a metric filter (seconds, median of 5)
  history      get_metric_history of --history-points points (seconds, median of 3)
  log_metric_wrk  the server's own capacity for log-metric: wrk, 2 threads, --threads connections,
               10 s, a Python-free client (calls/s; a run with a non-2xx answer fails)
  log_batch_http, log_metric_http, search_http, history_http: the same calls as raw HTTP (`requests` and `json` only, every
               page), i.e. the server's answer without the mlflow client's protobuf decoding
Setup (runs for search, points for history) is done once per server and not timed.

Every scenario also reports the client's CPU share: the client process's CPU time over the wall
time of the scenario (its few set-up calls included). Near 1.0 (one core: the client's threads share the GIL) the client
itself is the limit, and the server's advantage cannot show fully in the client's figure.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "support"))


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 600) -> None:
    """Start-up is not timed; `mlflow server` takes over a minute to start on a loaded machine."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url}: not healthy after {timeout}s")


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_mlflow(root: Path):
    port = free_port()
    log = open(root / "mlflow-server.log", "w")
    command = [os.environ["SLIPWAY_MLFLOW_SERVER"], "server", "--host", "127.0.0.1", "--port", str(port),
               "--backend-store-uri", f"sqlite:///{root}/mlflow.db", "--default-artifact-root", str(root / "mlartifacts")]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=root, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url + "/health", process)
    return process, {"MLFLOW_TRACKING_URI": url}


def start_slipway(root: Path):
    from slipway_server import start_server
    password = "bench-" + secrets.token_urlsafe(12)
    server = start_server(root / "slipway", admin_password=password, client_secret="s-" + secrets.token_urlsafe(16))
    return server.process, {"MLFLOW_TRACKING_URI": server.base_url, "MLFLOW_TRACKING_USERNAME": "admin",
                            "MLFLOW_TRACKING_PASSWORD": password}


def http_session(env: dict):
    import requests
    session = requests.Session()
    if "MLFLOW_TRACKING_USERNAME" in env:
        session.auth = (env["MLFLOW_TRACKING_USERNAME"], env["MLFLOW_TRACKING_PASSWORD"])
    return session


def client_for(env: dict):
    os.environ.update(env)
    import mlflow
    mlflow.set_tracking_uri(env["MLFLOW_TRACKING_URI"])
    return mlflow.MlflowClient()


# ---- scenarios (each returns a figure; setup returns ids) ----

def log_batch(client, args) -> float:
    from mlflow.entities import Metric
    run = client.create_run(client.create_experiment(f"batch-{secrets.token_hex(4)}"))
    now = int(time.time() * 1000)
    batches = [[Metric("m", float(i), now, call * args.batch_size + i) for i in range(args.batch_size)]
               for call in range(args.batch_calls)]
    start = time.perf_counter()
    for batch in batches:
        client.log_batch(run.info.run_id, metrics=batch)
    return args.batch_calls * args.batch_size / (time.perf_counter() - start)


def log_batch_http(client, env, args) -> float:
    run = client.create_run(client.create_experiment(f"batch-http-{secrets.token_hex(4)}"))
    session, url = http_session(env), env["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-batch"
    now = int(time.time() * 1000)
    bodies = [json.dumps({"run_id": run.info.run_id,
                          "metrics": [{"key": "m", "value": float(i), "timestamp": now, "step": call * args.batch_size + i}
                                      for i in range(args.batch_size)]}) for call in range(args.batch_calls)]
    start = time.perf_counter()
    for body in bodies:
        session.post(url, data=body, headers={"Content-Type": "application/json"}).raise_for_status()
    return args.batch_calls * args.batch_size / (time.perf_counter() - start)


def threaded_calls(args, prepare, call) -> float:
    """--single-calls calls spread over --threads threads (calls/s): `prepare(index)` makes a
    thread's state untimed, `call(state, index, step)` is one timed call."""
    per_thread = args.single_calls // args.threads
    errors = []
    states = [prepare(index) for index in range(args.threads)]

    def work(index):
        try:
            for step in range(per_thread):
                call(states[index], index, step)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(args.threads)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return per_thread * args.threads / (time.perf_counter() - start)


def log_metric(client, args) -> float:
    run = client.create_run(client.create_experiment(f"single-{secrets.token_hex(4)}"))
    return threaded_calls(args, lambda index: None,
                          lambda _, index, step: client.log_metric(run.info.run_id, f"t{index}", float(step), step=step))


def setup_search(client, args) -> str:
    """The runs to search, made from --threads threads (set-up is not timed; one thread would
    take half an hour against `mlflow server`)."""
    from concurrent.futures import ThreadPoolExecutor

    from mlflow.entities import Metric
    experiment = client.create_experiment(f"search-{secrets.token_hex(4)}")
    now = int(time.time() * 1000)

    def make(i):
        run = client.create_run(experiment)
        client.log_batch(run.info.run_id, metrics=[Metric("acc", (i + 1) / args.search_runs, now, 0)])

    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(make, range(args.search_runs)))
    return experiment


def search_runs(client, experiment) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        found = client.search_runs([experiment], filter_string="metrics.acc >= 0.99", max_results=1000)
        times.append(time.perf_counter() - start)
        assert len(found) > 0
    return statistics.median(times)


def setup_history(client, args) -> str:
    from mlflow.entities import Metric
    run = client.create_run(client.create_experiment(f"history-{secrets.token_hex(4)}"))
    now = int(time.time() * 1000)
    for start in range(0, args.history_points, 1000):
        client.log_batch(run.info.run_id, metrics=[Metric("h", float(i), now, i)
                                                   for i in range(start, min(start + 1000, args.history_points))])
    return run.info.run_id


def log_metric_http(client, env, args) -> float:
    run = client.create_run(client.create_experiment(f"single-http-{secrets.token_hex(4)}"))
    url = env["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-metric"

    def call(session, index, step):
        session.post(url, json={"run_id": run.info.run_id, "key": f"t{index}", "value": float(step),
                                "timestamp": int(time.time() * 1000), "step": step}).raise_for_status()

    return threaded_calls(args, lambda index: http_session(env), call)


def log_metric_wrk(client, env, args) -> float:
    import base64
    import re
    run = client.create_run(client.create_experiment(f"single-wrk-{secrets.token_hex(4)}"))
    body = json.dumps({"run_id": run.info.run_id, "key": "w", "value": 1.5, "timestamp": int(time.time() * 1000),
                       "step": 1})
    script = ["wrk.method = 'POST'", f"wrk.body = '{body}'", "wrk.headers['Content-Type'] = 'application/json'"]
    if "MLFLOW_TRACKING_USERNAME" in env:
        pair = f"{env['MLFLOW_TRACKING_USERNAME']}:{env['MLFLOW_TRACKING_PASSWORD']}".encode()
        script.append(f"wrk.headers['Authorization'] = 'Basic {base64.b64encode(pair).decode()}'")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write("\n".join(script) + "\n")
    try:
        done = subprocess.run(["wrk", "-t2", f"-c{args.threads}", "-d10s", "-s", lua.name,
                               env["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-metric"],
                              capture_output=True, text=True, check=True)
    finally:
        os.unlink(lua.name)
    if "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
        raise RuntimeError(f"wrk saw failed calls:\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([0-9.]+)", done.stdout).group(1))


def search_http(env, experiment) -> float:
    session, url = http_session(env), env["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/search"
    times = []
    for _ in range(5):
        start = time.perf_counter()
        response = session.post(url, json={"experiment_ids": [experiment], "filter": "metrics.acc >= 0.99",
                                           "max_results": 1000})
        response.raise_for_status()
        found = response.json().get("runs", [])
        times.append(time.perf_counter() - start)
        assert len(found) > 0
    return statistics.median(times)


def history_http(env, run_id, args) -> float:
    session, url = http_session(env), env["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/metrics/get-history"
    times = []
    for _ in range(3):
        start = time.perf_counter()
        points, token = 0, None
        while True:
            params = {"run_id": run_id, "metric_key": "h", "max_results": 25000}
            if token:
                params["page_token"] = token
            response = session.get(url, params=params)
            response.raise_for_status()
            page = response.json()
            points += len(page.get("metrics", []))
            token = page.get("next_page_token")
            if not token:
                break
        times.append(time.perf_counter() - start)
        assert points == args.history_points, points
    return statistics.median(times)


def history(client, run_id, args) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        points = client.get_metric_history(run_id, "h")
        times.append(time.perf_counter() - start)
        assert len(points) == args.history_points, len(points)
    return statistics.median(times)


def scenario_main(args) -> None:
    """One scenario against one server (a fresh process, so environments do not mix)."""
    env = json.loads(args.env)
    client = client_for(env)
    wall, cpu = time.perf_counter(), time.process_time()
    if args.scenario == "log_batch":
        figure = log_batch(client, args)
    elif args.scenario == "log_metric":
        figure = log_metric(client, args)
    elif args.scenario == "setup_search":
        figure = setup_search(client, args)
    elif args.scenario == "search_runs":
        figure = search_runs(client, args.target_id)
    elif args.scenario == "log_batch_http":
        figure = log_batch_http(client, env, args)
    elif args.scenario == "log_metric_wrk":
        figure = log_metric_wrk(client, env, args)
    elif args.scenario == "log_metric_http":
        figure = log_metric_http(client, env, args)
    elif args.scenario == "search_http":
        figure = search_http(env, args.target_id)
    elif args.scenario == "setup_history":
        figure = setup_history(client, args)
    elif args.scenario == "history_http":
        figure = history_http(env, args.target_id, args)
    else:
        figure = history(client, args.target_id, args)
    share = (time.process_time() - cpu) / (time.perf_counter() - wall)
    print(json.dumps({"figure": figure, "client_cpu": share}))


def run_scenario(name: str, env: dict, args, target_id: str = "", cpu: "list | None" = None) -> "float | str":
    command = [sys.executable, __file__, "--scenario", name, "--env", json.dumps(env), "--target-id", target_id,
               "--batch-calls", str(args.batch_calls), "--batch-size", str(args.batch_size),
               "--single-calls", str(args.single_calls), "--threads", str(args.threads),
               "--search-runs", str(args.search_runs), "--history-points", str(args.history_points)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    if cpu is not None:
        cpu.append(answer["client_cpu"])
    return answer["figure"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario")
    parser.add_argument("--env")
    parser.add_argument("--target-id", default="")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-calls", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--single-calls", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--search-runs", type=int, default=10_000)
    parser.add_argument("--history-points", type=int, default=100_000)
    parser.add_argument("--output", default="")
    args = parser.parse_args()
    if args.scenario:
        scenario_main(args)
        return

    root = Path(tempfile.mkdtemp(prefix="slipway-mlflow-bench-"))
    processes = []
    try:
        targets = {}
        for name, starter in (("slipway", start_slipway), ("mlflow", start_mlflow)):
            process, env = starter(root)
            processes.append(process)
            targets[name] = env
        print(f"setup: {args.search_runs} runs and {args.history_points} history points per server", file=sys.stderr)
        setup = {name: (run_scenario("setup_search", env, args), run_scenario("setup_history", env, args))
                 for name, env in targets.items()}
        keys = ("log_batch", "log_batch_http", "log_metric", "log_metric_http", "log_metric_wrk", "search_runs", "search_http", "history", "history_http")
        results = {name: {key: [] for key in keys} for name in targets}
        cpu = {name: {key: [] for key in keys} for name in targets}
        order = list(targets)
        for round_index in range(args.rounds):
            for name in order[round_index % 2:] + order[:round_index % 2]:
                env = targets[name]
                experiment, run_id = setup[name]
                for key in keys:
                    target = experiment if key.startswith("search") else run_id if key.startswith("history") else ""
                    results[name][key].append(run_scenario(key, env, args, target, cpu[name][key]))
            print(f"round {round_index + 1}/{args.rounds} done", file=sys.stderr)
        rows = [
            ("log_batch (metrics/s)", "log_batch", True),
            ("the same log_batch calls as raw HTTP (metrics/s)", "log_batch_http", True),
            (f"log_metric, {args.threads} threads (calls/s)", "log_metric", True),
            ("the same log_metric calls as raw HTTP (calls/s)", "log_metric_http", True),
            (f"log-metric driven by wrk, {args.threads} connections (calls/s)", "log_metric_wrk", True),
            (f"search_runs over {args.search_runs} runs, metric filter (ms)", "search_runs", False),
            ("the same search as raw HTTP (ms)", "search_http", False),
            (f"get_metric_history of {args.history_points} points (ms)", "history", False),
            ("the same history as raw HTTP, every page (ms)", "history_http", False),
        ]
        lines = ["| scenario | Slipway | MLflow server | Slipway advantage | client CPU share (Slipway / MLflow) |",
                 "|---|---:|---:|---:|---:|"]
        for label, key, higher_is_better in rows:
            ours, theirs = statistics.median(results["slipway"][key]), statistics.median(results["mlflow"][key])
            ratios = [(s / m) if higher_is_better else (m / s)
                      for s, m in zip(results["slipway"][key], results["mlflow"][key])]
            scale = 1 if higher_is_better else 1000
            lines.append(f"| {label} | {ours * scale:,.1f} | {theirs * scale:,.1f} | "
                         f"{statistics.median(ratios):.1f}× ({min(ratios):.1f}–{max(ratios):.1f}) | "
                         + ("— (wrk) |" if key.endswith("_wrk") else
                            f"{statistics.median(cpu['slipway'][key]):.2f} / {statistics.median(cpu['mlflow'][key]):.2f} |"))
        table = "\n".join(lines)
        print(table)
        if args.output:
            Path(args.output).write_text(json.dumps({"args": vars(args), "results": results, "client_cpu": cpu,
                                                     "table": table}, indent=2))
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, 15)
                process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass


if __name__ == "__main__":
    main()
