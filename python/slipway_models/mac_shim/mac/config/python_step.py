"""Configuration of a Python step: its framework and the path to its files."""

from pathlib import Path
from typing import Any, Union

from mac.types import SupportedFrameworks


class PythonStepConfig:
    """``framework`` (a SupportedFrameworks) and ``model_path`` (a pathlib.Path)."""

    def __init__(self, framework: Union[str, SupportedFrameworks] = SupportedFrameworks.CUSTOM,
                 model_path: Union[str, Path] = Path("."), **extra: Any) -> None:
        if extra:
            raise TypeError(f"unexpected fields: {', '.join(sorted(extra))}")
        self.framework = SupportedFrameworks(framework)
        self.model_path = Path(model_path)

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in vars(self).items())
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)
