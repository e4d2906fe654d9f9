"""Exceptions of the model runtimes (standard library only).

The worker reports an exception by its type name (``error.type``); the Swift side
maps ``InferenceDataError`` to HTTP 400 and anything else to a 500-type failure.
"""

from __future__ import annotations


class InferenceDataError(Exception):
    """The request's data breaks a data rule (Wallaroo §7.3) or the model refused it.

    The message names the column and the row (0-based) where it can.
    """


class ModelLoadError(Exception):
    """The model cannot be loaded (raised when ``slipway_models.entry`` is imported)."""


class ModelOutputError(Exception):
    """The model answered something that cannot be turned into one output row per input row."""
