#!/usr/bin/env bash
# Slipway benchmark: serving an ONNX model through the Wallaroo API against the same model in
# onnxruntime behind FastAPI, measured with wrk on the same machine in the same run; then
# paging through a large inference log.
#
#   model: 29 float inputs -> dense 8 + relu -> dense 1 + sigmoid (dynamic batch), built at run
#   time with onnx.helper; request: one row of pandas-records JSON, [{"tensor": [29 floats]}],
#   Content-Type: application/json; format=pandas-records
#
# - Slipway: `slipway serve` (release build), admin token from the Keycloak-style token URL,
#   workspace, models/upload_and_convert, three pipelines with the model (one deployment for
#   the c=64 runs, one for the c=1 runs, so that the c=64 one's inference_metrics.mean_batch_rows
#   is the batch size under c=64 load alone; one for the log store), POST to each pipeline's
#   external URL with the bearer token.
# - FastAPI: an `async def` endpoint reading the same body with orjson, one session.run over the
#   request's rows (one InferenceSession per worker, intra-op threads 1), the same answer shape;
#   uvicorn with uvloop + httptools, 2 workers. Pinned in Benchmarks/inference/requirements.txt.
#
# For each server and round: a warm-up (wrk -t2 -c64 for --warmup), wrk -t2 -c64 for --duration
# (requests/s, p50, p99), wrk -t1 -c1 for --duration (p50, p99). Both servers stay up; the
# order rotates every round; every answer is checked (dense_1 of the row; non-2xx counted). The
# in-process session.run on the same row is timed (timeit): added latency = p50 at c=1 - that.
# After the rounds: status/get_deployment of the c=64 deployment (mean_batch_rows), FastAPI is
# stopped, the log pipeline is filled to --log-records records (calls of 1,000 rows, 4 in
# parallel) and get_logs pages of 1,000 are timed: newest first, oldest first, the cursor chain
# (x-iteration-cursor) in both orders (each walk capped at 1,000 pages or 150 s), and the 10
# deepest cursors of the newest-first walk again.
#
# Usage (from anywhere):
#   swift build -c release --product slipway --scratch-path .build-release
#   Benchmarks/inference_throughput.sh [--rounds 3] [--duration 10s] [--warmup 3s]
#                                      [--log-records 1000000] [--log-requests 50]
#                                      [--fill-parallel 4] [--engine-config JSON] [--binary PATH] [--keep]
#
# --log-records 0 skips the log part. --engine-config is passed to pipelines/deploy for the
# serving deployments (default: none, i.e. one replica).
#
# Environment: SLIPWAY_BIN (default .build-release/release/slipway, else
# .build/release/slipway), SLIPWAY_PYTHON (interpreter for .venvs/bench-inference, default the
# real python3), WRK_TIMEOUT (default 10s). Results: Benchmarks/results/inference_throughput-
# <UTC>.{md,json} (git-ignored). Every process started runs in its own process group and is
# stopped on exit, on failure and on Ctrl-C.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$REPO_ROOT/Benchmarks/inference"
RESULTS_DIR="$REPO_ROOT/Benchmarks/results"
BENCH_VENV="$REPO_ROOT/.venvs/bench-inference"
REQUIREMENTS="$HERE/requirements.txt"
STAMP="$BENCH_VENV/.bench-requirements.sha256"

DURATION="10s"
WARMUP="3s"
ROUNDS=1
LOG_RECORDS=1000000
LOG_REQUESTS=50
FILL_PARALLEL=4
ENGINE_CONFIG=""
TIMEOUT="${WRK_TIMEOUT:-10s}"
KEEP=0
BINARY="${SLIPWAY_BIN:-}"
RECORDS_TYPE="application/json; format=pandas-records"

