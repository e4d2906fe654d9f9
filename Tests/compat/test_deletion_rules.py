"""Deletion rules for steps, pipelines and executions; step archive download."""

import tarfile
from pathlib import Path

from compat_helpers import (
    CLIENT_ERROR,
    create_pipeline,
    create_step,
    fixture_dir,
    sdk_error,
    unique,
)

HELLO_PATH = "src/part-1-helloWorld.py"


def _step_names(sdk):
    return {item["step_name"] for item in sdk.list_steps()}


def _pipeline_names(sdk):
    return {item["pipeline_name"] for item in sdk.list_pipelines()}


def test_step_used_by_a_pipeline_cannot_be_deleted_without_force(sdk):
    name = unique("del-step")
    create_step(sdk, name, "hello", HELLO_PATH, "helloWorld")
    sdk.create_pipeline(pipeline_name=name, step_name=name)
    execution_id = sdk.run_pipeline(name)["execution_id"]

    with sdk_error(status=CLIENT_ERROR):
        sdk.delete_step(name)
    assert sdk.get_step(name)["parameters"]["step_name"] == name
    assert name in _pipeline_names(sdk)

    deleted = sdk.delete_step(name, force_dependents_deletion=True)
    assert deleted["step_name"] == name
    assert name not in _step_names(sdk)
    assert name not in _pipeline_names(sdk)
    with sdk_error(status=404):
        sdk.get_step(name)
    with sdk_error(status=404):
        sdk.get_pipeline(name)
    with sdk_error(status=404):
        sdk.get_pipeline_execution(execution_id)


def test_forced_step_deletion_is_refused_while_a_deployment_uses_its_pipeline(sdk, deployments):
    name = unique("del-deployed")
    create_step(sdk, name, "hello", HELLO_PATH, "helloWorld")
    sdk.create_pipeline(pipeline_name=name, step_name=name)
    deployments.create(pipeline_name=name, deployment_name=name, execution_rule="endpoint", mode="elastic")

    with sdk_error(status=409):
        sdk.delete_step(name, force_dependents_deletion=True)
    # Nothing was deleted: the deployment still has its pipeline and step.
    assert name in _step_names(sdk)
    assert name in _pipeline_names(sdk)
    assert sdk.get_deployment(name)["pipeline"]["name"] == name

    sdk.delete_pipeline(name, force_deployments_deletion=True)
    sdk.delete_step(name)
    assert name not in _step_names(sdk)


def test_step_can_be_deleted_once_its_pipeline_is_gone(sdk):
    name = unique("del-order")
    create_step(sdk, name, "hello", HELLO_PATH, "helloWorld")
    sdk.create_pipeline(pipeline_name=name, step_name=name)

    deleted = sdk.delete_pipeline(name)
    assert deleted["pipeline"]["name"] == name
    assert deleted["deployments"] == []
    assert name not in _pipeline_names(sdk)
    assert name in _step_names(sdk)

    assert sdk.delete_step(name)["step_name"] == name
    assert name not in _step_names(sdk)


def test_delete_pipeline_execution_and_pipeline(sdk):
    name = unique("del-pipeline")
    create_pipeline(sdk, name, "hello", HELLO_PATH, "helloWorld")
    first = sdk.run_pipeline(name)["execution_id"]
    second = sdk.run_pipeline(name)["execution_id"]
    assert first != second

    assert sdk.delete_pipeline_execution(first) == {"execution_id": first}
    with sdk_error(status=404):
        sdk.get_pipeline_execution(first)
    with sdk_error(status=404):
        sdk.get_pipeline_execution_logs(first)
    with sdk_error(status=404):
        sdk.delete_pipeline_execution(first)
    remaining = [item["execution_id"] for item in sdk.list_pipeline_executions(name)]
    assert remaining == [second]
    assert sdk.get_pipeline_execution(second)["status"] == "Succeeded"

    assert sdk.delete_pipeline(name)["pipeline"]["name"] == name
    assert name not in _pipeline_names(sdk)
    with sdk_error(status=404):
        sdk.get_pipeline(name)
    with sdk_error(status=404):
        sdk.run_pipeline(name)
    with sdk_error(status=404):
        sdk.delete_pipeline(name)


def test_download_step_local_folder_returns_the_archive(sdk, tmp_path):
    name = unique("download")
    create_step(sdk, name, "hello", HELLO_PATH, "helloWorld")

    assert sdk.download_step_local_folder(name, str(tmp_path)) is None
    archive = tmp_path / f"{name}.tgz"
    assert archive.is_file()
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name.removeprefix("./"): m for m in tar.getmembers() if m.isfile()}
        assert {HELLO_PATH, "requirements.txt"} <= set(members), sorted(members)
        for path in (HELLO_PATH, "requirements.txt"):
            expected = Path(fixture_dir("hello"), path).read_bytes()
            assert tar.extractfile(members[path]).read() == expected, path
