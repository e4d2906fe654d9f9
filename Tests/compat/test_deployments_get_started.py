"""The Craft AI "Get Started", part 4: deploy a ML use case with inputs and outputs.

* an endpoint deployment of the predict pipeline: `input_data` comes from the endpoint, the
  model file from the data store, and the `predictions` output is exposed as `iris_type`;
* a periodic deployment of the training pipeline, every minute, with a constant input and the
  model written to the data store (marked `slow`: it waits for the first scheduled minute).
"""

import io
import pickle
import time

import pytest
import requests
from craft_ai_sdk import Input, InputSource, Output, OutputDestination

from compat_helpers import (
    CENTROIDS,
    CREATE_TIMEOUT_S,
    FEATURES,
    OUTPUT_DESTINATION_KEYS,
    by_name,
    container_config,
    create_step,
    deployment_executions,
    iris_like_csv,
    log_text,
    model_bytes,
    sdk_error,
    source_keys,
    uid,
    unique,
    wait_for,
    wait_for_execution_end,
)

PART4_PATH = "src/part-4-iris-predict.py"


def _sample(label, shift=0.0):
    return {f: round(v + shift, 2) for f, v in zip(FEATURES, CENTROIDS[label])}


def test_part4_endpoint_with_datastore_model_and_exposed_output(sdk, deployments, base_url):
    name = unique("part-4-iris-deployment")
    model_path = f"get_started/{uid()}/models/iris_knn_model.pkl"
    sdk.upload_data_store_object(
        filepath_or_buffer=io.BytesIO(model_bytes()),
        object_path_in_datastore=model_path,
    )

    # Step and pipeline exactly as in the documentation.
    prediction_input = Input(name="input_data", data_type="json")
    model_input = Input(name="input_model", data_type="file")
    prediction_output = Output(name="predictions", data_type="json")
    step = sdk.create_step(
        step_name=name,
        function_path=PART4_PATH,
        function_name="predictIris",
        description="This function retrieves the trained model and classifies the input "
        "data by returning the prediction.",
        inputs=[prediction_input, model_input],
        outputs=[prediction_output],
        container_config=container_config("deploy"),
        timeout_s=CREATE_TIMEOUT_S,
    )
    assert step["creation_info"]["status"] == "ready"
    pipeline = sdk.create_pipeline(pipeline_name=name, step_name=name)
    assert pipeline["creation_info"]["status"] == "ready"

    # The mappings of the documentation's "IO Mappings" screen.
    deployment = deployments.create(
        pipeline_name=name,
        deployment_name=name,
        execution_rule="endpoint",
        mode="elastic",
        inputs_mapping=[
            InputSource(pipeline_input_name="input_data", endpoint_input_name="input_data"),
            InputSource(pipeline_input_name="input_model", datastore_path=model_path),
        ],
        outputs_mapping=[
            OutputDestination(pipeline_output_name="predictions", endpoint_output_name="iris_type"),
        ],
    )
    assert deployment["name"] == name
    assert deployment["status"] == "up"
    assert deployment["execution_rule"] == "endpoint"
    assert deployment["mode"] == "elastic"
    assert deployment["pipeline"]["name"] == name
    assert deployment["is_enabled"] is True
    assert deployment["endpoint_url_path"] == name
    endpoint_token = deployment["endpoint_token"]
    assert isinstance(endpoint_token, str) and endpoint_token
    assert deployment["last_execution_id"] is None

    inputs_mapping = by_name(deployment["inputs_mapping"], "pipeline_input_name")
    assert set(inputs_mapping) == {"input_data", "input_model"}
    assert inputs_mapping["input_data"]["data_type"] == "json"
    assert source_keys(inputs_mapping["input_data"]) == {"endpoint_input_name"}
    assert inputs_mapping["input_data"]["endpoint_input_name"] == "input_data"
    assert inputs_mapping["input_model"]["data_type"] == "file"
    assert source_keys(inputs_mapping["input_model"]) == {"datastore_path"}
    assert inputs_mapping["input_model"]["datastore_path"] == model_path
    outputs_mapping = by_name(deployment["outputs_mapping"], "pipeline_output_name")
    assert set(outputs_mapping) == {"predictions"}
    assert outputs_mapping["predictions"]["data_type"] == "json"
    assert source_keys(outputs_mapping["predictions"], OUTPUT_DESTINATION_KEYS) == {
        "endpoint_output_name"
    }
    assert outputs_mapping["predictions"]["endpoint_output_name"] == "iris_type"

    # "Target the endpoint": the documentation's plain `requests` call.
    new_data = {
        "41": _sample(0, -0.05),
        "124": _sample(2, 0.05),
        "77": _sample(1, 0.02),
    }
    inputs = {"input_data": new_data}
    assert sdk.base_environment_url == base_url
    endpoint_url = sdk.base_environment_url + "/endpoints/" + name
    request = requests.post(
        endpoint_url,
        headers={"Authorization": f"EndpointToken {endpoint_token}"},
        json=inputs,
        timeout=120,
    )
    assert request.status_code == 200, (request.status_code, request.text[:500])
    body = request.json()
    assert body["outputs"]["iris_type"] == [0, 1, 2]  # rows 41, 77, 124
    assert set(body["outputs"]) == {"iris_type"}
    assert body["status"] == "Succeeded"
    execution_id = body["execution_id"]
    assert execution_id

    # The same call through the SDK.
    result = sdk.trigger_endpoint(
        endpoint_name=name, endpoint_token=endpoint_token, inputs=inputs
    )
    assert result["outputs"] == {"iris_type": [0, 1, 2]}
    second_id = result["execution_id"]
    assert second_id and second_id != execution_id

    # Execution tracking shows where every input came from and where the output went.
    execution = sdk.get_pipeline_execution(execution_id)
    assert execution["status"] == "Succeeded"
    assert execution["pipeline_name"] == name
    assert execution["deployment_name"] == name
    exec_inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert exec_inputs["input_data"]["source"] == "endpoint"
    assert exec_inputs["input_data"]["endpoint_input_name"] == "input_data"
    assert exec_inputs["input_data"]["value"] == new_data
    assert exec_inputs["input_model"]["source"] == "datastore"
    assert exec_inputs["input_model"]["datastore_path"] == model_path
    exec_outputs = by_name(execution["outputs"], "pipeline_output_name")
    assert exec_outputs["predictions"]["destination"] == "endpoint"
    assert exec_outputs["predictions"]["endpoint_output_name"] == "iris_type"
    assert exec_outputs["predictions"]["value"] == [0, 1, 2]

    listed = by_name(sdk.list_pipeline_executions(name), "execution_id")
    assert listed[execution_id]["deployment_name"] == name
    assert listed[second_id]["deployment_name"] == name
    assert sdk.get_deployment(name)["last_execution_id"] == second_id


