"""``mac.inference.creation``: the builder interface."""

from mac.inference.creation.inference_builder import InferenceBuilder

__all__ = ["InferenceBuilder"]
