"""Helper of Benchmarks/inference_throughput.sh (which is the entry point; see BENCHMARKS.md).

Runs with .venvs/bench-inference/bin/python (numpy, onnx, onnxruntime, orjson); HTTP with the
standard library only.

    free-ports N                 print N distinct free loopback TCP ports
    build-model --work DIR       the ONNX model (29 float inputs -> dense 8 relu -> 1 sigmoid,
                                 dynamic batch) as DIR/model.onnx, the one-row request body
                                 DIR/body.json, its expected output DIR/expected.json and the
                                 Lua pattern wrk checks answers with DIR/expect.lua-pattern
    direct --work DIR            time session.run on that one row in-process (timeit), and on
                                 batches of 64 rows
    versions --out F             Python and package versions of this interpreter
    check --work DIR --body F --code C
                                 fail unless one answer is 200 with dense_1 = the expected value
    slipway-setup --url U --work DIR --pipelines NAME...
                                 token, workspace, model upload, one pipeline + deployment per
                                 NAME; waits until Running; writes DIR/slipway.json (URLs, ids)
                                 and DIR/slipway-token
    metrics --url U --work DIR --name NAME --out F
                                 status/get_deployment of NAME: inference_metrics.mean_batch_rows
    fill-logs --url U --work DIR --name NAME --records N [--rows-per-call R] [--parallel P]
                                 N records into NAME's inference log (calls of R random rows)
    logs-bench --url U --work DIR --name NAME --requests K --out F
                                 get_logs pages of 1,000: newest first, oldest first, and pages
                                 deep in the cursor chain; p50/p99 of each
    cpu-snap --root PID --out F  CPU ticks of the machine and of PID's process tree
    report --work DIR --md F --json F [--meta K=V ...]
                                 Markdown (also printed) and JSON of one run
"""

import argparse
import base64
import http.client
import json
import os
import platform
import socket
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timezone
from pathlib import Path

INPUTS = 29
RECORDS = "application/json; format=pandas-records"
TOKEN_PATH = "/auth/realms/master/protocol/openid-connect/token"
TARGET_THROUGHPUT_RATIO = 1.5
TARGET_ADDED_C1_MS = 1.0
TARGET_BATCH_ROWS = 8
TARGET_LOGS_P50_MS = 50.0
SERVERS = [
    ("slipway", "Slipway (Wallaroo API, ONNX model, batching)"),
    ("fastapi", "FastAPI `async def` + onnxruntime on uvicorn (uvloop, httptools, 2 workers)"),
]


def progress(message: str) -> None:
    print(f"driver: {message}", file=sys.stderr, flush=True)


