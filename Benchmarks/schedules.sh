#!/usr/bin/env bash
# Schedules on time at scale: 1,000 periodic deployments of a release `slipway serve` beside
# 1,000 APScheduler cron jobs, taking turns minute by minute; idle CPU, fire delay against the
# slot, and exactly-once firing across a kill -9 (see Benchmarks/schedules/driver.py).
#
#   Benchmarks/schedules.sh [--deployments 1000] [--rounds 3] [--idle-seconds 60] [--kill-after-ms 30]
#
# Needs a release binary ($SLIPWAY_BIN, else .build-release/release/slipway) and the compat venv
# (scripts/python-env.sh); makes .venvs/bench-schedules with the peer. Takes about 12 minutes.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/bench_venv.sh
source "$REPO_ROOT/Benchmarks/lib/bench_venv.sh"
bench_slipway_bin
bench_venv "$REPO_ROOT/.venvs/bench-schedules" "$REPO_ROOT/Benchmarks/schedules/requirements.txt"
[[ -x "$REPO_ROOT/.venvs/compat/bin/python" ]] || eval "$("$REPO_ROOT/scripts/python-env.sh")" >&2
exec "$REPO_ROOT/.venvs/compat/bin/python" "$REPO_ROOT/Benchmarks/schedules/driver.py" \
    --binary "$SLIPWAY_BIN" --peer-python "$REPO_ROOT/.venvs/bench-schedules/bin/python" "$@"
