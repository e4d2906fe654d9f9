"""File outputs in both modes, stored code that executions cannot change, and failure messages
without server paths.

A step returns a file output as {"path": p}, p relative to its working directory. Each
execution's file is collected into its own folder when the function returns, so it comes back
through every way of reading outputs (trigger_endpoint, a plain HTTP call, the results URL,
get_pipeline_execution_output, a data-store mapping), also with parallel executions of one
low-latency worker. Workers run in a copy of the code: what they write never reaches the step's
stored code."""

import io
import tarfile
from pathlib import Path

import pytest
from craft_ai_sdk import Input, Output, OutputDestination, SdkException

from compat_helpers import (
    FAILED_STATUSES,
    by_name,
    create_step,
    endpoint_post,
    endpoint_results,
    error_body,
    fixture_dir,
    log_text,
    run_concurrently,
    sdk_error,
    uid,
    unique,
    unwrap_endpoint_outputs,
)

STEPS = "src/file_steps.py"
MODES = [
    pytest.param({"mode": "low_latency"}, id="low-latency"),
    pytest.param({"mode": "low_latency", "enable_parallel_executions": True,
                  "max_parallel_executions_per_pod": 4}, id="low-latency-parallel"),
    pytest.param({"mode": "elastic"}, id="elastic"),
]


def _pipeline(sdk, function, inputs, outputs) -> str:
    """A step-based pipeline over the `files` fixture (so that the step can be downloaded)."""
    name = unique(f"files-{function.replace('_', '-')}")
    create_step(sdk, name, "files", STEPS, function, inputs=inputs, outputs=outputs)
    sdk.create_pipeline(pipeline_name=name, step_name=name)
    return name


def _report_pipeline(sdk) -> str:
    return _pipeline(sdk, "report", [Input("a", "number")], [Output("report", "file"), Output("out", "number")])


def _deploy(deployments, pipeline, **kwargs) -> dict:
    deployment = deployments.create(pipeline_name=pipeline, deployment_name=unique("files"),
                                    execution_rule="endpoint", **kwargs)
    assert deployment["status"] == "up", deployment
    return deployment


def _uploaded_files() -> dict:
    root = Path(fixture_dir("files"))
    files = {"requirements.txt": (root / "requirements.txt").read_bytes()}
    for path in (root / "src").iterdir():
        files[f"src/{path.name}"] = path.read_bytes()
    return files


