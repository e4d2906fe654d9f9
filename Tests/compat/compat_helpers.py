"""Helpers shared by the compatibility tests (no fixtures here; see conftest.py)."""

import contextlib
import pickle
import uuid
from pathlib import Path

import pytest
import requests
from craft_ai_sdk import CraftAiSdk, SdkException

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Step/pipeline creation builds a Python environment the first time a given
# requirements.txt is seen (craft-ai-sdk pulls a few wheels), later ones hit the cache.
CREATE_TIMEOUT_S = 600

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
CENTROIDS = {
    0: [5.0, 3.4, 1.5, 0.2],
    1: [5.9, 2.8, 4.3, 1.3],
    2: [6.6, 3.0, 5.6, 2.0],
}


def uid() -> str:
    return uuid.uuid4().hex[:8]


def unique(prefix: str) -> str:
    """A DNS-style unique name: lowercase letters, digits and hyphens."""
    return f"compat-{prefix}-{uid()}"


def fixture_dir(name: str) -> str:
    path = FIXTURES / name
    assert path.is_dir(), path
    return str(path)


def container_config(fixture: str, **extra) -> dict:
    config = {
        "local_folder": fixture_dir(fixture),
        "requirements_path": "requirements.txt",
        "included_folders": ["src"],
    }
    config.update(extra)
    return config


def create_pipeline(
    sdk: CraftAiSdk,
    name: str,
    fixture: str,
    function_path: str,
    function_name: str,
    inputs=None,
    outputs=None,
    **config,
) -> dict:
    """Function-based pipeline creation from a fixture folder (waits until ready)."""
    pipeline = sdk.create_pipeline(
        pipeline_name=name,
        function_path=function_path,
        function_name=function_name,
        container_config=container_config(fixture, **config),
        inputs=inputs,
        outputs=outputs,
        timeout_s=CREATE_TIMEOUT_S,
    )
    assert pipeline["creation_info"]["status"] == "ready", pipeline
    return pipeline


def create_step(
    sdk: CraftAiSdk,
    name: str,
    fixture: str,
    function_path: str,
    function_name: str,
    inputs=None,
    outputs=None,
    **config,
) -> dict:
    step = sdk.create_step(
        step_name=name,
        function_path=function_path,
        function_name=function_name,
        container_config=container_config(fixture, **config),
        inputs=inputs,
        outputs=outputs,
        timeout_s=CREATE_TIMEOUT_S,
    )
    assert step["creation_info"]["status"] == "ready", step
    return step


def log_text(sdk: CraftAiSdk, execution_id: str) -> str:
    logs = sdk.get_pipeline_execution_logs(execution_id)
    assert isinstance(logs, list), logs
    for entry in logs:
        assert {"timestamp", "message"} <= set(entry), entry
    return "\n".join(str(entry["message"]) for entry in logs)


def by_name(items, key: str) -> dict:
    return {item[key]: item for item in items}


@contextlib.contextmanager
def sdk_error(status=None, name=None):
    """Expect an SdkException; `status` is an int, a range or a tuple of ints."""
    with pytest.raises(SdkException) as info:
        yield info
    error = info.value
    if status is not None:
        allowed = (status,) if isinstance(status, int) else tuple(status)
        assert error.status_code in allowed, (
            f"expected HTTP status in {allowed}, got {error.status_code}: {error}"
        )
    if name is not None:
        assert error.name == name, f"expected error name {name!r}, got {error.name!r}: {error}"


CLIENT_ERROR = range(400, 500)


def model_bytes() -> bytes:
    """A pickled nearest-centroid model, the same shape part-2-train.py writes."""
    model = {"type": "nearest-centroid", "features": FEATURES, "centroids": CENTROIDS}
    return pickle.dumps(model, protocol=4)


def iris_like_csv(rows_per_class: int = 10) -> bytes:
    """A small deterministic iris-like dataset (features + integer target)."""
    import random

    rng = random.Random(0)
    lines = [",".join(FEATURES + ["target"])]
    for label, centroid in CENTROIDS.items():
        for _ in range(rows_per_class):
            values = [round(v + rng.uniform(-0.15, 0.15), 2) for v in centroid]
            lines.append(",".join(str(v) for v in values + [label]))
    return ("\n".join(lines) + "\n").encode()


def access_token(base_url: str, refresh_token: str) -> str:
    """Exchange an SDK (refresh) token for an access token, as the SDK does."""
    response = requests.post(
        f"{base_url}/api/v1/auth/refresh", json={"refresh_token": refresh_token}, timeout=30
    )
    assert response.status_code == 200, (response.status_code, response.text)
    return response.json()["access_token"]