log() { printf 'inference_throughput: %s\n' "$*" >&2; }
die() { printf 'inference_throughput: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
seconds_arg() { [[ "$1" =~ ^[0-9]+$ ]] && printf '%ss' "$1" || printf '%s' "$1"; }

while (($#)); do
    case "$1" in
        --duration) DURATION="$(seconds_arg "${2:?--duration needs a value}")"; shift 2 ;;
        --warmup) WARMUP="$(seconds_arg "${2:?--warmup needs a value}")"; shift 2 ;;
        --rounds) ROUNDS="${2:?--rounds needs a value}"; shift 2 ;;
        --log-records) LOG_RECORDS="${2:?--log-records needs a value}"; shift 2 ;;
        --log-requests) LOG_REQUESTS="${2:?--log-requests needs a value}"; shift 2 ;;
        --fill-parallel) FILL_PARALLEL="${2:?--fill-parallel needs a value}"; shift 2 ;;
        --engine-config) ENGINE_CONFIG="${2:?--engine-config needs a value}"; shift 2 ;;
        --binary) BINARY="${2:?--binary needs a value}"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
[[ "$DURATION" =~ ^[0-9]+[smh]$ && "$WARMUP" =~ ^[0-9]+[smh]$ ]] || die "--duration/--warmup: e.g. 10s"
[[ "$ROUNDS" =~ ^[1-9][0-9]?$ ]] || die "--rounds must be an integer from 1 to 99"
[[ "$LOG_RECORDS" =~ ^[0-9]+$ ]] || die "--log-records must be a non-negative integer"
[[ "$LOG_REQUESTS" =~ ^[1-9][0-9]*$ ]] || die "--log-requests must be a positive integer"

if [[ -z "$BINARY" ]]; then
    BINARY="$REPO_ROOT/.build-release/release/slipway"
    [[ -x "$BINARY" ]] || BINARY="$REPO_ROOT/.build/release/slipway"
