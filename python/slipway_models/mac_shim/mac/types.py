"""Types of the BYOP interface."""

from enum import Enum
from typing import Dict

import numpy as np

#: What ``Inference.predict`` takes and returns: column name -> array (rows on axis 0).
InferenceData = Dict[str, np.ndarray]


class SupportedFrameworks(str, Enum):
    """Framework names, as Wallaroo spells them."""

    CUSTOM = "custom"
    KERAS = "keras"
    ONNX = "onnx"
    PYTHON = "python"
    PYTORCH = "pytorch"
    SKLEARN = "sklearn"
    TENSORFLOW = "tensorflow"
    XGBOOST = "xgboost"