def _downloaded_step(sdk, name, tmp_path) -> dict:
    sdk.download_step_local_folder(name, str(tmp_path))
    with tarfile.open(tmp_path / f"{name}.tgz", "r:gz") as tar:
        return {m.name.removeprefix("./"): tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def _stored_code(data_dir: Path) -> dict:
    """Every file under the server's stored code folders (path relative to the data dir -> bytes)."""
    code = data_dir / "code"
    return {str(path.relative_to(data_dir)): path.read_bytes() for path in code.rglob("*") if path.is_file()}


@pytest.mark.parametrize("options", MODES)
def test_file_output_through_every_way_of_reading_it(sdk, deployments, base_url, options):
    """The reproduction of the bug report, for both modes."""
    pipeline = _report_pipeline(sdk)
    deployment = _deploy(deployments, pipeline, **options)
    name, token = deployment["name"], deployment["endpoint_token"]

    result = sdk.trigger_endpoint(name, endpoint_token=token, inputs={"a": 2})
    assert result["outputs"] == {"report": b"a=2", "out": 4}
    execution_id = result["execution_id"]
    assert sdk.get_pipeline_execution(execution_id)["status"] == "Succeeded"
    assert sdk.get_pipeline_execution_output(execution_id, "report")["value"] == b"a=2"
    assert sdk.get_pipeline_execution_output(execution_id, "out")["value"] == 4

    # With the SDK's own credentials, then without waiting and through the results URL.
    assert sdk.trigger_endpoint(name, inputs={"a": 3})["outputs"] == {"report": b"a=3", "out": 6}
    started = sdk.trigger_endpoint(name, endpoint_token=token, inputs={"a": 5}, wait_for_completion=False)
    fetched = sdk.retrieve_endpoint_results(name, started["execution_id"], token)
    assert fetched["outputs"] == {"report": b"a=5", "out": 10}
    response = endpoint_results(base_url, name, started["execution_id"], token)
    assert response.status_code == 200, response.text[:300]

    # A plain HTTP client: the file output as a URL to fetch.
    response = endpoint_post(base_url, name, token, json_body={"a": 7})
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert unwrap_endpoint_outputs(response.json()["outputs"], token) == {"report": b"a=7", "out": 14}


@pytest.mark.parametrize("options", MODES)
def test_single_file_output_comes_back_as_the_file(sdk, deployments, base_url, options):
    pipeline = _pipeline(sdk, "only_report", [Input("a", "number")], [Output("report", "file")])
    deployment = _deploy(deployments, pipeline, **options)
    name, token = deployment["name"], deployment["endpoint_token"]

    response = endpoint_post(base_url, name, token, json_body={"a": 1})
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert "application/octet-stream" in response.headers.get("content-type", "")
    assert response.content == b"only a=1"
    assert sdk.trigger_endpoint(name, endpoint_token=token, inputs={"a": 2})["outputs"] == {"report": b"only a=2"}


def test_file_output_mapped_to_the_data_store_on_low_latency(sdk, deployments):
    pipeline = _report_pipeline(sdk)
    prefix = f"compat/{uid()}"
    deployment = _deploy(
        deployments, pipeline, mode="low_latency",
        outputs_mapping=[OutputDestination(pipeline_output_name="report",
                                           datastore_path=f"{prefix}/{{execution_id}}.txt")],
    )
    result = sdk.trigger_endpoint(deployment["name"], endpoint_token=deployment["endpoint_token"], inputs={"a": 4})
    assert result["outputs"] == {"out": 8}
    path = f"{prefix}/{result['execution_id']}.txt"
    assert [item["path"] for item in sdk.list_data_store_objects(prefix)] == [path]
    buffer = io.BytesIO()
    sdk.download_data_store_object(path, buffer)
    assert buffer.getvalue() == b"a=4"
    outputs = by_name(sdk.get_pipeline_execution(result["execution_id"])["outputs"], "pipeline_output_name")
    assert outputs["report"]["destination"] == "datastore"


def test_parallel_executions_each_return_their_own_file(sdk, deployments, base_url):
    pipeline = _pipeline(sdk, "named", [Input("name", "string")], [Output("report", "file"), Output("existed", "boolean")])
    deployment = _deploy(deployments, pipeline, mode="low_latency", enable_parallel_executions=True,
                         max_parallel_executions_per_pod=20)
    name, token = deployment["name"], deployment["endpoint_token"]
    names = [f"parallel-{index}.txt" for index in range(20)]

    def call(file_name):
        return lambda: sdk.trigger_endpoint(name, endpoint_token=token, inputs={"name": file_name})

    results, _ = run_concurrently([call(file_name) for file_name in names])
    for file_name, result in zip(names, results):
        assert result["outputs"]["report"] == f"file {file_name}".encode(), (file_name, result)
        assert sdk.get_pipeline_execution(result["execution_id"])["status"] == "Succeeded"

    # The executions of one worker share its working directory, as they would share a pod.
    again = sdk.trigger_endpoint(name, endpoint_token=token, inputs={"name": names[0]})
    assert again["outputs"]["existed"] is True


def test_elastic_executions_start_from_the_uploaded_code(sdk, deployments):
    pipeline = _pipeline(sdk, "named", [Input("name", "string")], [Output("report", "file"), Output("existed", "boolean")])
    first = sdk.run_pipeline(pipeline, inputs={"name": "left-behind.txt"})
    assert first["outputs"]["existed"] is False
    second = sdk.run_pipeline(pipeline, inputs={"name": "left-behind.txt"})
    assert second["outputs"] == {"report": b"file left-behind.txt", "existed": False}


@pytest.mark.parametrize("options", MODES)
def test_executions_cannot_change_the_stored_code(sdk, deployments, data_dir, tmp_path, options):
    writer = _pipeline(sdk, "named", [Input("name", "string")], [Output("report", "file"), Output("existed", "boolean")])
    vandal = _pipeline(sdk, "vandal", [Input("a", "number")], [Output("before", "string"), Output("out", "number")])
    stored_before = _stored_code(data_dir)
    writer_deployment = _deploy(deployments, writer, **options)
    vandal_deployment = _deploy(deployments, vandal, **options)

    for index in range(3):
        result = sdk.trigger_endpoint(writer_deployment["name"], endpoint_token=writer_deployment["endpoint_token"],
                                      inputs={"name": f"relative-{index}.txt"})
        assert result["outputs"]["report"] == f"file relative-{index}.txt".encode()
    first = sdk.trigger_endpoint(vandal_deployment["name"], endpoint_token=vandal_deployment["endpoint_token"],
                                 inputs={"a": 1})
    assert first["outputs"] == {"before": "data as uploaded\n", "out": 1}
    # A pipeline run is elastic: it starts from the uploaded code, whatever the deployment wrote.
    assert sdk.run_pipeline(vandal, inputs={"a": 2})["outputs"] == {"before": "data as uploaded\n", "out": 2}

    uploaded = _uploaded_files()
    for step in (writer, vandal):
        assert _downloaded_step(sdk, step, tmp_path) == uploaded, step
    assert _stored_code(data_dir) == stored_before


@pytest.mark.parametrize("options", MODES)
@pytest.mark.parametrize("function, reason", [
    ("missing", "'report' points to 'never-written.txt', which does not exist"),
    ("missing_absolute", "'report' points to 'never-written.txt', which does not exist"),
    ("directory", "'report': 'a-folder' is a directory"),
])
def test_failed_file_output_names_the_output_and_no_server_path(sdk, deployments, base_url, data_dir,
                                                                 options, function, reason):
    pipeline = _pipeline(sdk, function, [Input("a", "number")], [Output("report", "file"), Output("out", "number")])
    deployment = _deploy(deployments, pipeline, **options)
    name, token = deployment["name"], deployment["endpoint_token"]
    secret_paths = {str(data_dir), str(data_dir.resolve()), str(data_dir.parent)}

    response = endpoint_post(base_url, name, token, json_body={"a": 1})
    assert response.status_code == 422, (response.status_code, response.text[:500])
    body = error_body(response)
    assert reason in body["message"], body
    assert not any(path in response.text for path in secret_paths), response.text
    execution_id = body["execution_id"]
    execution = sdk.get_pipeline_execution(execution_id)
    assert execution["status"] in FAILED_STATUSES
    assert reason in log_text(sdk, execution_id)

    with sdk_error(status=422) as caught:
        sdk.trigger_endpoint(name, endpoint_token=token, inputs={"a": 2})
    assert not any(path in str(caught.value) for path in secret_paths), caught.value

    # A pipeline run (elastic) fails the same way; neither its answer nor the stored
    # executions name a server path.
    try:
        answer = str(sdk.run_pipeline(pipeline, inputs={"a": 3}))
    except SdkException as error:
        answer = str(error)
    assert not any(path in answer for path in secret_paths), answer
    for listed in sdk.list_pipeline_executions(pipeline):
        assert not any(path in str(sdk.get_pipeline_execution(listed["execution_id"])) for path in secret_paths)
