"""The InferenceBuilder interface: makes an Inference and assigns its model."""

from abc import ABC, abstractmethod
from typing import Any

from mac.inference.inference import Inference


class InferenceBuilder(ABC):
    """Builds a custom Inference from a ``CustomInferenceConfig``.

    ``inference`` returns a new instance of the custom Inference subclass;
    ``create(config)`` loads the model from ``config.model_path`` (the folder the
    model's ZIP was unpacked into) and assigns it.
    """

    @property
    @abstractmethod
    def inference(self) -> Inference:
        """A new instance of the custom Inference subclass."""

    @abstractmethod
    def create(self, config: Any) -> Inference:
        """The Inference, with its model loaded from ``config.model_path`` and assigned."""
