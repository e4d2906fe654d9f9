"""CustomInferenceConfig: what a BYOP builder's ``create`` gets."""

from pathlib import Path
from typing import Any, Iterable, List, Optional, Set, Union

from mac.config.python_step import PythonStepConfig
from mac.types import SupportedFrameworks

#: The older name of the base class.
InferenceConfig = PythonStepConfig


class CustomInferenceConfig(PythonStepConfig):
    """Configuration of a custom Inference.

    * ``framework``: ``SupportedFrameworks.CUSTOM`` (the only one accepted);
    * ``model_path``: ``pathlib.Path`` of the folder the model's ZIP was unpacked
      into; load artifacts relative to it (``config.model_path / "model.pkl"``);
    * ``modules_to_include``: glob patterns of the Python files to load
      (default ``{Path("*.py")}``);
    * ``matching_files``: the ``.py`` files those patterns match (computed).
    """

    def __init__(self, framework: Union[str, SupportedFrameworks] = SupportedFrameworks.CUSTOM,
                 model_path: Union[str, Path] = Path("."),
                 modules_to_include: Optional[Iterable[Union[str, Path]]] = None,
                 matching_files: Optional[Iterable[Union[str, Path]]] = None, **extra: Any) -> None:
        super().__init__(framework=framework, model_path=model_path, **extra)
        if self.framework != SupportedFrameworks.CUSTOM:
            raise ValueError("`framework` should be of type `SupportedFrameworks.CUSTOM`.")
        if not self.model_path.is_dir():
            raise ValueError("`model_path` should be a directory.")
        patterns = modules_to_include if modules_to_include is not None else [Path("*.py")]
        self.modules_to_include: Set[Path] = {Path(pattern) for pattern in patterns}
        files: List[Path] = sorted(
            {file for pattern in self.modules_to_include for file in self.model_path.glob(pattern.as_posix())}
        )
        if matching_files is not None:
            files = sorted(Path(file) for file in matching_files)
        if not files:
            raise FileNotFoundError("No matching files found inside `model_path`.")
        if any(file.suffix != ".py" for file in files):
            raise ValueError("`modules_to_include` must only match .py files.")
        self.matching_files: List[Path] = files
