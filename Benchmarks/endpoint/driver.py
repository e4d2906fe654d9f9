"""Helper of Benchmarks/endpoint_throughput.sh (which is the entry point; see BENCHMARKS.md).

Subcommands (stdlib only, except `deploy`, which needs craft-ai-sdk: run it with
.venvs/compat/bin/python):

    free-ports N                 print N distinct free loopback TCP ports
    direct --out F               time add(1, 2) in-process with timeit
    versions --out F             Python and peer package versions of this interpreter
    check --body F --code C [--slipway]
                                 fail unless one answer is 200 with sum 3 (and, for
                                 Slipway, status "Succeeded" and outputs {"sum": 3})
    deploy --folder D --name N --parallel P --out F --token-out T
                                 create the function-based pipeline and the low-latency
                                 endpoint deployment with craft-ai-sdk (CRAFT_AI_* from env)
    cpu-snap --root PID --out F  CPU ticks of the machine and of PID's process tree
    report --work DIR --md F --json F [--meta K=V ...]
                                 Markdown table (also printed) and JSON of one run
"""

import argparse
import json
import os
import platform
import socket
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
APPS = HERE / "apps"
TARGET_ADDED_C1_MS = 0.5
SERVERS = [
    # key, label
    ("slipway", "Slipway endpoint (`low_latency`, parallel executions)"),
    ("fastapi_async", "FastAPI `async def` on uvicorn (uvloop, httptools, 2 workers)"),
    ("fastapi", "FastAPI `def` on uvicorn (uvloop, httptools, 2 workers)"),
    ("flask", "Flask on gunicorn (2 sync workers)"),
]
PEERS = [key for key, _ in SERVERS if key != "slipway"]


def progress(message: str) -> None:
    print(f"driver: {message}", file=sys.stderr, flush=True)


# --- small commands ------------------------------------------------------------------


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


def load_add():
    sys.path.insert(0, str(APPS))
    from add import add  # the same file the peers import and Slipway receives

    return add


