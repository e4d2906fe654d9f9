"""``mac.inference``: the Inference interface."""

from mac.inference.inference import Inference

__all__ = ["Inference"]
