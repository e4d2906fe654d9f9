"""Exceptions of the BYOP interface.

A custom model raises ``InferenceDataValidationError`` when the input data does not
suit it; Slipway answers that request with HTTP 400 and the exception's message.
"""


class InferenceDataValidationError(Exception):
    """The InferenceData given to ``Inference.predict`` is not valid for the model."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class ModelNotAssignedError(Exception):
    """``Inference.predict`` was called before a model was assigned."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class InferenceTypeError(Exception):
    """An object is not of the expected Inference type."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class ModelPredictionError(Exception):
    """The model's prediction failed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class InferencePreprocessingError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)


class InferencePostprocessingError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)


class PathNotExistError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)


class DirectoryNotExistError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)


class FileFormatError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
