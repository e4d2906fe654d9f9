"""Reading requests, running executions of the user's function and reporting their outcome."""

from __future__ import annotations

import collections
import contextvars
import threading
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Deque, Dict, List, Optional, Sequence, Set, Tuple

if TYPE_CHECKING:  # imported lazily: asyncio alone costs ~40 ms per elastic start
    import asyncio
    import concurrent.futures

from .capture import FdCapture, LogStream
from .context import InFlight, current_execution_id
from .errors import InvalidReturnValue, describe_exception
from .outputs import FileOutputs, collect_file_outputs
from .protocol import Channel, RequestReader, dumps, log_lines
from .termination import Terminated, block_termination_signals


_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE

#: handle_lines(lines) -> False once the requests end (a shutdown request).
HandleLines = Callable[[List[bytes]], bool]
#: (execution id, inputs, where to collect its file outputs).
Job = Tuple[str, Dict[str, Any], Optional[FileOutputs]]
#: (execution id, encoded outputs, error): one of the last two is None.
Outcome = Tuple[str, Optional[str], Optional[Dict[str, str]]]

# The main thread wakes this often while it waits, so that signals are handled.
_WAIT_SLICE = 0.2


def is_async_callable(function: Callable[..., Any]) -> bool:
    """True for ``async def`` functions, partials of them and objects with an async ``__call__``."""
    code = getattr(function, "__code__", None)
    if code is not None and isinstance(getattr(code, "co_flags", None), int):
        return bool(code.co_flags & _CO_COROUTINE)
    import inspect  # slower, general path (partials, callable objects); kept off the hot path

    if inspect.iscoroutinefunction(function):
        return True
    if inspect.isroutine(function) or inspect.isclass(function):
        return False
    return inspect.iscoroutinefunction(getattr(function, "__call__", None))


def encode_outputs(value: Any) -> str:
    """JSON text of the outputs object; raises InvalidReturnValue naming the offending output."""
    if value is None:
        return "{}"
    if not isinstance(value, dict):
        raise InvalidReturnValue(
            f"the function must return a dict of outputs (or None), got {type(value).__name__}"
        )
    for name in value:
        if not isinstance(name, str):
            raise InvalidReturnValue(
                f"output names must be strings, got {name!r} ({type(name).__name__})"
            )
    try:
        return dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        pass
    for name, output in value.items():  # which output is it?
        try:
            dumps(output, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            reason = str(exc)
            if isinstance(exc, ValueError) and reason.startswith("Out of range float"):
                reason = "NaN and Infinity are not valid JSON numbers"
            raise InvalidReturnValue(f"output {name!r} is not JSON-serialisable: {reason}") from None
    raise InvalidReturnValue("the outputs are not JSON-serialisable")


class EventLoopThread:
    """An asyncio event loop running forever in a daemon thread."""

    def __init__(self) -> None:
        import asyncio

        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._main, name="slipway-asyncio", daemon=True)
        self._thread.start()

    def _main(self) -> None:
        import asyncio

        block_termination_signals()
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coroutine: Awaitable[Any]) -> "concurrent.futures.Future[Any]":
        import asyncio

        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)  # type: ignore[arg-type]

    def stop(self) -> None:
        try:
            self.loop.call_soon_threadsafe(self.loop.stop)
        except RuntimeError:
            pass


async def _await_with_id(execution_id: str, awaitable: Awaitable[Any]) -> Any:
    current_execution_id.set(execution_id)
    return await awaitable


