#!/usr/bin/env bash
# Scheduled Wallaroo tasks on time: N tasks every minute on a release `slipway serve`; the delay
# from each slot to the run's record and to main.py's first line, beside a fresh interpreter's
# start (the floor). See Benchmarks/tasks/driver.py.
#
#   Benchmarks/scheduled_tasks.sh [--tasks 50] [--rounds 3] [--floor-samples 50]
#
# Needs a release binary ($SLIPWAY_BIN, else .build-release/release/slipway) and the Craft AI
# compat venv (scripts/python-env.sh). Takes about 4 minutes.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/bench_venv.sh
source "$REPO_ROOT/Benchmarks/lib/bench_venv.sh"
bench_slipway_bin
[[ -x "$REPO_ROOT/.venvs/compat/bin/python" ]] || eval "$("$REPO_ROOT/scripts/python-env.sh")" >&2
exec "$REPO_ROOT/.venvs/compat/bin/python" "$REPO_ROOT/Benchmarks/tasks/driver.py" \
    --binary "$SLIPWAY_BIN" --floor-python "$REPO_ROOT/.venvs/compat/bin/python" "$@"
