#!/usr/bin/env bash
# Slipway benchmark: MLflow tracking against a real `mlflow server` (SQLite backend, default
# workers), both driven by the same real mlflow client (mlflow-skinny 3.17.2) in one run:
#   log_batch of 1,000 metrics x 100 calls; 10,000 single log_metric calls from 8 threads;
#   (and, to show the server apart from the Python client, log-metric driven by wrk);
#   search_runs over 10,000 runs with a metric filter; get_metric_history of 100,000 points.
# Rounds are interleaved (the order alternates); the table gives the median of each figure
# and the median (range) of the per-round ratios. Setup (runs, history points) is not timed.
# Writes Benchmarks/results/mlflow_tracking-<timestamp>.{md,json}.
#
# Usage (release build for real figures; the lead runs those):
#   swift build -c release --product slipway
#   Benchmarks/mlflow_tracking.sh [--rounds 3] [--smoke] [driver options...]
# --smoke: one round at tiny sizes (a check that both servers and every scenario work).
# Driver options: --batch-calls --batch-size --single-calls --threads --search-runs --history-points.
#
# Environment: SLIPWAY_BIN (default .build/release/slipway); the venvs of scripts/python-env.sh
# (SLIPWAY_MLFLOW_PYTHON for the client, SLIPWAY_MLFLOW_SERVER for `mlflow server`).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS_DIR="$REPO_ROOT/Benchmarks/results"
ARGS=()
while (($#)); do
    case "$1" in
        --smoke) ARGS+=(--rounds 1 --batch-calls 3 --batch-size 100 --single-calls 80 --threads 8 --search-runs 50
                        --history-points 3000); shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        *) ARGS+=("$1"); shift ;;
    esac
done

if [[ -z "${SLIPWAY_MLFLOW_PYTHON:-}" || -z "${SLIPWAY_MLFLOW_SERVER:-}" ]]; then
    eval "$("$REPO_ROOT/scripts/python-env.sh")"
fi
export SLIPWAY_BIN="${SLIPWAY_BIN:-$REPO_ROOT/.build/release/slipway}"
[[ -x "$SLIPWAY_BIN" ]] || { echo "mlflow_tracking: no slipway binary at $SLIPWAY_BIN" >&2; exit 1; }

# shellcheck source=lib/ensure_wrk.sh
source "$REPO_ROOT/Benchmarks/lib/ensure_wrk.sh"

mkdir -p "$RESULTS_DIR"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS_DIR/mlflow_tracking-$STAMP"
"$SLIPWAY_MLFLOW_PYTHON" "$REPO_ROOT/Benchmarks/mlflow/tracking_bench.py" "${ARGS[@]}" --output "$OUT.json" | tee "$OUT.md"
echo "mlflow_tracking: results in $OUT.md and $OUT.json" >&2
