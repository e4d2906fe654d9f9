"""Fork server: an interpreter with this package imported that forks standby workers on request.

Starting Python and importing the worker costs tens of milliseconds of CPU; forking an
interpreter that has done so costs about one. The server never runs user code, so every child
starts from the same state: nothing of one execution is visible to the next.

Standard input is a Unix socket. Each request is one byte with three file descriptors attached
(``SCM_RIGHTS``): the child's standard input, output and error. The server forks; the child
takes those descriptors as 0, 1 and 2, becomes the leader of a process group of its own (so the
supervisor can kill it and whatever it starts as one) and continues as ``--standby`` does: it
waits for its start line. The server answers on standard output, one JSON line per event:
``{"type": "ready", "pid": N}`` once, ``{"type": "forked", "pid": N}`` for each request, in order, and
``{"type": "exited", "pid": N, "code": C}`` (or ``"signal": S``) when it has reaped a child.
End of input (or an error on the socket) ends the server once the children it forked have
exited (it reports them until then).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys
from typing import Callable, List, Optional

EXIT_OK = 0
EXIT_INTERNAL_ERROR = 1


def _emit(message: dict) -> None:
    data = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
    view = memoryview(data)
    while view:
        written = os.write(1, view)
        view = view[written:]


def _status(status: int) -> dict:
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return {"code": os.waitstatus_to_exitcode(status)}


def _reap() -> bool:
    """Reports every child that has exited (waits for none); False once no child is left."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True
        _emit({"type": "exited", "pid": pid, **_status(status)})


def serve(control: socket.socket, child: Callable[[], int]) -> int:
    """Forks a child per request until the control socket ends; ``child`` runs in each child
    (its return value is the child's exit code)."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    accepting = True
    try:
        while True:
            for key, _ in selector.select():
                if key.fileobj is not control:
                    try:
                        os.read(wake_read, 4096)
                    except BlockingIOError:
                        pass
                    if not _reap() and not accepting:
                        return EXIT_OK
                    continue
                try:
                    data, fds, _, _ = socket.recv_fds(control, 1, 3)
                except OSError:
                    data, fds = b"", []
                if not data:
                    # No more requests: wait for the children still running, reporting them.
                    accepting = False
                    selector.unregister(control)
                    if not _reap():
                        return EXIT_OK
                    continue
                if len(fds) != 3:
                    for fd in fds:
                        os.close(fd)
                    sys.stderr.write(f"slipway fork server: a request came with {len(fds)} descriptors, not 3\n")
                    continue
                pid = os.fork()
                if pid == 0:
                    code = EXIT_INTERNAL_ERROR
                    try:
                        selector.close()
                        control.close()
                        signal.set_wakeup_fd(-1)
                        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                        os.close(wake_read)
                        os.close(wake_write)
                        os.setpgid(0, 0)
                        for target, fd in enumerate(fds):
                            os.dup2(fd, target)
                        for fd in fds:
                            if fd > 2:
                                os.close(fd)
                        code = child()
                    except BaseException:  # noqa: BLE001 - a child never returns into the server loop
                        try:
                            import traceback

                            traceback.print_exc()
                        except BaseException:  # noqa: BLE001
                            pass
                    finally:
                        os._exit(code)
                for fd in fds:
                    os.close(fd)
                try:
                    os.setpgid(pid, pid)  # also here: the supervisor may signal the group before the child ran
                except OSError:
                    pass
                _emit({"type": "forked", "pid": pid})
                _reap()
    finally:
        selector.close()


def main(run_standby: Callable[[List[str]], int], argv: Optional[List[str]] = None) -> int:
    """``python -m slipway_worker --fork-server``: ``run_standby(["--standby"])`` in each child."""
    try:
        control = socket.socket(fileno=os.dup(0))
    except OSError as exc:
        sys.stderr.write(f"slipway fork server: standard input is not a socket: {exc}\n")
        return EXIT_INTERNAL_ERROR
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    _emit({"type": "ready", "pid": os.getpid()})
    return serve(control, lambda: run_standby(["--standby"]))
