"""Worker process: start-up, request loop and shutdown."""

from __future__ import annotations

import argparse
import atexit
import faulthandler
import json
import os
import platform
import sys
import threading
import traceback
from typing import Any, Callable, Dict, List, Optional

from .capture import FdCapture, LogStream
from .context import InFlight, install_context_module, resolve_execution_id
from .loader import LoadError, load_function
from .outputs import FileOutputs
from .protocol import Channel, RequestReader
from .runner import Runner
from .termination import Terminated, install_exit_handlers, install_raising_handlers

EXIT_OK = 0
EXIT_INTERNAL_ERROR = 1
EXIT_LOAD_ERROR = 3

# Upper bounds for the final flush: drained logs, then the whole of it.
_DRAIN_TIMEOUT = 5.0
_FINAL_FLUSH_TIMEOUT = 10.0
_TERMINATE_FLUSH_TIMEOUT = 3.0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


_PARSER: Optional[argparse.ArgumentParser] = None


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    global _PARSER
    if _PARSER is None:
        _PARSER = _make_parser()
    return _PARSER.parse_args(argv)


def prepare() -> None:
    """What every execution needs before its start line arrives, done by a standby (or the fork
    server) while it waits: the argument parser (building one imports gettext and compiles its
    patterns, milliseconds per execution otherwise) and one parse with it."""
    parse_args(["--code-dir", ".", "--function-path", "f.py", "--function-name", "f"])


def _make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m slipway_worker",
        description=(
            "Run a user's Python function on behalf of the Slipway supervisor. "
            "Requests are JSON lines on stdin, replies JSON lines on stdout."
        ),
    )
    parser.add_argument("--code-dir", required=True, help="root of the user's code")
    parser.add_argument("--function-path", required=True, help="file defining the function, relative to --code-dir")
    parser.add_argument("--function-name", required=True, help="name of the function in that file")
    parser.add_argument(
        "--mode",
        choices=("elastic", "resident"),
        default="elastic",
        help="elastic: one execution per process; resident: long-lived, state kept (default: elastic)",
    )
    parser.add_argument(
        "--max-parallel", type=_positive_int, default=1, help="executions running at once (default: 1)"
    )
    parser.add_argument(
        "--memory-limit-bytes", type=_positive_int, default=None, help="address-space limit (RLIMIT_AS)"
    )
    return parser


