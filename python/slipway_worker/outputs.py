"""Collecting an execution's file outputs the moment its function returns.

A file output is returned as ``{"path": p}``, ``p`` relative to the working
directory or absolute. In a resident worker, parallel executions share one
working directory, so the file is copied into the execution's own folder
before anything else can overwrite or remove it; the supervisor then only
takes files from that folder.
"""

from __future__ import annotations

import os
import shutil
import stat
from typing import Any, Dict, List, Optional


class OutputFileError(Exception):
    """A declared file output could not be collected (its message names the output, never a server path)."""


class FileOutputs:
    """Where to collect which outputs: ``{"dir": str, "outputs": [name, ...]}`` of an execute request."""

    __slots__ = ("directory", "names")

    def __init__(self, directory: str, names: List[str]) -> None:
        self.directory = directory
        self.names = names

    @classmethod
    def parse(cls, value: Any) -> Optional["FileOutputs"]:
        """The request's ``files`` member; None when absent. Raises ValueError when malformed."""
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError("files must be an object")
        directory = value.get("dir")
        names = value.get("outputs", [])
        if not isinstance(directory, str) or not os.path.isabs(directory):
            raise ValueError("files.dir must be an absolute path")
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise ValueError("files.outputs must be a list of output names")
        return cls(directory, names) if names else None


def collect_file_outputs(value: Any, files: Optional[FileOutputs]) -> Any:
    """``value`` with each collected file output pointing at its copy in ``files.directory``.

    Outputs whose path names nothing are left as returned (the supervisor
    reports them as missing, with the path the function gave). The user's
    dicts are not modified.
    """
    if files is None or not isinstance(value, dict):
        return value
    collected: Optional[Dict[Any, Any]] = None
    for index, name in enumerate(files.names):
        output = value.get(name)
        if not isinstance(output, dict):
            continue
        path = output.get("path")
        if not isinstance(path, str) or not path:
            continue
        source = os.path.abspath(path)
        try:
            mode = os.stat(source).st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise OutputFileError(f"file output {name!r}: {path!r} cannot be read ({exc.strerror})") from None
        if not stat.S_ISREG(mode):
            kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
            raise OutputFileError(f"file output {name!r}: {path!r} is {kind}")
        folder = os.path.join(files.directory, str(index))
        target = os.path.join(folder, os.path.basename(source))
        try:
            os.makedirs(folder, exist_ok=True)
            shutil.copyfile(source, target)
        except OSError as exc:
            raise OutputFileError(f"file output {name!r}: {path!r} could not be copied ({exc.strerror})") from None
        if collected is None:
            collected = dict(value)
        collected[name] = dict(output, path=target)
    return value if collected is None else collected