fi
[[ "$BINARY" = /* ]] || BINARY="$PWD/$BINARY"
[[ -x "$BINARY" ]] || die "slipway binary not found or not executable: $BINARY
  build it with: swift build -c release --product slipway --scratch-path .build-release   (or pass --binary / SLIPWAY_BIN)"
command -v wrk >/dev/null 2>&1 || die "wrk is not installed (Debian: apt-get install wrk)"
WRK_VERSION="$(wrk -v 2>&1 | head -n 1 | sed -e 's/ *Copyright.*//' || true)"

# --- processes: each in its own group, all stopped on exit ---------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/slipway-inference-bench.XXXXXX")"
PIDS=()
OK=0
alive() { local state; state="$(ps -o stat= -p "$1" 2>/dev/null || true)"; [[ -n "$state" && "$state" != Z* ]]; }
stop_group() {
    local pid="$1" i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do alive "$pid" || break; sleep 0.1; done
    if kill -TERM -- "-$pid" 2>/dev/null; then sleep 0.5; kill -KILL -- "-$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do stop_group "$pid"; done
    if ((OK && !KEEP)); then rm -rf "$WORK"; else log "kept $WORK (server logs, wrk output)"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_group() { local logfile="$1"; shift; setsid "$@" >"$logfile" 2>&1 </dev/null & STARTED_PID=$!; PIDS+=("$STARTED_PID"); }
forget() {
    local keep=() p
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do [[ "$p" == "$1" ]] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
}
stop_started() { stop_group "$1"; forget "$1"; }
tail_log() { log "--- $1 (tail) ---"; tail -n 40 "$1" >&2 || true; }

# --- setup: uv, .venvs/bench-inference ----------------------------------------------------
if [[ -x "$REPO_ROOT/.venvs/tools/bin/uv" ]]; then
    UV="$REPO_ROOT/.venvs/tools/bin/uv"
elif command -v uv >/dev/null 2>&1; then
    UV="$(command -v uv)"
else
    eval "$("$REPO_ROOT/scripts/python-env.sh")"   # creates .venvs/tools with uv
    UV="$SLIPWAY_UV"
fi
setup_bench_venv() {
    local python want have
    python="${SLIPWAY_PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}"
    mkdir -p "$REPO_ROOT/.venvs"
    exec 8>"$REPO_ROOT/.venvs/.bench-inference-env.lock"
    flock 8
    if [[ ! -x "$BENCH_VENV/bin/python" ]] || ! "$BENCH_VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
        log "creating $BENCH_VENV with $python"
        rm -rf "$BENCH_VENV"
        "$UV" venv --quiet --python "$python" "$BENCH_VENV" >&2
    fi
    want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
    have="$(cat "$STAMP" 2>/dev/null || true)"
    if [[ "$want" != "$have" ]]; then
        log "installing $(basename "$REQUIREMENTS") into $BENCH_VENV"
        rm -f "$STAMP"
        "$UV" pip install --quiet --python "$BENCH_VENV/bin/python" -r "$REQUIREMENTS" >&2
        printf '%s\n' "$want" >"$STAMP"
    else
        log "$BENCH_VENV is up to date"
    fi
    flock -u 8
    exec 8>&-
}
setup_bench_venv
BENCH_PY="$BENCH_VENV/bin/python"
DRIVER=("$BENCH_PY" "$HERE/driver.py")

# --- helpers ---------------------------------------------------------------------------
post() { # url auth outfile: one POST of the body, prints the HTTP status ("000" if no answer)
    local args=()
    [[ -n "$2" ]] && args=(-H "Authorization: $2")
    curl -sS -o "$3" -w '%{http_code}' --max-time 60 -X POST -H "Content-Type: $RECORDS_TYPE" \
        "${args[@]+"${args[@]}"}" --data-binary "@$WORK/body.json" "$1" 2>/dev/null || true
}
wait_until() { # name pid logfile timeout_s cmd...
    local name="$1" pid="$2" logfile="$3" timeout="$4"; shift 4
    local deadline=$((SECONDS + timeout))
    until "$@"; do
        if ! alive "$pid"; then tail_log "$logfile"; die "$name exited during start-up"; fi
        if ((SECONDS >= deadline)); then tail_log "$logfile"; die "$name not ready after ${timeout} s"; fi
        sleep 0.2
    done
}
answers_200() { [[ "$(post "$1" "$2" /dev/null)" == 200 ]]; }
slipway_healthy() { curl -fsS -o /dev/null --max-time 2 "$1/health" 2>/dev/null; }
validate() { # key url auth
    local code
    code="$(post "$2" "$3" "$WORK/$1-check.json")"
    if ! "${DRIVER[@]}" check --work "$WORK" --body "$WORK/$1-check.json" --code "${code:-0}"; then
        log "$1: $2 did not answer the expected dense_1 (HTTP $code)"
        return 1
    fi
    log "$1: validated: $(head -c 300 "$WORK/$1-check.json")"
}
run_wrk() { # key run threads connections duration url auth server_pid
    local key="$1" run="$2" threads="$3" conns="$4" duration="$5" url="$6" auth="$7" server="$8"
    cat /proc/loadavg >"$WORK/$key-$run.loadavg"
    log "$key: $run: wrk -t$threads -c$conns -d$duration (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "${DRIVER[@]}" cpu-snap --root $$ --server "$server" --out "$WORK/$key-$run.cpu0"
    start_group "$WORK/$key-$run.txt" env WRK_BODY_FILE="$WORK/body.json" WRK_CONTENT_TYPE="$RECORDS_TYPE" \
        WRK_AUTH="$auth" WRK_EXPECT="$(cat "$WORK/expect.lua-pattern")" WRK_REPORT="$WORK/$key-$run.json" \
        wrk "-t$threads" "-c$conns" "-d$duration" --timeout "$TIMEOUT" --latency -s "$REPO_ROOT/Benchmarks/endpoint/post.lua" "$url"
    local wrk_pid=$STARTED_PID status=0
    wait "$wrk_pid" || status=$?
    forget "$wrk_pid"
    "${DRIVER[@]}" cpu-snap --root $$ --server "$server" --out "$WORK/$key-$run.cpu1"
    if ((status != 0)); then cat "$WORK/$key-$run.txt" >&2; die "$key: wrk failed (exit $status)"; fi
    [[ -s "$WORK/$key-$run.json" ]] || { cat "$WORK/$key-$run.txt" >&2; die "$key: wrk wrote no report"; }
    grep '^post.lua:' "$WORK/$key-$run.txt" | sed "s/^post.lua:/inference_throughput: $key: $run:/" >&2 || true
}

# --- the run ---------------------------------------------------------------------------
TIMESTAMP="$(date -u +%Y%m%dT%H%M%SZ)"
DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "work dir $WORK; nproc $(nproc); load average $LOADAVG_START"
read -r PORT_SLIPWAY PORT_FASTAPI < <("${DRIVER[@]}" free-ports 2)
"${DRIVER[@]}" versions --out "$WORK/versions.json"
"${DRIVER[@]}" build-model --work "$WORK"
"${DRIVER[@]}" direct --work "$WORK"

# Slipway: fresh data dir, chosen admin password and client secret, uv on PATH (the server
# builds the model's Python environment with it on the first deploy).
SLIPWAY_URL="http://127.0.0.1:$PORT_SLIPWAY"
export SLIPWAY_ADMIN_PASSWORD="bench-$("$BENCH_PY" -c 'import secrets; print(secrets.token_urlsafe(16))')"
export SLIPWAY_CLIENT_SECRET="secret-$("$BENCH_PY" -c 'import secrets; print(secrets.token_urlsafe(24))')"
mkdir -p "$WORK/slipway-data"
printf '%q ' "$BINARY" serve --host 127.0.0.1 --port "$PORT_SLIPWAY" --data-dir "$WORK/slipway-data" >"$WORK/slipway.cmd"
start_group "$WORK/slipway.log" env PATH="$REPO_ROOT/.venvs/tools/bin:$PATH" \
    "$BINARY" serve --host 127.0.0.1 --port "$PORT_SLIPWAY" --data-dir "$WORK/slipway-data"
SLIPWAY_PID=$STARTED_PID
wait_until slipway "$SLIPWAY_PID" "$WORK/slipway.log" 60 slipway_healthy "$SLIPWAY_URL"
log "slipway: serving at $SLIPWAY_URL (pid $SLIPWAY_PID); uploading the model, deploying (the first deploy builds the model environment)"
PIPELINES=(benchc64 benchc1)
((LOG_RECORDS > 0)) && PIPELINES+=(benchlogs)
"${DRIVER[@]}" slipway-setup --url "$SLIPWAY_URL" --work "$WORK" --pipelines "${PIPELINES[@]}" \
    ${ENGINE_CONFIG:+--engine-config "$ENGINE_CONFIG"} \
    || { tail_log "$WORK/slipway.log"; die "slipway: model upload or deployment failed"; }
unset SLIPWAY_ADMIN_PASSWORD SLIPWAY_CLIENT_SECRET
SLIPWAY_AUTH="Bearer $(cat "$WORK/slipway-token")"
URL_C64="$(cat "$WORK/url-benchc64")"
URL_C1="$(cat "$WORK/url-benchc1")"
validate slipway "$URL_C64" "$SLIPWAY_AUTH" || { tail_log "$WORK/slipway.log"; die "slipway: wrong answer"; }
validate slipway "$URL_C1" "$SLIPWAY_AUTH" || { tail_log "$WORK/slipway.log"; die "slipway: wrong answer"; }

# FastAPI + onnxruntime on uvicorn: uvloop + httptools, 2 workers, no access log.
FASTAPI_URL="http://127.0.0.1:$PORT_FASTAPI/infer"
FASTAPI_CMD=("$BENCH_VENV/bin/uvicorn" fastapi_onnx_app:app --app-dir "$HERE/apps" --host 127.0.0.1
             --port "$PORT_FASTAPI" --loop uvloop --http httptools --workers 2 --log-level warning --no-access-log)
printf 'BENCH_ONNX_MODEL=%q ' "$WORK/model.onnx" >"$WORK/fastapi.cmd"
printf '%q ' "${FASTAPI_CMD[@]}" >>"$WORK/fastapi.cmd"
start_group "$WORK/fastapi.log" env BENCH_ONNX_MODEL="$WORK/model.onnx" "${FASTAPI_CMD[@]}"
FASTAPI_PID=$STARTED_PID
wait_until fastapi "$FASTAPI_PID" "$WORK/fastapi.log" 60 answers_200 "$FASTAPI_URL" ""
validate fastapi "$FASTAPI_URL" "" || { tail_log "$WORK/fastapi.log"; die "fastapi: wrong answer"; }

ORDER=(slipway fastapi)
for ((round = 1; round <= ROUNDS; round++)); do
    for ((i = 0; i < ${#ORDER[@]}; i++)); do
        key="${ORDER[(i + round - 1) % ${#ORDER[@]}]}"
        if [[ "$key" == slipway ]]; then
            run_wrk slipway "warmup-r$round" 2 64 "$WARMUP" "$URL_C64" "$SLIPWAY_AUTH" "$SLIPWAY_PID"
            run_wrk slipway "c64-r$round" 2 64 "$DURATION" "$URL_C64" "$SLIPWAY_AUTH" "$SLIPWAY_PID"
            run_wrk slipway "c1-r$round" 1 1 "$DURATION" "$URL_C1" "$SLIPWAY_AUTH" "$SLIPWAY_PID"
        else
            run_wrk fastapi "warmup-r$round" 2 64 "$WARMUP" "$FASTAPI_URL" "" "$FASTAPI_PID"
            run_wrk fastapi "c64-r$round" 2 64 "$DURATION" "$FASTAPI_URL" "" "$FASTAPI_PID"
            run_wrk fastapi "c1-r$round" 1 1 "$DURATION" "$FASTAPI_URL" "" "$FASTAPI_PID"
        fi
    done
done
"${DRIVER[@]}" metrics --url "$SLIPWAY_URL" --work "$WORK" --name benchc64 --out "$WORK/metrics-c64.json"
"${DRIVER[@]}" metrics --url "$SLIPWAY_URL" --work "$WORK" --name benchc1 --out "$WORK/metrics-c1.json"
validate slipway "$URL_C64" "$SLIPWAY_AUTH" || { tail_log "$WORK/slipway.log"; die "slipway: stopped answering after the load"; }
validate fastapi "$FASTAPI_URL" "" || { tail_log "$WORK/fastapi.log"; die "fastapi: stopped answering after the load"; }
stop_started "$FASTAPI_PID"

# Inference-log paging: fill the third pipeline's log, then time pages of 1,000.
if ((LOG_RECORDS > 0)); then
    log "filling the log of benchlogs with $LOG_RECORDS records"
    "${DRIVER[@]}" fill-logs --url "$SLIPWAY_URL" --work "$WORK" --name benchlogs --records "$LOG_RECORDS" \
        --parallel "$FILL_PARALLEL" --out "$WORK/fill.json" || { tail_log "$WORK/slipway.log"; die "slipway: filling the log failed"; }
    "${DRIVER[@]}" logs-bench --url "$SLIPWAY_URL" --work "$WORK" --name benchlogs --requests "$LOG_REQUESTS" \
        --chain-pages 1000 --out "$WORK/logs.json" || { tail_log "$WORK/slipway.log"; die "slipway: get_logs failed"; }
    du -sh "$WORK/slipway-data" >"$WORK/data-size.txt" 2>/dev/null || true
fi
stop_started "$SLIPWAY_PID"

# --- report ----------------------------------------------------------------------------
case "$(readlink -f "$BINARY")" in
    */release/*) BUILD=release ;; */debug/*) BUILD=debug ;; *) BUILD=unknown ;;
esac
mkdir -p "$RESULTS_DIR"
MD_OUT="$RESULTS_DIR/inference_throughput-$TIMESTAMP.md"
JSON_OUT="$RESULTS_DIR/inference_throughput-$TIMESTAMP.json"
"${DRIVER[@]}" report --work "$WORK" --md "$MD_OUT" --json "$JSON_OUT" \
    --meta "date=$DATE" --meta "duration=$DURATION" --meta "warmup=$WARMUP" --meta "rounds=$ROUNDS" \
    --meta "timeout=$TIMEOUT" --meta "log_records=$LOG_RECORDS" --meta "loadavg_start=$LOADAVG_START" \
    --meta "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" --meta "wrk_version=$WRK_VERSION" \
    --meta "slipway_binary=$BINARY" --meta "slipway_build=$BUILD" \
    --meta "slipway_binary_sha256=$(sha256sum "$BINARY" | cut -d' ' -f1)" \
    --meta "slipway_binary_mtime=$(date -u -r "$BINARY" +%Y-%m-%dT%H:%M:%SZ)" \
    --meta "data_size=$(cut -f1 "$WORK/data-size.txt" 2>/dev/null || echo -)" \
    --meta "slipway_source=${SLIPWAY_BUILD_COMMIT:-}" \
    --meta "git_head=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
        git -C "$REPO_ROOT" diff --quiet HEAD -- Sources 2>/dev/null || echo ' (Sources modified)')"
log "wrote $MD_OUT and $JSON_OUT"
OK=1
