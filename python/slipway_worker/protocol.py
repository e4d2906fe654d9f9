"""JSON-lines protocol between the worker and the Swift supervisor.

Worker -> supervisor (stdout, one JSON object per line):
    {"type":"ready","pid":int,"python":"3.11.7","is_async":bool}
    {"type":"load_error","error":{"type","message","traceback"}}
    {"type":"log","execution_id":str|null,"stream":"stdout"|"stderr","ts":float,"message":str}
    {"type":"result","execution_id":str,"outputs":{...}}
    {"type":"error","execution_id":str,"error":{"type","message","traceback"}}
    {"type":"protocol_error","message":str}

Supervisor -> worker (stdin, one JSON object per line):
    {"type":"execute","execution_id":str,"inputs":{...},"files":{"dir":str,"outputs":[str]}}
                                 ("files" optional: the file outputs to collect into "dir"
                                  as soon as the function returns, see outputs.py)
    {"type":"shutdown"}          (EOF on stdin means the same)
"""

from __future__ import annotations

import json
import os
import select
import threading
import time
from typing import Any, Dict, List, Optional, Sequence

#: Longest log message, in UTF-8 bytes; longer lines are split.
MAX_LINE_BYTES = 64 * 1024


# Reused encoders: ``json.dumps`` with options builds a new JSONEncoder per call.
_ENCODERS = {
    allow_nan: json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=allow_nan)
    for allow_nan in (True, False)
}


def dumps(obj: Any, *, allow_nan: bool = True) -> str:
    """Compact JSON, non-ASCII kept as is except Unicode line separators.

    NEL, LS and PS are escaped so that a reader splitting on any newline
    (e.g. Swift's ``Character.isNewline``) still sees one message per line.
    """
    text = _ENCODERS[allow_nan].encode(obj)
    if "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
    return text


def split_line(text: str, limit: int = MAX_LINE_BYTES) -> List[str]:
    """Split ``text`` into pieces of at most ``limit`` UTF-8 bytes, on character boundaries."""
    if len(text) <= limit // 4:
        return [text]
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return [text]
    pieces = []
    start = 0
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        pieces.append(data[start:end].decode("utf-8", "surrogatepass"))
        start = end
    return pieces


def log_lines(execution_id: Optional[str], stream: str, text: str) -> List[str]:
    """The ``log`` messages for one output line (split if longer than MAX_LINE_BYTES)."""
    ts = time.time()
    return [
        dumps({"type": "log", "execution_id": execution_id, "stream": stream, "ts": ts, "message": piece})
        for piece in split_line(text)
    ]


class Channel:
    """Thread-safe writer of protocol messages, one line each.

    Messages are written in the order ``send`` was called. A thread that finds
    no write under way writes; messages sent meanwhile by other threads are
    queued and go out with its next ``os.write``, so busy moments cost one
    system call per batch rather than per message, and no thread waits on
    another's write.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)  # notified when the queue empties
        self._queue: List[bytes] = []
        self._writing = False
        self._flush_waiters = 0
        self._broken = False

    @property
    def broken(self) -> bool:
        """True once the supervisor end has gone away."""
        return self._broken

    def send(self, message: Dict[str, Any]) -> None:
        self.send_line(dumps(message))

    def send_line(self, line: str) -> None:
        """Write one already-encoded JSON object (no newline)."""
        self.send_lines((line,))

    def send_lines(self, lines: Sequence[str]) -> None:
        """Write already-encoded JSON objects, one per line, in one go if possible."""
        if len(lines) == 1:
            data = lines[0].encode("utf-8", "replace") + b"\n"  # lone surrogates become "?"
        else:
            data = ("\n".join(lines) + "\n").encode("utf-8", "replace")
        with self._lock:
            if self._broken:
                return
            self._queue.append(data)
            if self._writing:
                return  # the writing thread sends it with its next batch
            self._writing = True
        self._write_queue()

    def _write_queue(self) -> None:
        """Write batches until the queue is empty; called with ``_writing`` set."""
        pending = b""
        try:
            while True:
                with self._lock:
                    if not self._queue or self._broken:
                        self._queue.clear()
                        self._writing = False
                        if self._flush_waiters:
                            self._idle.notify_all()
                        return
                    pending = self._queue[0] if len(self._queue) == 1 else b"".join(self._queue)
                    self._queue.clear()
                while pending:
                    try:
                        written = os.write(self._fd, pending)
                    except (OSError, ValueError):
                        # Supervisor gone (EPIPE) or channel closed: nothing left to tell.
                        self._broken = True
                        break
                    pending = pending[written:]
        except BaseException:
            # Interrupted (a signal in the main thread): hand the rest back, unsent.
            with self._lock:
                if pending:
                    self._queue.insert(0, pending)
                self._writing = False
                self._idle.notify_all()
            raise

    def log(self, execution_id: Optional[str], stream: str, text: str) -> None:
        """Send one output line (split if longer than MAX_LINE_BYTES)."""
        self.send_lines(log_lines(execution_id, stream, text))

    def protocol_error(self, message: str) -> None:
        self.send({"type": "protocol_error", "message": message})

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Wait until every message sent so far is written (or the channel broke)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            self._flush_waiters += 1
            try:
                while self._writing:
                    remaining = 0.2 if deadline is None else min(0.2, deadline - time.monotonic())
                    if remaining <= 0:
                        return False
                    self._idle.wait(remaining)
            finally:
                self._flush_waiters -= 1
            if not self._queue or self._broken:
                return True
            self._writing = True
        self._write_queue()
        return True


class RequestReader:
    """Reads request lines from a file descriptor, as many as have arrived at a time."""

    def __init__(self, fd: int, poll_interval: float = 0.25) -> None:
        self.fd = fd
        self._poll = poll_interval
        self._buffer = b""
        self._eof = False

    def read_lines(self, *, poll: bool = False) -> Optional[List[bytes]]:
        """The complete lines that have arrived (at least one, waiting for it), or None at end of input.

        With ``poll``, waits with ``select`` in short slices, so that signal
        handlers get to run (in the main thread) even while no request arrives;
        other threads block in ``read`` itself.
        """
        while True:
            lines = self._take_lines()
            if lines:
                return lines
            if self._eof:
                return None
            if poll:
                ready, _, _ = select.select([self.fd], [], [], self._poll)
                if not ready:
                    continue
            self._read()

    def push_back(self, lines: List[bytes]) -> None:
        """Puts complete lines already taken back in front of what is buffered."""
        if lines:
            self._buffer = b"".join(line + b"\n" for line in lines) + self._buffer

    def read_available(self) -> Optional[List[bytes]]:
        """One read (the descriptor must be readable): the complete lines so far, or None at end of input."""
        if not self._eof:
            self._read()
        lines = self._take_lines()
        if not lines and self._eof:
            return None
        return lines

    def _read(self) -> None:
        try:
            chunk = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return
        if chunk:
            self._buffer += chunk
        else:
            self._eof = True

    def _take_lines(self) -> List[bytes]:
        buffer = self._buffer
        if self._eof:
            self._buffer = b""
            return buffer.split(b"\n") if buffer else []
        last = buffer.rfind(b"\n")
        if last < 0:
            return []
        self._buffer = buffer[last + 1 :]
        return buffer[:last].split(b"\n")
