"""SIGTERM / SIGINT handling."""

from __future__ import annotations

import os
import signal
from typing import Callable

#: Signals that ask the worker to stop.
TERMINATION_SIGNALS = tuple(
    sig for sig in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGINT", None)) if sig is not None
)


class Terminated(BaseException):
    """Raised in the main thread when a termination signal arrives."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"worker received signal {signum}")
        self.signum = signum

    @property
    def signal_name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return str(self.signum)


def block_termination_signals() -> None:
    """Keep termination signals off the calling thread so the main thread gets them.

    Call first thing in every thread the worker starts; threads they spawn
    inherit the mask.
    """
    if hasattr(signal, "pthread_sigmask") and TERMINATION_SIGNALS:
        try:
            signal.pthread_sigmask(signal.SIG_BLOCK, set(TERMINATION_SIGNALS))
        except (OSError, ValueError):
            pass


def install_raising_handlers() -> None:
    """First signal raises Terminated in the main thread; a second one exits at once."""

    def handler(signum: int, frame: object) -> None:
        install_exit_handlers()
        raise Terminated(signum)

    _install(handler)


def install_exit_handlers() -> None:
    """Any termination signal ends the process immediately."""

    def handler(signum: int, frame: object) -> None:
        os._exit(128 + signum)

    _install(handler)


def _install(handler: Callable[[int, object], None]) -> None:
    for sig in TERMINATION_SIGNALS:
        try:
            signal.signal(sig, handler)
        except (OSError, ValueError):
            pass
