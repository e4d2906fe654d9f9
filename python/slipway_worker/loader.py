"""Loading the user's module and function."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from typing import Any, Callable, Dict

from .errors import describe_exception
from .termination import Terminated


class LoadError(Exception):
    """The user's function could not be loaded; ``error`` is the protocol error object."""

    def __init__(self, error: Dict[str, str]) -> None:
        super().__init__(error.get("message", ""))
        self.error = error


def module_name_for(relative_path: str) -> str:
    """Dotted module name for a file path relative to the code dir (``src/main.py`` -> ``src.main``)."""
    stem = os.path.splitext(relative_path)[0]
    parts = [part for part in re.split(r"[\\/]+", stem) if part not in ("", ".", "..")]
    names = []
    for part in parts:
        name = re.sub(r"\W", "_", part)
        if not name or name[0].isdigit():
            name = "_" + name
        names.append(name)
    return ".".join(names) or "user_function"


def load_function(code_dir: str, function_path: str, function_name: str) -> Callable[..., Any]:
    """Import ``function_path`` (relative to ``code_dir``) and return its ``function_name``.

    Raises LoadError on any failure, Terminated if a termination signal arrives.
    """
    try:
        return _load(code_dir, function_path, function_name)
    except Terminated:
        raise
    except BaseException as exc:  # noqa: B902 - SystemExit at import time is a load error too
        raise LoadError(describe_exception(exc)) from None


def _load(code_dir: str, function_path: str, function_name: str) -> Callable[..., Any]:
    code_dir = os.path.abspath(code_dir)
    file_path = os.path.normpath(os.path.join(code_dir, function_path))
    function_dir = os.path.dirname(file_path)

    for entry in (function_dir, code_dir):  # ends up as [code_dir, function_dir, ...]
        while entry in sys.path:
            sys.path.remove(entry)
        sys.path.insert(0, entry)

    if not os.path.isfile(file_path):
        raise FileNotFoundError(f"function file {function_path!r} not found in the step's code")

    relative = os.path.relpath(file_path, code_dir)
    if relative.startswith(os.pardir):
        relative = os.path.basename(file_path)
    module_name = module_name_for(relative)
    if module_name in sys.modules:  # e.g. a user file named json.py: never shadow what is loaded
        module_name = "slipway_user_" + module_name.replace(".", "_")
    else:
        _import_parent_packages(module_name)
        # The package's __init__ may already have imported the module itself.
        existing = sys.modules.get(module_name)
        if existing is not None:
            if _same_file(getattr(existing, "__file__", None), file_path):
                return _get_function(existing, function_path, function_name)
            module_name = "slipway_user_" + module_name.replace(".", "_")

    spec = importlib.util.spec_from_file_location(module_name, file_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {function_path!r} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    parent, _, leaf = module_name.rpartition(".")
    if parent and parent in sys.modules:
        setattr(sys.modules[parent], leaf, module)
    return _get_function(module, function_path, function_name)


def _same_file(a: Any, b: str) -> bool:
    try:
        return isinstance(a, str) and os.path.samefile(a, b)
    except OSError:
        return False


def _get_function(module: Any, function_path: str, function_name: str) -> Callable[..., Any]:
    try:
        function = getattr(module, function_name)
    except AttributeError:
        raise AttributeError(f"function {function_name!r} not found in {function_path}") from None
    if not callable(function):
        raise TypeError(f"{function_name!r} in {function_path} is not callable (it is a {type(function).__name__})")
    return function


def _import_parent_packages(module_name: str) -> None:
    """Import ``src`` for ``src.main`` so relative imports in the user's module work."""
    parts = module_name.split(".")[:-1]
    for i in range(1, len(parts) + 1):
        package = ".".join(parts[:i])
        if package in sys.modules:
            continue
        try:
            importlib.import_module(package)
        except ImportError:
            return
