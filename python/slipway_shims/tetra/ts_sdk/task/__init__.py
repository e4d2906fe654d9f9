"""What task scripts import from `ts_sdk.task`: the `Context` class and the errors its methods
raise (see `ts_sdk.task.__task_script_runner`)."""

from .__task_script_runner import ConcurrentModificationError, Context, TaskRuntimeError

__all__ = ["ConcurrentModificationError", "Context", "TaskRuntimeError"]
