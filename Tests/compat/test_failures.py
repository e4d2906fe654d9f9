"""Failures: user exceptions, impossible builds, unsupported options, unknown names,
bad credentials, and management calls refused to execution-scoped credentials."""

import re

from craft_ai_sdk import CraftAiSdk, Input, Output, SdkException

from compat_helpers import (
    CLIENT_ERROR,
    CREATE_TIMEOUT_S,
    container_config,
    create_pipeline,
    sdk_error,
    uid,
    unique,
)

HELLO_PATH = "src/part-1-helloWorld.py"


def test_user_exception_fails_the_execution(sdk):
    name = unique("boom")
    create_pipeline(sdk, name, "io", "src/io_steps.py", "boom")

    try:
        result = sdk.run_pipeline(name)
    except SdkException:
        result = None  # reporting a failed execution as an error is allowed
    else:
        assert all(value is None for value in result["outputs"].values()), result
    execution_id = sdk.get_pipeline(name)["creation_info"]["last_execution_id"]
    assert execution_id
    if result is not None:
        assert result["execution_id"] == execution_id

    execution = sdk.get_pipeline_execution(execution_id)
    assert execution["status"] == "Failed"
    assert execution["end_date"]
    logs = "\n".join(entry["message"] for entry in sdk.get_pipeline_execution_logs(execution_id))
    assert "about to fail" in logs
    assert "Traceback" in logs
    assert "ValueError: compat boom 42" in logs

    listed = {item["execution_id"]: item for item in sdk.list_pipeline_executions(name)}
    assert listed[execution_id]["status"] == "Failed"


def test_user_exception_with_wait_for_completion_false(sdk):
    name = unique("boom-async")
    create_pipeline(sdk, name, "io", "src/io_steps.py", "boom")
    started = sdk.run_pipeline(name, wait_for_completion=False)
    assert set(started) == {"execution_id"}
    try:
        sdk.retrieve_pipeline_execution_outputs(started["execution_id"])
    except SdkException:
        pass
    assert sdk.get_pipeline_execution(started["execution_id"])["status"] == "Failed"


def test_bad_requirements_fail_the_creation_with_logs(sdk):
    name = unique("badreq")
    with sdk_error(name="CreationFailed"):
        sdk.create_step(
            step_name=name,
            function_path="src/main.py",
            function_name="main",
            container_config=container_config("badreq"),
            timeout_s=CREATE_TIMEOUT_S,
        )
    assert sdk.get_step(name)["creation_info"]["status"] == "creation_failed"
    logs = sdk.get_step_logs(name)
    assert isinstance(logs, list) and logs
    text = "\n".join(entry["message"] for entry in logs)
    assert "slipway-compat-package-that-does-not-exist" in text

    # A failed step cannot be used in a pipeline.
    with sdk_error(status=CLIENT_ERROR):
        sdk.create_pipeline(pipeline_name=name, step_name=name)


def test_bad_requirements_fail_a_function_based_pipeline(sdk):
    name = unique("badreq-pipe")
    with sdk_error(name="CreationFailed"):
        sdk.create_pipeline(
            pipeline_name=name,
            function_path="src/main.py",
            function_name="main",
            container_config=container_config("badreq"),
            timeout_s=CREATE_TIMEOUT_S,
        )
    assert sdk.get_pipeline(name)["creation_info"]["status"] == "creation_failed"
    text = "\n".join(entry["message"] for entry in sdk.get_pipeline_logs(name))
    assert "slipway-compat-package-that-does-not-exist" in text
    with sdk_error(status=CLIENT_ERROR):
        sdk.run_pipeline(name)


def test_dockerfile_path_is_refused_clearly(sdk):
    with sdk_error(status=CLIENT_ERROR) as info:
        sdk.create_step(
            step_name=unique("docker"),
            function_path=HELLO_PATH,
            function_name="helloWorld",
            container_config=container_config("hello", dockerfile_path="Dockerfile"),
            timeout_s=CREATE_TIMEOUT_S,
        )
    assert "dockerfile" in str(info.value).lower()


def test_unsupported_python_version_lists_the_available_ones(sdk):
    name = unique("py32")
    with sdk_error(status=CLIENT_ERROR) as info:
        sdk.create_step(
            step_name=name,
            function_path=HELLO_PATH,
            function_name="helloWorld",
            container_config=container_config("hello", language="python:3.2-slim"),
            timeout_s=CREATE_TIMEOUT_S,
        )
    text = str(info.value)
    assert "3.2" in text
    offered = set(re.findall(r"3\.\d+", text)) - {"3.2"}
    assert offered, f"no available Python version listed in: {text}"
    with sdk_error(status=404):
        sdk.get_step(name)


def test_unknown_names_are_404(sdk):
    missing = f"compat-missing-{uid()}"
    with sdk_error(status=404):
        sdk.get_step(missing)
    with sdk_error(status=404):
        sdk.get_pipeline(missing)
    with sdk_error(status=404):
        sdk.run_pipeline(missing)
    with sdk_error(status=404):
        sdk.list_pipeline_executions(missing)
    with sdk_error(status=404):
        sdk.get_pipeline_execution(missing)
    with sdk_error(status=404):
        sdk.get_pipeline_execution_logs(missing)
    with sdk_error(status=404):
        sdk.delete_pipeline(missing)
    with sdk_error(status=404):
        sdk.delete_step(missing)
    with sdk_error(status=404):
        sdk.get_step_logs(missing)
    with sdk_error(status=CLIENT_ERROR):
        sdk.create_pipeline(pipeline_name=unique("orphan"), step_name=missing)


def test_invalid_sdk_token_fails_on_first_call(slipway_server):
    client = CraftAiSdk(sdk_token=f"not-a-valid-token-{uid()}")
    with sdk_error(status=401):
        client.list_pipelines()
    with sdk_error(status=401):
        client.who_am_i()


def test_execution_token_is_limited_to_metrics_and_data_store(sdk):
    name = unique("probe")
    object_path = f"compat/{uid()}/inside.txt"
    create_pipeline(
        sdk, name, "insider", "src/insider.py", "probe",
        inputs=[Input("object_path", "string")],
        outputs=[
            Output("steps_status", "number"),
            Output("steps_message", "string"),
            Output("pipelines_status", "number"),
            Output("env_status", "number"),
            Output("datastore_ok", "boolean"),
            Output("seen_execution_id", "string"),
        ],
    )
    result = sdk.run_pipeline(name, inputs={"object_path": object_path})
    outputs = result["outputs"]
    assert outputs["seen_execution_id"] == result["execution_id"]
    assert outputs["steps_status"] == 403
    assert outputs["pipelines_status"] == 403
    assert outputs["env_status"] == 403
    # The SDK appends this hint itself when it knows it runs inside an execution.
    assert "not permitted from inside a running deployment or execution" in outputs["steps_message"]
    assert outputs["datastore_ok"] is True

    # The object written from inside the execution is in the workspace's data store.
    assert sdk.get_data_store_object_information(object_path)["size"] == "19.00 B"
