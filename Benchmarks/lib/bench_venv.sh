# Sourced by benchmark scripts: `bench_venv VENV REQUIREMENTS` makes (or keeps) a venv on the
# machine's Python 3.11 with uv, re-installing only when the requirements file changed, and
# prints nothing on stdout. uv is found as scripts/python-env.sh finds it.
bench_venv() {
    local venv="$1" requirements="$2" uv python want stamp
    if command -v uv >/dev/null 2>&1; then
        uv="$(command -v uv)"
    elif [[ -x "$REPO_ROOT/.venvs/tools/bin/uv" ]]; then
        uv="$REPO_ROOT/.venvs/tools/bin/uv"
    else
        eval "$("$REPO_ROOT/scripts/python-env.sh")" >&2
        uv="$SLIPWAY_UV"
    fi
    python="$(python3 -c 'import sys; print(sys.executable)')"
    stamp="$venv/.requirements.sha256"
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
    if [[ ! -x "$venv/bin/python" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
        echo "making $venv" >&2
        "$uv" venv --quiet --allow-existing --python "$python" "$venv" >&2
        "$uv" pip install --quiet --python "$venv/bin/python" -r "$requirements" >&2
        echo "$want" > "$stamp"
    fi
}

# The release binary benchmarks run: $SLIPWAY_BIN, else .build-release/release/slipway, else
# .build/release/slipway; exits with a message when there is none.
bench_slipway_bin() {
    if [[ -z "${SLIPWAY_BIN:-}" ]]; then
        SLIPWAY_BIN="$REPO_ROOT/.build-release/release/slipway"
        [[ -x "$SLIPWAY_BIN" ]] || SLIPWAY_BIN="$REPO_ROOT/.build/release/slipway"
    fi
    [[ -x "$SLIPWAY_BIN" ]] || { echo "no slipway binary at $SLIPWAY_BIN (build it in release first)" >&2; exit 1; }
    export SLIPWAY_BIN
}
