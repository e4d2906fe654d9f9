"""Execution-id context visible to user code, and the registry of in-flight executions."""

from __future__ import annotations

import contextvars
import sys
import threading
import time
import types
from typing import Dict, List, Optional

#: Name of the module user code imports to read the current execution id.
MODULE_NAME = "__craft_internal_execution_context"

#: Set for every execution, in the context that runs the user's function.
current_execution_id: "contextvars.ContextVar[str]" = contextvars.ContextVar("current_execution_id")


def install_context_module() -> types.ModuleType:
    """Register ``__craft_internal_execution_context`` in ``sys.modules``."""
    module = types.ModuleType(MODULE_NAME, "Slipway execution context (internal).")
    module.current_execution_id = current_execution_id  # type: ignore[attr-defined]
    sys.modules[MODULE_NAME] = module
    return module


_QUEUED = "queued"
_RUNNING = "running"
_FINISHING = "finishing"


class InFlight:
    """Executions that have been accepted and have not yet sent their last message.

    ``begin`` accepts an execution (it may wait in a queue), ``start`` marks it
    running. ``claim`` hands out the right to send an execution's terminal
    message (result or error) exactly once; ``end`` removes it once that is
    sent. After ``close`` no execution is accepted any more.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._states: Dict[str, str] = {}
        # Started and not yet ended, for attributing output (see ``single``).
        self._started: Dict[str, None] = {}
        self._closed = False
        self._emptiness_waiters = 0

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True

    def begin(self, execution_id: str) -> bool:
        """Accept a new execution; False if that id is in flight or the registry is closed."""
        with self._cond:
            if self._closed or execution_id in self._states:
                return False
            self._states[execution_id] = _QUEUED
            return True

    def start(self, execution_id: str) -> bool:
        """Mark an accepted execution as running; False if it was answered meanwhile (terminating)."""
        with self._cond:
            if self._states.get(execution_id) != _QUEUED:
                return False
            self._states[execution_id] = _RUNNING
            self._started[execution_id] = None
            return True

    def claim(self, execution_id: str) -> bool:
        with self._cond:
            if self._states.get(execution_id) not in (_QUEUED, _RUNNING):
                return False
            self._states[execution_id] = _FINISHING
            return True

    def claim_all(self) -> List[str]:
        """Claim every execution not yet answered, queued ones included."""
        with self._cond:
            claimed = [eid for eid, state in self._states.items() if state != _FINISHING]
            for eid in claimed:
                self._states[eid] = _FINISHING
            return claimed

    def end(self, execution_id: str) -> None:
        with self._cond:
            self._states.pop(execution_id, None)
            self._started.pop(execution_id, None)
            if not self._states and self._emptiness_waiters:
                self._cond.notify_all()

    def __contains__(self, execution_id: object) -> bool:
        with self._cond:
            return execution_id in self._states

    def single(self) -> Optional[str]:
        """The only started execution, or None if there are zero or several (queued ones do not count)."""
        with self._cond:
            if len(self._started) == 1:
                return next(iter(self._started))
            return None

    def wait_empty(self, timeout: Optional[float] = None, poll: float = 0.2) -> bool:
        """Wait until nothing is in flight; waits in slices so signals are handled."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._emptiness_waiters += 1
            try:
                while self._states:
                    remaining = poll
                    if deadline is not None:
                        remaining = min(poll, deadline - time.monotonic())
                        if remaining <= 0:
                            return False
                    self._cond.wait(remaining)
                return True
            finally:
                self._emptiness_waiters -= 1


def resolve_execution_id(inflight: InFlight) -> Optional[str]:
    """Execution a line of output belongs to: the context's, else the single in-flight one."""
    execution_id = current_execution_id.get(None)
    if execution_id is not None:
        return execution_id
    return inflight.single()
