#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, in a temporary directory, on a free loopback port.
#
#   eval "$(scripts/postgres-cluster.sh start)"   # exports SLIPWAY_TEST_POSTGRES_URL and
#                                                  # SLIPWAY_PG_CLUSTER (the directory)
#   scripts/postgres-cluster.sh stop "$SLIPWAY_PG_CLUSTER"
#
# Installs Debian's `postgresql` when its binaries are missing. The cluster runs as an
# unprivileged user (PostgreSQL refuses to run as root), trusts local connections (loopback
# and its socket only) and skips fsync: its data is thrown away. Progress goes to stderr;
# stdout only carries `export` lines.
set -euo pipefail

log() { printf 'postgres-cluster: %s\n' "$*" >&2; }
die() { printf 'postgres-cluster: error: %s\n' "$*" >&2; exit 1; }

pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && { echo "$dir"; return 0; }
    done
    return 1
}

# Runs a command as the cluster's user (the caller when not root; `nobody` for root unless
# SLIPWAY_PG_USER names another).
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$OWNER" -- "$@"
    else
        "$@"
    fi
}

OWNER="${SLIPWAY_PG_USER:-nobody}"

start() {
    local bin
    if ! bin="$(pg_bin)"; then
        log "installing Debian's postgresql"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2
        bin="$(pg_bin)" || die "PostgreSQL binaries not found after installing postgresql"
    fi
    local dir
    dir="$(mktemp -d /tmp/slipway-pg.XXXXXX)"
    chmod 755 "$dir"
    mkdir "$dir/data"
    [[ $(id -u) -eq 0 ]] && chown "$OWNER" "$dir" "$dir/data"
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }
    local port attempt
    for attempt in 1 2 3; do
        port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
            start >&2; then
            log "PostgreSQL running in $dir on 127.0.0.1:$port"
            printf 'export SLIPWAY_PG_CLUSTER=%q\n' "$dir"
            printf 'export SLIPWAY_PG_BIN=%q\n' "$bin"
            printf 'export SLIPWAY_TEST_POSTGRES_URL=%q\n' "postgres://postgres@127.0.0.1:$port/postgres"
            return 0
        fi
        log "start on port $port failed (attempt $attempt)"
    done
    tail -20 "$dir/server.log" >&2 || true
    rm -rf "$dir"
    die "could not start PostgreSQL"
}

stop() {
    local dir="${1:-}"
    [[ -n "$dir" && -d "$dir/data" ]] || return 0
    local bin
    bin="$(pg_bin)" || true
    if [[ -n "$bin" ]]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    log "stopped and removed $dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) die "usage: $0 start | stop DIR" ;;
esac
