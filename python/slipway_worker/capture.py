"""Capture of user output as log lines.

Two layers:

* ``LogStream`` replaces ``sys.stdout`` / ``sys.stderr``; it buffers partial
  lines per execution and tags each line with the writer's execution id.
* ``FdCapture`` points file descriptors 1 and 2 at pipes read by daemon
  threads, catching output of C extensions and child processes.
  ``drain()`` waits until every byte written before the call has been
  turned into log messages, so logs precede the result they belong to.
  When both pipes are empty and their readers idle, that is already true
  and ``drain()`` returns at once (the usual case: most executions never
  write to fds 1 and 2).
"""

from __future__ import annotations

import codecs
import io
import os
import re
import select
import threading
import time
from typing import Callable, Dict, List, Optional

from .protocol import MAX_LINE_BYTES
from .termination import block_termination_signals

#: emit(execution_id, stream, line)
Emit = Callable[[Optional[str], str, str], None]
#: Returns the execution id the current output belongs to.
Resolve = Callable[[], Optional[str]]

# A partial line this long (in characters) is emitted without waiting for its newline.
_MAX_PENDING_CHARS = MAX_LINE_BYTES


class LogStream(io.TextIOBase):
    """Text stream turning complete lines into log messages."""

    def __init__(self, stream: str, fileno: int, emit: Emit, resolve: Resolve) -> None:
        super().__init__()
        self._stream = stream
        self._fileno = fileno
        self._emit = emit
        self._resolve = resolve
        self._pending: Dict[Optional[str], str] = {}
        # Re-entrant: a signal handler in user code may print while we hold it.
        self._lock = threading.RLock()
        self._binary: Optional[_BinaryWriter] = None

    # -- io.TextIOBase surface -------------------------------------------------

    @property
    def name(self) -> str:
        return f"<{self._stream}>"

    @property
    def encoding(self) -> str:
        return "utf-8"

    @property
    def errors(self) -> str:
        return "strict"

    @property
    def line_buffering(self) -> bool:
        return True

    @property
    def buffer(self) -> "_BinaryWriter":
        """Byte-level view (``sys.stdout.buffer``), decoded as UTF-8."""
        if self._binary is None:
            self._binary = _BinaryWriter(self)
        return self._binary

    def fileno(self) -> int:
        return self._fileno

    def isatty(self) -> bool:
        return False

    def readable(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def flush(self) -> None:
        """No-op: partial lines stay buffered until their newline or the execution's end."""

    def close(self) -> None:
        """Ignored: the captured streams stay open for the life of the worker."""

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        if not s:
            return 0
        execution_id = self._resolve()
        with self._lock:
            text = self._pending.pop(execution_id, "") + s
            lines = text.split("\n")
            rest = lines.pop()
            while len(rest) >= _MAX_PENDING_CHARS:
                lines.append(rest[:_MAX_PENDING_CHARS])
                rest = rest[_MAX_PENDING_CHARS:]
            if rest:
                self._pending[execution_id] = rest
            for line in lines:
                self._emit(execution_id, self._stream, line)
        return len(s)

    # -- worker side -------------------------------------------------------------

    def flush_execution(self, execution_id: Optional[str]) -> None:
        """Emit the execution's unfinished line, if any."""
        with self._lock:
            rest = self._pending.pop(execution_id, None)
            if rest:
                self._emit(execution_id, self._stream, rest)

    def flush_all(self) -> None:
        with self._lock:
            for execution_id in list(self._pending):
                self.flush_execution(execution_id)


class _BinaryWriter(io.BufferedIOBase):
    """``sys.stdout.buffer`` stand-in: decodes UTF-8 bytes into its LogStream."""

    def __init__(self, text: LogStream) -> None:
        super().__init__()
        self._text = text
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._lock = threading.Lock()

    def write(self, b) -> int:  # type: ignore[override]
        data = bytes(b)
        with self._lock:
            decoded = self._decoder.decode(data)
        if decoded:
            self._text.write(decoded)
        return len(data)

    def fileno(self) -> int:
        return self._text.fileno()

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


# Written into a capture pipe by ``drain``; no newline, so it cannot be split
# across lines, and short enough (< PIPE_BUF) to be written atomically.
_MARKER_RE = re.compile(rb"\x00\x1bslipway-drain:(\d+)\x00")
_MARKER_MAX_LEN = 64


class _FdPump:
    """One captured file descriptor: a pipe and the thread reading it."""

    def __init__(self, fd: int, stream: str, emit: Emit, resolve: Resolve) -> None:
        self._stream = stream
        self._emit = emit
        self._resolve = resolve
        self._read_fd, self._write_fd = os.pipe()  # both non-inheritable
        os.dup2(self._write_fd, fd)  # fd itself stays inheritable for child processes
        self._cond = threading.Condition()
        self._requested = 0
        self._processed = 0
        # True from the moment the reader may have taken bytes out of the pipe
        # until it has emitted them all (a partial line kept back counts too).
        self.busy = False
        self._thread = threading.Thread(target=self._run, name=f"slipway-{stream}-reader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request_drain(self) -> int:
        """Write a marker behind all output so far; returns its token."""
        with self._cond:
            self._requested += 1
            token = self._requested
        os.write(self._write_fd, b"\x00\x1bslipway-drain:%d\x00" % token)
        return token

    def wait_drained(self, token: int, deadline: float) -> bool:
        with self._cond:
            while self._processed < token:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.2))
            return True

    @property
    def read_fd(self) -> int:
        return self._read_fd

    def _run(self) -> None:
        block_termination_signals()
        buffer = bytearray()
        poller = select.poll() if hasattr(select, "poll") else None
        if poller is not None:
            poller.register(self._read_fd, select.POLLIN)
        try:
            while True:
                # Wait for data before marking busy, so that "pipe empty and not
                # busy" really means every byte written so far has been emitted.
                if poller is not None:
                    try:
                        poller.poll()
                    except OSError:
                        break
                self.busy = True
                try:
                    chunk = os.read(self._read_fd, 1 << 16)
                except InterruptedError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                buffer += chunk
                try:
                    self._consume(buffer)
                except Exception:
                    # A lost fragment beats a stalled pipe that blocks every writer.
                    buffer.clear()
                if poller is not None:
                    self.busy = bool(buffer)
        finally:
            if buffer:
                self._emit_line(bytes(_MARKER_RE.sub(b"", buffer)))
            with self._cond:
                self._processed = self._requested
                self._cond.notify_all()

    def _consume(self, buffer: bytearray) -> None:
        while True:
            marker = _MARKER_RE.search(buffer)
            limit = marker.start() if marker else len(buffer)
            newline = buffer.rfind(b"\n", 0, limit)
            if newline >= 0:
                block = bytes(buffer[:newline])
                del buffer[: newline + 1]
                for line in block.split(b"\n"):
                    self._emit_line(line)
                continue
            if marker is None:
                self._emit_overlong(buffer)
                return
            if limit:
                self._emit_line(bytes(buffer[:limit]))  # unfinished line ends at a drain
            token = int(marker.group(1))
            del buffer[: marker.end()]
            with self._cond:
                if token > self._processed:
                    self._processed = token
                self._cond.notify_all()

    def _emit_overlong(self, buffer: bytearray) -> None:
        # Keep a tail so that a marker still being read is never cut.
        while len(buffer) >= MAX_LINE_BYTES + _MARKER_MAX_LEN:
            cut = MAX_LINE_BYTES
            while cut > 0 and (buffer[cut] & 0xC0) == 0x80:
                cut -= 1
            self._emit_line(bytes(buffer[:cut]))
            del buffer[:cut]

    def _emit_line(self, line: bytes) -> None:
        self._emit(self._resolve(), self._stream, line.decode("utf-8", "replace"))


class FdCapture:
    """Captures file descriptors 1 and 2."""

    def __init__(self, emit: Emit, resolve: Resolve) -> None:
        self._pumps: List[_FdPump] = [
            _FdPump(1, "stdout", emit, resolve),
            _FdPump(2, "stderr", emit, resolve),
        ]
        self._read_fds = [pump.read_fd for pump in self._pumps]
        for pump in self._pumps:
            pump.start()

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until output written to fds 1 and 2 so far has been emitted."""
        if self._idle():
            return True
        deadline = time.monotonic() + timeout
        try:
            tokens = [(pump, pump.request_drain()) for pump in self._pumps]
        except OSError:
            return False
        return all(pump.wait_drained(token, deadline) for pump, token in tokens)

    def _idle(self) -> bool:
        """True if nothing written to fds 1 and 2 so far is still waiting to be emitted.

        The pipes are checked first: a byte that is no longer in its pipe has
        been taken by a reader that was already busy and stays busy until the
        byte is emitted.
        """
        try:
            readable, _, _ = select.select(self._read_fds, [], [], 0)
        except (OSError, ValueError):  # e.g. a descriptor above FD_SETSIZE
            return False
        return not readable and not any(pump.busy for pump in self._pumps)
