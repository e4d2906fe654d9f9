#!/usr/bin/env bash
# Installs what the web UI suite (Tests/compat_ui) drives: Debian's chromium and chromium-driver
# (idempotent: nothing is done when both are present). Progress goes to stderr.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
    echo "browser.sh: chromium and chromium-driver are missing; install them as root (apt-get install chromium chromium-driver)" >&2
    exit 1
fi
# One apt run at a time (scripts/postgres-cluster.sh may install PostgreSQL concurrently).
exec 9>/tmp/slipway-apt.lock
flock 9
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "browser.sh: installing chromium and chromium-driver" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } >&2
fi
