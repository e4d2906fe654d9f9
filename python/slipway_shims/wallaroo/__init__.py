"""Slipway's stand-in for the parts of the Wallaroo SDK that orchestration tasks call.

Inside a task run, `in_task()` is True and `task_args()` is the `json` object the task was
created with (`run_once` / `run_scheduled`). Only used when the real `wallaroo` package is not
installed in the task's environment (this folder comes last on `sys.path`).
"""

import json
import os

__all__ = ["Client", "in_task", "task_args"]


def in_task() -> bool:
    """True inside a Slipway job run."""
    return bool(os.environ.get("SLIPWAY_JOB_RUN_ID"))


def task_args() -> dict:
    """The task's arguments (an empty dict outside a task)."""
    text = os.environ.get("SLIPWAY_JOB_ARGUMENTS")
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


class Client:
    """What orchestration code reaches through `wallaroo.Client()`: `in_task()`, `task_args()`,
    the API's URL (`api_endpoint`) and the run's bearer token (`auth_header()`), with which the
    task calls the REST API of its own workspace. Arguments are accepted and ignored, as in a
    real task (`auth_type` and the rest are set by the platform)."""

    def __init__(self, *args, **kwargs):
        self.api_endpoint = os.environ.get("WALLAROO_URL")

    def auth_header(self) -> dict:
        token = os.environ.get("WALLAROO_TOKEN")
        return {"Authorization": f"Bearer {token}"} if token else {}

    def in_task(self) -> bool:
        return in_task()

    def task_args(self) -> dict:
        return task_args()
