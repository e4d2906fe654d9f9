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


_RUNNING = "running"
_FINISHING = "finishing"


class InFlight:
    """Executions that have been accepted and have not yet sent their last message.

    ``claim`` hands out the right to send an execution's terminal message
    (result or error) exactly once; ``end`` removes it once that is sent.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._states: Dict[str, str] = {}

    def begin(self, execution_id: str) -> bool:
        with self._cond:
            if execution_id in self._states:
                return False
            self._states[execution_id] = _RUNNING
            return True

    def claim(self, execution_id: str) -> bool:
        with self._cond:
            if self._states.get(execution_id) != _RUNNING:
                return False
            self._states[execution_id] = _FINISHING
            return True

    def claim_all(self) -> List[str]:
        with self._cond:
            claimed = [eid for eid, state in self._states.items() if state == _RUNNING]
            for eid in claimed:
                self._states[eid] = _FINISHING
            return claimed

    def end(self, execution_id: str) -> None:
        with self._cond:
            self._states.pop(execution_id, None)
            self._cond.notify_all()

    def __contains__(self, execution_id: object) -> bool:
        with self._cond:
            return execution_id in self._states

    def single(self) -> Optional[str]:
        """The only in-flight execution, or None if there are zero or several."""
        with self._cond:
            if len(self._states) == 1:
                return next(iter(self._states))
            return None

    def wait_empty(self, timeout: Optional[float] = None, poll: float = 0.2) -> bool:
        """Wait until nothing is in flight; waits in slices so signals are handled."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._states:
                remaining = poll
                if deadline is not None:
                    remaining = min(poll, deadline - time.monotonic())
                    if remaining <= 0:
                        return False
                self._cond.wait(remaining)
            return True


def resolve_execution_id(inflight: InFlight) -> Optional[str]:
    """Execution a line of output belongs to: the context's, else the single in-flight one."""
    execution_id = current_execution_id.get(None)
    if execution_id is not None:
        return execution_id
    return inflight.single()
