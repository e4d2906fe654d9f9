"""Slipway's stand-in for Wallaroo's ``mac`` package (the BYOP model interface).

Only the surface a custom (BYOP) model's files use is provided, at the real
module paths:

* ``mac.inference.Inference`` (also ``mac.inference.inference.Inference``)
* ``mac.inference.creation.InferenceBuilder`` (also ``...creation.inference_builder``)
* ``mac.config.inference.CustomInferenceConfig`` (also ``...custom_inference_config``)
* ``mac.config.python_step.PythonStepConfig``
* ``mac.types.InferenceData``, ``mac.types.SupportedFrameworks``
* ``mac.exceptions`` (``InferenceDataValidationError``, ``ModelNotAssignedError``, ...)

It has no dependency beyond numpy (the real one is pydantic- and pyarrow-based).
"""

__version__ = "slipway"