class Runner:
    """Reads the requests, starts executions and sends their result or error.

    ``serve`` hands each batch of request lines to ``handle_lines`` (the
    worker's parser), which calls ``accept`` for every execution. How
    executions run depends on the function:

    * inline -- sync function, elastic mode, ``max_parallel`` 1: the main
      thread reads a request and runs it, like a plain script.
    * threads -- other sync functions: up to ``max_parallel`` long-lived
      threads (leader/followers). An idle thread reads the next requests
      itself and runs the first one; the rest are queued for the other
      threads. No hand-off between threads on the hot path, and while any
      thread is idle one of them is reading, so a slow execution never holds
      up the others. A thread is added when the last idle one takes a job.
      A thread that finishes while another is sending answers leaves its
      outcome to that one (see ``_finish``).
    * async -- ``async def`` functions: tasks on one event-loop thread, which
      also reads the requests (``add_reader``); at most ``max_parallel``
      tasks at once, further requests wait in a queue, and reading pauses
      while it is not empty. Executions finished in one loop iteration are
      answered together at its end.

    In the last two the main thread only waits, so that it handles signals.
    At most ``max_parallel`` executions run at once; the supervisor is
    expected to send no more than that, extra ones wait their turn.
    Answering in batches means one check of fds 1/2 and one write for
    several results, always with each execution's logs before its result.
    """

    def __init__(
        self,
        function: Callable[..., Any],
        *,
        mode: str,
        max_parallel: int,
        channel: Channel,
        streams: Sequence[LogStream],
        fd_capture: FdCapture,
        inflight: InFlight,
    ) -> None:
        self._function = function
        self.is_async = is_async_callable(function)
        self._max_parallel = max_parallel
        self._inline = not self.is_async and mode == "elastic" and max_parallel == 1
        self._channel = channel
        self._streams = tuple(streams)
        self._fd_capture = fd_capture
        self._inflight = inflight
        self._lock = threading.Lock()
        self._loop: Optional[EventLoopThread] = None
        # Every execution runs in a copy of the main thread's context as it is
        # after loading (context variables set by the user's module included).
        self._base_context = contextvars.copy_context()

        self._reader: Optional[RequestReader] = None
        self._handle_lines: Optional[HandleLines] = None
        self._ended = threading.Event()  # the requests have ended (or reading failed)
        self._ending = False
        self._failure: Optional[BaseException] = None

        # threads
        self._jobs: Deque[Job] = collections.deque()
        self._read_lock = threading.Lock()  # held by the thread reading requests
        self._count_lock = threading.Lock()
        self._threads = 0
        self._idle = 0  # threads not running a job
        self._finish_lock = threading.Lock()
        self._to_finish: List[Outcome] = []  # outcomes left to the thread answering
        self._finishing = False

        # async
        self._pending: Deque[Job] = collections.deque()
        self._running = 0
        self._reading = False
        self._tasks: Set["asyncio.Task[None]"] = set()
        self._finished: List[Outcome] = []  # to answer at the end of the loop iteration

    # -- main thread ---------------------------------------------------------------

    def serve(self, reader: RequestReader, handle_lines: HandleLines) -> None:
        """Read and run requests until a shutdown request or the end of input.

        Executions still running (or queued) when this returns go on; wait for
        them with ``InFlight.wait_empty``.
        """
        self._reader = reader
        self._handle_lines = handle_lines
        if self._inline:
            while True:
                lines = reader.read_lines(poll=True)
                if lines is None or not handle_lines(lines):
                    return
        if self.is_async:
            loop = self._event_loop().loop
            loop.call_soon_threadsafe(self._guarded, self._resume_reading)
        else:
            with self._count_lock:
                self._spawn_thread()
        while not self._ended.wait(_WAIT_SLICE):
            pass
        if self._failure is not None:
            raise self._failure

    def accept(self, execution_id: str, inputs: Dict[str, Any], files: Optional[FileOutputs] = None) -> bool:
        """Start (or queue) an execution; False if one with this id is already in flight.

        Called by ``handle_lines`` in the thread that read the request.
        """
        if not self._inflight.begin(execution_id):
            return False
        if self._inline:
            self._inflight.start(execution_id)
            self._base_context.copy().run(self._run_sync, execution_id, inputs, files)
        elif self.is_async:
            self._pending.append((execution_id, inputs, files))  # started by _on_readable
        else:
            self._jobs.append((execution_id, inputs, files))  # taken by this or another thread
        return True

    def close(self) -> None:
        """Release threads; in-flight executions are not waited for."""
        self._ending = True
        if self._loop is not None:
            self._loop.stop()

    def _end(self, failure: Optional[BaseException] = None) -> None:
        """No more requests: stop reading and wake the main thread."""
        self._ending = True
        if failure is not None and self._failure is None:
            self._failure = failure
        self._ended.set()

    # -- threads -------------------------------------------------------------------

    def _spawn_thread(self) -> None:
        """Start one more execution thread (called with ``_count_lock`` held)."""
        thread = threading.Thread(
            target=self._thread_main, name=f"slipway-exec_{self._threads}", daemon=True
        )
        thread.start()
        self._threads += 1
        self._idle += 1

    def _thread_main(self) -> None:
        block_termination_signals()
        try:
            while True:
                job = self._next_job()
                if job is None:
                    return
                if self._inflight.start(job[0]):  # else already answered: the worker is terminating
                    self._base_context.copy().run(self._run_sync, *job)
                with self._count_lock:
                    self._idle += 1
        except BaseException as exc:
            self._end(exc)

    def _next_job(self) -> Optional[Job]:
        """The next job for this (idle) thread: a queued one, or one it reads. None at the end."""
        jobs = self._jobs
        while True:
            if not jobs:
                with self._read_lock:
                    if not jobs:
                        if self._ending:
                            return None
                        self._read_requests()
                        continue
            try:
                job = jobs.popleft()
            except IndexError:  # another thread took it
                continue
            with self._count_lock:
                self._idle -= 1
                if self._idle == 0 and self._threads < self._max_parallel and not self._ending:
                    try:
                        self._spawn_thread()  # so that someone keeps reading
                    except RuntimeError:  # no more threads: run with fewer
                        pass
            return job

    def _read_requests(self) -> None:
        """Read the next request lines (blocking) and queue their executions."""
        assert self._reader is not None and self._handle_lines is not None
        lines = self._reader.read_lines()
        if lines is None or not self._handle_lines(lines):
            self._end()

    # -- async ---------------------------------------------------------------------

    def _guarded(self, callback: Callable[[], None]) -> None:
        """Run an event-loop callback; a failure ends the worker (asyncio would only log it)."""
        try:
            callback()
        except BaseException as exc:
            self._end(exc)

    def _resume_reading(self) -> None:
        if not self._reading and not self._ending:
            assert self._loop is not None and self._reader is not None
            self._loop.loop.add_reader(self._reader.fd, self._guarded, self._on_readable)
            self._reading = True

    def _pause_reading(self) -> None:
        if self._reading:
            assert self._loop is not None and self._reader is not None
            self._loop.loop.remove_reader(self._reader.fd)
            self._reading = False

    def _on_readable(self) -> None:
        assert self._reader is not None and self._handle_lines is not None
        lines = self._reader.read_available()
        if lines is None or (lines and not self._handle_lines(lines)):
            self._pause_reading()
            self._end()
        self._start_pending()

    def _start_pending(self) -> None:
        """Start queued executions while there is room; read more only once the queue is empty."""
        assert self._loop is not None
        loop = self._loop.loop
        while self._pending and self._running < self._max_parallel:
            execution_id, inputs, files = self._pending.popleft()
            if not self._inflight.start(execution_id):  # already answered: the worker is terminating
                continue
            self._running += 1
            task = self._base_context.run(loop.create_task, self._run_async(execution_id, inputs, files))
            self._tasks.add(task)  # the loop itself keeps only weak references
            task.add_done_callback(self._tasks.discard)
        if self._pending:
            self._pause_reading()
        else:
            self._resume_reading()

    # -- execution -------------------------------------------------------------------

    def _run_sync(self, execution_id: str, inputs: Dict[str, Any], files: Optional[FileOutputs]) -> None:
        current_execution_id.set(execution_id)
        try:
            value = self._function(**inputs)
            if value is not None and type(value) is not dict and hasattr(value, "__await__"):
                # sync wrapper around a coroutine
                value = self._event_loop().submit(_await_with_id(execution_id, value)).result()
            outputs = encode_outputs(collect_file_outputs(value, files))
        except Terminated:
            raise
        except BaseException as exc:  # SystemExit / KeyboardInterrupt from user code are errors too
            self._finish(execution_id, error=describe_exception(exc))
        else:
            self._finish(execution_id, outputs=outputs)

    async def _run_async(self, execution_id: str, inputs: Dict[str, Any], files: Optional[FileOutputs]) -> None:
        current_execution_id.set(execution_id)  # the task runs in its own context copy
        try:
            try:
                value = await self._function(**inputs)
                outputs = encode_outputs(collect_file_outputs(value, files))
            except BaseException as exc:  # includes CancelledError
                self._finish_soon((execution_id, None, describe_exception(exc)))
            else:
                self._finish_soon((execution_id, outputs, None))
        except BaseException as exc:
            self._end(exc)

    def _finish_soon(self, outcome: Outcome) -> None:
        """Answer at the end of this event-loop iteration, with the others finished in it.

        The execution's slot is freed once it is answered, so that output
        is not attributed while a queued execution has already started.
        """
        self._finished.append(outcome)
        if len(self._finished) == 1:
            assert self._loop is not None
            self._loop.loop.call_soon(self._guarded, self._finish_finished)

    def _finish_finished(self) -> None:
        finished, self._finished = self._finished, []
        self._finish_all(finished)
        self._running -= len(finished)
        self._start_pending()

    def _finish(
        self,
        execution_id: str,
        outputs: Optional[str] = None,
        error: Optional[Dict[str, str]] = None,
    ) -> None:
        """Flush the execution's logs, then send its result or error (exactly once).

        With several threads, a thread that finds another one answering leaves
        its outcome to it and moves on: the answering thread takes all the
        outcomes queued meanwhile as one batch.
        """
        outcome = (execution_id, outputs, error)
        if self._inline:
            self._finish_all([outcome])
            return
        with self._finish_lock:
            self._to_finish.append(outcome)
            if self._finishing:
                return
            self._finishing = True
        try:
            while True:
                with self._finish_lock:
                    batch, self._to_finish = self._to_finish, []
                    if not batch:
                        self._finishing = False
                        return
                self._finish_all(batch)
        except BaseException:
            with self._finish_lock:
                self._finishing = False
            raise

    def _finish_all(self, finished: Sequence[Outcome]) -> None:
        """Answer several executions with one drain of fds 1/2 and one write.

        Each execution's logs still precede its own result or error.
        """
        claimed = [outcome for outcome in finished if self._inflight.claim(outcome[0])]
        if not claimed:
            return  # already answered (the worker is terminating)
        try:
            for execution_id, _, _ in claimed:
                for stream in self._streams:
                    stream.flush_execution(execution_id)
            self._fd_capture.drain()
            lines: List[str] = []
            for execution_id, outputs, error in claimed:
                if error is not None:
                    for line in error["traceback"].splitlines():
                        lines.extend(log_lines(execution_id, "stderr", line))
                    lines.append(dumps({"type": "error", "execution_id": execution_id, "error": error}))
                else:
                    lines.append('{"type":"result","execution_id":%s,"outputs":%s}' % (dumps(execution_id), outputs))
            self._channel.send_lines(lines)
        finally:
            for execution_id, _, _ in claimed:
                self._inflight.end(execution_id)

    # -- lazily created event loop ---------------------------------------------------

    def _event_loop(self) -> EventLoopThread:
        with self._lock:
            if self._loop is None:
                self._loop = EventLoopThread()
            return self._loop