class Worker:
    """One worker process; ``run`` never returns (the process exits with ``os._exit``)."""

    def __init__(self, options: Optional[argparse.Namespace], requests: Optional[RequestReader] = None) -> None:
        self._options = options
        self._given_requests = requests
        self._inflight = InFlight()
        self._runner: Optional[Runner] = None
        self._io_ready = False

    def prepare_io(self) -> None:
        """Sets up the protocol channel and output capture ahead of the execution (a standby
        does this while it waits for its start line: it depends on nothing of the execution)."""
        if not self._io_ready:
            self._setup_io()
            self._io_ready = True

    @property
    def requests(self) -> RequestReader:
        return self._requests if self._io_ready else self._given_requests  # type: ignore[return-value]

    def start(self, options: argparse.Namespace) -> int:
        """Runs with ``options`` (a standby, once its start line has come)."""
        self._options = options
        return self.run()

    def run(self) -> int:
        self.prepare_io()
        install_context_module()
        install_raising_handlers()
        try:
            self._apply_memory_limit()
            function = self._load()
            if function is None:
                self._exit(EXIT_LOAD_ERROR)
            self._runner = Runner(
                function,
                mode=self._options.mode,
                max_parallel=self._options.max_parallel,
                channel=self._channel,
                streams=(self._stdout, self._stderr),
                fd_capture=self._fd_capture,
                inflight=self._inflight,
            )
            self._channel.send(
                {
                    "type": "ready",
                    "pid": os.getpid(),
                    "python": platform.python_version(),
                    "is_async": self._runner.is_async,
                }
            )
            self._serve()
            self._inflight.wait_empty()
            self._runner.close()
            self._run_atexit()
            self._exit(EXIT_OK)
        except Terminated as terminated:
            self._terminate(terminated)
        except BaseException:
            self._diagnose("slipway worker: internal error\n" + traceback.format_exc())
            self._exit(EXIT_INTERNAL_ERROR)
        return EXIT_INTERNAL_ERROR  # not reached

    # -- start-up ------------------------------------------------------------------

    def _setup_io(self) -> None:
        """Protocol channel on a private copy of fd 1; fds 1/2 and sys.stdout/err captured."""
        self._channel = Channel(os.dup(1))

        # Worker diagnostics and fatal-error tracebacks go to the original stderr.
        self._diagnostics = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
        try:
            faulthandler.enable(file=self._diagnostics)
        except (RuntimeError, ValueError, OSError):
            pass

        # Requests come from a private copy of fd 0; user code sees /dev/null so that
        # input() or a child process cannot swallow protocol lines.
        self._requests = self._given_requests or RequestReader(os.dup(0))
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)

        resolve: Callable[[], Optional[str]] = lambda: resolve_execution_id(self._inflight)
        self._fd_capture = FdCapture(self._channel.log, self._inflight.single)
        self._stdout = LogStream("stdout", 1, self._channel.log, resolve)
        self._stderr = LogStream("stderr", 2, self._channel.log, resolve)
        sys.stdout = self._stdout  # type: ignore[assignment]
        sys.stderr = self._stderr  # type: ignore[assignment]

    def _apply_memory_limit(self) -> None:
        limit = self._options.memory_limit_bytes
        if limit is None:
            return
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, AttributeError, ValueError, OSError) as exc:
            self._diagnose(f"slipway worker: memory limit not applied: {exc}\n")

    def _load(self) -> Optional[Callable[..., Any]]:
        options = self._options
        sys.argv = [os.path.join(os.path.abspath(options.code_dir), options.function_path)]
        try:
            function = load_function(options.code_dir, options.function_path, options.function_name)
        except LoadError as failure:
            self._flush_logs()
            self._channel.send({"type": "load_error", "error": failure.error})
            return None
        self._flush_logs()  # module-level output comes before "ready"
        return function

    # -- requests ------------------------------------------------------------------

    def _serve(self) -> None:
        """Handle requests until shutdown or end of input."""
        assert self._runner is not None
        self._runner.serve(self._requests, self._handle_lines)

    def _handle_lines(self, lines: List[bytes]) -> bool:
        """Act on request lines, in order; False once a shutdown request is seen.

        Called by whichever thread read them (see ``Runner``).
        """
        for raw in lines:
            if not raw.strip():
                continue
            request = self._parse(raw)
            if request is None:
                continue
            kind = request.get("type")
            if kind == "execute":
                self._execute(request)
            elif kind == "shutdown":
                return False
            else:
                self._channel.protocol_error(f"unknown request type {kind!r}")
        return True

    def _parse(self, raw: bytes) -> Optional[Dict[str, Any]]:
        try:
            request = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            self._channel.protocol_error(f"request is not valid UTF-8: {exc}")
            return None
        except ValueError as exc:
            self._channel.protocol_error(f"request is not valid JSON: {exc}")
            return None
        if not isinstance(request, dict):
            self._channel.protocol_error(f"request must be a JSON object, got {type(request).__name__}")
            return None
        return request

    def _execute(self, request: Dict[str, Any]) -> None:
        assert self._runner is not None
        execution_id = request.get("execution_id")
        if not isinstance(execution_id, str) or not execution_id:
            self._channel.protocol_error("execute request needs a non-empty string execution_id")
            return
        inputs = request.get("inputs")
        if inputs is None:
            inputs = {}
        if not isinstance(inputs, dict):
            self._reject(execution_id, "InvalidInputs", f"inputs must be a JSON object, got {type(inputs).__name__}")
            return
        try:
            files = FileOutputs.parse(request.get("files"))
        except ValueError as exc:
            self._reject(execution_id, "InvalidRequest", str(exc))
            return
        if not self._runner.accept(execution_id, inputs, files) and not self._inflight.closed:
            self._channel.protocol_error(f"execution {execution_id!r} is already running")

    def _reject(self, execution_id: str, type_name: str, message: str) -> None:
        """Answer an execute request that cannot run with an error."""
        self._channel.send(
            {
                "type": "error",
                "execution_id": execution_id,
                "error": {"type": type_name, "message": message, "traceback": ""},
            }
        )

    # -- shutdown ------------------------------------------------------------------

    def _run_atexit(self) -> None:
        """Run the user's atexit handlers (os._exit below skips them)."""
        run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
        if run_exitfuncs is not None:
            try:
                run_exitfuncs()
            except Exception:
                pass

    def _terminate(self, terminated: Terminated) -> None:
        """Answer in-flight executions with an error, flush, exit 128+signal."""
        install_exit_handlers()
        name = terminated.signal_name
        self._inflight.close()  # threads still reading requests start nothing new

        def answer_and_flush() -> None:
            for execution_id in self._inflight.claim_all():
                for stream in (self._stdout, self._stderr):
                    stream.flush_execution(execution_id)
                self._channel.send(
                    {
                        "type": "error",
                        "execution_id": execution_id,
                        "error": {
                            "type": "Terminated",
                            "message": f"the worker received {name} before the execution finished",
                            "traceback": "",
                        },
                    }
                )
                self._inflight.end(execution_id)
            self._flush_logs(timeout=1.0)

        _run_with_deadline(answer_and_flush, _TERMINATE_FLUSH_TIMEOUT)
        self._channel.flush(timeout=_TERMINATE_FLUSH_TIMEOUT)
        os._exit(128 + terminated.signum)

    def _exit(self, code: int) -> None:
        install_exit_handlers()
        _run_with_deadline(self._flush_logs, _FINAL_FLUSH_TIMEOUT)
        self._channel.flush(timeout=_FINAL_FLUSH_TIMEOUT)
        os._exit(code)

    def _flush_logs(self, timeout: float = _DRAIN_TIMEOUT) -> None:
        """Emit every unfinished line and all captured fd output."""
        self._stdout.flush_all()
        self._stderr.flush_all()
        self._fd_capture.drain(timeout)

    def diagnose(self, text: str) -> None:
        """Writes to the worker's own standard error (not captured as the function's output)."""
        self._diagnose(text)

    def _diagnose(self, text: str) -> None:
        try:
            self._diagnostics.write(text)
            self._diagnostics.flush()
        except (AttributeError, OSError, ValueError):
            pass


