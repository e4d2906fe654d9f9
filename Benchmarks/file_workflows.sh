#!/usr/bin/env bash
# TetraScience pipelines on file arrival: latency from an upload to its workflow's first step
# and workflows per second on a release `slipway serve`, each beside the same function run as
# a fresh Python process (the floor). See Benchmarks/workflows/driver.py.
#
#   Benchmarks/file_workflows.sh [--files 200] [--burst 200] [--parallel 8]
#
# Needs a release binary ($SLIPWAY_BIN, else .build-release/release/slipway) and the Craft AI
# compat venv (scripts/python-env.sh; its Python 3.11 is the floor's). Takes about 3 minutes.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/bench_venv.sh
source "$REPO_ROOT/Benchmarks/lib/bench_venv.sh"
bench_slipway_bin
[[ -x "$REPO_ROOT/.venvs/compat/bin/python" ]] || eval "$("$REPO_ROOT/scripts/python-env.sh")" >&2
exec "$REPO_ROOT/.venvs/compat/bin/python" "$REPO_ROOT/Benchmarks/workflows/driver.py" \
    --binary "$SLIPWAY_BIN" --floor-python "$REPO_ROOT/.venvs/compat/bin/python" "$@"
