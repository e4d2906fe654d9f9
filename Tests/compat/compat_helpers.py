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


# --- Deployments ----------------------------------------------------------------------

FAILED_STATUSES = ("Failed", "Error")
FINAL_EXECUTION_STATUSES = ("Succeeded", "Skipped", "Failed", "Error")
# The keys of a deployment's input (output) mapping that name its source (destination).
INPUT_SOURCE_KEYS = (
    "constant_value", "environment_variable_name", "endpoint_input_name", "is_null", "datastore_path",
)
OUTPUT_DESTINATION_KEYS = ("endpoint_output_name", "is_null", "datastore_path")
# How long a deployment may take to become ready (low-latency workers import the module).
DEPLOYMENT_READY_TIMEOUT_S = 180
# Public endpoint calls block until the execution ends.
ENDPOINT_CALL_TIMEOUT_S = 120


class DeploymentTracker:
    """Creates deployments through the SDK and deletes them at the end of the test (see the
    `deployments` fixture), so that no endpoint, schedule or resident worker outlives its test."""

    def __init__(self, sdk: CraftAiSdk):
        self.sdk = sdk
        self.names: list = []

    def track(self, name: str) -> str:
        if name not in self.names:
            self.names.append(name)
        return name

    def create(self, **kwargs) -> dict:
        """`sdk.create_deployment(**kwargs)`; the name is tracked before the call, so that a
        deployment the server created although it should not have is deleted too."""
        self.track(kwargs["deployment_name"])
        if kwargs.get("wait_for_completion", True):
            kwargs.setdefault("timeout_s", DEPLOYMENT_READY_TIMEOUT_S)
        return self.sdk.create_deployment(**kwargs)

    def cleanup(self) -> None:
        import warnings

        for name in reversed(self.names):
            try:
                self.sdk.delete_deployment(name)
            except SdkException as error:
                if error.status_code != 404:
                    warnings.warn(f"could not delete deployment {name}: {error}")
            except Exception as error:  # never hide the test's own outcome
                warnings.warn(f"could not delete deployment {name}: {error!r}")
        self.names.clear()


def deployment_names(sdk: CraftAiSdk) -> set:
    listed = sdk.list_deployments()
    assert isinstance(listed, list), listed
    return {item["name"] for item in listed}


def execution_ids(sdk: CraftAiSdk, pipeline_name: str) -> set:
    return {item["execution_id"] for item in sdk.list_pipeline_executions(pipeline_name)}


def deployment_executions(sdk: CraftAiSdk, pipeline_name: str, deployment_name: str) -> list:
    """The executions of `pipeline_name` started by `deployment_name` (list order kept)."""
    return [
        item for item in sdk.list_pipeline_executions(pipeline_name)
        if item.get("deployment_name") == deployment_name
    ]


def assert_not_created(sdk: CraftAiSdk, name: str, names_before: set) -> None:
    """A refused creation left nothing behind."""
    assert deployment_names(sdk) == names_before
    with sdk_error(status=404):
        sdk.get_deployment(name)


def source_keys(mapping: dict, keys=INPUT_SOURCE_KEYS) -> set:
    """The source (or destination) keys set in one item of a deployment's mapping (`is_null`
    counts only when true; a constant value of false or 0 counts)."""
    return {
        key for key in keys
        if mapping.get(key) is not None and not (key == "is_null" and mapping[key] is not True)
    }


def wait_for(predicate, timeout: float, interval: float = 0.5, message: str = ""):
    """Call `predicate` until it returns something truthy (returned) or `timeout` passes."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message or f"condition not met within {timeout}s")
        time.sleep(interval)


def wait_for_execution_end(sdk: CraftAiSdk, execution_id: str, timeout: float = 120) -> dict:
    def ended():
        execution = sdk.get_pipeline_execution(execution_id)
        return execution if execution["status"] in FINAL_EXECUTION_STATUSES else None

    return wait_for(ended, timeout, message=f"execution {execution_id} did not end in {timeout}s")


def endpoint_post(
    base_url: str,
    path: str,
    token,
    json_body=None,
    files=None,
    data=None,
    headers=None,
    timeout: float = ENDPOINT_CALL_TIMEOUT_S,
) -> requests.Response:
    """A plain HTTP client calling a public endpoint (no craft-ai-client header), as in the
    "Target the endpoint" part of the Craft AI Get Started."""
    all_headers = {} if token is None else {"Authorization": f"EndpointToken {token}"}
    all_headers.update(headers or {})
    return requests.post(
        f"{base_url}/endpoints/{path}",
        headers=all_headers,
        json=json_body,
        files=files,
        data=data,
        timeout=timeout,
    )


def endpoint_results(base_url: str, path: str, execution_id: str, token: str) -> requests.Response:
    """GET {ENV}/endpoints/v1/{path}/executions/{id}?token=..., what the SDK sends."""
    return requests.get(
        f"{base_url}/endpoints/v1/{path}/executions/{execution_id}",
        params={"token": token},
        timeout=ENDPOINT_CALL_TIMEOUT_S,
    )


def unwrap_endpoint_outputs(outputs: dict, token: str) -> dict:
    """Endpoint output objects as the SDK reads them: {"value": v} -> v, {"url": u} -> the
    bytes of GET u?token=..., anything else unchanged."""
    result = {}
    for name, item in outputs.items():
        if isinstance(item, dict) and "value" in item:
            item = item["value"]
        elif isinstance(item, dict) and "url" in item:
            assert isinstance(item["url"], str) and item["url"].startswith("http"), item
            assert "?" not in item["url"], item
            response = requests.get(
                item["url"], params={"token": token}, timeout=ENDPOINT_CALL_TIMEOUT_S
            )
            assert response.status_code == 200, (response.status_code, response.text[:300])
            item = response.content
        result[name] = item
    return result


def error_body(response: requests.Response) -> dict:
    """An error answer in the Craft AI shape: a JSON object with a `message`."""
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(
            f"HTTP {response.status_code} without a JSON body: {response.text[:300]!r}"
        ) from None
    assert isinstance(body, dict), body
    assert isinstance(body.get("message"), str) and body["message"], body
    return body


def run_concurrently(functions, timeout: float = 120):
    """Start every function in its own thread at the same moment; return (results, seconds
    from the start until the last one finished). Re-raises the first exception."""
    import threading
    import time

    count = len(functions)
    barrier = threading.Barrier(count + 1)
    results = [None] * count
    errors = [None] * count

    def run(index, function):
        barrier.wait()
        try:
            results[index] = function()
        except BaseException as error:  # noqa: B902 - reported in the main thread
            errors[index] = error

    threads = [
        threading.Thread(target=run, args=(index, function), daemon=True)
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    deadline = started + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    elapsed = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), f"calls still running after {timeout}s"
    for error in errors:
        if error is not None:
            raise error
    return results, elapsed