def _run_with_deadline(action: Callable[[], None], timeout: float) -> None:
    """Run ``action`` in a helper thread, giving up after ``timeout`` seconds."""
    thread = threading.Thread(target=action, name="slipway-flush", daemon=True)
    thread.start()
    thread.join(timeout)


def await_start(reader: RequestReader) -> Optional[List[str]]:
    """A pre-started (standby) worker: the interpreter and this package are loaded, nothing
    of an execution yet. Its first input line says which execution it serves:
    ``{"type": "start", "argv": [...], "cwd": "...", "env": {...}}``. The process then takes
    that working directory and exactly that environment (nothing of the start-up one is kept)
    and runs as if started with those arguments; requests that came with the line stay in
    ``reader``. None when the input ends first (the server stopped the standby)."""
    lines = reader.read_lines()
    if not lines:
        return None
    start = json.loads(lines[0].decode("utf-8"))
    if not isinstance(start, dict) or start.get("type") != "start":
        raise ValueError("a standby worker's first line must be a start message")
    reader.push_back(lines[1:])
    os.chdir(start["cwd"])
    os.environ.clear()
    os.environ.update({str(key): str(value) for key, value in start["env"].items()})
    if "tempfile" in sys.modules:
        sys.modules["tempfile"].tempdir = None  # read TMPDIR again
    return [str(argument) for argument in start["argv"]]


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    requests: Optional[RequestReader] = None
    if argv == ["--fork-server"]:
        from .forkserver import main as fork_server

        prepare()
        return fork_server(main)
    if argv == ["--standby"]:
        prepare()
        standby = Worker(None, RequestReader(os.dup(0)))
        standby.prepare_io()
        try:
            started = await_start(standby.requests)
        except (ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
            standby.diagnose(f"slipway worker: bad start message: {exc}\n")
            return EXIT_INTERNAL_ERROR
        if started is None:
            return EXIT_OK
        return standby.start(parse_args(started))
    options = parse_args(argv)
    return Worker(options, requests).run()
