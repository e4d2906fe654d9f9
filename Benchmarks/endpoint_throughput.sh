#!/usr/bin/env bash
# Slipway benchmark: throughput and latency of a low-latency endpoint deployment against
# the same trivial function served by FastAPI (uvicorn) and Flask (gunicorn), measured
# with wrk on the same machine in the same run.
#
#   def add(a, b): return {"sum": a + b}        POST {"a":1,"b":2}  ->  sum 3
#
# For each server: a warm-up (wrk -t2 -c64 for --warmup), then wrk -t2 -c64 for --duration
# (requests/s, p50, p99, non-2xx), then wrk -t1 -c1 for --duration (p50, p99). With
# --rounds N (default 1) the three servers stay up and are measured N times, interleaved (the
# order rotates every round), and the report gives the median of each figure, the median of the
# per-round ratios and their range: on a noisy shared machine one run is not enough. Also the
# in-process call of add(1, 2) (timeit), so the latency each server adds at c=1 is
# server p50 - direct p50. Prints a Markdown table and writes
# Benchmarks/results/endpoint_throughput-<timestamp>.{md,json}.
#
# Usage (from anywhere; the release binary must exist unless --peers-only):
#   swift build -c release --product slipway
#   Benchmarks/endpoint_throughput.sh [--duration 15s] [--warmup 5s] [--parallel 6] [--rounds 1]
#                                     [--binary PATH] [--database URL] [--peers-only] [--keep]
#
# --database URL is passed to `slipway serve` (sqlite:, sqlite:/path/file.db or
# postgres://user:password@host:port/database; default: SQLite in the run's data dir). A
# PostgreSQL database should be empty: the run creates its pipeline and deployment there.
#
# Setup is idempotent and cached: installs the Debian package wrk if missing, creates
# .venvs/bench with uv from Benchmarks/endpoint/requirements.txt (re-installed only when
# that file changes), and runs scripts/python-env.sh for uv and .venvs/compat
# (craft-ai-sdk==0.72.1) when needed. Every process it starts runs in its own process
# group and is stopped on exit, on failure and on Ctrl-C.
#
# Environment: SLIPWAY_BIN (default .build/release/slipway, else
# .build-release/release/slipway), SLIPWAY_PYTHON (interpreter
# for .venvs/bench, default the real python3), WRK_TIMEOUT (default 10s).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$REPO_ROOT/Benchmarks/endpoint"
RESULTS_DIR="$REPO_ROOT/Benchmarks/results"
BENCH_VENV="$REPO_ROOT/.venvs/bench"
REQUIREMENTS="$HERE/requirements.txt"
STAMP="$BENCH_VENV/.bench-requirements.sha256"

DURATION="15s"
WARMUP="5s"
PARALLEL=6
THREADS=2
CONNECTIONS=64
TIMEOUT="${WRK_TIMEOUT:-10s}"
PEERS_ONLY=0
KEEP=0
ROUNDS=1
BINARY="${SLIPWAY_BIN:-}"
DATABASE=""
BODY='{"a":1,"b":2}'
NAME="bench-add"

log() { printf 'endpoint_throughput: %s\n' "$*" >&2; }
die() { printf 'endpoint_throughput: error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

seconds_arg() { # "15" -> "15s"; wrk understands s/m/h suffixes
    [[ "$1" =~ ^[0-9]+$ ]] && printf '%ss' "$1" || printf '%s' "$1"
}

while (($#)); do
    case "$1" in
        --duration) DURATION="$(seconds_arg "${2:?--duration needs a value}")"; shift 2 ;;
        --warmup) WARMUP="$(seconds_arg "${2:?--warmup needs a value}")"; shift 2 ;;
        --parallel) PARALLEL="${2:?--parallel needs a value}"; shift 2 ;;
        --rounds) ROUNDS="${2:?--rounds needs a value}"; shift 2 ;;
        --binary) BINARY="${2:?--binary needs a value}"; shift 2 ;;
        --database) DATABASE="${2:?--database needs a value}"; shift 2 ;;
        --connections) CONNECTIONS="${2:?--connections needs a value}"; shift 2 ;;
        --threads) THREADS="${2:?--threads needs a value}"; shift 2 ;;
        --peers-only) PEERS_ONLY=1; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
