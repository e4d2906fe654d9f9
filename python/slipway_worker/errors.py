"""Error descriptions sent to the supervisor."""

from __future__ import annotations

import os
import traceback
from typing import Dict, Optional

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class InvalidReturnValue(Exception):
    """The user's function returned something that is not a dict of JSON values."""


def _is_internal(filename: str) -> bool:
    if filename.startswith("<frozen importlib"):
        return True
    return os.path.abspath(filename).startswith(_PACKAGE_DIR)


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # a broken __str__ must not take the worker down
        return f"<unprintable {type(exc).__name__}>"


def format_traceback(exc: BaseException) -> str:
    """Traceback text starting at the first frame that is not the worker's own."""
    tb = exc.__traceback__
    while tb is not None and _is_internal(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    try:
        return "".join(traceback.format_exception(type(exc), exc, tb)).rstrip("\n")
    except Exception:
        return f"{type(exc).__name__}: {_safe_str(exc)}"


def describe_exception(exc: BaseException, type_name: Optional[str] = None) -> Dict[str, str]:
    """The ``error`` object of ``load_error`` / ``error`` messages."""
    return {
        "type": type_name or type(exc).__name__,
        "message": _safe_str(exc),
        "traceback": format_traceback(exc),
    }
