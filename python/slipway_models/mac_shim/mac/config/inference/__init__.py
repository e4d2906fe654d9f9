"""``mac.config.inference``: configuration of inferences."""

from mac.config.inference.custom_inference_config import CustomInferenceConfig, InferenceConfig

__all__ = ["CustomInferenceConfig", "InferenceConfig"]
