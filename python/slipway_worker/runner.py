"""Running executions of the user's function and reporting their outcome."""

from __future__ import annotations

import contextvars
import threading
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, Optional, Sequence

if TYPE_CHECKING:  # imported lazily: asyncio alone costs ~40 ms per elastic start
    import concurrent.futures

from .capture import FdCapture, LogStream
from .context import InFlight, current_execution_id
from .errors import InvalidReturnValue, describe_exception
from .protocol import Channel, dumps
from .termination import Terminated, block_termination_signals


_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE


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
    members = []
    for name, output in value.items():
        if not isinstance(name, str):
            raise InvalidReturnValue(
                f"output names must be strings, got {name!r} ({type(name).__name__})"
            )
        try:
            encoded = dumps(output, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            reason = str(exc)
            if isinstance(exc, ValueError) and reason.startswith("Out of range float"):
                reason = "NaN and Infinity are not valid JSON numbers"
            raise InvalidReturnValue(f"output {name!r} is not JSON-serialisable: {reason}") from None
        members.append(dumps(name) + ":" + encoded)
    return "{" + ",".join(members) + "}"


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
    """Starts executions and sends their result or error.

    * ``async def`` functions run as tasks on one event loop thread.
    * Sync functions run in the main thread when ``mode`` is elastic and
      ``max_parallel`` is 1 (like a plain script), else in a thread pool.

    At most ``max_parallel`` executions run at once; ``submit`` blocks for a slot.
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
        self._slots = threading.BoundedSemaphore(max_parallel)
        self._lock = threading.Lock()
        self._pool: Optional[concurrent.futures.ThreadPoolExecutor] = None
        self._loop: Optional[EventLoopThread] = None

    # -- main thread ---------------------------------------------------------------

    def submit(self, execution_id: str, inputs: Dict[str, Any]) -> bool:
        """Start an execution; False if one with this id is already in flight."""
        if execution_id in self._inflight:
            return False
        while not self._slots.acquire(timeout=0.2):  # short waits: signals stay responsive
            pass
        if not self._inflight.begin(execution_id):
            self._slots.release()
            return False
        try:
            if self.is_async:
                self._event_loop().submit(self._run_async(execution_id, inputs))
            elif self._inline:
                contextvars.copy_context().run(self._run_sync, execution_id, inputs)
            else:
                context = contextvars.copy_context()
                self._executor().submit(context.run, self._run_sync, execution_id, inputs)
        except Terminated:
            raise
        except BaseException as exc:  # e.g. no thread could be started
            self._finish(execution_id, error=describe_exception(exc))
        return True

    def close(self) -> None:
        """Release threads; in-flight executions are not waited for."""
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        if self._loop is not None:
            self._loop.stop()

    # -- execution -------------------------------------------------------------------

    def _run_sync(self, execution_id: str, inputs: Dict[str, Any]) -> None:
        current_execution_id.set(execution_id)
        try:
            value = self._function(**inputs)
            if hasattr(value, "__await__"):  # sync wrapper around a coroutine
                value = self._event_loop().submit(_await_with_id(execution_id, value)).result()
            outputs = encode_outputs(value)
        except Terminated:
            raise
        except BaseException as exc:  # SystemExit / KeyboardInterrupt from user code are errors too
            self._finish(execution_id, error=describe_exception(exc))
        else:
            self._finish(execution_id, outputs=outputs)

    async def _run_async(self, execution_id: str, inputs: Dict[str, Any]) -> None:
        current_execution_id.set(execution_id)  # the task runs in its own context copy
        try:
            value = await self._function(**inputs)
            outputs = encode_outputs(value)
        except BaseException as exc:  # includes CancelledError
            self._finish(execution_id, error=describe_exception(exc))
        else:
            self._finish(execution_id, outputs=outputs)

    def _finish(
        self,
        execution_id: str,
        outputs: Optional[str] = None,
        error: Optional[Dict[str, str]] = None,
    ) -> None:
        """Flush the execution's logs, then send its result or error (exactly once)."""
        claimed = self._inflight.claim(execution_id)
        try:
            if not claimed:  # already answered (the worker is terminating)
                return
            for stream in self._streams:
                stream.flush_execution(execution_id)
            self._fd_capture.drain()
            if error is not None:
                for line in error["traceback"].splitlines():
                    self._channel.log(execution_id, "stderr", line)
                self._channel.send({"type": "error", "execution_id": execution_id, "error": error})
            else:
                self._channel.send_line(
                    '{"type":"result","execution_id":%s,"outputs":%s}' % (dumps(execution_id), outputs)
                )
        finally:
            if claimed:
                self._inflight.end(execution_id)
            self._slots.release()

    # -- lazily created threads ------------------------------------------------------

    def _executor(self) -> concurrent.futures.ThreadPoolExecutor:
        import concurrent.futures

        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(
                    max_workers=self._max_parallel,
                    thread_name_prefix="slipway-exec",
                    initializer=block_termination_signals,
                )
            return self._pool

    def _event_loop(self) -> EventLoopThread:
        with self._lock:
            if self._loop is None:
                self._loop = EventLoopThread()
            return self._loop
