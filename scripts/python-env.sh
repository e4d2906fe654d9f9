#!/usr/bin/env bash
# Prepare the Python side of the repository (idempotent, cached):
#   * `uv` (from PATH, else installed into .venvs/tools with the system python3);
#   * .venvs/compat: a virtualenv with scripts/compat-requirements.txt installed
#     (craft-ai-sdk==0.72.1, pytest, ...), used by the compatibility suite:
#       .venvs/compat/bin/python -m pytest Tests/compat
#   * .venvs/compat-wallaroo: Tests/compat_wallaroo/requirements.txt (requests, pytest, ...),
#     used by the Wallaroo compatibility suite:
#       .venvs/compat-wallaroo/bin/python -m pytest Tests/compat_wallaroo
#   * .venvs/compat-mlflow: Tests/compat_mlflow/requirements.txt (mlflow-skinny, scikit-learn,
#     pandas, rdflib…), used by the MLflow and CORDS suites:
#       .venvs/compat-mlflow/bin/python -m pytest Tests/compat_mlflow
#   * .venvs/compat-tetra: Tests/compat_tetra/requirements.txt (ts-sdk 2.8.0 and the
#     ts-ids-validator its CLI imports), used by the TetraScience suite:
#       .venvs/compat-tetra/bin/python -m pytest Tests/compat_tetra
#   * .venvs/mlflow-server: Benchmarks/mlflow/server-requirements.txt (the full `mlflow`
#     package), a real MLflow tracking server for the registry-import tests and the benchmarks;
#   * .venvs/compat-arthur: Tests/compat_arthur/requirements.txt (arthurai 3.33.3, arthur-client,
#     moto…) on a Python 3.10 interpreter (arthurai's `shap` pin has no wheel for 3.11+), used by
#     the Arthur suite: .venvs/compat-arthur/bin/python -m pytest Tests/compat_arthur
#   * .venvs/models: Tests/models/requirements.txt (onnx, onnxruntime, pandas, scikit-learn…),
#     used by the model-runtime suite: .venvs/models/bin/python -m pytest Tests/models
# Progress goes to stderr; stdout only carries `export` lines, so
#   eval "$(scripts/python-env.sh)"
# is safe. Environment overrides:
#   SLIPWAY_PYTHON      interpreter for the venvs (default: the real python3 behind any shim)
#   SLIPWAY_PYTHON310   the 3.10 interpreter of the Arthur venv (default: python3.10 on PATH,
#                       else the newest pyenv 3.10)
#   SLIPWAY_UV_VERSION  uv version installed into .venvs/tools when uv is not on PATH
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENVS="$REPO_ROOT/.venvs"
TOOLS_VENV="$VENVS/tools"
COMPAT_VENV="$VENVS/compat"
REQUIREMENTS="$REPO_ROOT/scripts/compat-requirements.txt"
WALLAROO_VENV="$VENVS/compat-wallaroo"
WALLAROO_REQUIREMENTS="$REPO_ROOT/Tests/compat_wallaroo/requirements.txt"
MLFLOW_VENV="$VENVS/compat-mlflow"
MLFLOW_REQUIREMENTS="$REPO_ROOT/Tests/compat_mlflow/requirements.txt"
TETRA_VENV="$VENVS/compat-tetra"
TETRA_REQUIREMENTS="$REPO_ROOT/Tests/compat_tetra/requirements.txt"
MLFLOW_SERVER_VENV="$VENVS/mlflow-server"
MLFLOW_SERVER_REQUIREMENTS="$REPO_ROOT/Benchmarks/mlflow/server-requirements.txt"
ARTHUR_VENV="$VENVS/compat-arthur"
ARTHUR_REQUIREMENTS="$REPO_ROOT/Tests/compat_arthur/requirements.txt"
MODELS_VENV="$VENVS/models"
MODELS_REQUIREMENTS="$REPO_ROOT/Tests/models/requirements.txt"
UV_VERSION="${SLIPWAY_UV_VERSION:-0.9.5}"

