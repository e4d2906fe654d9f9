"""The Inference interface a custom (BYOP) model implements."""

import logging
import typing
from abc import ABC, abstractmethod
from typing import Any, Optional, Set

import numpy as np

from mac.exceptions import InferenceDataValidationError, ModelNotAssignedError
from mac.types import InferenceData

logger = logging.getLogger(__name__)


class Inference(ABC):
    """Runs inferences on a model.

    Subclasses define ``expected_model_types`` (a property, or a method, returning
    a set of types; ``typing.Any`` or ``object`` accepts any model) and
    ``_predict(input_data)``; the builder assigns ``model``. ``predict`` checks the
    input and that a model is assigned, then calls ``_predict``. A subclass that
    needs no model (pure data processing) includes ``type(None)`` in its expected
    types.
    """

    def __init__(self) -> None:
        self._model: Optional[Any] = None

    @property
    @abstractmethod
    def expected_model_types(self) -> Set[Any]:
        """The types the assigned model may have."""

    @property
    def model(self) -> Any:
        """The model the inference runs (assigned by the builder)."""
        return self._model

    @model.setter
    def model(self, model: Any) -> None:
        self._raise_error_if_model_is_wrong_type(model)
        self._model = model

    def predict(self, input_data: InferenceData) -> InferenceData:
        """Checks ``input_data`` (a dict of numpy arrays) and the model, then runs ``_predict``."""
        if not isinstance(input_data, dict):
            raise InferenceDataValidationError(
                f"InferenceData must be a dict of numpy arrays, got {type(input_data).__name__}"
            )
        for key, value in input_data.items():
            if not isinstance(key, str) or not isinstance(value, np.ndarray):
                raise InferenceDataValidationError(
                    f"InferenceData must map column names to numpy arrays; {key!r} is a {type(value).__name__}"
                )
        self._raise_error_if_model_is_not_assigned()
        return self._predict(input_data)

    @abstractmethod
    def _predict(self, input_data: InferenceData) -> InferenceData:
        """Computes the outputs (a dict of arrays, rows on axis 0) of ``input_data``.

        Raises InferenceDataValidationError if the input data is not valid.
        """

    # -- checks ------------------------------------------------------------------

    def _expected_types(self) -> Set[Any]:
        types = self.expected_model_types
        if callable(types) and not isinstance(types, (set, frozenset, list, tuple, type)):
            types = types()
        if isinstance(types, type) or types is Any:
            types = {types}
        return set(types or ())

    def _raise_error_if_model_is_not_assigned(self) -> None:
        if self.model is None and type(None) not in self._expected_types():
            message = "The model is not assigned to the Inference object."
            logger.error(message)
            raise ModelNotAssignedError(message)

    def _raise_error_if_model_is_wrong_type(self, model: Any) -> None:
        expected = self._expected_types()
        if not expected or any(_matches(model, kind) for kind in expected):
            return
        names = sorted(getattr(kind, "__name__", repr(kind)) for kind in expected)
        message = f"The model is not of type(s): {names}. Got type '{type(model).__name__}' instead."
        logger.error(message)
        raise TypeError(message)

    # The names the Wallaroo documentation uses for these helpers.
    raise_error_if_model_is_not_assigned = _raise_error_if_model_is_not_assigned
    raise_error_if_model_is_wrong_type = _raise_error_if_model_is_wrong_type


def _matches(model: Any, kind: Any) -> bool:
    if kind is Any or kind is object:
        return True
    if kind is None:
        return model is None
    try:
        return isinstance(model, kind)
    except TypeError:  # a typing construct: compare with its origin class
        origin = typing.get_origin(kind) if hasattr(typing, "get_origin") else None
        return isinstance(origin, type) and isinstance(model, origin)
