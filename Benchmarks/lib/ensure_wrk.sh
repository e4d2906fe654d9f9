#!/usr/bin/env bash
# Sourced by benchmarks that drive HTTP with wrk: installs the Debian package when it is
# missing (idempotent; root or sudo needed only then). Fails with a one-line reason.
if ! command -v wrk >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]]; then
        WRK_SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        WRK_SUDO=(sudo)
    else
        echo "wrk is not installed and there is neither root nor sudo to apt-get install it" >&2
        exit 1
    fi
    echo "installing wrk (apt-get)" >&2
    "${WRK_SUDO[@]}" apt-get update -qq >&2
    "${WRK_SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
    command -v wrk >/dev/null 2>&1 || { echo "wrk still missing after apt-get install" >&2; exit 1; }
fi