[[ "$DURATION" =~ ^[0-9]+[smh]$ && "$WARMUP" =~ ^[0-9]+[smh]$ ]] || die "--duration/--warmup: e.g. 15s"
[[ "$PARALLEL" =~ ^[1-9][0-9]*$ ]] || die "--parallel must be a positive integer"
[[ "$ROUNDS" =~ ^[1-9][0-9]?$ ]] || die "--rounds must be an integer from 1 to 99"

# Never look "inside an execution", and let nothing from the caller's SDK setup leak in.
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(CRAFT_AI_|SDK_)' || true)

if ((!PEERS_ONLY)); then
    if [[ -z "$BINARY" ]]; then
        # The documented release build, else one built with --scratch-path .build-release.
        BINARY="$REPO_ROOT/.build/release/slipway"
        if [[ ! -x "$BINARY" && -x "$REPO_ROOT/.build-release/release/slipway" ]]; then
            BINARY="$REPO_ROOT/.build-release/release/slipway"
        fi
    fi
    [[ "$BINARY" = /* ]] || BINARY="$PWD/$BINARY"
    [[ -x "$BINARY" ]] || die "slipway binary not found or not executable: $BINARY
  build it with: swift build -c release --product slipway   (or pass --binary / SLIPWAY_BIN, or --peers-only)"
fi

# --- processes: each in its own group, all stopped on exit ---------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/slipway-endpoint-bench.XXXXXX")"
PIDS=()
OK=0

alive() { # pid: running (not gone, not a zombie)
    local state
    state="$(ps -o stat= -p "$1" 2>/dev/null || true)"
    [[ -n "$state" && "$state" != Z* ]]
}

stop_group() { # pid: SIGTERM to the leader (it stops its own workers), wait up to 15 s,
                 # then SIGTERM and, half a second later, SIGKILL whatever is left of its group
    local pid="$1" i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    if kill -TERM -- "-$pid" 2>/dev/null; then
        sleep 0.5
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do stop_group "$pid"; done
    if ((OK && !KEEP)); then
        rm -rf "$WORK"
    else
        log "kept $WORK (server logs, wrk output)"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_group() { # logfile cmd...: start in a new session (own process group); sets STARTED_PID
    local logfile="$1"; shift
    setsid "$@" >"$logfile" 2>&1 </dev/null &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}

forget() { # pid: no longer stopped by cleanup
    local keep=() p
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do [[ "$p" == "$1" ]] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
}

stop_started() { # pid: stop it now and forget it
    stop_group "$1"
    forget "$1"
}

tail_log() { log "--- $1 (tail) ---"; tail -n 40 "$1" >&2 || true; }

# --- setup: wrk ----------------------------------------------------------------------
# shellcheck source=lib/ensure_wrk.sh
source "$REPO_ROOT/Benchmarks/lib/ensure_wrk.sh"
WRK_VERSION="$(wrk -v 2>&1 | head -n 1 | sed -e 's/ *Copyright.*//' || true)"

# --- setup: uv, .venvs/compat (Slipway side), .venvs/bench (peers) --------------------
UV=""
COMPAT_PYTHON=""
if ((!PEERS_ONLY)); then
    eval "$("$REPO_ROOT/scripts/python-env.sh")"   # SLIPWAY_UV, SLIPWAY_COMPAT_PYTHON
    UV="$SLIPWAY_UV"
    COMPAT_PYTHON="$SLIPWAY_COMPAT_PYTHON"
elif command -v uv >/dev/null 2>&1; then
    UV="$(command -v uv)"
elif [[ -x "$REPO_ROOT/.venvs/tools/bin/uv" ]]; then
    UV="$REPO_ROOT/.venvs/tools/bin/uv"
else
    eval "$("$REPO_ROOT/scripts/python-env.sh")"
    UV="$SLIPWAY_UV"
fi

setup_bench_venv() {
    local python want have
    if [[ -n "${SLIPWAY_PYTHON:-}" ]]; then
        python="$SLIPWAY_PYTHON"
    else
        python="$(python3 -c 'import sys; print(sys.executable)')"   # the real one behind any shim
    fi
    mkdir -p "$REPO_ROOT/.venvs"
    if command -v flock >/dev/null 2>&1; then
        exec 8>"$REPO_ROOT/.venvs/.bench-env.lock"
        flock 8
    fi
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
    if command -v flock >/dev/null 2>&1; then flock -u 8; exec 8>&-; fi
}
setup_bench_venv
BENCH_PY="$BENCH_VENV/bin/python"
DRIVER=("$BENCH_PY" "$HERE/driver.py")

# --- helpers ---------------------------------------------------------------------------
post() { # url auth outfile: one POST, prints the HTTP status ("000" if no answer)
    local url="$1" auth="$2" out="$3" args=()
    [[ -n "$auth" ]] && args=(-H "Authorization: $auth")
    curl -sS -o "$out" -w '%{http_code}' --max-time 30 -X POST -H 'Content-Type: application/json' \
        "${args[@]+"${args[@]}"}" --data "$BODY" "$url" 2>/dev/null || true
}

wait_until() { # name pid logfile timeout_s cmd...: poll cmd until it succeeds
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

validate() { # key url auth [--slipway]: one request with curl; fail loudly unless sum 3
    local key="$1" url="$2" auth="$3"; shift 3
    local code
    code="$(post "$url" "$auth" "$WORK/$key-check.json")"
    if ! "${DRIVER[@]}" check --body "$WORK/$key-check.json" --code "${code:-0}" "$@"; then
        log "$key: $url did not answer sum 3 (HTTP $code)"
        return 1
    fi
    log "$key: validated: $(head -c 200 "$WORK/$key-check.json")"
}

run_wrk() { # key run threads connections duration url auth
    local key="$1" run="$2" threads="$3" conns="$4" duration="$5" url="$6" auth="$7"
    cat /proc/loadavg >"$WORK/$key-$run.loadavg"
    log "$key: $run: wrk -t$threads -c$conns -d$duration (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "${DRIVER[@]}" cpu-snap --root $$ --out "$WORK/$key-$run.cpu0"
    # In the background and waited for, so that a signal stops the run at once (cleanup stops wrk).
    start_group "$WORK/$key-$run.txt" env WRK_BODY="$BODY" WRK_AUTH="$auth" WRK_REPORT="$WORK/$key-$run.json" \
        wrk "-t$threads" "-c$conns" "-d$duration" --timeout "$TIMEOUT" --latency -s "$HERE/post.lua" "$url"
    local wrk_pid=$STARTED_PID status=0
    wait "$wrk_pid" || status=$?
    forget "$wrk_pid"
    "${DRIVER[@]}" cpu-snap --root $$ --out "$WORK/$key-$run.cpu1"
    if ((status != 0)); then
        cat "$WORK/$key-$run.txt" >&2
        die "$key: wrk failed (exit $status)"
    fi
    [[ -s "$WORK/$key-$run.json" ]] || { cat "$WORK/$key-$run.txt" >&2; die "$key: wrk wrote no report"; }
    grep '^post.lua:' "$WORK/$key-$run.txt" | sed "s/^post.lua:/endpoint_throughput: $key: $run:/" >&2 || true
}

measure() { # key url auth [suffix]: warm-up, c=64 and c=1 runs named warmup<suffix>, c64<suffix>, c1<suffix>
    local key="$1" url="$2" auth="$3" suffix="${4:-}"
    run_wrk "$key" "warmup$suffix" "$THREADS" "$CONNECTIONS" "$WARMUP" "$url" "$auth"
    run_wrk "$key" "c64$suffix" "$THREADS" "$CONNECTIONS" "$DURATION" "$url" "$auth"
    run_wrk "$key" "c1$suffix" 1 1 "$DURATION" "$url" "$auth"
}

# --- the run ---------------------------------------------------------------------------
TIMESTAMP="$(date -u +%Y%m%dT%H%M%SZ)"
DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "work dir $WORK; nproc $(nproc); load average $LOADAVG_START"
read -r PORT_SLIPWAY PORT_FASTAPI PORT_FASTAPI_ASYNC PORT_FLASK < <("${DRIVER[@]}" free-ports 4)

"${DRIVER[@]}" versions --out "$WORK/versions.json"
"${DRIVER[@]}" direct --out "$WORK/direct.json"

META=()
if ((!PEERS_ONLY)); then
    # Slipway: fresh data dir, known admin token, uv from .venvs/tools as in the compat suite.
    ADMIN_TOKEN="bench-$("$BENCH_PY" -c 'import secrets; print(secrets.token_urlsafe(32))')"
    SLIPWAY_URL="http://127.0.0.1:$PORT_SLIPWAY"
    mkdir -p "$WORK/slipway-data" "$WORK/function"
    cp "$HERE/apps/add.py" "$WORK/function/add.py"
    # The SDK uploads the project's requirements_path (requirements.txt) with the code: no packages.
    : >"$WORK/function/requirements.txt"
    DATABASE_ARGS=()
    [[ -n "$DATABASE" ]] && DATABASE_ARGS=(--database "$DATABASE")
    # The recorded command line shows the database URL without its password.
    printf '%q ' "$BINARY" serve --host 127.0.0.1 --port "$PORT_SLIPWAY" --data-dir "$WORK/slipway-data" \
        ${DATABASE:+--database "$(sed -E 's#(://[^:/@]*):[^@]*@#\1@#' <<<"$DATABASE")"} >"$WORK/slipway.cmd"
    start_group "$WORK/slipway.log" env SLIPWAY_ADMIN_TOKEN="$ADMIN_TOKEN" \
        PATH="$REPO_ROOT/.venvs/tools/bin:$PATH" \
        "$BINARY" serve --host 127.0.0.1 --port "$PORT_SLIPWAY" --data-dir "$WORK/slipway-data" "${DATABASE_ARGS[@]}"
    SLIPWAY_PID=$STARTED_PID
    wait_until slipway "$SLIPWAY_PID" "$WORK/slipway.log" 60 slipway_healthy "$SLIPWAY_URL"
    log "slipway: serving at $SLIPWAY_URL (pid $SLIPWAY_PID); creating pipeline and deployment $NAME"
    if ! CRAFT_AI_ENVIRONMENT_URL="$SLIPWAY_URL" CRAFT_AI_CONTROL_URL="$SLIPWAY_URL" \
        CRAFT_AI_SDK_TOKEN="$ADMIN_TOKEN" SDK_VERBOSE_LOG=false \
        "$COMPAT_PYTHON" "$HERE/driver.py" deploy --folder "$WORK/function" --name "$NAME" \
        --parallel "$PARALLEL" --out "$WORK/deployment.json" --token-out "$WORK/endpoint-token"; then
        tail_log "$WORK/slipway.log"
        die "slipway: creating the pipeline or the deployment failed"
    fi
    ENDPOINT_AUTH="EndpointToken $(cat "$WORK/endpoint-token")"
    ENDPOINT_URL="$SLIPWAY_URL/endpoints/$NAME"
    validate slipway "$ENDPOINT_URL" "$ENDPOINT_AUTH" --slipway \
        || { tail_log "$WORK/slipway.log"; die "slipway: the endpoint does not answer as expected"; }

    case "$(readlink -f "$BINARY")" in
        */release/*) BUILD=release ;;
        */debug/*) BUILD=debug ;;
        *) BUILD=unknown ;;
    esac
    META+=(--meta "slipway_binary=$BINARY" --meta "slipway_build=${SLIPWAY_BUILD_CONFIG:-$BUILD}"
           --meta "slipway_binary_sha256=$(sha256sum "$BINARY" | cut -d' ' -f1)"
           --meta "slipway_binary_mtime=$(date -u -r "$BINARY" +%Y-%m-%dT%H:%M:%SZ)"
           --meta "craft_ai_sdk=$("$COMPAT_PYTHON" -c 'from importlib.metadata import version; print(version("craft-ai-sdk"))')")
fi

# FastAPI on uvicorn: uvloop + httptools, 2 workers, no access log; once with a `def` endpoint
# (run in the thread pool) and once with an `async def` one (on the event loop), the fastest
# idiomatic variant. start_uvicorn KEY MODULE PORT sets STARTED_PID.
start_uvicorn() {
    local key=$1 module=$2 port=$3
    local command=("$BENCH_VENV/bin/uvicorn" "$module:app" --app-dir "$HERE/apps" --host 127.0.0.1 --port "$port"
                   --loop uvloop --http httptools --workers 2 --log-level warning --no-access-log)
    printf '%q ' "${command[@]}" >"$WORK/$key.cmd"
    start_group "$WORK/$key.log" "${command[@]}"
    wait_until "$key" "$STARTED_PID" "$WORK/$key.log" 60 answers_200 "http://127.0.0.1:$port/add" ""
    validate "$key" "http://127.0.0.1:$port/add" "" || { tail_log "$WORK/$key.log"; die "$key: wrong answer"; }
}
start_uvicorn fastapi fastapi_app "$PORT_FASTAPI"
FASTAPI_PID=$STARTED_PID
FASTAPI_URL="http://127.0.0.1:$PORT_FASTAPI/add"
start_uvicorn fastapi_async fastapi_async_app "$PORT_FASTAPI_ASYNC"
FASTAPI_ASYNC_PID=$STARTED_PID
FASTAPI_ASYNC_URL="http://127.0.0.1:$PORT_FASTAPI_ASYNC/add"

# Flask on gunicorn: 2 sync workers; gunicorn writes no access log unless asked to.
FLASK_CMD=("$BENCH_VENV/bin/gunicorn" flask_app:app --chdir "$HERE/apps" --bind "127.0.0.1:$PORT_FLASK"
           --workers 2 --worker-class sync --log-level warning)
printf '%q ' "${FLASK_CMD[@]}" >"$WORK/flask.cmd"
start_group "$WORK/flask.log" "${FLASK_CMD[@]}"
FLASK_PID=$STARTED_PID
FLASK_URL="http://127.0.0.1:$PORT_FLASK/add"
wait_until flask "$FLASK_PID" "$WORK/flask.log" 60 answers_200 "$FLASK_URL" ""
validate flask "$FLASK_URL" "" || { tail_log "$WORK/flask.log"; die "flask: wrong answer"; }

# The measurements: every server once per round, the order rotating from round to round (the
# others stay up, idle, meanwhile).
ORDER=(fastapi_async fastapi flask)
((PEERS_ONLY)) || ORDER=(slipway "${ORDER[@]}")
for ((round = 1; round <= ROUNDS; round++)); do
    suffix=""
    ((ROUNDS == 1)) || suffix="-r$round"
    for ((i = 0; i < ${#ORDER[@]}; i++)); do
        key="${ORDER[(i + round - 1) % ${#ORDER[@]}]}"
        case "$key" in
            slipway) measure slipway "$ENDPOINT_URL" "$ENDPOINT_AUTH" "$suffix" ;;
            fastapi) measure fastapi "$FASTAPI_URL" "" "$suffix" ;;
            fastapi_async) measure fastapi_async "$FASTAPI_ASYNC_URL" "" "$suffix" ;;
            flask) measure flask "$FLASK_URL" "" "$suffix" ;;
        esac
    done
done
if ((!PEERS_ONLY)); then
    validate slipway "$ENDPOINT_URL" "$ENDPOINT_AUTH" --slipway \
        || { tail_log "$WORK/slipway.log"; die "slipway: the endpoint stopped answering after the load"; }
    stop_started "$SLIPWAY_PID"
fi
stop_started "$FASTAPI_PID"
stop_started "$FASTAPI_ASYNC_PID"
stop_started "$FLASK_PID"

# --- report ----------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
MD_OUT="$RESULTS_DIR/endpoint_throughput-$TIMESTAMP.md"
JSON_OUT="$RESULTS_DIR/endpoint_throughput-$TIMESTAMP.json"
"${DRIVER[@]}" report --work "$WORK" --md "$MD_OUT" --json "$JSON_OUT" \
    --meta "date=$DATE" --meta "body=$BODY" --meta "duration=$DURATION" --meta "warmup=$WARMUP" \
    --meta "c64_threads=$THREADS" --meta "c64_connections=$CONNECTIONS" --meta "timeout=$TIMEOUT" \
    --meta "parallel=$PARALLEL" --meta "peers_only=$PEERS_ONLY" --meta "nproc=$(nproc)" --meta "rounds=$ROUNDS" \
    --meta "loadavg_start=$LOADAVG_START" --meta "wrk_version=$WRK_VERSION" \
    --meta "git_head=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
        git -C "$REPO_ROOT" diff --quiet HEAD -- Sources 2>/dev/null || echo ' (Sources modified)')" \
    "${META[@]+"${META[@]}"}"
log "wrote $MD_OUT and $JSON_OUT"
OK=1