def _wait_away_from_a_minute_boundary(margin_s: float = 6.0) -> None:
    """Sleep until the wall clock is at least `margin_s` away from a UTC minute boundary, so
    that nothing created next races with the scheduler's tick."""
    second = time.time() % 60
    if second > 60 - margin_s or second < margin_s:
        time.sleep((margin_s - second) % 60 + 0.1)


@pytest.mark.slow
def test_part4_periodic_training_every_minute(sdk, deployments):
    """One scheduled fire (at most about 75 s of waiting) checks the whole periodic flow; a
    twin deployment disabled before that minute must not fire."""
    name = unique("part-4-iristrain")
    prefix = f"get_started/{uid()}"
    dataset_path = f"{prefix}/dataset/iris.csv"
    model_path = f"{prefix}/models/iris_knn_model.pkl"
    sdk.upload_data_store_object(io.BytesIO(iris_like_csv()), dataset_path)

    train_output = Output(name="model", data_type="file")
    create_step(
        sdk, name, "deploy", PART4_PATH, "trainIris",
        inputs=[Input("dataset", "file"), Input("model_tag", "string")],
        outputs=[train_output],
    )
    sdk.create_pipeline(pipeline_name=name, step_name=name)

    def mappings(tag):
        return dict(
            inputs_mapping=[
                InputSource(pipeline_input_name="dataset", datastore_path=dataset_path),
                InputSource(pipeline_input_name="model_tag", constant_value=tag),
            ],
            outputs_mapping=[
                OutputDestination(pipeline_output_name="model", datastore_path=model_path),
            ],
        )

    # The disabled twin is created (and disabled) before the enabled one, away from a minute
    # boundary: any minute the enabled one fires at, the twin would have fired at too.
    _wait_away_from_a_minute_boundary()
    twin = deployments.create(
        pipeline_name=name, deployment_name=f"{name}-off", execution_rule="periodic",
        schedule="* * * * *", **mappings("never"),
    )
    assert twin["status"] == "up"
    twin = sdk.update_deployment(f"{name}-off", is_enabled=False)
    assert twin["status"] == "disabled"
    assert twin["is_enabled"] is False

    deployment = deployments.create(
        pipeline_name=name,
        deployment_name=name,
        execution_rule="periodic",
        schedule="* * * * *",  # Will be executed every minute of every day
        **mappings("every-minute"),
    )
    assert deployment["status"] == "up"
    assert deployment["execution_rule"] == "periodic"
    assert deployment["schedule"] == "* * * * *"
    assert isinstance(deployment["human_readable_schedule"], str)
    assert deployment["human_readable_schedule"]
    assert "endpoint_token" not in deployment
    assert deployment["last_execution_id"] is None

    execution_id = wait_for(
        lambda: sdk.get_deployment(name)["last_execution_id"],
        timeout=75, interval=2,
        message="the every-minute deployment did not start an execution within 75 s",
    )
    execution = wait_for_execution_end(sdk, execution_id, timeout=60)
    assert execution["status"] == "Succeeded", execution
    assert execution["deployment_name"] == name
    assert execution["pipeline_name"] == name
    exec_inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert exec_inputs["model_tag"]["source"] == "constant"
    assert exec_inputs["model_tag"]["value"] == "every-minute"
    assert exec_inputs["dataset"]["source"] == "datastore"
    assert exec_inputs["dataset"]["datastore_path"] == dataset_path
    exec_outputs = by_name(execution["outputs"], "pipeline_output_name")
    assert exec_outputs["model"]["destination"] == "datastore"
    assert exec_outputs["model"]["datastore_path"] == model_path
    assert "trained every-minute on 30 samples" in log_text(sdk, execution_id)

    # The model is in the data store, where the predict endpoint would read it.
    buffer = io.BytesIO()
    sdk.download_data_store_object(model_path, buffer)
    model = pickle.loads(buffer.getvalue())
    assert model["tag"] == "every-minute"
    assert sorted(model["centroids"]) == [0, 1, 2]

    listed = deployment_executions(sdk, name, name)
    assert execution_id in {item["execution_id"] for item in listed}

    # The twin, disabled before that minute, never fired.
    assert sdk.get_deployment(f"{name}-off")["last_execution_id"] is None
    assert deployment_executions(sdk, name, f"{name}-off") == []

    # Disabling stops the schedule; deleting removes the deployment's executions.
    disabled = sdk.update_deployment(name, is_enabled=False)
    assert disabled["status"] == "disabled"
    assert disabled["is_enabled"] is False
    deleted = sdk.delete_deployment(name)
    assert deleted["name"] == name
    assert deleted["execution_rule"] == "periodic"
    with sdk_error(status=404):
        sdk.get_pipeline_execution(execution_id)
    assert deployment_executions(sdk, name, name) == []
