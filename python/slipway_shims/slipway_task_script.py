"""Runs one function of a TetraScience task script for Slipway.

The platform starts this file through its bootstrap (`python -c BOOTSTRAP <this file>`) in a fresh
copy of the task script's code folder, with:

- `SLIPWAY_TASK_FUNCTION`: the function as `module.function` (e.g. `main.push_data`; the module
  may be dotted: `pkg.mod.func`);
- `SLIPWAY_TASK_INPUT` and `SLIPWAY_TASK_CONTEXT`: paths of JSON files holding the function's
  input and the platform's context (camelCase keys);
- `SLIPWAY_TASK_RESULT`: the path where the function's return value is written as JSON;
- `SLIPWAY_API_URL` and `SLIPWAY_TASK_TOKEN`, with which the `Context` calls the task-runtime API,
  and `SECRET_<name>` variables for the secrets.

The function is called as `function(input, context)`, with the stand-in `ts_sdk`'s `Context`.
Exit code 0: done, result written. 1: the function (or its import) raised, the traceback is on
standard error; or the return value is not JSON. 126: the function called
`context.raise_fatal_error(message)`. What the function prints is left on standard output, which
the platform keeps as the run's log.
"""

import importlib
import json
import os
import sys
import traceback

REQUIRED_VARIABLES = ("SLIPWAY_TASK_FUNCTION", "SLIPWAY_TASK_INPUT", "SLIPWAY_TASK_CONTEXT", "SLIPWAY_TASK_RESULT")


def _unbuffer_output() -> None:
    """Flushes standard output and error at every line, so log lines reach the platform as they
    are printed (even if PYTHONUNBUFFERED is not set)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(line_buffering=True)


def _use_code_folder_and_stand_in_sdk() -> None:
    """Makes the task script's modules importable and the stand-in `ts_sdk` win over any
    installed one: the bootstrap left this file's folder first on `sys.path`, so the code folder
    (the working directory) takes its place, with the `tetra` folder of stand-ins right after it,
    ahead of the environment's packages. A `ts_sdk` already imported (e.g. by a `.pth` file) is
    forgotten so that the next import finds the stand-in."""
    sys.path[0] = os.getcwd()
    sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tetra"))
    for name in [name for name in sys.modules if name == "ts_sdk" or name.startswith("ts_sdk.")]:
        del sys.modules[name]


def _load_json(path: str):
    """The JSON document in a file."""
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def _fail(message: str) -> int:
    """Reports a failure on standard error; returns the exit code of a failed run."""
    print(f"slipway_task_script: {message}", file=sys.stderr, flush=True)
    return 1


def main() -> int:
    """Runs the function and writes its result; returns the exit code (see the module's doc)."""
    _unbuffer_output()
    _use_code_folder_and_stand_in_sdk()
    missing = [name for name in REQUIRED_VARIABLES if not os.environ.get(name)]
    if missing:
        return _fail(f"missing environment variable(s): {', '.join(missing)}")
    module_name, _, function_name = os.environ["SLIPWAY_TASK_FUNCTION"].rpartition(".")
    if not module_name or not function_name:
        return _fail(f"SLIPWAY_TASK_FUNCTION must be 'module.function', not {os.environ['SLIPWAY_TASK_FUNCTION']!r}")

    from ts_sdk.task.__task_script_runner import Context

    task_input = _load_json(os.environ["SLIPWAY_TASK_INPUT"])
    context = Context(_load_json(os.environ["SLIPWAY_TASK_CONTEXT"]))
    try:
        module = importlib.import_module(module_name)
    except Exception:
        traceback.print_exc()
        return _fail(f"could not import module {module_name!r}")
    function = getattr(module, function_name, None)
    if not callable(function):
        return _fail(f"module {module_name!r} has no function {function_name!r}")
    try:
        result = function(task_input, context)
    except Exception:
        traceback.print_exc()
        return 1
    try:
        text = json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as error:
        return _fail(f"the return value of {module_name}.{function_name} is not JSON-serialisable "
                     f"({type(result).__name__}): {error}")
    with open(os.environ["SLIPWAY_TASK_RESULT"], "w", encoding="utf-8") as file:
        file.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
