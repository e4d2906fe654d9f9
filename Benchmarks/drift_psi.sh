#!/usr/bin/env bash
# Slipway benchmark (issue 13): PSI of 100 features between a baseline and a window of
# 1,000,000 rows each. Three contenders on the same Arrow IPC files, in interleaved rounds:
#   Slipway   `slipway drift BASELINE WINDOW --timing` (engine time, excluding file reading);
#   Evidently Report([DataDriftPreset(method="psi")]) (evidently 0.7.23);
#   numpy     a hand-rolled PSI with Slipway's quantile rule (the floor; its scores must agree
#             with Slipway's within 1e-9, or the run fails).
# The data (numpy, fixed seed) is generated once into Benchmarks/results/drift-data/ (1.6 GB).
# Prints a Markdown table of medians and ratios; writes Benchmarks/results/drift_psi-<stamp>.{md,json}.
#
# Usage (release build for real figures):
#   swift build -c release --product slipway --scratch-path .build-release
#   Benchmarks/drift_psi.sh [--rounds 3] [--smoke] [driver options: --features --rows --bins --skip-evidently]
# --smoke: one round on 4 features x 20,000 rows (checks that every contender works).
#
# Environment: SLIPWAY_BIN (default .build-release/release/slipway, else .build/release/slipway);
# the venv .venvs/bench-drift is made with uv from Benchmarks/drift/requirements.txt.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS_DIR="$REPO_ROOT/Benchmarks/results"
VENV="$REPO_ROOT/.venvs/bench-drift"
REQUIREMENTS="$REPO_ROOT/Benchmarks/drift/requirements.txt"
ARGS=()
while (($#)); do
    case "$1" in
        --smoke) ARGS+=(--rounds 1 --features 4 --rows 20000); shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        *) ARGS+=("$1"); shift ;;
    esac
done

# shellcheck source=lib/bench_venv.sh
source "$REPO_ROOT/Benchmarks/lib/bench_venv.sh"
bench_venv "$VENV" "$REQUIREMENTS"
bench_slipway_bin

mkdir -p "$RESULTS_DIR"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS_DIR/drift_psi-$STAMP"
"$VENV/bin/python" "$REPO_ROOT/Benchmarks/drift/drift_bench.py" --slipway "$SLIPWAY_BIN" "${ARGS[@]}" \
    --output "$OUT.json" | tee "$OUT.md"
echo "drift_psi: results in $OUT.md and $OUT.json" >&2