def read_json(path: Path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


# --- model ------------------------------------------------------------------------------


def dense_onnx(inputs: int = INPUTS, seed: int = 1) -> bytes:
    """Like the seed's ccfraud: `inputs` floats in, dense 8 + relu, dense 1 + sigmoid out,
    batch dimension dynamic (the same net as Tests/compat_wallaroo/models_helpers.py)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper

    rng = np.random.default_rng(seed)
    w1 = rng.normal(size=(inputs, 8)).astype(np.float32)
    b1 = rng.normal(size=(8,)).astype(np.float32)
    w2 = rng.normal(size=(8, 1)).astype(np.float32)
    b2 = rng.normal(size=(1,)).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["dense_input", "w1"], ["h1"]),
        helper.make_node("Add", ["h1", "b1"], ["h2"]),
        helper.make_node("Relu", ["h2"], ["h3"]),
        helper.make_node("MatMul", ["h3", "w2"], ["h4"]),
        helper.make_node("Add", ["h4", "b2"], ["h5"]),
        helper.make_node("Sigmoid", ["h5"], ["dense_1"]),
    ]
    graph = helper.make_graph(
        nodes, "dense",
        [helper.make_tensor_value_info("dense_input", TensorProto.FLOAT, ["batch", inputs])],
        [helper.make_tensor_value_info("dense_1", TensorProto.FLOAT, ["batch", 1])],
        initializer=[helper.make_tensor(name, TensorProto.FLOAT, array.shape, array.flatten())
                     for name, array in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def session(model_path):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(model_path), sess_options=options, providers=["CPUExecutionProvider"])


def cmd_build_model(args) -> int:
    import numpy as np

    work = Path(args.work)
    (work / "model.onnx").write_bytes(dense_onnx())
    sess = session(work / "model.onnx")
    # A row whose score is well inside (0, 1), so that every server prints it as a plain decimal.
    rng = np.random.default_rng(42)
    for _ in range(10000):
        row = np.round(rng.normal(size=(1, INPUTS)), 4).astype(np.float32)
        score = float(sess.run(None, {"dense_input": row})[0][0][0])
        if 0.2 < score < 0.8:
            break
    else:
        raise SystemExit("no row with a score in (0.2, 0.8)")
    values = [float(f"{v:.4f}") for v in row[0].tolist()]
    (work / "body.json").write_text(json.dumps([{"tensor": values}], separators=(",", ":")))
    (work / "expected.json").write_text(json.dumps({"dense_1": score, "row": values}) + "\n")
    digits = f"{int(score * 1000) / 1000:.3f}"  # "0.xyz", truncated: the digits every float formatting agrees on
    (work / "expect.lua-pattern").write_text('"dense_1"%s*:%s*%[%s*' + digits.replace(".", "%.") + "\n")
    progress(f"model {len((work / 'model.onnx').read_bytes())} bytes; body row score {score:.6f}")
    return 0


def cmd_direct(args) -> int:
    import timeit

    import numpy as np

    work = Path(args.work)
    sess = session(work / "model.onnx")
    row = np.asarray([read_json(work / "expected.json")["row"]], dtype=np.float32)
    batch = np.repeat(row, 64, axis=0)
    feeds1, feeds64 = {"dense_input": row}, {"dense_input": batch}

    def per_call_us(stmt, number):
        timer = timeit.Timer(stmt, globals={"sess": sess, "feeds1": feeds1, "feeds64": feeds64})
        timer.timeit(number)  # warm-up
        return sorted(t / number * 1e6 for t in timer.repeat(repeat=args.repeat, number=number))

    one = per_call_us("sess.run(None, feeds1)", args.number)
    many = per_call_us("sess.run(None, feeds64)", args.number // 4)
    cuts = statistics.quantiles(one, n=100, method="inclusive")
    result = {
        "method": f"timeit: {args.repeat} batches of {args.number} calls of session.run on one row "
                  "(an InferenceSession with intra-op threads 1, as the peer's); per-call time of each batch",
        "p50_us": cuts[49], "p99_us": cuts[98], "min_us": one[0], "mean_us": statistics.fmean(one),
        "batch64_p50_us": statistics.median(many), "batch64_per_row_us": statistics.median(many) / 64,
    }
    (work / "direct.json").write_text(json.dumps(result, indent=2) + "\n")
    progress(f"in-process session.run, one row: p50 {result['p50_us']:.2f} µs; 64 rows: "
             f"{result['batch64_p50_us']:.2f} µs ({result['batch64_per_row_us']:.3f} µs per row)")
    return 0


def cmd_versions(args) -> int:
    from importlib import metadata

    versions = {"python": platform.python_version(), "python_executable": sys.executable}
    for dist in ("fastapi", "starlette", "uvicorn", "uvloop", "httptools", "onnxruntime", "onnx", "numpy", "orjson"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    Path(args.out).write_text(json.dumps(versions, indent=2) + "\n")
    return 0


def cmd_check(args) -> int:
    want = read_json(Path(args.work) / "expected.json")["dense_1"]
    text = Path(args.body).read_text(errors="replace")
    problem = None
    if args.code != 200:
        problem = f"HTTP status {args.code}, expected 200"
    else:
        try:
            answer = json.loads(text)
            got = answer[0]["out"]["dense_1"][0]
            if abs(got - want) > 1e-5:
                problem = f"dense_1 is {got}, expected {want}"
            elif answer[0].get("in", {}).get("tensor") is None:
                problem = "no in.tensor in the answer"
        except (ValueError, LookupError, TypeError) as error:
            problem = f"not the expected answer shape ({type(error).__name__}: {error})"
    if problem:
        print(f"driver: check failed: {problem}\n--- answer ---\n{text[:2000]}", file=sys.stderr)
        return 1
    return 0


def cmd_free_ports(args) -> int:
    socks = []
    try:
        for _ in range(args.count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        print(" ".join(str(s.getsockname()[1]) for s in socks))
    finally:
        for sock in socks:
            sock.close()
    return 0


# --- Slipway's Wallaroo API -------------------------------------------------------------


class Api:
    """A keep-alive connection to the server and the admin's bearer token."""

    def __init__(self, base_url: str, token: "str | None" = None):
        self.base = urllib.parse.urlsplit(base_url)
        self.token = token
        self.connection = None

    def _conn(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.base.hostname, self.base.port, timeout=300)
        return self.connection

    def request(self, method, path, body=b"", headers=None):
        headers = dict(headers or {})
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = "Bearer " + self.token
        for attempt in (1, 2):
            try:
                conn = self._conn()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                return response.status, response.headers, data
            except (http.client.HTTPException, ConnectionError):
                self.connection = None
                if attempt == 2:
                    raise

    def post(self, path, body, expect=200, headers=None):
        status, response_headers, data = self.request(
            "POST", "/v1/api/" + path, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})})
        if status != expect:
            raise SystemExit(f"driver: {path}: HTTP {status}: {data[:1000]!r}")
        return response_headers, (json.loads(data) if data else None)

    def login(self, password: str, secret: str) -> str:
        basic = base64.b64encode(f"api-client:{secret}".encode()).decode()
        body = urllib.parse.urlencode({"grant_type": "password", "username": "admin", "password": password}).encode()
        status, _, data = self.request("POST", TOKEN_PATH, body, {
            "Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise SystemExit(f"driver: token: HTTP {status}: {data[:500]!r}")
        self.token = json.loads(data)["access_token"]
        return self.token


def api_from(args) -> "tuple[Api, dict]":
    work = Path(args.work)
    setup = read_json(work / "slipway.json")
    return Api(args.url, (work / "slipway-token").read_text().strip()), setup


def multipart(fields) -> "tuple[bytes, str]":
    boundary = "bench" + uuid.uuid4().hex
    parts = []
    for name, filename, content_type, data in fields:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        parts.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {content_type}\r\n\r\n".encode()
                     + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def cmd_slipway_setup(args) -> int:
    work = Path(args.work)
    api = Api(args.url)
    api.login(os.environ["SLIPWAY_ADMIN_PASSWORD"], os.environ["SLIPWAY_CLIENT_SECRET"])
    fd = os.open(work / "slipway-token", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(api.token)
    started = time.perf_counter()
    _, ws = api.post("workspaces/create", {"workspace_name": "benchws"})
    workspace_id = ws["workspace_id"]
    metadata = {"name": "benchonnx", "visibility": "public", "workspace_id": workspace_id,
                "conversion": {"framework": "onnx", "python_version": "3.8", "requirements": []}}
    body, content_type = multipart([("metadata", None, "application/json", json.dumps(metadata).encode()),
                                    ("file", "benchonnx", "application/octet-stream",
                                     (work / "model.onnx").read_bytes())])
    status, _, data = api.request("POST", "/v1/api/models/upload_and_convert", body, {"Content-Type": content_type})
    if status != 200:
        raise SystemExit(f"driver: upload_and_convert: HTTP {status}: {data[:1000]!r}")
    model_id = json.loads(data)["insert_models"]["returning"][0]["models"][0]["id"]
    _, versions = api.post("models/list_versions", {"model_id": "benchonnx", "models_pk_id": model_id})
    version = versions[-1]
    step = {"name": version["model_id"], "version": version["model_version"], "sha": version["sha"]}
    result = {"workspace_id": workspace_id, "model_id": model_id, "model_version": version["model_version"],
              "upload_s": time.perf_counter() - started, "pipelines": {}}
    engine_config = json.loads(args.engine_config) if args.engine_config else None
    for name in args.pipelines:
        started = time.perf_counter()
        _, pipeline = api.post("pipelines/create", {"pipeline_id": name, "workspace_id": workspace_id,
                                                    "definition": {"steps": [{"ModelInference": {"models": [step]}}]}})
        deploy = {"deploy_id": name, "pipeline_version_pk_id": pipeline["pipeline_variant_pk_id"],
                  "models": [step], "pipeline_id": pipeline["pipeline_pk_id"]}
        if engine_config is not None:
            deploy["engine_config"] = engine_config
        _, deployed = api.post("pipelines/deploy", deploy)
        full_name = f"{name}-{deployed['id']}"
        deadline = time.monotonic() + args.timeout
        while True:
            _, state = api.post("status/get_deployment", {"name": full_name})
            if state["status"] == "Running":
                break
            if state["status"] == "Error" or time.monotonic() > deadline:
                raise SystemExit(f"driver: deployment {full_name} is not running: {json.dumps(state)[:2000]}")
            time.sleep(0.5)
        deploy_s = time.perf_counter() - started
        _, external = api.post("admin/get_pipeline_external_url", {"workspace_id": workspace_id, "pipeline_name": name})
        result["pipelines"][name] = {"deployment": full_name, "pipeline_pk_id": pipeline["pipeline_pk_id"],
                                     "url": external["url"], "deploy_s": deploy_s}
        (work / f"url-{name}").write_text(external["url"] + "\n")
        progress(f"{full_name}: Running after {deploy_s:.1f} s; {external['url']}")
    result["engine_config"] = engine_config
    (work / "slipway.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


def cmd_metrics(args) -> int:
    api, setup = api_from(args)
    full_name = setup["pipelines"][args.name]["deployment"]
    _, state = api.post("status/get_deployment", {"name": full_name})
    metrics = state.get("inference_metrics")
    Path(args.out).write_text(json.dumps({"deployment": full_name, "inference_metrics": metrics}, indent=2) + "\n")
    progress(f"{full_name}: inference_metrics {json.dumps(metrics)}")
    return 0


def cmd_fill_logs(args) -> int:
    import numpy as np

    api, setup = api_from(args)
    url = urllib.parse.urlsplit(setup["pipelines"][args.name]["url"])
    calls = -(-args.records // args.rows_per_call)
    rng = np.random.default_rng(5)
    rows = np.round(rng.normal(size=(args.rows_per_call, INPUTS)), 4).tolist()
    body = json.dumps([{"tensor": row} for row in rows], separators=(",", ":")).encode()
    last = args.records - (calls - 1) * args.rows_per_call
    last_body = json.dumps([{"tensor": row} for row in rows[:last]], separators=(",", ":")).encode()
    lock = threading.Lock()
    state = {"next": 0, "done": 0, "rows": 0, "errors": []}
    started = time.perf_counter()

    def worker():
        conn = Api(f"http://{url.hostname}:{url.port}", api.token)
        while True:
            with lock:
                if state["next"] >= calls or state["errors"]:
                    return
                index = state["next"]
                state["next"] += 1
            data = last_body if index == calls - 1 else body
            status, _, answer = conn.request("POST", url.path, data, {"Content-Type": RECORDS})
            with lock:
                if status != 200:
                    state["errors"].append(f"HTTP {status}: {answer[:300]!r}")
                    return
                state["done"] += 1
                state["rows"] += len(json.loads(answer))
                if state["done"] % max(1, calls // 10) == 0:
                    progress(f"fill-logs: {state['rows']:,} records in {time.perf_counter() - started:.1f} s")

    threads = [threading.Thread(target=worker) for _ in range(args.parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if state["errors"]:
        raise SystemExit(f"driver: fill-logs failed: {state['errors'][0]}")
    result = {"records": state["rows"], "calls": calls, "rows_per_call": args.rows_per_call,
              "parallel": args.parallel, "seconds": elapsed, "records_per_s": state["rows"] / elapsed}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    progress(f"fill-logs: {state['rows']:,} records in {elapsed:.1f} s ({result['records_per_s']:,.0f} records/s)")
    return 0


def percentile_summary(samples_ms):
    ordered = sorted(samples_ms)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else [ordered[0]] * 99
    return {"n": len(ordered), "p50_ms": cuts[49], "p99_ms": cuts[98], "min_ms": ordered[0],
            "max_ms": ordered[-1], "mean_ms": statistics.fmean(ordered)}


def cmd_logs_bench(args) -> int:
    api, setup = api_from(args)
    base = {"pipeline_id": args.name, "workspace_id": setup["workspace_id"], "page_size": args.page_size}

    def page(extra):
        started = time.perf_counter()
        status, headers, data = api.request("POST", "/v1/api/pipelines/get_logs",
                                            json.dumps({**base, **extra}).encode(), {"Content-Type": "application/json"})
        elapsed_ms = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"driver: get_logs: HTTP {status}: {data[:500]!r}")
        records = json.loads(data)
        return elapsed_ms, len(records), headers.get("x-iteration-cursor"), headers.get("x-iteration-status"), len(data)

    for _ in range(3):  # warm-up
        page({})
    results = {"page_size": args.page_size, "requests_per_case": args.requests, "cases": {}}
    for label, extra in (("newest_first", {}), ("oldest_first", {"order": "Asc"})):
        samples, counts, sizes = [], set(), []
        for _ in range(args.requests):
            elapsed, count, _, _, size = page(extra)
            samples.append(elapsed)
            counts.add(count)
            sizes.append(size)
        results["cases"][label] = {**percentile_summary(samples), "records_per_page": sorted(counts),
                                   "bytes_per_page": statistics.median(sizes)}
        progress(f"get_logs {label}: p50 {results['cases'][label]['p50_ms']:.1f} ms, "
                 f"p99 {results['cases'][label]['p99_ms']:.1f} ms ({sorted(counts)} records per page)")
    # Deep pages: walk the cursor chain newest first (every page timed), then time the deepest
    # cursors reached again (pages far down the chain, where an offset-based store would be slowest).
    for label, order in (("cursor_chain_desc", "Desc"), ("cursor_chain_asc", "Asc")):
        samples, cursors, cursor, pages, total = [], [], None, 0, 0
        walk_started = time.monotonic()
        while pages < args.chain_pages and time.monotonic() - walk_started < args.chain_seconds:
            extra = {"order": order, **({"cursor": cursor} if cursor else {})}
            elapsed, count, next_cursor, status, _ = page(extra)
            samples.append(elapsed)
            pages += 1
            total += count
            if not next_cursor or status != "RecordLimited":
                break
            cursors.append(next_cursor)
            cursor = next_cursor
        results["cases"][label] = {**percentile_summary(samples), "pages_walked": pages, "records_walked": total}
        progress(f"get_logs {label}: {pages} pages ({total:,} records), p50 "
                 f"{results['cases'][label]['p50_ms']:.1f} ms, p99 {results['cases'][label]['p99_ms']:.1f} ms")
        if order == "Desc" and cursors:
            first = max(0, len(cursors) - 10)
            deep = cursors[first:]
            depths = [(first + i + 1) * args.page_size for i in range(len(deep))]  # records before each page
            samples = []
            for index in range(args.requests):
                elapsed, count, _, _, _ = page({"order": order, "cursor": deep[index % len(deep)]})
                samples.append(elapsed)
            results["cases"]["deep_cursor_desc"] = {**percentile_summary(samples),
                                                    "depth_records": [depths[0], depths[-1]]}
            progress(f"get_logs deep cursors ({depths[0]:,}–{depths[-1]:,} records down): p50 "
                     f"{results['cases']['deep_cursor_desc']['p50_ms']:.1f} ms")
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    return 0


# --- CPU accounting (as in Benchmarks/endpoint/driver.py) -------------------------------


def _proc_times(pid: str):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), sum(int(x) for x in fields[11:15])


def _comm(pid) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def cmd_cpu_snap(args) -> int:
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:9]]
    total, idle = sum(cpu), cpu[3] + cpu[4]
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and entry != str(os.getpid()):
            info = _proc_times(entry)
            if info:
                procs[int(entry)] = info
    ours, frontier, children = {args.root}, [args.root], {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in ours:
                ours.add(child)
                frontier.append(child)
    snap = {"total": total, "busy": total - idle, "ours": sum(procs[p][1] for p in ours if p in procs),
            "irq": cpu[5] + cpu[6], "nproc": os.cpu_count()}
    if args.server:
        # The server process itself (all its threads) and, apart, its descendants (model workers).
        below, frontier = set(), [args.server]
        while frontier:
            for child in children.get(frontier.pop(), []):
                if child not in below:
                    below.add(child)
                    frontier.append(child)
        own = procs.get(args.server)
        snap["server"] = own[1] if own else 0
        snap["server_children"] = sum(procs[p][1] for p in below if p in procs)
        snap["wrk"] = sum(procs[p][1] for p in ours if p in procs and _comm(p) == "wrk")
    Path(args.out).write_text(json.dumps(snap) + "\n")
    return 0


def cpu_during(work: Path, key: str, run: str):
    before, after = read_json(work / f"{key}-{run}.cpu0"), read_json(work / f"{key}-{run}.cpu1")
    if not before or not after or after["total"] <= before["total"]:
        return None
    span = (after["total"] - before["total"]) / after["nproc"]
    busy, ours = after["busy"] - before["busy"], after["ours"] - before["ours"]
    irq = after.get("irq", 0) - before.get("irq", 0)
    result = {"other_cores": max(0.0, (busy - ours - irq) / span), "ours_cores": ours / span}
    if "server" in after and "server" in before:
        result["server_cores"] = (after["server"] - before["server"]) / span
        result["server_children_cores"] = (after["server_children"] - before["server_children"]) / span
        result["wrk_cores"] = (after["wrk"] - before["wrk"]) / span
        result["seconds"] = span / os.sysconf("SC_CLK_TCK")
    return result


# --- report -----------------------------------------------------------------------------


def ms(us) -> str:
    return "–" if us is None else f"{us / 1000:.3f} ms"


def bad(run) -> int:
    return (run or {}).get("non2xx", 0) + (run or {}).get("bad_body", 0)


def sock_errors(run) -> int:
    return sum(((run or {}).get("socket_errors") or {}).get(k, 0) for k in ("connect", "read", "write", "timeout"))


def cmd_report(args) -> int:
    work = Path(args.work)
    meta = dict(item.split("=", 1) for item in args.meta)
    rounds = int(meta.get("rounds") or 1)
    direct = read_json(work / "direct.json")
    direct_ms = direct["p50_us"] / 1000 if direct else None
    median = statistics.median

    servers = {}
    for key, label in SERVERS:
        runs = []
        for n in range(1, rounds + 1):
            runs.append({"c64": read_json(work / f"{key}-c64-r{n}.json"), "c1": read_json(work / f"{key}-c1-r{n}.json"),
                         "cpu_c64": cpu_during(work, key, f"c64-r{n}"), "cpu_c1": cpu_during(work, key, f"c1-r{n}")})
        if not any(r["c64"] or r["c1"] for r in runs):
            continue
        c64 = [r["c64"] for r in runs if r["c64"]]
        c1 = [r["c1"] for r in runs if r["c1"]]
        entry = {"label": label, "command": (work / f"{key}.cmd").read_text().strip() if (work / f"{key}.cmd").exists() else None,
                 "rounds": runs,
                 "median": {"c64_good_per_s": median(r["good_per_s"] for r in c64) if c64 else None,
                            "c64_p50_us": median(r["latency_us"]["p50"] for r in c64) if c64 else None,
                            "c64_p99_us": median(r["latency_us"]["p99"] for r in c64) if c64 else None,
                            "c1_good_per_s": median(r["good_per_s"] for r in c1) if c1 else None,
                            "c1_p50_us": median(r["latency_us"]["p50"] for r in c1) if c1 else None,
                            "c1_p99_us": median(r["latency_us"]["p99"] for r in c1) if c1 else None},
                 "bad": {"c64": sum(bad(r) for r in c64), "c1": sum(bad(r) for r in c1)},
                 "socket_errors": {"c64": sum(sock_errors(r) for r in c64), "c1": sum(sock_errors(r) for r in c1)}}
        if entry["median"]["c1_p50_us"] is not None and direct_ms is not None:
            entry["added_c1_p50_ms"] = entry["median"]["c1_p50_us"] / 1000 - direct_ms
        servers[key] = entry

    ratios = {}
    if "slipway" in servers and "fastapi" in servers:
        per_round = []
        for a, b in zip(servers["slipway"]["rounds"], servers["fastapi"]["rounds"]):
            if a["c64"] and b["c64"] and b["c64"]["good_per_s"]:
                per_round.append(a["c64"]["good_per_s"] / b["c64"]["good_per_s"])
        if per_round:
            ratios = {"per_round": per_round, "median": median(per_round), "range": [min(per_round), max(per_round)]}
    metrics = read_json(work / "metrics-c64.json")
    batch_rows = None
    if metrics and metrics.get("inference_metrics"):
        values = list((metrics["inference_metrics"].get("mean_batch_rows") or {}).values())
        batch_rows = values[0] if len(values) == 1 else values
    logs = read_json(work / "logs.json")
    fill = read_json(work / "fill.json")
    added = servers.get("slipway", {}).get("added_c1_p50_ms")
    fastapi_added = servers.get("fastapi", {}).get("added_c1_p50_ms")
    logs_p50 = None
    if logs:
        logs_p50 = max(case["p50_ms"] for name, case in logs["cases"].items())
    goals = {
        "throughput_ratio": {"target": TARGET_THROUGHPUT_RATIO, "value": ratios.get("median"),
                             "met": None if not ratios else ratios["median"] >= TARGET_THROUGHPUT_RATIO},
        "added_c1_p50_ms": {"target": TARGET_ADDED_C1_MS, "value": added,
                            "met": None if added is None else added <= TARGET_ADDED_C1_MS},
        "mean_batch_rows_c64": {"target": TARGET_BATCH_ROWS, "value": batch_rows,
                                "met": None if not isinstance(batch_rows, (int, float)) else batch_rows >= TARGET_BATCH_ROWS},
        "logs_page_p50_ms_worst_case": {"target": TARGET_LOGS_P50_MS, "value": logs_p50,
                                        "met": None if logs_p50 is None else logs_p50 <= TARGET_LOGS_P50_MS},
    }
    results = {"date": meta.get("date"), "meta": meta, "machine": {"nproc": os.cpu_count(), "platform": platform.platform()},
               "versions": read_json(work / "versions.json"), "expected": read_json(work / "expected.json"),
               "slipway_setup": read_json(work / "slipway.json"), "data_size": meta.get("data_size"), "direct": direct, "servers": servers,
               "ratios": ratios, "metrics_after_c64": metrics, "fill": fill, "logs": logs, "goals": goals}
    md = markdown(results)
    Path(args.md).write_text(md + "\n")
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(md)
    return 0


def markdown(r) -> str:
    m = r["meta"]
    s, f = r["servers"].get("slipway"), r["servers"].get("fastapi")
    lines = [f"## Wallaroo model serving, ONNX ({r['date']})", "",
             f"One-row pandas-records requests (`[{{\"tensor\": [29 floats]}}]`); c=64: `wrk -t2 -c64 -d{m.get('duration')}` "
             f"after a {m.get('warmup')} warm-up, c=1: `wrk -t1 -c1 -d{m.get('duration')}`; {m.get('rounds')} round(s), "
             "interleaved in a rotating order, both servers up throughout.", ""]
    if s and f:
        lines += ["| Round | Slipway req/s (c=64) | FastAPI req/s (c=64) | ratio | Slipway p50 / p99 (c=64) "
                  "| FastAPI p50 / p99 (c=64) | Slipway p50 / p99 (c=1) | FastAPI p50 / p99 (c=1) |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n, (a, b) in enumerate(zip(s["rounds"], f["rounds"]), 1):
            a64, b64, a1, b1 = a["c64"] or {}, b["c64"] or {}, a["c1"] or {}, b["c1"] or {}
            ratio = (a64.get("good_per_s", 0) / b64["good_per_s"]) if b64.get("good_per_s") else float("nan")
            lat = lambda run: f"{ms(run.get('latency_us', {}).get('p50'))} / {ms(run.get('latency_us', {}).get('p99'))}"
            lines.append(f"| {n} | {a64.get('good_per_s', 0):,.0f} | {b64.get('good_per_s', 0):,.0f} | {ratio:.2f}× "
                         f"| {lat(a64)} | {lat(b64)} | {lat(a1)} | {lat(b1)} |")
        sm, fm = s["median"], f["median"]
        lines.append(f"| **median** | **{sm['c64_good_per_s']:,.0f}** | **{fm['c64_good_per_s']:,.0f}** "
                     f"| **{r['ratios'].get('median', float('nan')):.2f}×** | {ms(sm['c64_p50_us'])} / {ms(sm['c64_p99_us'])} "
                     f"| {ms(fm['c64_p50_us'])} / {ms(fm['c64_p99_us'])} | {ms(sm['c1_p50_us'])} / {ms(sm['c1_p99_us'])} "
                     f"| {ms(fm['c1_p50_us'])} / {ms(fm['c1_p99_us'])} |")
        lines += ["", f"- Non-2xx or wrong answers: Slipway {s['bad']['c64']} (c=64) / {s['bad']['c1']} (c=1); "
                      f"FastAPI {f['bad']['c64']} / {f['bad']['c1']}. Socket errors: Slipway {s['socket_errors']['c64']} / "
                      f"{s['socket_errors']['c1']}; FastAPI {f['socket_errors']['c64']} / {f['socket_errors']['c1']}."]
        if r["ratios"]:
            lines.append(f"- Throughput ratio Slipway / FastAPI at c=64 = **{r['ratios']['median']:.2f}×** (median of "
                         f"per-round ratios, range {r['ratios']['range'][0]:.2f}–{r['ratios']['range'][1]:.2f}×).")
    d = r["direct"]
    if d:
        lines.append(f"- In-process `session.run` on the same row: p50 {d['p50_us']:.2f} µs (64 rows: "
                     f"{d['batch64_p50_us']:.2f} µs, {d['batch64_per_row_us']:.3f} µs per row).")
        for key, server in r["servers"].items():
            if server.get("added_c1_p50_ms") is not None:
                lines.append(f"- Added latency at c=1 (p50 − in-process), {key}: **{server['added_c1_p50_ms']:.3f} ms**.")
    g = r["goals"]
    batch = g["mean_batch_rows_c64"]["value"]
    if batch is not None:
        lines.append(f"- `inference_metrics.mean_batch_rows` of the c=64 deployment after the c=64 rounds: **{batch:.2f}** "
                     if isinstance(batch, (int, float)) else f"- mean_batch_rows: {batch}")
    if r["fill"]:
        fl = r["fill"]
        lines.append(f"- Log store filled with {fl['records']:,} records ({fl['calls']:,} calls of {fl['rows_per_call']:,} rows, "
                     f"{fl['parallel']} in parallel) in {fl['seconds']:.1f} s = {fl['records_per_s']:,.0f} records/s.")
    if r["logs"]:
        lines += ["", "| get_logs (page_size 1,000) | n | p50 | p99 | max |", "|---|---:|---:|---:|---:|"]
        for name, case in r["logs"]["cases"].items():
            extra = f" ({case['pages_walked']} pages, {case['records_walked']:,} records)" if "pages_walked" in case else ""
            if "depth_records" in case:
                extra = f" (10 cursors {case['depth_records'][0]:,}–{case['depth_records'][1]:,} records down)"
            lines.append(f"| {name}{extra} | {case['n']} | {case['p50_ms']:.1f} ms | {case['p99_ms']:.1f} ms "
                         f"| {case['max_ms']:.1f} ms |")
    lines += ["", "| Goal | Target | Result | Status |", "|---|---:|---:|---|"]
    def fmt(value, unit=""):
        return "–" if value is None else (f"{value:.2f}{unit}" if isinstance(value, (int, float)) else str(value))
    names = {"throughput_ratio": ("Throughput vs FastAPI at c=64", "≥ 1.5×", "×"),
             "added_c1_p50_ms": ("Added p50 at c=1 over in-process", "≤ 1 ms", " ms"),
             "mean_batch_rows_c64": ("Mean batch rows at c=64", "≥ 8", ""),
             "logs_page_p50_ms_worst_case": ("get_logs page of 1,000, p50 (worst case)", "≤ 50 ms", " ms")}
    for key, (label, target, unit) in names.items():
        goal = g[key]
        status = "–" if goal["met"] is None else ("**met**" if goal["met"] else "**not met**")
        lines.append(f"| {label} | {target} | {fmt(goal['value'], unit)} | {status} |")
    v = r["versions"] or {}
    lines += ["", f"- Versions: Python {v.get('python')}; fastapi {v.get('fastapi')}, uvicorn {v.get('uvicorn')}, "
                  f"uvloop {v.get('uvloop')}, httptools {v.get('httptools')}, onnxruntime {v.get('onnxruntime')}, "
                  f"onnx {v.get('onnx')}, numpy {v.get('numpy')}, orjson {v.get('orjson')}; {m.get('wrk_version')}; "
                  f"git {m.get('git_head')}" + (f"; binary built from {m['slipway_source']}" if m.get("slipway_source") else "") + ".",
              f"- Slipway: `{m.get('slipway_binary')}`, **{m.get('slipway_build')}** build (sha256 "
              f"{str(m.get('slipway_binary_sha256'))[:12]}…, built {m.get('slipway_binary_mtime')}); "
              f"engine_config {json.dumps((r['slipway_setup'] or {}).get('engine_config'))}.",
              f"- Machine: {r['machine']['nproc']} cores, {r['machine']['platform']}; load average at start "
              f"{m.get('loadavg_start')}."]
    others = []
    for key, server in r["servers"].items():
        worst64 = max((x["cpu_c64"]["other_cores"] for x in server["rounds"] if x.get("cpu_c64")), default=None)
        worst1 = max((x["cpu_c1"]["other_cores"] for x in server["rounds"] if x.get("cpu_c1")), default=None)
        if worst64 is not None and worst1 is not None:
            others.append(f"{key} {worst64:.2f} / {worst1:.2f}")
    if others:
        lines.append("- CPU taken by processes outside this benchmark during the runs (worst round, cores, c=64 / c=1): "
                     + ", ".join(others) + ".")
    split = []
    for key, server in r["servers"].items():
        cells = []
        for x in server["rounds"]:
            cpu, run = x.get("cpu_c64") or {}, x.get("c64") or {}
            if "server_cores" in cpu and run.get("requests"):
                per = lambda cores: cores * cpu["seconds"] / run["requests"] * 1e6
                cells.append(f"{per(cpu['server_cores']):.0f} + {per(cpu['server_children_cores']):.0f} µs")
        if cells:
            split.append(f"{key} " + ", ".join(cells))
    if split:
        lines.append("- CPU per request at c=64, server process + its child processes (Slipway: the model worker; "
                     "FastAPI: the 2 uvicorn workers), per round: " + "; ".join(split) + ".")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("free-ports"); p.add_argument("count", type=int); p.set_defaults(func=cmd_free_ports)
    p = sub.add_parser("build-model"); p.add_argument("--work", required=True); p.set_defaults(func=cmd_build_model)
    p = sub.add_parser("direct"); p.add_argument("--work", required=True)
    p.add_argument("--repeat", type=int, default=200); p.add_argument("--number", type=int, default=2000)
    p.set_defaults(func=cmd_direct)
    p = sub.add_parser("versions"); p.add_argument("--out", required=True); p.set_defaults(func=cmd_versions)
    p = sub.add_parser("check"); p.add_argument("--work", required=True); p.add_argument("--body", required=True)
    p.add_argument("--code", type=int, required=True); p.set_defaults(func=cmd_check)
    p = sub.add_parser("slipway-setup"); p.add_argument("--url", required=True); p.add_argument("--work", required=True)
    p.add_argument("--pipelines", nargs="+", required=True); p.add_argument("--engine-config", default="")
    p.add_argument("--timeout", type=float, default=600); p.set_defaults(func=cmd_slipway_setup)
    p = sub.add_parser("metrics"); p.add_argument("--url", required=True); p.add_argument("--work", required=True)
    p.add_argument("--name", required=True); p.add_argument("--out", required=True); p.set_defaults(func=cmd_metrics)
    p = sub.add_parser("fill-logs"); p.add_argument("--url", required=True); p.add_argument("--work", required=True)
    p.add_argument("--name", required=True); p.add_argument("--records", type=int, required=True)
    p.add_argument("--rows-per-call", type=int, default=1000); p.add_argument("--parallel", type=int, default=4)
    p.add_argument("--out", required=True); p.set_defaults(func=cmd_fill_logs)
    p = sub.add_parser("logs-bench"); p.add_argument("--url", required=True); p.add_argument("--work", required=True)
    p.add_argument("--name", required=True); p.add_argument("--requests", type=int, default=50)
    p.add_argument("--page-size", type=int, default=1000); p.add_argument("--chain-pages", type=int, default=200)
    p.add_argument("--chain-seconds", type=float, default=150)
    p.add_argument("--out", required=True); p.set_defaults(func=cmd_logs_bench)
    p = sub.add_parser("cpu-snap"); p.add_argument("--root", type=int, required=True); p.add_argument("--out", required=True)
    p.add_argument("--server", type=int, default=0)
    p.set_defaults(func=cmd_cpu_snap)
    p = sub.add_parser("report"); p.add_argument("--work", required=True); p.add_argument("--md", required=True)
    p.add_argument("--json", required=True); p.add_argument("--meta", action="append", default=[])
    p.set_defaults(func=cmd_report)
    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
