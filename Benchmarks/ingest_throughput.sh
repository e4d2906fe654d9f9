#!/usr/bin/env bash
# Slipway benchmark (issue 13): ingestion throughput end to end into the store — a SageMaker
# Data Capture JSONL file and Arthur streaming JSON — against pandas.read_json(lines=True) +
# pyarrow Parquet writing the same records (the floor a user would script). See
# Benchmarks/ingest/ingest_bench.py for what each contender does.
# Writes Benchmarks/results/ingest_throughput-<stamp>.{md,json}.
#
# Usage (release build for real figures):
#   swift build -c release --product slipway --scratch-path .build-release
#   Benchmarks/ingest_throughput.sh [--rounds 3] [--records 200000] [--smoke] [--threads 4] [--chunk 5000]
# --smoke: one round of 5,000 records.
#
# Environment: SLIPWAY_BIN (default .build-release/release/slipway, else .build/release/slipway);
# the venv .venvs/bench-ingest is made with uv from Benchmarks/ingest/requirements.txt.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS_DIR="$REPO_ROOT/Benchmarks/results"
VENV="$REPO_ROOT/.venvs/bench-ingest"
ARGS=()
while (($#)); do
    case "$1" in
        --smoke) ARGS+=(--rounds 1 --records 5000); shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        *) ARGS+=("$1"); shift ;;
    esac
done

# shellcheck source=lib/bench_venv.sh
source "$REPO_ROOT/Benchmarks/lib/bench_venv.sh"
bench_venv "$VENV" "$REPO_ROOT/Benchmarks/ingest/requirements.txt"
bench_slipway_bin

mkdir -p "$RESULTS_DIR"
OUT="$RESULTS_DIR/ingest_throughput-$(date -u +%Y%m%dT%H%M%SZ)"
"$VENV/bin/python" "$REPO_ROOT/Benchmarks/ingest/ingest_bench.py" --slipway "$SLIPWAY_BIN" "${ARGS[@]}" \
    --output "$OUT.json" | tee "$OUT.md"
echo "ingest_throughput: results in $OUT.md and $OUT.json" >&2
