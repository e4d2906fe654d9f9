"""``sklearn`` and ``xgboost`` models: a pickled (pickle or joblib) estimator.

Features: with one column whose rows are lists, each list is the row's feature
vector; otherwise each column is one feature (a scalar per row), in the order of
the request's columns, or by name when the estimator was fitted on a DataFrame
(``feature_names_in_``). Output: ``{"predictions": [value, ...]}`` per row (the
row of ``predict``'s result, flattened: one value for a classifier or a
single-target regressor). Probabilities are not returned (Wallaroo's runtime
returns ``predict`` only); a model that needs them is a custom (BYOP) model.
An ``xgboost.Booster`` is called with a ``DMatrix``.
"""

from __future__ import annotations

import pickle
from typing import Any, Dict, List, Optional

import numpy as np

from slipway_models.arrays import output_rows, typed_array
from slipway_models.errors import InferenceDataError, ModelLoadError
from slipway_models.records import Column, check_same_columns, column_values, profile_column, shape_text
from slipway_models.runtime import Model

OUTPUT = "predictions"


def _load(path: str) -> Any:
    try:
        import joblib  # reads joblib files and plain pickles
    except ImportError:
        joblib = None
    if joblib is not None:
        return joblib.load(path)
    with open(path, "rb") as file:
        return pickle.load(file)


class EstimatorModel(Model):
    framework = "sklearn"

    def __init__(self, spec: Any, estimator: Any = None) -> None:
        """Loads ``spec.path``, unless the caller loaded the ``estimator`` already."""
        super().__init__(spec)
        self.framework = spec.framework
        if estimator is None:
            try:
                estimator = _load(spec.path)
            except Exception as exc:
                raise ModelLoadError(
                    f"model {spec.name!r} is not a loadable pickle or joblib file: {type(exc).__name__}: {exc}"
                ) from exc
        self.booster = _is_booster(estimator)
        if not self.booster and not callable(getattr(estimator, "predict", None)):
            raise ModelLoadError(
                f"model {spec.name!r}: the pickled {type(estimator).__name__} has no predict method"
            )
        self.estimator = estimator
        names = getattr(estimator, "feature_names_in_", None)
        if names is None and self.booster:
            names = estimator.feature_names
        self.feature_names: Optional[List[str]] = [str(n) for n in names] if names is not None else None
        count = getattr(estimator, "n_features_in_", None)
        if count is None and self.booster:
            try:
                count = estimator.num_features()
            except Exception:
                count = None
        self.n_features: Optional[int] = int(count) if count is not None else None

    def _features(self, records: List[Dict[str, Any]], columns: List[str]) -> Any:
        rows = len(records)
        check_same_columns(records, columns)
        if len(columns) == 1:
            values = column_values(records, columns[0])
            profile = profile_column(columns[0], values)
            if profile.shape is not None and len(profile.shape) == 1:  # one feature vector per row
                matrix = self._array(profile, values)
                return self._checked(matrix, columns)
        if self.feature_names:  # fitted on a DataFrame: columns are matched by name
            for name in self.feature_names:
                if name not in columns:
                    raise InferenceDataError(
                        f"missing input column {name!r} (row 0): the model's features are "
                        f"{', '.join(repr(n) for n in self.feature_names)}"
                    )
            for column in columns:
                if column not in self.feature_names:
                    raise InferenceDataError(
                        f"unknown column {column!r} (row 0): the model's features are "
                        f"{', '.join(repr(n) for n in self.feature_names)}"
                    )
            columns = list(self.feature_names)
        arrays = []
        for column in columns:
            values = column_values(records, column)
            profile = profile_column(column, values)
            if not profile.is_scalar:
                raise InferenceDataError(
                    f"column {column!r}: row 0 holds an array of shape {shape_text(profile.shape)}; "
                    "send either one column whose value is the feature vector, or one column per feature "
                    "with a scalar per row"
                )
            arrays.append(self._array(profile, values))
        if any(array.dtype == object for array in arrays):
            matrix = np.empty((rows, len(arrays)), dtype=object)
            for index, array in enumerate(arrays):
                matrix[:, index] = array
        else:
            matrix = np.column_stack(arrays).astype(np.float64, copy=False)
        return self._checked(matrix, columns)

    def _checked(self, matrix: np.ndarray, columns: List[str]) -> Any:
        if self.n_features is not None and matrix.shape[1] != self.n_features:
            raise InferenceDataError(
                f"the model takes {self.n_features} features, the request has {matrix.shape[1]} "
                f"(columns {', '.join(repr(c) for c in columns)})"
            )
        if self.feature_names and not self.booster and len(self.feature_names) == matrix.shape[1]:
            import pandas  # fitted on a DataFrame: give it one, with its column names

            return pandas.DataFrame(matrix, columns=self.feature_names)
        return matrix

    @staticmethod
    def _array(profile: Column, values: List[Any]) -> np.ndarray:
        if profile.kind == "str":
            return typed_array(profile, values, object, "model")
        if profile.kind == "bool":
            return typed_array(profile, values, np.bool_, "model").astype(np.float64)
        return typed_array(profile, values, np.float64, "model")

    def predict_rows(self, records: List[Dict[str, Any]], columns: List[str]) -> List[Dict[str, Any]]:
        features = self._features(records, columns)
        if self.booster:
            import xgboost

            prediction = self.estimator.predict(xgboost.DMatrix(features, feature_names=self.feature_names))
        else:
            prediction = self.estimator.predict(features)
        values = output_rows(OUTPUT, np.asarray(prediction), len(records), True, f"model {self.name!r}")
        return [{OUTPUT: value} for value in values]

    def describe(self) -> Dict[str, Any]:
        description = super().describe()
        description["estimator"] = f"{type(self.estimator).__module__}.{type(self.estimator).__qualname__}"
        if self.feature_names:
            description["inputs"] = [{"name": n, "type": None, "shape": []} for n in self.feature_names]
        elif self.n_features is not None:
            description["inputs"] = [{"name": None, "type": None, "shape": [None, self.n_features]}]
        description["outputs"] = [{"name": OUTPUT, "type": None, "shape": None}]
        return description


def _is_booster(value: Any) -> bool:
    cls = type(value)
    return cls.__name__ == "Booster" and cls.__module__.startswith("xgboost")
