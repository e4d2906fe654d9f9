#!/usr/bin/env bash
# Prepare .venvs/models (idempotent, cached): a virtualenv with Tests/models/requirements.txt
# installed (pytest, onnx, onnxruntime, numpy, pandas, scikit-learn, xgboost at the versions
# pinned in python/slipway_models/requirements/), used by the model-runtime suite:
#     .venvs/models/bin/python -m pytest Tests/models
# The venv is rebuilt only when the requirements file or the interpreter changes (a SHA-256
# stamp of both). Bytecode is compiled at install time (this machine sets
# PYTHONDONTWRITEBYTECODE, and compiling pandas/sklearn on every import costs seconds).
# Progress goes to stderr; stdout only carries `export` lines, so
#     eval "$(scripts/models-venv.sh)"
# is safe. Environment overrides:
#   SLIPWAY_MODELS_BASE_PYTHON  interpreter for the venv (default: Python 3.11, the models' default)
#   SLIPWAY_UV_VERSION     uv version installed into .venvs/tools when uv is not found
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENVS="$REPO_ROOT/.venvs"
TOOLS_VENV="$VENVS/tools"
MODELS_VENV="$VENVS/models"
REQUIREMENTS="$REPO_ROOT/Tests/models/requirements.txt"
STAMP="$MODELS_VENV/.slipway-requirements.sha256"
UV_VERSION="${SLIPWAY_UV_VERSION:-0.9.5}"

log() { printf 'models-venv: %s\n' "$*" >&2; }
die() { printf 'models-venv: error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$VENVS"

# Serialise concurrent runs (shared lock with scripts/python-env.sh: both may install uv).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$VENVS/.python-env.lock"
    flock 9
fi

# --- the interpreter: 3.11 (onnxruntime 1.20.1 and scikit-learn 1.2.2 both have wheels) ---
real_python() { "$1" -c 'import sys; print(sys.executable)' 2>/dev/null; }
PYTHON="${SLIPWAY_MODELS_BASE_PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
    for candidate in python3.11 /root/.pyenv/versions/3.11*/bin/python3.11 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.11*/bin/python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 || [[ -x "$candidate" ]]; then
            PYTHON="$(real_python "$candidate")" && [[ -n "$PYTHON" ]] && break
        fi
    done
fi
[[ -n "$PYTHON" ]] || die "no Python 3.11 found (the models' default; set SLIPWAY_MODELS_BASE_PYTHON)"
[[ -x "$PYTHON" ]] || die "python interpreter '$PYTHON' is not executable"
"$PYTHON" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 11) else 1)' \
    || die "$PYTHON is not 3.10/3.11 (scikit-learn 1.2.2 and onnxruntime 1.20.1 need both); set SLIPWAY_MODELS_BASE_PYTHON"

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

# --- .venvs/models -------------------------------------------------------------
[[ -f "$REQUIREMENTS" ]] || die "missing $REQUIREMENTS"
WANT="$( { sha256sum "$REQUIREMENTS" | cut -d' ' -f1; printf '%s\n' "$PYTHON"; } | sha256sum | cut -d' ' -f1)"
HAVE="$(cat "$STAMP" 2>/dev/null || true)"
if [[ "$WANT" == "$HAVE" ]] && "$MODELS_VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    log "$MODELS_VENV is up to date"
else
    log "creating $MODELS_VENV with $PYTHON"
    rm -rf "$MODELS_VENV"
    "$UV" venv --quiet --python "$PYTHON" "$MODELS_VENV" >&2
    log "installing $(basename "$REQUIREMENTS") into $MODELS_VENV"
    "$UV" pip install --quiet --compile-bytecode --python "$MODELS_VENV/bin/python" -r "$REQUIREMENTS" >&2
    printf '%s\n' "$WANT" >"$STAMP"
fi

printf 'export SLIPWAY_UV=%q\n' "$UV"
printf 'export SLIPWAY_MODELS_PYTHON=%q\n' "$MODELS_VENV/bin/python"
