#!/usr/bin/env bash
# Server time of the web UI's pages with 100,000 executions in the store (SQLite), each page's
# median and p90 over interleaved rounds. See Benchmarks/ui/driver.py.
#
#   Benchmarks/ui_pages.sh [--executions 100000] [--rounds 15]
#
# Needs a release binary ($SLIPWAY_BIN, else .build-release/release/slipway) and the Craft AI
# compat venv (scripts/python-env.sh). Takes about 2 minutes.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/bench_venv.sh
source "$REPO_ROOT/Benchmarks/lib/bench_venv.sh"
bench_slipway_bin
[[ -x "$REPO_ROOT/.venvs/compat/bin/python" ]] || eval "$("$REPO_ROOT/scripts/python-env.sh")" >&2
exec "$REPO_ROOT/.venvs/compat/bin/python" "$REPO_ROOT/Benchmarks/ui/driver.py" --binary "$SLIPWAY_BIN" "$@"