def cmd_direct(args) -> int:
    import timeit

    add = load_add()
    assert add(1, 2) == {"sum": 3}
    timer = timeit.Timer("add(1, 2)", globals={"add": add})
    timer.timeit(args.number)  # warm-up
    per_call_us = sorted(t / args.number * 1e6 for t in timer.repeat(repeat=args.repeat, number=args.number))
    cuts = statistics.quantiles(per_call_us, n=100, method="inclusive")
    result = {
        "method": f"timeit: {args.repeat} batches of {args.number} calls of add(1, 2); per-call time of each batch",
        "python": platform.python_version(),
        "executable": sys.executable,
        "p50_us": cuts[49],
        "p99_us": cuts[98],
        "min_us": per_call_us[0],
        "mean_us": statistics.fmean(per_call_us),
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    progress(f"direct add(1, 2): p50 {result['p50_us']:.3f} µs")
    return 0


def cmd_versions(args) -> int:
    from importlib import metadata

    versions = {"python": platform.python_version(), "python_executable": sys.executable}
    for dist in ("fastapi", "starlette", "pydantic", "uvicorn", "uvloop", "httptools", "flask", "werkzeug", "gunicorn"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    Path(args.out).write_text(json.dumps(versions, indent=2) + "\n")
    return 0


def sum_is_three(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 3


def cmd_check(args) -> int:
    text = Path(args.body).read_text(errors="replace")
    problem = None
    if args.code != 200:
        problem = f"HTTP status {args.code}, expected 200"
    else:
        try:
            answer = json.loads(text)
        except ValueError as error:
            answer, problem = None, f"not JSON ({error})"
        if problem is None and not isinstance(answer, dict):
            problem = "not a JSON object"
        elif problem is None and args.slipway:
            if answer.get("status") != "Succeeded":
                problem = f"status is {answer.get('status')!r}, expected 'Succeeded'"
            elif not isinstance(answer.get("outputs"), dict) or not sum_is_three(answer["outputs"].get("sum")):
                problem = f"outputs are {answer.get('outputs')!r}, expected {{'sum': 3}}"
            elif not answer.get("execution_id"):
                problem = "no execution_id"
        elif problem is None and not sum_is_three(answer.get("sum")):
            problem = f"sum is {answer.get('sum')!r}, expected 3"
    if problem:
        print(f"driver: check failed: {problem}\n--- answer ---\n{text[:2000]}", file=sys.stderr)
        return 1
    return 0


def cmd_deploy(args) -> int:
    os.environ.setdefault("SDK_VERBOSE_LOG", "false")
    from craft_ai_sdk import CraftAiSdk, Input, Output
    import craft_ai_sdk

    sdk = CraftAiSdk()
    started = time.perf_counter()
    sdk.create_pipeline(
        pipeline_name=args.name,
        function_path="add.py",
        function_name="add",
        container_config={"local_folder": args.folder},
        inputs=[Input(name="a", data_type="number"), Input(name="b", data_type="number")],
        outputs=[Output(name="sum", data_type="number")],
    )
    pipeline_s = time.perf_counter() - started
    started = time.perf_counter()
    deployment = sdk.create_deployment(
        pipeline_name=args.name,
        deployment_name=args.name,
        execution_rule="endpoint",
        mode="low_latency",
        enable_parallel_executions=True,
        max_parallel_executions_per_pod=args.parallel,
    )
    deployment_s = time.perf_counter() - started
    token = deployment.get("endpoint_token") if isinstance(deployment, dict) else None
    if not token:
        print(f"driver: create_deployment returned no endpoint_token: {deployment!r}", file=sys.stderr)
        return 1
    fd = os.open(args.token_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token)
    record = {k: v for k, v in deployment.items() if k != "endpoint_token"}
    Path(args.out).write_text(json.dumps({
        "craft_ai_sdk": craft_ai_sdk.__version__,
        "create_pipeline_s": pipeline_s,
        "create_deployment_s": deployment_s,
        "max_parallel_executions_per_pod": args.parallel,
        "deployment": record,
    }, indent=2, default=str) + "\n")
    progress(f"pipeline {pipeline_s:.2f} s, deployment {deployment_s:.2f} s "
             f"(status {record.get('status')!r}, mode {record.get('mode')!r})")
    return 0


def _proc_times(pid: str):
    """(ppid, utime + stime + cutime + cstime) of one process, in clock ticks; None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # after "pid (comm)": state ppid ... utime(14) stime(15) cutime(16) cstime(17), 1-based in stat(5)
    return int(fields[1]), sum(int(x) for x in fields[11:15])


def cmd_cpu_snap(args) -> int:
    """CPU ticks of the whole machine and of `--root` with all its descendants (their reaped
    children included), so the report can tell how much CPU other processes took during a run."""
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
    total, idle = sum(cpu), cpu[3] + cpu[4]
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and entry != str(os.getpid()):
            info = _proc_times(entry)
            if info:
                procs[int(entry)] = info
    ours, frontier = {args.root}, [args.root]
    children = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in ours:
                ours.add(child)
                frontier.append(child)
    ours_ticks = sum(procs[pid][1] for pid in ours if pid in procs)
    Path(args.out).write_text(json.dumps({"total": total, "busy": total - idle, "ours": ours_ticks,
                                          "irq": cpu[5] + cpu[6],
                                          "nproc": os.cpu_count()}) + "\n")
    return 0


def cpu_during(work: Path, key: str, run: str):
    """Cores used by other processes, and cores idle, on average during one wrk run."""
    before, after = read_json(work / f"{key}-{run}.cpu0"), read_json(work / f"{key}-{run}.cpu1")
    if not before or not after or after["total"] <= before["total"]:
        return None
    span = (after["total"] - before["total"]) / after["nproc"]  # ticks per core
    busy, ours = after["busy"] - before["busy"], after["ours"] - before["ours"]
    irq = after.get("irq", 0) - before.get("irq", 0)  # loopback networking is mostly softirq time
    return {"other_cores": max(0.0, (busy - ours - irq) / span), "ours_cores": ours / span,
            "irq_cores": irq / span, "idle_cores": (after["total"] - before["total"] - busy) / span}


# --- report --------------------------------------------------------------------------


def read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def read_text(path: Path):
    try:
        return path.read_text().strip()
    except OSError:
        return None


def ms(us) -> str:
    return "–" if us is None else f"{us / 1000:.3f} ms"


def cmd_report(args) -> int:
    work = Path(args.work)
    meta = dict(item.split("=", 1) for item in args.meta)
    direct = read_json(work / "direct.json")
    direct_p50_ms = direct["p50_us"] / 1000 if direct else None

    rounds = int(meta.get("rounds") or 1)
    suffixes = [""] if rounds == 1 else [f"-r{n}" for n in range(1, rounds + 1)]

    servers = {}
    for key, label in SERVERS:
        c64s = [read_json(work / f"{key}-c64{x}.json") for x in suffixes]
        c1s = [read_json(work / f"{key}-c1{x}.json") for x in suffixes]
        if not any(c64s) and not any(c1s):
            continue
        entry = {"label": label, "command": read_text(work / f"{key}.cmd"),
                 "c64": summarize(c64s), "c1": summarize(c1s),
                 "loadavg_before": {f"{run}{x}": read_text(work / f"{key}-{run}{x}.loadavg")
                                    for x in suffixes for run in ("warmup", "c64", "c1")},
                 "cpu_during": {run: worst_cpu([cpu_during(work, key, f"{run}{x}") for x in suffixes])
                                for run in ("c64", "c1")}}
        if rounds > 1:
            entry["rounds"] = [{"c64": a, "c1": b} for a, b in zip(c64s, c1s)]
        else:
            entry["warmup"] = read_json(work / f"{key}-warmup.json")
        if entry["c1"] and direct_p50_ms is not None:
            entry["added_c1_p50_ms"] = entry["c1"]["latency_us"]["p50"] / 1000 - direct_p50_ms
        servers[key] = entry

    # Ratios of the same round (the machine's state changes from one round to the next); their
    # median and range. With one round, simply the ratio.
    ratios = {}
    per_round = []
    for index in range(rounds):
        def good(key):
            runs = servers.get(key, {}).get("rounds")
            run = runs[index]["c64"] if runs else servers.get(key, {}).get("c64")
            return run["good_per_s"] if run else None
        row = {"round": index + 1}
        for peer in PEERS:
            if good("slipway") is not None and good(peer):
                row[f"slipway_over_{peer}_throughput"] = good("slipway") / good(peer)
        per_round.append(row)
    for peer in PEERS:
        values = [row[f"slipway_over_{peer}_throughput"] for row in per_round if f"slipway_over_{peer}_throughput" in row]
        if values:
            ratios[f"slipway_over_{peer}_throughput"] = statistics.median(values)
            ratios[f"slipway_over_{peer}_throughput_range"] = [min(values), max(values)]
    slipway_added = servers.get("slipway", {}).get("added_c1_p50_ms")

    results = {
        "date": meta.get("date") or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "function": 'def add(a, b): return {"sum": a + b}',
        "request_body": meta.get("body"),
        "settings": {k: meta.get(k) for k in ("duration", "warmup", "c64_threads", "c64_connections", "timeout",
                                              "parallel", "peers_only", "rounds")},
        "machine": {
            "nproc": meta.get("nproc"),
            "loadavg_at_start": meta.get("loadavg_start"),
            "kernel": platform.release(),
            "platform": platform.platform(),
            "note": "servers and wrk share all cores; nothing is pinned",
        },
        "versions": {
            "wrk": meta.get("wrk_version"),
            "craft_ai_sdk": meta.get("craft_ai_sdk"),
            "peers": read_json(work / "versions.json"),
            "git_head": meta.get("git_head"),
        },
        "slipway": {k: meta.get(k) for k in ("slipway_binary", "slipway_build", "slipway_binary_sha256",
                                            "slipway_binary_mtime")},
        "slipway_deployment": read_json(work / "deployment.json"),
        "direct": direct,
        "servers": servers,
        "ratios": ratios,
        "target": {"added_latency_c1_p50_ms": TARGET_ADDED_C1_MS,
                   "slipway_added_c1_p50_ms": slipway_added,
                   "met": None if slipway_added is None else slipway_added <= TARGET_ADDED_C1_MS},
    }

    md = markdown(results)
    Path(args.md).write_text(md + "\n")
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(md)
    return 0


def summarize(runs):
    """One run's figures, or for several rounds the median of each (error counts summed)."""
    runs = [run for run in runs if run]
    if len(runs) <= 1:
        return runs[0] if runs else None
    median = statistics.median
    summary = {
        "rounds": len(runs),
        "good_per_s": median(run["good_per_s"] for run in runs),
        "latency_us": {q: median(run["latency_us"][q] for run in runs) for q in ("p50", "p99")},
        "non2xx": sum(run.get("non2xx", 0) for run in runs),
        "bad_body": sum(run.get("bad_body", 0) for run in runs),
        "socket_errors": {k: sum((run.get("socket_errors") or {}).get(k, 0) for run in runs)
                          for k in ("connect", "read", "write", "timeout")},
    }
    return summary


def worst_cpu(samples):
    """The sample with the most CPU taken by other processes (the most disturbed run)."""
    samples = [sample for sample in samples if sample]
    return max(samples, key=lambda sample: sample["other_cores"]) if samples else None


def bad_count(run: dict) -> int:
    return run.get("non2xx", 0) + run.get("bad_body", 0)


def socket_errors(run: dict) -> int:
    return sum((run.get("socket_errors") or {}).get(k, 0) for k in ("connect", "read", "write", "timeout"))


def markdown(r: dict) -> str:
    s = r["settings"]
    lines = [
        f"## Endpoint throughput ({r['date']})",
        "",
        f"`{r['function']}`, body `{r['request_body']}`; the three servers in the same run on the same "
        f"machine ({r['machine']['nproc']} cores, shared with wrk, nothing pinned). "
        f"c=64: `wrk -t{s['c64_threads']} -c{s['c64_connections']} -d{s['duration']} --timeout {s['timeout']} "
        f"--latency -s post.lua` after a {s['warmup']} warm-up with the same settings; "
        f"c=1: `wrk -t1 -c1 -d{s['duration']}` right after."
        + (f" **{s['rounds']} rounds**, interleaved (the order rotates each round, all servers up throughout); "
           "each figure is the median of the rounds." if int(s.get("rounds") or 1) > 1 else ""),
        "",
        "| Server | ok req/s (c=64) | p50 (c=64) | p99 (c=64) | non-2xx (c=64 / c=1) | socket errors (c=64 / c=1) "
        "| p50 (c=1) | p99 (c=1) "
        "| added p50 at c=1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, entry in r["servers"].items():
        c64, c1 = entry["c64"] or {}, entry["c1"] or {}
        l64, l1 = c64.get("latency_us", {}), c1.get("latency_us", {})
        bad = f"{bad_count(c64)} / {bad_count(c1)}"
        errors = f"{socket_errors(c64)} / {socket_errors(c1)}"
        added = entry.get("added_c1_p50_ms")
        lines.append(
            f"| {entry['label']} | {c64.get('good_per_s', 0):,.0f} | {ms(l64.get('p50'))} | {ms(l64.get('p99'))} "
            f"| {bad} | {errors} | {ms(l1.get('p50'))} | {ms(l1.get('p99'))} "
            f"| {'–' if added is None else f'{added:.3f} ms'} |")
    d = r["direct"]
    if d:
        lines.append(f"| Direct call `add(1, 2)` in-process (timeit) | – | – | – | – | – | {d['p50_us']:.3f} µs "
                     f"| {d['p99_us']:.3f} µs | – |")
    lines += [
        "",
        "*ok req/s*: 2xx answers containing sum 3, per second. *non-2xx* also counts 2xx answers without "
        "sum 3. *socket errors*: connect, read, write and timeout errors as wrk counts them. "
        "*added p50 at c=1*: server p50 at c=1 − direct p50 (includes wrk and loopback).",
        "",
    ]
    ratios = r["ratios"]
    rounds = int(s.get("rounds") or 1)
    if rounds > 1 and r["servers"]:
        keys = list(r["servers"])
        lines.append("| Round | " + " | ".join(f"{key} req/s (c=64)" for key in keys) + " | "
                     + " | ".join(f"{key} p50 (c=1)" for key in keys) + " |")
        lines.append("|---:|" + "---:|" * (2 * len(keys)))
        for index in range(rounds):
            cells = []
            for key in keys:
                run = r["servers"][key]["rounds"][index]["c64"] or {}
                cells.append(f"{run.get('good_per_s', 0):,.0f}")
            for key in keys:
                run = r["servers"][key]["rounds"][index]["c1"] or {}
                cells.append(ms(run.get("latency_us", {}).get("p50")))
            lines.append(f"| {index + 1} | " + " | ".join(cells) + " |")
        lines.append("")
    if ratios:
        def ratio(peer):
            value = ratios.get(f"slipway_over_{peer}_throughput", float("nan"))
            spread = ratios.get(f"slipway_over_{peer}_throughput_range")
            text = f"**{value:.2f}×**"
            if rounds > 1 and spread:
                text += f" (median of per-round ratios; range {spread[0]:.2f}–{spread[1]:.2f}×)"
            return text
        lines.append(f"Throughput (ok req/s at c=64): Slipway / FastAPI `async def` = {ratio('fastapi_async')}, "
                     f"Slipway / FastAPI `def` = {ratio('fastapi')}, Slipway / Flask = {ratio('flask')}.")
    t = r["target"]
    if t["slipway_added_c1_p50_ms"] is not None:
        lines.append(f"Slipway added latency at c=1 (p50) = **{t['slipway_added_c1_p50_ms']:.3f} ms** vs target "
                     f"≤ {t['added_latency_c1_p50_ms']} ms: **{'met' if t['met'] else 'not met'}**.")
    else:
        lines.append("Slipway was not measured (`--peers-only`).")
    v, sw, dep = r["versions"], r["slipway"], r["slipway_deployment"]
    peers = v.get("peers") or {}
    lines += [
        "",
        f"- Machine: `nproc` = {r['machine']['nproc']}, {r['machine']['platform']}; load average at start "
        f"{r['machine']['loadavg_at_start']} (per run in the JSON).",
        f"- Versions: {v.get('wrk')}; Python {peers.get('python')}; fastapi {peers.get('fastapi')}, "
        f"uvicorn {peers.get('uvicorn')}, uvloop {peers.get('uvloop')}, httptools {peers.get('httptools')}, "
        f"pydantic {peers.get('pydantic')}; flask {peers.get('flask')}, gunicorn {peers.get('gunicorn')}; "
        f"craft-ai-sdk {v.get('craft_ai_sdk') or '–'}; git {v.get('git_head')}.",
    ]
    if sw.get("slipway_binary"):
        lines.append(f"- Slipway: `{sw['slipway_binary']}`, **{sw['slipway_build']}** build "
                     f"(sha256 {str(sw['slipway_binary_sha256'])[:12]}…, built {sw['slipway_binary_mtime']}).")
    if dep:
        lines.append(f"- Deployment: `max_parallel_executions_per_pod={dep.get('max_parallel_executions_per_pod')}`; "
                     f"create_pipeline {dep.get('create_pipeline_s', 0):.2f} s, "
                     f"create_deployment {dep.get('create_deployment_s', 0):.2f} s.")
    other = []
    for key, entry in r["servers"].items():
        cpu = entry.get("cpu_during") or {}
        if cpu.get("c64") and cpu.get("c1"):
            other.append(f"{key} {cpu['c64']['other_cores']:.2f} / {cpu['c1']['other_cores']:.2f}")
    if other:
        lines.append("- CPU taken by processes outside this benchmark during the runs, in cores (c=64 / c=1): "
                     + ", ".join(other) + ". Anything well above 0 means the numbers are disturbed.")
    lines.append("- Gunicorn's sync workers answer `Connection: close`, so wrk opens a new connection for every "
                 "Flask request. The peers run 2 worker processes each (one per core).")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("free-ports")
    p.add_argument("count", type=int)
    p.set_defaults(func=cmd_free_ports)
    p = sub.add_parser("direct")
    p.add_argument("--out", required=True)
    p.add_argument("--repeat", type=int, default=200)
    p.add_argument("--number", type=int, default=10000)
    p.set_defaults(func=cmd_direct)
    p = sub.add_parser("versions")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_versions)
    p = sub.add_parser("check")
    p.add_argument("--body", required=True)
    p.add_argument("--code", type=int, required=True)
    p.add_argument("--slipway", action="store_true")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("deploy")
    p.add_argument("--folder", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--parallel", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--token-out", required=True)
    p.set_defaults(func=cmd_deploy)
    p = sub.add_parser("cpu-snap")
    p.add_argument("--root", type=int, required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_cpu_snap)
    p = sub.add_parser("report")
    p.add_argument("--work", required=True)
    p.add_argument("--md", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--meta", action="append", default=[])
    p.set_defaults(func=cmd_report)
    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