log() { printf 'python-env: %s\n' "$*" >&2; }
die() { printf 'python-env: error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$VENVS"

# Serialise concurrent runs (CI steps, the test suite and a developer at once).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$VENVS/.python-env.lock"
    flock 9
fi

# --- the real interpreter (resolve pyenv-style shims once) -------------------
if [[ -n "${SLIPWAY_PYTHON:-}" ]]; then
    PYTHON="$SLIPWAY_PYTHON"
else
    command -v python3 >/dev/null 2>&1 || die "python3 not found on PATH"
    PYTHON="$(python3 -c 'import sys; print(sys.executable)')"
fi
[[ -x "$PYTHON" ]] || die "python interpreter '$PYTHON' is not executable"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || die "$PYTHON is older than 3.10 (craft-ai-sdk 0.72.1 needs >= 3.10); set SLIPWAY_PYTHON"

# --- uv ----------------------------------------------------------------------
if command -v uv >/dev/null 2>&1; then
    UV="$(command -v uv)"
elif [[ -x "$TOOLS_VENV/bin/uv" ]] && "$TOOLS_VENV/bin/uv" --version >/dev/null 2>&1; then
    UV="$TOOLS_VENV/bin/uv"
else
    log "installing uv==$UV_VERSION into $TOOLS_VENV"
    rm -rf "$TOOLS_VENV"
    "$PYTHON" -m venv "$TOOLS_VENV"
    "$TOOLS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" >&2
    UV="$TOOLS_VENV/bin/uv"
fi
log "uv: $UV ($("$UV" --version))"

# --- the virtual environments ------------------------------------------------
# ensure_venv VENV REQUIREMENTS [UV-PIP-FLAGS…]: creates VENV if needed and installs REQUIREMENTS
# into it when they changed since the last install (a stamp holds their SHA-256).
ensure_venv() {
    local venv="$1" requirements="$2" python="${VENV_PYTHON:-$PYTHON}"
    shift 2
    local stamp="$venv/.slipway-requirements.sha256"
    [[ -f "$requirements" ]] || die "missing $requirements"
    if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
        log "creating $venv with $python"
        rm -rf "$venv"
        "$UV" venv --quiet --python "$python" "$venv" >&2
    fi
    local want have
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [[ "$want" != "$have" ]]; then
        log "installing $(basename "$(dirname "$requirements")")/$(basename "$requirements") into $venv"
        rm -f "$stamp"
        "$UV" pip install --quiet "$@" --python "$venv/bin/python" -r "$requirements" >&2
        printf '%s\n' "$want" >"$stamp"
    else
        log "$venv is up to date"
    fi
}

ensure_venv "$COMPAT_VENV" "$REQUIREMENTS"
ensure_venv "$WALLAROO_VENV" "$WALLAROO_REQUIREMENTS"
ensure_venv "$TETRA_VENV" "$TETRA_REQUIREMENTS"
ensure_venv "$MLFLOW_VENV" "$MLFLOW_REQUIREMENTS" --compile-bytecode
ensure_venv "$MLFLOW_SERVER_VENV" "$MLFLOW_SERVER_REQUIREMENTS" --compile-bytecode
# Bytecode compiled at install: this machine sets PYTHONDONTWRITEBYTECODE, and compiling pandas
# and scikit-learn on every import of a model worker costs seconds.
ensure_venv "$MODELS_VENV" "$MODELS_REQUIREMENTS" --compile-bytecode

# --- the Arthur venv, on Python 3.10 -------------------------------------------
if [[ -n "${SLIPWAY_PYTHON310:-}" ]]; then
    PYTHON310="$SLIPWAY_PYTHON310"
else
    # A pyenv shim on PATH may name a 3.10 it does not activate: ask it, then look in pyenv.
    PYTHON310="$(python3.10 -c 'import sys; print(sys.executable)' 2>/dev/null || true)"
    if [[ -z "$PYTHON310" ]]; then
        PYTHON310="$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V | tail -1 || true)"
    fi
fi
[[ -n "$PYTHON310" && -x "$PYTHON310" ]] || die "no Python 3.10 interpreter for the Arthur suite; set SLIPWAY_PYTHON310"
VENV_PYTHON="$PYTHON310" ensure_venv "$ARTHUR_VENV" "$ARTHUR_REQUIREMENTS" --compile-bytecode

printf 'export SLIPWAY_UV=%q\n' "$UV"
printf 'export SLIPWAY_COMPAT_PYTHON=%q\n' "$COMPAT_VENV/bin/python"
printf 'export SLIPWAY_WALLAROO_PYTHON=%q\n' "$WALLAROO_VENV/bin/python"
printf 'export SLIPWAY_TETRA_PYTHON=%q\n' "$TETRA_VENV/bin/python"
printf 'export SLIPWAY_MODELS_PYTHON=%q\n' "$MODELS_VENV/bin/python"
printf 'export SLIPWAY_ARTHUR_PYTHON=%q\n' "$ARTHUR_VENV/bin/python"
printf 'export SLIPWAY_MLFLOW_PYTHON=%q\n' "$MLFLOW_VENV/bin/python"
printf 'export SLIPWAY_MLFLOW_SERVER=%q\n' "$MLFLOW_SERVER_VENV/bin/mlflow"
