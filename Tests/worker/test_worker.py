"""Tests for the Python worker (python/slipway_worker), driven over its JSON-lines protocol.

The worker interpreter is ``sys.executable`` unless SLIPWAY_WORKER_PYTHON names
another one (to check 3.9 ... 3.13).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[2] / "python"
WORKER_PYTHON = os.environ.get("SLIPWAY_WORKER_PYTHON", sys.executable)
TIMEOUT = 15.0


class WorkerProcess:
    """A worker subprocess plus a thread collecting its protocol messages."""

    def __init__(self, code_dir: Path, function_path: str, function_name: str, *extra: str,
                 standby_in: Optional[Path] = None) -> None:
        """With ``standby_in``, starts a standby worker in that folder instead (``--standby``);
        ``start`` then gives it these arguments."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PYTHON_DIR), env.get("PYTHONPATH")]))
        env["CRAFT_AI_EXECUTION_ID"] = "test"
        self.argv = ["--code-dir", str(code_dir), "--function-path", function_path, "--function-name", function_name,
                     *extra]
        self.proc = subprocess.Popen(
            [WORKER_PYTHON, "-u", "-m", "slipway_worker", *(["--standby"] if standby_in else self.argv)],
            cwd=str(standby_in or code_dir),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.messages: List[Dict[str, Any]] = []
        self._queue: "queue.Queue[Optional[Dict[str, Any]]]" = queue.Queue()
        self._taken: Set[int] = set()
        self.stderr_text = ""
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode("utf-8")
            assert line.endswith("\n")
            assert len(line.splitlines()) == 1, f"raw line separator inside a message: {line!r}"
            message = json.loads(line)  # every line must be one JSON object
            assert isinstance(message, dict), line
            self._queue.put(message)
        self._queue.put(None)

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        self.stderr_text = self.proc.stderr.read().decode("utf-8", "replace")

    # -- requests ----------------------------------------------------------------

    def send_raw(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def send(self, request: Dict[str, Any]) -> None:
        self.send_raw(json.dumps(request))

    def execute(self, execution_id: str, inputs: Optional[Dict[str, Any]] = None) -> None:
        self.send({"type": "execute", "execution_id": execution_id, "inputs": inputs or {}})

    def close_stdin(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    # -- replies -----------------------------------------------------------------

    def wait_for(self, predicate: Callable[[Dict[str, Any]], bool], timeout: float = TIMEOUT) -> Dict[str, Any]:
        """First message matching ``predicate`` not returned by an earlier call (all stay in ``messages``)."""
        for index, message in enumerate(self.messages):
            if index not in self._taken and predicate(message):
                self._taken.add(index)
                return message
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out; messages so far: {self.messages}\nstderr: {self.stderr_text}")
            try:
                message = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if message is None:
                self._queue.put(None)
                raise AssertionError(
                    f"worker closed stdout; messages: {self.messages}\nstderr: {self.stderr_text}"
                )
            self.messages.append(message)
            if predicate(message):
                self._taken.add(len(self.messages) - 1)
                return message

    def ready(self) -> Dict[str, Any]:
        return self.wait_for(lambda m: m["type"] in ("ready", "load_error"))

    def outcome(self, execution_id: str, timeout: float = TIMEOUT) -> Dict[str, Any]:
        """The result or error message of an execution."""
        return self.wait_for(
            lambda m: m["type"] in ("result", "error") and m.get("execution_id") == execution_id, timeout
        )

    def run(self, execution_id: str, inputs: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        self.execute(execution_id, inputs)
        return self.outcome(execution_id)

    def logs(self, execution_id: Optional[str], stream: Optional[str] = None) -> List[str]:
        return [
            m["message"]
            for m in self.messages
            if m["type"] == "log"
            and m["execution_id"] == execution_id
            and (stream is None or m["stream"] == stream)
        ]

    def index(self, predicate: Callable[[Dict[str, Any]], bool]) -> int:
        return next(i for i, m in enumerate(self.messages) if predicate(m))

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        code = self.proc.wait(timeout)
        # collect everything written before exit
        while True:
            message = self._queue.get(timeout=timeout)
            if message is None:
                self._queue.put(None)
                break
            self.messages.append(message)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


@pytest.fixture
def spawn(tmp_path: Path):
    """spawn(source, function_name="fn", *args, path="main.py") -> started WorkerProcess."""
    started: List[WorkerProcess] = []

    def _spawn(source: str, function_name: str = "fn", *extra: str, path: str = "main.py") -> WorkerProcess:
        write(tmp_path, path, source)
        worker = WorkerProcess(tmp_path, path, function_name, *extra)
        started.append(worker)
        return worker

    yield _spawn
    for worker in started:
        worker.kill()


def write(root: Path, path: str, source: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(source), encoding="utf-8")


def is_result(execution_id: str) -> Callable[[Dict[str, Any]], bool]:
    return lambda m: m["type"] in ("result", "error") and m.get("execution_id") == execution_id


# -- start-up ------------------------------------------------------------------------


def test_help() -> None:
    env = dict(os.environ, PYTHONPATH=str(PYTHON_DIR))
    done = subprocess.run(
        [WORKER_PYTHON, "-m", "slipway_worker", "--help"], env=env, capture_output=True, timeout=TIMEOUT
    )
    assert done.returncode == 0
    assert b"--function-name" in done.stdout


STANDBY_SOURCE = """
import os, sys, tempfile
def fn():
    return {"cwd": os.getcwd(), "env": dict(os.environ), "tmp": tempfile.gettempdir(), "argv0": sys.argv[0]}
"""


def test_standby_worker_takes_the_start_message_environment_and_folder(tmp_path: Path) -> None:
    code = tmp_path / "code"
    write(code, "main.py", STANDBY_SOURCE)
    neutral = tmp_path / "neutral"
    neutral.mkdir()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    worker = WorkerProcess(code, "main.py", "fn", standby_in=neutral)
    time.sleep(0.3)  # the standby is idle, waiting for its start line
    assert worker.proc.poll() is None and worker.messages == []
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TMPDIR": str(scratch), "ONLY_THIS": "1"}
    # The start line and the execute request arrive in one write: the request must not be lost.
    worker.send_raw(json.dumps({"type": "start", "argv": worker.argv, "cwd": str(code), "env": env}) + "\n"
                    + json.dumps({"type": "execute", "execution_id": "s1", "inputs": {}}))
    worker.close_stdin()
    outputs = worker.outcome("s1")["outputs"]
    assert outputs["cwd"] == str(code)
    assert outputs["env"] == env  # nothing of the start-up environment is kept
    assert outputs["tmp"] == str(scratch)
    assert outputs["argv0"] == str(code / "main.py")
    assert worker.wait_exit() == 0


def test_standby_worker_exits_quietly_when_input_ends_and_refuses_a_bad_start(tmp_path: Path) -> None:
    code = tmp_path / "code"
    write(code, "main.py", STANDBY_SOURCE)
    idle = WorkerProcess(code, "main.py", "fn", standby_in=tmp_path)
    idle.close_stdin()
    assert idle.wait_exit() == 0
    bad = WorkerProcess(code, "main.py", "fn", standby_in=tmp_path)
    bad.send_raw(json.dumps({"type": "execute", "execution_id": "x"}))
    bad.close_stdin()
    assert bad.wait_exit() == 1
    assert "bad start message" in bad.stderr_text


def test_ready_and_simple_result(spawn) -> None:
    worker = spawn(
        """
        def fn(a, b=2):
            return {"sum": a + b, "text": "héllo ✓", "nested": {"list": [1, 2.5, None, True]}}
        """
    )
    ready = worker.ready()
    assert ready["type"] == "ready"
    assert ready["pid"] == worker.proc.pid
    assert ready["is_async"] is False
    assert ready["python"].count(".") == 2
    result = worker.run("e1", {"a": 40})
    assert result == {
        "type": "result",
        "execution_id": "e1",
        "outputs": {"sum": 42, "text": "héllo ✓", "nested": {"list": [1, 2.5, None, True]}},
    }
    worker.close_stdin()
    assert worker.wait_exit() == 0


def test_none_return_means_no_outputs(spawn) -> None:
    worker = spawn("def fn():\n    pass\n")
    worker.ready()
    assert worker.run("e1")["outputs"] == {}


def test_file_inputs_pass_through(spawn, tmp_path: Path) -> None:
    data = tmp_path / "data.txt"
    data.write_text("payload")
    worker = spawn(
        """
        def fn(doc):
            with open(doc["path"]) as f:
                return {"content": f.read(), "doc": doc}
        """
    )
    worker.ready()
    result = worker.run("e1", {"doc": {"path": str(data)}})
    assert result["outputs"] == {"content": "payload", "doc": {"path": str(data)}}


FILE_OUTPUT_SOURCE = """
import os, time

def fn(name, kind="relative", delay=0.0):
    time.sleep(delay)
    if kind == "directory":
        os.makedirs(name, exist_ok=True)
        return {"report": {"path": name}, "n": 1}
    if kind == "missing":
        return {"report": {"path": name}, "n": 1}
    with open(name, "w") as handle:
        handle.write("content of " + name)
    path = os.path.abspath(name) if kind == "absolute" else name
    returned = {"path": path}
    return {"report": returned, "n": 1, "other": {"path": name}}
"""


def files_request(execution_id: str, inputs: Dict[str, Any], folder: Path) -> Dict[str, Any]:
    return {
        "type": "execute",
        "execution_id": execution_id,
        "inputs": inputs,
        "files": {"dir": str(folder), "outputs": ["report"]},
    }


@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_file_outputs_are_collected_into_the_execution_folder(spawn, tmp_path: Path, kind: str) -> None:
    worker = spawn(FILE_OUTPUT_SOURCE)
    worker.ready()
    folder = tmp_path / "runs" / "e1" / "outputs"
    worker.send(files_request("e1", {"name": "report.txt", "kind": kind}, folder))
    result = worker.outcome("e1")
    assert result["type"] == "result", result
    collected = Path(result["outputs"]["report"]["path"])
    assert collected.parent.parent == folder
    assert collected.name == "report.txt"
    assert collected.read_text() == "content of report.txt"
    # Only the declared file outputs are collected; a JSON value shaped like one is untouched.
    assert result["outputs"]["other"] == {"path": "report.txt"}
    assert result["outputs"]["n"] == 1


def test_parallel_file_outputs_each_get_their_own_file(spawn, tmp_path: Path) -> None:
    worker = spawn(FILE_OUTPUT_SOURCE, "fn", "--mode", "resident", "--max-parallel", "8")
    worker.ready()
    ids = [f"e{i}" for i in range(16)]
    for index, eid in enumerate(ids):
        worker.send(files_request(eid, {"name": f"out-{index}.txt", "delay": 0.05}, tmp_path / "runs" / eid))
    for index, eid in enumerate(ids):
        result = worker.outcome(eid)
        assert result["type"] == "result", result
        collected = Path(result["outputs"]["report"]["path"])
        assert collected.is_relative_to(tmp_path / "runs" / eid)
        assert collected.read_text() == f"content of out-{index}.txt"


def test_missing_file_output_is_returned_as_given(spawn, tmp_path: Path) -> None:
    worker = spawn(FILE_OUTPUT_SOURCE)
    worker.ready()
    worker.send(files_request("e1", {"name": "nothing.txt", "kind": "missing"}, tmp_path / "out"))
    result = worker.outcome("e1")
    assert result["outputs"]["report"] == {"path": "nothing.txt"}
    assert not (tmp_path / "out").exists()


def test_directory_as_file_output_is_an_error_naming_the_output(spawn, tmp_path: Path) -> None:
    worker = spawn(FILE_OUTPUT_SOURCE)
    worker.ready()
    worker.send(files_request("e1", {"name": "adir", "kind": "directory"}, tmp_path / "out"))
    error = worker.outcome("e1")
    assert error["type"] == "error", error
    assert error["error"]["type"] == "OutputFileError"
    assert error["error"]["message"] == "file output 'report': 'adir' is a directory"
    assert str(tmp_path) not in error["error"]["message"]


@pytest.mark.parametrize(
    "files",
    [
        "not an object",
        {"dir": "relative/path", "outputs": ["report"]},
        {"dir": "/abs", "outputs": "report"},
        {"dir": "/abs", "outputs": [1]},
    ],
)
def test_malformed_files_member_is_an_error_for_that_execution(spawn, files: Any) -> None:
    worker = spawn(FILE_OUTPUT_SOURCE)
    worker.ready()
    worker.send({"type": "execute", "execution_id": "e1", "inputs": {"name": "x.txt"}, "files": files})
    error = worker.outcome("e1")
    assert error["type"] == "error"
    assert error["error"]["type"] == "InvalidRequest"
    assert worker.run("e2", {"name": "y.txt"})["type"] == "result"


def test_module_level_output_is_logged_without_execution_id(spawn) -> None:
    worker = spawn(
        """
        import os
        print("loading model")
        os.write(2, b"native init\\n")
        def fn():
            return {}
        """
    )
    worker.ready()
    ready_at = worker.index(lambda m: m["type"] == "ready")
    assert worker.logs(None, "stdout") == ["loading model"]
    assert worker.logs(None, "stderr") == ["native init"]
    assert all(i < ready_at for i, m in enumerate(worker.messages) if m["type"] == "log")


# -- output capture ------------------------------------------------------------------


def test_print_output_is_logged_before_result(spawn) -> None:
    worker = spawn(
        """
        import sys
        def fn():
            print("first line")
            print("second", "line", flush=True)
            sys.stdout.flush()
            sys.stderr.write("warning: careful\\n")
            sys.stdout.write("multi\\nline ")
            sys.stdout.write("write\\n")
            sys.stdout.buffer.write("bytes ✓\\n".encode())
            print("unterminated", end="")
            return {"ok": True}
        """
    )
    worker.ready()
    worker.run("e1")
    assert worker.logs("e1", "stdout") == ["first line", "second line", "multi", "line write", "bytes ✓", "unterminated"]
    assert worker.logs("e1", "stderr") == ["warning: careful"]
    result_at = worker.index(is_result("e1"))
    log_positions = [i for i, m in enumerate(worker.messages) if m["type"] == "log" and m["execution_id"] == "e1"]
    assert log_positions and max(log_positions) < result_at
    for m in worker.messages:
        if m["type"] == "log":
            assert isinstance(m["ts"], float) and abs(m["ts"] - time.time()) < 60


def test_fd_level_output_is_captured(spawn) -> None:
    worker = spawn(
        """
        import os, subprocess, sys
        def fn():
            os.system("echo hi")
            os.write(1, b"raw stdout\\n")
            os.write(2, b"raw stderr\\n")
            os.write(1, b"bad \\xff utf8\\n")
            subprocess.run([sys.executable, "-c", "import sys; print('child out'); print('child err', file=sys.stderr)"])
            os.write(1, b"no newline")
            return {}
        """
    )
    worker.ready()
    worker.run("e1")
    stdout = worker.logs("e1", "stdout")
    assert stdout == ["hi", "raw stdout", "bad \ufffd utf8", "child out", "no newline"]
    assert worker.logs("e1", "stderr") == ["raw stderr", "child err"]
    result_at = worker.index(is_result("e1"))
    assert all(
        i < result_at for i, m in enumerate(worker.messages) if m["type"] == "log" and m["execution_id"] == "e1"
    )


def test_long_lines_are_split(spawn) -> None:
    worker = spawn(
        """
        import os
        def fn():
            print("é" * 100000)
            os.write(1, b"x" * 200000 + b"\\n")
            return {}
        """
    )
    worker.ready()
    worker.run("e1")
    pieces = worker.logs("e1", "stdout")
    assert all(len(p.encode("utf-8")) <= 64 * 1024 for p in pieces)
    joined = "".join(pieces)
    assert joined == "é" * 100000 + "x" * 200000
    assert len(pieces) >= 4


def test_unicode_line_separators_stay_inside_one_message(spawn) -> None:
    worker = spawn(
        """
        def fn():
            text = "a\\u2028b\\u2029c\\x85d\\x1ce\\ud800"
            print(text)
            return {"text": text[:-1]}
        """
    )
    worker.ready()
    result = worker.run("e1")
    assert result["outputs"] == {"text": "a\u2028b\u2029c\x85d\x1ce"}
    assert worker.logs("e1", "stdout") == ["a\u2028b\u2029c\x85d\x1ce?"]


def test_thread_output_is_attributed_to_single_execution(spawn) -> None:
    worker = spawn(
        """
        import threading
        def fn():
            t = threading.Thread(target=lambda: print("from a plain thread"))
            t.start(); t.join()
            return {}
        """
    )
    worker.ready()
    worker.run("e1")
    assert worker.logs("e1", "stdout") == ["from a plain thread"]


def test_user_code_cannot_read_protocol_stdin(spawn) -> None:
    worker = spawn(
        """
        import subprocess, sys
        def fn():
            child = subprocess.run(["cat"], capture_output=True)
            return {"stdin": sys.stdin.read(), "child": child.stdout.decode()}
        """,
        "fn",
        "--mode",
        "resident",
    )
    worker.ready()
    worker.execute("e1")
    worker.execute("e2")
    assert worker.outcome("e1")["outputs"] == {"stdin": "", "child": ""}
    assert worker.outcome("e2")["outputs"] == {"stdin": "", "child": ""}


# -- errors --------------------------------------------------------------------------


def test_exception_gives_error_with_traceback_and_stderr_logs(spawn) -> None:
    worker = spawn(
        """
        def helper(x):
            raise ValueError(f"bad value {x}")

        def fn(x):
            print("about to fail")
            helper(x)
        """
    )
    worker.ready()
    error = worker.run("e1", {"x": 7})
    assert error["type"] == "error"
    assert error["error"]["type"] == "ValueError"
    assert error["error"]["message"] == "bad value 7"
    trace = error["error"]["traceback"]
    assert trace.startswith("Traceback (most recent call last):")
    assert "in fn" in trace and "in helper" in trace
    assert trace.rstrip().endswith("ValueError: bad value 7")
    assert "slipway_worker" not in trace
    stderr = worker.logs("e1", "stderr")
    assert stderr == trace.splitlines()
    assert worker.logs("e1", "stdout") == ["about to fail"]
    assert worker.index(lambda m: m["type"] == "log" and m["stream"] == "stderr") < worker.index(is_result("e1"))


def test_bad_arguments_and_system_exit_are_errors(spawn) -> None:
    worker = spawn(
        """
        import sys
        def fn(a):
            if a == "exit":
                sys.exit(4)
            return {"a": a}
        """,
        "fn",
        "--mode",
        "resident",
    )
    worker.ready()
    error = worker.run("e1", {"b": 1})
    assert error["error"]["type"] == "TypeError"
    assert "'b'" in error["error"]["message"]
    error = worker.run("e2", {"a": "exit"})
    assert error["error"]["type"] == "SystemExit"
    assert worker.run("e3", {"a": 1})["outputs"] == {"a": 1}  # still alive


@pytest.mark.parametrize(
    "source, error_type, snippet",
    [
        ("raise RuntimeError('no GPU here')\ndef fn(): pass\n", "RuntimeError", "no GPU here"),
        ("import module_that_does_not_exist_xyz\ndef fn(): pass\n", "ModuleNotFoundError", "module_that_does_not_exist_xyz"),
        ("def fn(:\n    pass\n", "SyntaxError", "main.py"),
    ],
)
def test_import_failure_gives_load_error_and_exit_3(spawn, source: str, error_type: str, snippet: str) -> None:
    worker = spawn("print('before failing')\n" + source if error_type != "SyntaxError" else source)
    load_error = worker.ready()
    assert load_error["type"] == "load_error"
    assert load_error["error"]["type"] == error_type
    assert snippet in load_error["error"]["message"] + load_error["error"]["traceback"]
    assert "slipway_worker" not in load_error["error"]["traceback"]
    assert "importlib" not in load_error["error"]["traceback"]
    assert worker.wait_exit() == 3
    if error_type != "SyntaxError":
        assert worker.logs(None, "stdout") == ["before failing"]


def test_missing_function_file_not_callable(spawn, tmp_path: Path) -> None:
    worker = spawn("def other():\n    pass\n", "fn")
    load_error = worker.ready()
    assert load_error["type"] == "load_error"
    assert load_error["error"]["type"] == "AttributeError"
    assert "'fn'" in load_error["error"]["message"]
    assert worker.wait_exit() == 3

    worker = spawn("fn = 42\n", "fn")
    load_error = worker.ready()
    assert load_error["error"]["type"] == "TypeError"
    assert "not callable" in load_error["error"]["message"]
    assert worker.wait_exit() == 3

    missing = WorkerProcess(tmp_path, "src/nope.py", "fn")
    try:
        load_error = missing.ready()
        assert load_error["type"] == "load_error"
        assert load_error["error"]["type"] == "FileNotFoundError"
        assert str(tmp_path) not in load_error["error"]["message"]
        assert missing.wait_exit() == 3
    finally:
        missing.kill()


@pytest.mark.parametrize(
    "returned, snippet",
    [
        ("[1, 2]", "got list"),
        ("'text'", "got str"),
        ("{1: 'x'}", "output names must be strings"),
    ],
)
def test_non_dict_return_is_invalid(spawn, returned: str, snippet: str) -> None:
    worker = spawn(f"def fn():\n    return {returned}\n")
    worker.ready()
    error = worker.run("e1")
    assert error["type"] == "error"
    assert error["error"]["type"] == "InvalidReturnValue"
    assert snippet in error["error"]["message"]
    assert worker.logs("e1", "stderr")  # also visible in the logs


@pytest.mark.parametrize(
    "value, snippet",
    [
        ("{1, 2}", "set"),
        ("float('nan')", "NaN"),
        ("[float('inf')]", "Infinity"),
        ("object()", "object"),
    ],
)
def test_non_json_output_is_invalid(spawn, value: str, snippet: str) -> None:
    worker = spawn(f"def fn():\n    return {{'fine': 1, 'bad_output': {value}}}\n")
    worker.ready()
    error = worker.run("e1")
    assert error["error"]["type"] == "InvalidReturnValue"
    assert "'bad_output'" in error["error"]["message"]
    assert snippet in error["error"]["message"]


# -- execution context ---------------------------------------------------------------


CONTEXT_SOURCE = """
import threading, time
import __craft_internal_execution_context as ctx

def fn(delay=0.0):
    first = ctx.current_execution_id.get()
    print("running", first)
    time.sleep(delay)
    return {"id": first, "again": ctx.current_execution_id.get(), "thread": threading.current_thread().name}
"""


def test_execution_context_in_elastic_mode(spawn) -> None:
    worker = spawn(CONTEXT_SOURCE)
    worker.ready()
    outputs = worker.run("exec-abc")["outputs"]
    assert outputs["id"] == outputs["again"] == "exec-abc"
    assert worker.logs("exec-abc", "stdout") == ["running exec-abc"]


def test_execution_context_in_resident_parallel_threads(spawn) -> None:
    worker = spawn(CONTEXT_SOURCE, "fn", "--mode", "resident", "--max-parallel", "4")
    worker.ready()
    ids = [f"e{i}" for i in range(8)]
    for eid in ids:
        worker.execute(eid, {"delay": 0.2})
    threads = set()
    for eid in ids:
        result = worker.outcome(eid)
        assert result["type"] == "result", result
        assert result["outputs"]["id"] == result["outputs"]["again"] == eid
        threads.add(result["outputs"]["thread"])
    for eid in ids:
        assert worker.logs(eid, "stdout") == [f"running {eid}"]
    assert len(threads) > 1


def test_resident_mode_keeps_module_state(spawn) -> None:
    worker = spawn(
        """
        counter = 0
        def fn():
            global counter
            counter += 1
            return {"count": counter}
        """,
        "fn",
        "--mode",
        "resident",
    )
    worker.ready()
    assert [worker.run(f"e{i}")["outputs"]["count"] for i in range(3)] == [1, 2, 3]


def test_parallel_executions_run_concurrently(spawn) -> None:
    worker = spawn(
        """
        import time
        def fn():
            time.sleep(0.5)
            return {"done": True}
        """,
        "fn",
        "--mode",
        "resident",
        "--max-parallel",
        "5",
    )
    worker.ready()
    start = time.monotonic()
    for i in range(5):
        worker.execute(f"e{i}")
    for i in range(5):
        assert worker.outcome(f"e{i}")["type"] == "result"
    assert time.monotonic() - start < 2.0


def test_max_parallel_is_respected(spawn) -> None:
    worker = spawn(
        """
        import threading, time
        lock = threading.Lock()
        active = 0
        peak = 0
        def fn():
            global active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.1)
            with lock:
                active -= 1
            return {"peak": peak}
        """,
        "fn",
        "--mode",
        "resident",
        "--max-parallel",
        "2",
    )
    worker.ready()
    for i in range(6):
        worker.execute(f"e{i}")
    peaks = [worker.outcome(f"e{i}")["outputs"]["peak"] for i in range(6)]
    assert max(peaks) == 2


def test_async_function_runs_tasks_in_parallel_with_own_context(spawn) -> None:
    worker = spawn(
        """
        import asyncio
        import __craft_internal_execution_context as ctx

        async def child(n):
            await asyncio.sleep(0.05)
            return ctx.current_execution_id.get()

        async def fn(delay):
            mine = ctx.current_execution_id.get()
            print("start", mine)
            await asyncio.sleep(delay)
            seen = await asyncio.gather(*(child(n) for n in range(3)))
            print("end", ctx.current_execution_id.get())
            return {"id": mine, "children": seen}
        """,
        "fn",
        "--mode",
        "resident",
        "--max-parallel",
        "5",
    )
    ready = worker.ready()
    assert ready["is_async"] is True
    start = time.monotonic()
    for i in range(5):
        worker.execute(f"a{i}", {"delay": 0.5})
    for i in range(5):
        result = worker.outcome(f"a{i}")
        assert result["type"] == "result", result
        assert result["outputs"] == {"id": f"a{i}", "children": [f"a{i}"] * 3}
    assert time.monotonic() - start < 2.0
    for i in range(5):
        assert worker.logs(f"a{i}", "stdout") == [f"start a{i}", f"end a{i}"]


def test_async_exception(spawn) -> None:
    worker = spawn(
        """
        async def fn():
            raise KeyError("missing")
        """
    )
    assert worker.ready()["is_async"] is True
    error = worker.run("e1")
    assert error["error"]["type"] == "KeyError"
    assert "in fn" in error["error"]["traceback"]
    assert "slipway_worker" not in error["error"]["traceback"]


# -- resources -----------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_memory_limit(spawn) -> None:
    worker = spawn(
        """
        def fn(size):
            block = bytearray(size)
            return {"allocated": len(block)}
        """,
        "fn",
        "--mode",
        "resident",
        "--memory-limit-bytes",
        str(1024 ** 3),
    )
    worker.ready()
    error = worker.run("e1", {"size": 4 * 1024 ** 3})
    assert error["type"] == "error"
    assert error["error"]["type"] == "MemoryError"
    assert worker.run("e2", {"size": 1024})["outputs"] == {"allocated": 1024}


# -- protocol ------------------------------------------------------------------------


def test_malformed_requests_give_protocol_errors(spawn) -> None:
    worker = spawn("def fn(x=0):\n    return {'x': x}\n", "fn", "--mode", "resident")
    worker.ready()
    worker.send_raw("this is not json")
    assert worker.wait_for(lambda m: m["type"] == "protocol_error")["message"]
    worker.send_raw("[1, 2]")
    worker.wait_for(lambda m: m["type"] == "protocol_error")
    worker.send({"type": "dance"})
    assert "dance" in worker.wait_for(lambda m: m["type"] == "protocol_error")["message"]
    worker.send({"type": "execute", "inputs": {}})
    worker.wait_for(lambda m: m["type"] == "protocol_error")
    worker.send_raw("")
    worker.send({"type": "execute", "execution_id": "bad-inputs", "inputs": [1]})
    assert worker.outcome("bad-inputs")["error"]["type"] == "InvalidInputs"
    assert worker.run("e1", {"x": 5})["outputs"] == {"x": 5}
    worker.close_stdin()
    assert worker.wait_exit() == 0


def test_eof_exits_cleanly(spawn) -> None:
    worker = spawn("def fn():\n    return {}\n")
    worker.ready()
    worker.close_stdin()
    assert worker.wait_exit() == 0
    assert worker.stderr_text == "" or "Traceback" not in worker.stderr_text


def test_elastic_execute_then_eof(spawn) -> None:
    worker = spawn(
        """
        import atexit
        atexit.register(lambda: print("atexit ran"))
        def fn():
            print("working")
            return {"ok": 1}
        """
    )
    worker.ready()
    worker.execute("e1")
    worker.close_stdin()
    assert worker.wait_exit() == 0
    assert [m for m in worker.messages if m["type"] == "result"][0]["outputs"] == {"ok": 1}
    assert worker.logs("e1", "stdout") == ["working"]
    assert worker.logs(None, "stdout") == ["atexit ran"]


def test_shutdown_waits_for_in_flight_executions(spawn) -> None:
    worker = spawn(
        """
        import time
        def fn():
            time.sleep(0.5)
            return {"finished": True}
        """,
        "fn",
        "--mode",
        "resident",
        "--max-parallel",
        "2",
    )
    worker.ready()
    worker.execute("e1")
    worker.execute("e2")
    worker.send({"type": "shutdown"})
    assert worker.wait_exit() == 0
    results = [m for m in worker.messages if m["type"] == "result"]
    assert sorted(m["execution_id"] for m in results) == ["e1", "e2"]


@pytest.mark.parametrize("mode", ["elastic", "resident"])
def test_sigterm_answers_in_flight_and_exits(spawn, mode: str) -> None:
    worker = spawn(
        """
        import time
        def fn():
            print("sleeping")
            time.sleep(30)
            return {}
        """,
        "fn",
        "--mode",
        mode,
    )
    worker.ready()
    worker.execute("e1")
    worker.wait_for(lambda m: m["type"] == "log" and m["message"] == "sleeping")
    start = time.monotonic()
    worker.proc.send_signal(signal.SIGTERM)
    assert worker.wait_exit() == 128 + signal.SIGTERM
    assert time.monotonic() - start < 5
    error = [m for m in worker.messages if m["type"] == "error"]
    assert len(error) == 1 and error[0]["execution_id"] == "e1"
    assert error[0]["error"]["type"] == "Terminated"


def test_sigterm_while_idle(spawn) -> None:
    worker = spawn("def fn():\n    return {}\n", "fn", "--mode", "resident")
    worker.ready()
    worker.proc.send_signal(signal.SIGTERM)
    assert worker.wait_exit() == 128 + signal.SIGTERM


# -- loading -------------------------------------------------------------------------


def test_nested_module_with_sibling_and_relative_imports(spawn, tmp_path: Path) -> None:
    write(tmp_path, "src/__init__.py", "")
    write(tmp_path, "src/helpers.py", "def double(x):\n    return 2 * x\n")
    write(tmp_path, "lib/shared.py", "VALUE = 10\n")
    worker = spawn(
        """
        import helpers                  # the function file's own folder is on sys.path
        from . import helpers as rel    # relative import inside the package
        from lib import shared          # the code dir is on sys.path
        def fn(x):
            return {"y": helpers.double(x) + rel.double(1) + shared.VALUE, "name": __name__}
        """,
        path="src/main.py",
    )
    worker.ready()
    assert worker.run("e1", {"x": 3})["outputs"] == {"y": 18, "name": "src.main"}


# -- throughput path: pipelining, batching, parallel readers --------------------------


def send_batch(worker: WorkerProcess, requests: List[Dict[str, Any]]) -> None:
    """Several requests in one write, as a pipelining supervisor does."""
    assert worker.proc.stdin is not None
    worker.proc.stdin.write(b"".join(json.dumps(r).encode("utf-8") + b"\n" for r in requests))
    worker.proc.stdin.flush()


def execute_request(execution_id: str, inputs: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    return {"type": "execute", "execution_id": execution_id, "inputs": inputs or {}}


def wait_answers(worker: WorkerProcess, ids: List[str], timeout: float = 60.0) -> Dict[str, Dict[str, Any]]:
    """The one result/error of each execution (fails on a second answer or a protocol error)."""
    wanted = set(ids)
    answers: Dict[str, Dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while len(answers) < len(wanted):
        worker.wait_for(lambda m: m["type"] in ("result", "error", "protocol_error"), max(0.1, deadline - time.monotonic()))
        answers = {}
        for m in worker.messages:
            assert m["type"] != "protocol_error", m
            if m["type"] in ("result", "error"):
                assert m["execution_id"] not in answers, f"answered twice: {m}"
                answers[m["execution_id"]] = m
    assert set(answers) == wanted
    return answers


PIPELINE_SYNC = """
import os, sys, threading
import __craft_internal_execution_context as ctx

def fn(a, b, fd=False):
    mine = ctx.current_execution_id.get()
    print("start", mine)
    sys.stderr.write(f"err {mine}\\n")
    if fd:
        os.write(1, f"fd {mine}\\n".encode())
    return {"sum": a + b, "id": mine, "again": ctx.current_execution_id.get(), "thread": threading.current_thread().name}
"""

PIPELINE_ASYNC = """
import asyncio, os, sys
import __craft_internal_execution_context as ctx

async def fn(a, b, fd=False):
    mine = ctx.current_execution_id.get()
    print("start", mine)
    if a % 3 == 0:
        await asyncio.sleep(0)
    sys.stderr.write(f"err {mine}\\n")
    if fd:
        os.write(1, f"fd {mine}\\n".encode())
    return {"sum": a + b, "id": mine, "again": ctx.current_execution_id.get(), "thread": "loop"}
"""


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("max_parallel", ["1", "6"])
def test_many_pipelined_requests_answered_once_with_attributed_logs(spawn, kind: str, max_parallel: str) -> None:
    source = PIPELINE_SYNC if kind == "sync" else PIPELINE_ASYNC
    worker = spawn(source, "fn", "--mode", "resident", "--max-parallel", max_parallel)
    assert worker.ready()["is_async"] is (kind == "async")
    ids = [f"p{i}" for i in range(600)]
    # Batches of various sizes, far more than max_parallel in flight: the worker queues them.
    batch: List[Dict[str, Any]] = []
    for i, eid in enumerate(ids):
        batch.append(execute_request(eid, {"a": i, "b": 1}))
        if len(batch) == 1 + i % 37:
            send_batch(worker, batch)
            batch = []
    send_batch(worker, batch)
    answers = wait_answers(worker, ids)
    positions = {m["execution_id"]: i for i, m in enumerate(worker.messages) if m["type"] == "result"}
    for i, eid in enumerate(ids):
        outputs = answers[eid]["outputs"]
        assert outputs["sum"] == i + 1 and outputs["id"] == outputs["again"] == eid
        assert worker.logs(eid, "stdout") == [f"start {eid}"]
        assert worker.logs(eid, "stderr") == [f"err {eid}"]
    for i, m in enumerate(worker.messages):
        if m["type"] == "log":
            assert m["execution_id"] in positions and i < positions[m["execution_id"]], m
    worker.close_stdin()
    assert worker.wait_exit() == 0


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_fd_output_precedes_result_when_pipelined(spawn, kind: str) -> None:
    # One at a time, so that fd-level output can be attributed; the fast path
    # (nothing pending on fds 1/2) and the slow one (output to drain) alternate.
    source = PIPELINE_SYNC if kind == "sync" else PIPELINE_ASYNC
    worker = spawn(source, "fn", "--mode", "resident", "--max-parallel", "1")
    worker.ready()
    ids = [f"f{i}" for i in range(200)]
    send_batch(worker, [execute_request(eid, {"a": i, "b": 0, "fd": i % 2 == 0}) for i, eid in enumerate(ids)])
    answers = wait_answers(worker, ids)
    for i, eid in enumerate(ids):
        assert answers[eid]["outputs"]["sum"] == i
        expected = [f"start {eid}"] + ([f"fd {eid}"] if i % 2 == 0 else [])
        assert worker.logs(eid, "stdout") == expected
        result_at = worker.index(is_result(eid))
        assert all(
            j < result_at for j, m in enumerate(worker.messages) if m["type"] == "log" and m["execution_id"] == eid
        )


def test_partial_fd_line_is_flushed_with_its_execution(spawn) -> None:
    worker = spawn(
        """
        import os
        def fn(text):
            os.write(1, text.encode())
            return {}
        """,
        "fn",
        "--mode",
        "resident",
    )
    worker.ready()
    worker.run("e1", {"text": "no newline"})
    worker.run("e2", {"text": ""})
    worker.run("e3", {"text": "line\n"})
    assert worker.logs("e1", "stdout") == ["no newline"]
    assert worker.logs("e2", "stdout") == []
    assert worker.logs("e3", "stdout") == ["line"]


def test_slow_sync_execution_does_not_hold_up_others(spawn) -> None:
    worker = spawn(
        """
        import time
        def fn(delay=0.0):
            time.sleep(delay)
            return {"delay": delay}
        """,
        "fn",
        "--mode",
        "resident",
        "--max-parallel",
        "3",
    )
    worker.ready()
    worker.execute("slow1", {"delay": 3.0})
    time.sleep(0.2)  # the next requests arrive while the first runs
    worker.execute("slow2", {"delay": 3.0})
    time.sleep(0.2)
    start = time.monotonic()
    for i in range(50):
        assert worker.run(f"quick{i}")["type"] == "result"
    assert time.monotonic() - start < 2.0
    assert not any(m.get("execution_id") in ("slow1", "slow2") for m in worker.messages if m["type"] == "result")
    assert worker.outcome("slow1")["type"] == worker.outcome("slow2")["type"] == "result"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_max_parallel_respected_when_overloaded(spawn, kind: str) -> None:
    sleep = "time.sleep(0.02)" if kind == "sync" else "await asyncio.sleep(0.02)"
    definition = "def" if kind == "sync" else "async def"
    worker = spawn(
        f"""
        import asyncio, threading, time
        lock = threading.Lock()
        active = 0
        peak = 0
        {definition} fn():
            global active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            {sleep}
            with lock:
                active -= 1
            return {{"peak": peak}}
        """,
        "fn",
        "--mode",
        "resident",
        "--max-parallel",
        "3",
    )
    worker.ready()
    ids = [f"o{i}" for i in range(60)]
    send_batch(worker, [execute_request(eid) for eid in ids])
    answers = wait_answers(worker, ids)
    assert max(a["outputs"]["peak"] for a in answers.values()) == 3


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_shutdown_in_the_same_batch_runs_what_came_before(spawn, kind: str) -> None:
    source = PIPELINE_SYNC if kind == "sync" else PIPELINE_ASYNC
    worker = spawn(source, "fn", "--mode", "resident", "--max-parallel", "4")
    worker.ready()
    ids = [f"s{i}" for i in range(20)]
    requests = [execute_request(eid, {"a": i, "b": 2}) for i, eid in enumerate(ids)]
    send_batch(worker, requests + [{"type": "shutdown"}, execute_request("after-shutdown", {"a": 0, "b": 0})])
    assert worker.wait_exit() == 0
    results = [m for m in worker.messages if m["type"] == "result"]
    assert sorted(m["execution_id"] for m in results) == sorted(ids)
    assert all(m["outputs"]["sum"] == int(m["execution_id"][1:]) + 2 for m in results)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_duplicate_execution_id_while_in_flight_is_a_protocol_error(spawn, kind: str) -> None:
    definition, sleep = ("def", "time.sleep(0.5)") if kind == "sync" else ("async def", "await asyncio.sleep(0.5)")
    worker = spawn(
        f"""
        import asyncio, time
        {definition} fn():
            {sleep}
            return {{"ok": True}}
        """,
        "fn",
        "--mode",
        "resident",
        "--max-parallel",
        "2",
    )
    worker.ready()
    send_batch(worker, [execute_request("dup"), execute_request("dup")])
    assert "already running" in worker.wait_for(lambda m: m["type"] == "protocol_error")["message"]
    assert worker.outcome("dup")["type"] == "result"
    time.sleep(0.2)
    assert len([m for m in worker.messages if m["type"] == "result"]) == 1
    assert worker.run("dup")["type"] == "result"  # the id is free again once answered


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_sigterm_answers_running_and_queued_executions_once(spawn, kind: str) -> None:
    definition, sleep = ("def", "time.sleep(30)") if kind == "sync" else ("async def", "await asyncio.sleep(30)")
    worker = spawn(
        f"""
        import asyncio, time
        {definition} fn():
            print("sleeping")
            {sleep}
            return {{}}
        """,
        "fn",
        "--mode",
        "resident",
        "--max-parallel",
        "2",
    )
    worker.ready()
    ids = [f"t{i}" for i in range(5)]  # two run, three wait for a slot
    send_batch(worker, [execute_request(eid) for eid in ids])
    for _ in range(2):
        worker.wait_for(lambda m: m["type"] == "log" and m["message"] == "sleeping")
    time.sleep(0.1)
    start = time.monotonic()
    worker.proc.send_signal(signal.SIGTERM)
    assert worker.wait_exit() == 128 + signal.SIGTERM
    assert time.monotonic() - start < 5
    errors = [m for m in worker.messages if m["type"] == "error"]
    assert sorted(m["execution_id"] for m in errors) == ids
    assert all(m["error"]["type"] == "Terminated" for m in errors)
    assert not [m for m in worker.messages if m["type"] == "result"]
    assert len([m for m in worker.messages if m["type"] == "log" and m["message"] == "sleeping"]) == 2


def test_sync_function_returning_a_coroutine_in_threads(spawn) -> None:
    worker = spawn(
        """
        import asyncio
        import __craft_internal_execution_context as ctx

        async def inner(x):
            await asyncio.sleep(0.01)
            return {"x": x, "id": ctx.current_execution_id.get()}

        def fn(x):
            return inner(x)
        """,
        "fn",
        "--mode",
        "resident",
        "--max-parallel",
        "3",
    )
    assert worker.ready()["is_async"] is False
    ids = [f"c{i}" for i in range(20)]
    send_batch(worker, [execute_request(eid, {"x": i}) for i, eid in enumerate(ids)])
    answers = wait_answers(worker, ids)
    assert all(answers[eid]["outputs"] == {"x": i, "id": eid} for i, eid in enumerate(ids))


def test_module_level_context_variables_are_visible_in_executions(spawn) -> None:
    worker = spawn(
        """
        import contextvars
        setting = contextvars.ContextVar("setting")
        setting.set("from module")
        counter = contextvars.ContextVar("counter", default=0)

        def fn():
            counter.set(counter.get() + 1)  # stays inside this execution
            return {"setting": setting.get(), "counter": counter.get()}
        """,
        "fn",
        "--mode",
        "resident",
        "--max-parallel",
        "2",
    )
    worker.ready()
    for i in range(5):
        assert worker.run(f"v{i}")["outputs"] == {"setting": "from module", "counter": 1}


# -- in-process unit tests of the protocol helpers -------------------------------------


@pytest.fixture
def protocol_module():
    sys.path.insert(0, str(PYTHON_DIR))
    try:
        from slipway_worker import protocol

        yield protocol
    finally:
        sys.path.remove(str(PYTHON_DIR))


def test_channel_keeps_lines_whole_and_in_order_across_threads(protocol_module) -> None:
    read_fd, write_fd = os.pipe()
    channel = protocol_module.Channel(write_fd)
    received = bytearray()

    def drain() -> None:
        while True:
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                return
            received.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()

    def send(n: int) -> None:
        for i in range(2000):
            channel.send({"thread": n, "i": i, "pad": "x" * (i % 300), "text": "é\u2028"})

    senders = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for t in senders:
        t.start()
    for t in senders:
        t.join()
    assert channel.flush(timeout=10)
    os.close(write_fd)
    reader.join(10)
    os.close(read_fd)
    lines = bytes(received).decode("utf-8").split("\n")
    assert lines.pop() == ""
    seen: Dict[int, int] = {}
    for line in lines:
        assert len(line.splitlines()) == 1
        message = json.loads(line)
        assert message["i"] == seen.get(message["thread"], -1) + 1
        seen[message["thread"]] = message["i"]
    assert seen == {n: 1999 for n in range(6)}


def test_channel_broken_pipe_is_silent(protocol_module) -> None:
    read_fd, write_fd = os.pipe()
    os.close(read_fd)
    channel = protocol_module.Channel(write_fd)
    previous = signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        channel.send({"type": "log"})
        channel.send({"type": "log"})
        assert channel.broken
        assert channel.flush(timeout=1)
    finally:
        signal.signal(signal.SIGPIPE, previous)
        os.close(write_fd)


def test_request_reader_splits_batches_and_keeps_partial_lines(protocol_module) -> None:
    read_fd, write_fd = os.pipe()
    reader = protocol_module.RequestReader(read_fd)
    os.write(write_fd, b'{"a":1}\n{"b":2}\n{"c"')
    assert reader.read_lines() == [b'{"a":1}', b'{"b":2}']
    os.write(write_fd, b":3}\n\n")
    assert reader.read_available() == [b'{"c":3}', b""]
    os.write(write_fd, b"tail without newline")
    assert reader.read_available() == []
    os.close(write_fd)
    assert reader.read_lines(poll=True) == [b"tail without newline"]
    assert reader.read_lines() is None
    assert reader.read_available() is None
    os.close(read_fd)
