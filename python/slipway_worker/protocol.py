"""JSON-lines protocol between the worker and the Swift supervisor.

Worker -> supervisor (stdout, one JSON object per line):
    {"type":"ready","pid":int,"python":"3.11.7","is_async":bool}
    {"type":"load_error","error":{"type","message","traceback"}}
    {"type":"log","execution_id":str|null,"stream":"stdout"|"stderr","ts":float,"message":str}
    {"type":"result","execution_id":str,"outputs":{...}}
    {"type":"error","execution_id":str,"error":{"type","message","traceback"}}
    {"type":"protocol_error","message":str}

Supervisor -> worker (stdin, one JSON object per line):
    {"type":"execute","execution_id":str,"inputs":{...}}
    {"type":"shutdown"}          (EOF on stdin means the same)
"""

from __future__ import annotations

import json
import os
import select
import threading
import time
from typing import Any, Dict, List, Optional, TextIO

#: Longest log message, in UTF-8 bytes; longer lines are split.
MAX_LINE_BYTES = 64 * 1024


def dumps(obj: Any, *, allow_nan: bool = True) -> str:
    """Compact JSON, non-ASCII kept as is except Unicode line separators.

    NEL, LS and PS are escaped so that a reader splitting on any newline
    (e.g. Swift's ``Character.isNewline``) still sees one message per line.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=allow_nan)
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


class Channel:
    """Thread-safe writer of protocol messages; one line per message, flushed each time."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._broken = False

    @property
    def broken(self) -> bool:
        """True once the supervisor end has gone away."""
        return self._broken

    def send(self, message: Dict[str, Any]) -> None:
        self.send_line(dumps(message))

    def send_line(self, line: str) -> None:
        """Write one already-encoded JSON object."""
        with self._lock:
            if self._broken:
                return
            try:
                self._stream.write(line + "\n")
                self._stream.flush()
            except (OSError, ValueError):
                # Supervisor gone (EPIPE) or channel closed: nothing left to tell.
                self._broken = True

    def log(self, execution_id: Optional[str], stream: str, text: str) -> None:
        """Send one output line (split if longer than MAX_LINE_BYTES)."""
        for piece in split_line(text):
            self.send(
                {
                    "type": "log",
                    "execution_id": execution_id,
                    "stream": stream,
                    "ts": time.time(),
                    "message": piece,
                }
            )

    def protocol_error(self, message: str) -> None:
        self.send({"type": "protocol_error", "message": message})

    def flush(self) -> None:
        with self._lock:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._broken = True


class RequestReader:
    """Reads request lines from a file descriptor.

    Waits with ``select`` in short slices so that signal handlers get to run in
    the main thread even while no request arrives.
    """

    def __init__(self, fd: int, poll_interval: float = 0.25) -> None:
        self._fd = fd
        self._poll = poll_interval
        self._buffer = bytearray()
        self._eof = False

    def readline(self) -> Optional[bytes]:
        """Next line without its newline, or None at end of input."""
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self._buffer[:newline])
                del self._buffer[: newline + 1]
                return line
            if self._eof:
                if self._buffer:
                    line = bytes(self._buffer)
                    self._buffer.clear()
                    return line
                return None
            ready, _, _ = select.select([self._fd], [], [], self._poll)
            if not ready:
                continue
            try:
                chunk = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                continue
            if chunk:
                self._buffer += chunk
            else:
                self._eof = True
