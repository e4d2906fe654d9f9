"""Input and output mappings of deployments ("How to define sources and destinations for step
inputs and outputs" in the Craft AI docs): endpoint (default and renamed), constant,
environment variable, data store, null; endpoint-level required inputs and default values;
and the mappings a deployment must refuse at creation (nothing is created then)."""

import io
import re
from datetime import datetime, timedelta, timezone

import requests
from craft_ai_sdk import Input, InputSource, Output, OutputDestination

from compat_helpers import (
    CLIENT_ERROR,
    access_token,
    assert_not_created,
    by_name,
    create_pipeline,
    deployment_names,
    endpoint_post,
    error_body,
    execution_ids,
    sdk_error,
    source_keys,
    OUTPUT_DESTINATION_KEYS,
    uid,
    unique,
)

DEPLOY_STEPS = "src/deploy_steps.py"


def _pipeline(sdk, prefix, function, inputs, outputs) -> str:
    name = unique(prefix)
    create_pipeline(sdk, name, "deploy", DEPLOY_STEPS, function, inputs=inputs, outputs=outputs)
    return name


def _echo_pipeline(sdk) -> str:
    return _pipeline(sdk, "map-echo", "echo",
                     [Input("a", "string"), Input("b", "string")], [Output("echo", "json")])


def _multiply_pipeline(sdk) -> str:
    return _pipeline(sdk, "map-mul", "multiply",
                     [Input("number1", "number"), Input("number2", "number")],
                     [Output("resultMulti", "number")])


def _endpoint(deployments, pipeline, **kwargs) -> dict:
    return deployments.create(pipeline_name=pipeline, deployment_name=unique("map"),
                              execution_rule="endpoint", **kwargs)


# --- Sources and destinations ------------------------------------------------------------


def test_unmapped_inputs_and_outputs_default_to_the_endpoint(sdk, deployments, base_url):
    pipeline = _echo_pipeline(sdk)
    deployment = _endpoint(
        deployments, pipeline,
        inputs_mapping=[InputSource(pipeline_input_name="a", constant_value="a constant")],
    )
    mapping = by_name(deployment["inputs_mapping"], "pipeline_input_name")
    assert source_keys(mapping["a"]) == {"constant_value"}
    assert mapping["a"]["constant_value"] == "a constant"
    assert source_keys(mapping["b"]) == {"endpoint_input_name"}
    assert mapping["b"]["endpoint_input_name"] == "b"
    outputs = by_name(deployment["outputs_mapping"], "pipeline_output_name")
    assert outputs["echo"]["endpoint_output_name"] == "echo"

    response = endpoint_post(base_url, deployment["name"], deployment["endpoint_token"],
                             json_body={"b": "from the caller"})
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert response.json()["outputs"] == {"echo": {"a": "a constant", "b": "from the caller"}}

    # The constant is not an endpoint input.
    before = execution_ids(sdk, pipeline)
    response = endpoint_post(base_url, deployment["name"], deployment["endpoint_token"],
                             json_body={"a": "override", "b": "x"})
    assert response.status_code == 400, (response.status_code, response.text[:300])
    error_body(response)
    assert execution_ids(sdk, pipeline) == before


def test_renamed_endpoint_inputs_and_outputs(sdk, deployments, base_url):
    """The documentation's example: number1/number2 exposed as number_a/number_b, the
    output as `result`."""
    pipeline = _multiply_pipeline(sdk)
    endpoint_info = _endpoint(
        deployments, pipeline,
        inputs_mapping=[
            InputSource(pipeline_input_name="number1", endpoint_input_name="number_a"),
            InputSource(pipeline_input_name="number2", endpoint_input_name="number_b"),
        ],
        outputs_mapping=[
            OutputDestination(pipeline_output_name="resultMulti", endpoint_output_name="result"),
        ],
    )
    name, token = endpoint_info["name"], endpoint_info["endpoint_token"]
    inputs_values = {"number_a": 9, "number_b": 6}

    endpoint_output = sdk.trigger_endpoint(name, endpoint_token=token, inputs=inputs_values)
    assert endpoint_output["outputs"] == {"result": 54}

    response = endpoint_post(base_url, name, token, json_body=inputs_values)
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert response.json()["outputs"] == {"result": 54}

    # With the SDK's own credentials the outputs are read from the execution, by pipeline
    # output name; the inputs are still the endpoint's.
    assert sdk.trigger_endpoint(name, inputs=inputs_values)["outputs"] == {"resultMulti": 54}

    execution = sdk.get_pipeline_execution(endpoint_output["execution_id"])
    inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert inputs["number1"]["source"] == "endpoint"
    assert inputs["number1"]["endpoint_input_name"] == "number_a"
    assert inputs["number1"]["value"] == 9
    outputs = by_name(execution["outputs"], "pipeline_output_name")
    assert outputs["resultMulti"]["destination"] == "endpoint"
    assert outputs["resultMulti"]["endpoint_output_name"] == "result"

    # The pipeline's own names are not inputs of this endpoint.
    before = execution_ids(sdk, pipeline)
    response = endpoint_post(base_url, name, token, json_body={"number1": 9, "number2": 6})
    assert response.status_code == 400, (response.status_code, response.text[:300])
    error_body(response)
    assert execution_ids(sdk, pipeline) == before


def test_constant_values_of_every_type(sdk, deployments):
    pipeline = _pipeline(
        sdk, "map-const", "typed",
        [Input("text", "string"), Input("number", "number"), Input("flag", "boolean"),
         Input("data", "json"), Input("items", "array")],
        [Output("text", "string"), Output("number", "number"), Output("flag", "boolean"),
         Output("data", "json"), Output("items", "array")],
    )
    constants = {
        "text": "a constant",
        "number": 6,
        "flag": False,
        "data": {"nested": {"list": [1, 2.5, "x"]}, "empty": {}},
        "items": [3, "three", {"n": 3}],
    }
    deployment = _endpoint(
        deployments, pipeline,
        inputs_mapping=[InputSource(pipeline_input_name=key, constant_value=value)
                        for key, value in constants.items()],
    )
    mapping = by_name(deployment["inputs_mapping"], "pipeline_input_name")
    for key, value in constants.items():
        assert source_keys(mapping[key]) == {"constant_value"}, mapping[key]
        assert mapping[key]["constant_value"] == value, key

    result = sdk.trigger_endpoint(deployment["name"], endpoint_token=deployment["endpoint_token"])
    assert result["outputs"] == constants

    inputs = by_name(sdk.get_pipeline_execution(result["execution_id"])["inputs"],
                     "pipeline_input_name")
    for key, value in constants.items():
        assert inputs[key]["source"] == "constant"
        assert inputs[key]["constant_value"] == value
        assert inputs[key]["value"] == value


def test_environment_variables_are_read_at_execution_time(sdk, deployments):
    """The documentation's example: both numbers come from environment variables."""
    first = f"RECETTE_VAR_ENV_INPUT1_{uid().upper()}"
    second = f"RECETTE_VAR_ENV_INPUT2_{uid().upper()}"
    sdk.create_or_update_environment_variable(first, "6")
    sdk.create_or_update_environment_variable(second, "4")
    try:
        pipeline = _multiply_pipeline(sdk)
        endpoint_info = _endpoint(
            deployments, pipeline,
            inputs_mapping=[
                InputSource(pipeline_input_name="number1", environment_variable_name=first),
                InputSource(pipeline_input_name="number2", environment_variable_name=second),
            ],
        )
        mapping = by_name(endpoint_info["inputs_mapping"], "pipeline_input_name")
        assert source_keys(mapping["number1"]) == {"environment_variable_name"}
        assert mapping["number1"]["environment_variable_name"] == first

        name, token = endpoint_info["name"], endpoint_info["endpoint_token"]
        result = sdk.trigger_endpoint(endpoint_name=name, endpoint_token=token)
        assert result["outputs"] == {"resultMulti": 24}
        inputs = by_name(sdk.get_pipeline_execution(result["execution_id"])["inputs"],
                         "pipeline_input_name")
        assert inputs["number1"]["source"] == "environment_variable"
        assert inputs["number1"]["environment_variable_name"] == first
        assert inputs["number1"]["value"] == 6

        # Changed between two triggers: the second execution sees the new value.
        sdk.create_or_update_environment_variable(first, "5")
        assert sdk.trigger_endpoint(name, endpoint_token=token)["outputs"] == {"resultMulti": 20}
    finally:
        sdk.delete_environment_variable(first)
        sdk.delete_environment_variable(second)


def test_datastore_input_and_output_path_placeholders(sdk, deployments):
    prefix = f"compat/{uid()}"
    source_path = f"{prefix}/in/document.txt"
    sdk.upload_data_store_object(io.BytesIO(b"payload from the data store"), source_path)
    pipeline = _pipeline(
        sdk, "map-ds", "file_copy",
        [Input("doc", "file"), Input("label", "string")],
        [Output("result", "file"), Output("note", "string")],
    )
    template = f"{prefix}/out/{{date}}/{{date_time}}-{{execution_id}}.txt"
    deployment = _endpoint(
        deployments, pipeline,
        inputs_mapping=[InputSource(pipeline_input_name="doc", datastore_path=source_path)],
        outputs_mapping=[OutputDestination(pipeline_output_name="result", datastore_path=template)],
    )
    inputs_mapping = by_name(deployment["inputs_mapping"], "pipeline_input_name")
    assert source_keys(inputs_mapping["doc"]) == {"datastore_path"}
    assert inputs_mapping["doc"]["datastore_path"] == source_path
    outputs_mapping = by_name(deployment["outputs_mapping"], "pipeline_output_name")
    assert source_keys(outputs_mapping["result"], OUTPUT_DESTINATION_KEYS) == {"datastore_path"}
    assert outputs_mapping["result"]["datastore_path"] == template  # the template, unexpanded
    assert outputs_mapping["note"]["endpoint_output_name"] == "note"

    before = datetime.now(timezone.utc)
    result = sdk.trigger_endpoint(deployment["name"], endpoint_token=deployment["endpoint_token"],
                                  inputs={"label": "copied"})
    after = datetime.now(timezone.utc)
    execution_id = result["execution_id"]
    # The data-store output is not an endpoint output.
    assert result["outputs"] == {"note": "27 bytes copied"}

    listed = [item["path"] for item in sdk.list_data_store_objects(f"{prefix}/out")]
    assert len(listed) == 1, listed
    match = re.fullmatch(
        rf"{re.escape(prefix)}/out/(\d{{8}})/(\d{{8}})_(\d{{6}})-{re.escape(execution_id)}\.txt",
        listed[0],
    )
    assert match, f"{listed[0]!r} does not expand {template!r}"
    date, date_part, time_part = match.groups()
    assert date == date_part
    stamped = datetime.strptime(date_part + time_part, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    # UTC, within the trigger's time frame (a local-time expansion would be off by hours).
    assert before - timedelta(seconds=5) <= stamped <= after + timedelta(seconds=5), stamped

    buffer = io.BytesIO()
    sdk.download_data_store_object(listed[0], buffer)
    assert buffer.getvalue() == b"copied:payload from the data store"

    execution = sdk.get_pipeline_execution(execution_id)
    inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert inputs["doc"]["source"] == "datastore"
    assert inputs["doc"]["datastore_path"] == source_path
    assert inputs["label"]["source"] == "endpoint"
    outputs = by_name(execution["outputs"], "pipeline_output_name")
    assert outputs["result"]["destination"] == "datastore"


def test_is_null_input_and_output(sdk, deployments, base_url):
    pipeline = _pipeline(
        sdk, "map-null", "optional",
        [Input("opt", "string", is_required=False)],
        [Output("got_null", "boolean"), Output("got", "string")],
    )
    deployment = _endpoint(
        deployments, pipeline,
        inputs_mapping=[InputSource(pipeline_input_name="opt", is_null=True)],
        outputs_mapping=[OutputDestination(pipeline_output_name="got", is_null=True)],
    )
    inputs_mapping = by_name(deployment["inputs_mapping"], "pipeline_input_name")
    assert source_keys(inputs_mapping["opt"]) == {"is_null"}
    outputs_mapping = by_name(deployment["outputs_mapping"], "pipeline_output_name")
    assert source_keys(outputs_mapping["got"], OUTPUT_DESTINATION_KEYS) == {"is_null"}

    response = endpoint_post(base_url, deployment["name"], deployment["endpoint_token"],
                             json_body={})
    assert response.status_code == 200, (response.status_code, response.text[:500])
    outputs = response.json()["outputs"]
    assert outputs["got_null"] is True
    assert outputs.get("got") is None  # sent into the void: absent (or null)

    execution = sdk.get_pipeline_execution(response.json()["execution_id"])
    inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert inputs["opt"]["source"] == "is_null"
    assert inputs["opt"]["value"] is None
    exec_outputs = by_name(execution["outputs"], "pipeline_output_name")
    assert exec_outputs["got"]["destination"] == "is_null"
    assert exec_outputs["got"]["value"] is None


def test_void_mapping_of_the_documentation(sdk, deployments):
    """"Void / None" in the documentation: inputs declared without is_required, and the output,
    mapped to None; the deployment is triggered without any input and returns no output."""
    pipeline = _echo_pipeline(sdk)
    deployment = _endpoint(
        deployments, pipeline,
        inputs_mapping=[
            InputSource(pipeline_input_name="a", is_null=True),
            InputSource(pipeline_input_name="b", is_null=True),
        ],
        outputs_mapping=[OutputDestination(pipeline_output_name="echo", is_null=True)],
    )
    result = sdk.trigger_endpoint(endpoint_name=deployment["name"],
                                  endpoint_token=deployment["endpoint_token"])
    assert result["outputs"] == {}
    execution = sdk.get_pipeline_execution(result["execution_id"])
    assert execution["status"] == "Succeeded"
    inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert inputs["a"]["source"] == "is_null" and inputs["a"]["value"] is None
    outputs = by_name(execution["outputs"], "pipeline_output_name")
    assert outputs["echo"]["destination"] == "is_null"


def test_required_and_default_endpoint_inputs(sdk, deployments, base_url):
    pipeline = _pipeline(sdk, "map-req", "greet",
                         [Input("name", "string"), Input("greeting", "string")],
                         [Output("message", "string")])
    deployment = _endpoint(
        deployments, pipeline,
        inputs_mapping=[
            InputSource(pipeline_input_name="name", endpoint_input_name="who", is_required=True),
            InputSource(pipeline_input_name="greeting", endpoint_input_name="salutation",
                        is_required=False, default_value="hello"),
        ],
    )
    name, token = deployment["name"], deployment["endpoint_token"]
    mapping = by_name(deployment["inputs_mapping"], "pipeline_input_name")
    assert mapping["name"]["endpoint_input_name"] == "who"
    assert mapping["name"]["is_required"] is True
    assert mapping["greeting"]["endpoint_input_name"] == "salutation"
    assert mapping["greeting"]["default_value"] == "hello"
    assert not mapping["greeting"].get("is_required")

    result = sdk.trigger_endpoint(name, endpoint_token=token, inputs={"who": "Ada"})
    assert result["outputs"] == {"message": "hello, Ada!"}
    result = sdk.trigger_endpoint(name, endpoint_token=token,
                                  inputs={"who": "Ada", "salutation": "hi"})
    assert result["outputs"] == {"message": "hi, Ada!"}

    before = execution_ids(sdk, pipeline)
    response = endpoint_post(base_url, name, token, json_body={"salutation": "hi"})
    assert response.status_code in CLIENT_ERROR, (response.status_code, response.text[:300])
    assert "who" in error_body(response)["message"]
    with sdk_error(status=CLIENT_ERROR):
        sdk.trigger_endpoint(name, endpoint_token=token, inputs={})
    assert execution_ids(sdk, pipeline) == before


def test_update_changes_mapping_values_not_mapping_types(sdk, deployments):
    pipeline = _echo_pipeline(sdk)
    deployment = _endpoint(
        deployments, pipeline,
        inputs_mapping=[InputSource(pipeline_input_name="b", constant_value="first")],
    )
    name, token = deployment["name"], deployment["endpoint_token"]
    assert sdk.trigger_endpoint(name, endpoint_token=token, inputs={"a": "x"})["outputs"] == {
        "echo": {"a": "x", "b": "first"}
    }

    updated = sdk.update_deployment(
        name, inputs_mapping=[InputSource(pipeline_input_name="b", constant_value="second")]
    )
    assert updated["status"] == "up"
    assert by_name(updated["inputs_mapping"], "pipeline_input_name")["b"]["constant_value"] == "second"
    assert sdk.trigger_endpoint(name, endpoint_token=token, inputs={"a": "y"})["outputs"] == {
        "echo": {"a": "y", "b": "second"}
    }

    # A mapping type cannot change.
    with sdk_error(status=CLIENT_ERROR):
        sdk.update_deployment(
            name, inputs_mapping=[InputSource(pipeline_input_name="b", endpoint_input_name="b")]
        )
    mapping = by_name(sdk.get_deployment(name)["inputs_mapping"], "pipeline_input_name")
    assert source_keys(mapping["b"]) == {"constant_value"}
    assert mapping["b"]["constant_value"] == "second"


def test_at_most_one_endpoint_file_input(sdk, deployments):
    pipeline = _pipeline(sdk, "map-2files", "two_files",
                         [Input("doc", "file"), Input("other", "file")], [Output("total", "number")])
    names_before = deployment_names(sdk)
    refused = unique("map-2files")
    with sdk_error(status=CLIENT_ERROR):  # both default to endpoint file inputs
        deployments.create(pipeline_name=pipeline, deployment_name=refused,
                           execution_rule="endpoint")
    assert_not_created(sdk, refused, names_before)

    other_path = f"compat/{uid()}/other.bin"
    sdk.upload_data_store_object(io.BytesIO(b"12345"), other_path)
    deployment = _endpoint(
        deployments, pipeline,
        inputs_mapping=[InputSource(pipeline_input_name="other", datastore_path=other_path)],
    )
    result = sdk.trigger_endpoint(deployment["name"], endpoint_token=deployment["endpoint_token"],
                                  inputs={"doc": io.BytesIO(b"abc")})
    assert result["outputs"] == {"total": 8}


# --- Mappings refused at creation ------------------------------------------------------------


def _assert_refused(sdk, deployments, pipeline, **kwargs):
    names_before = deployment_names(sdk)
    name = unique("map-bad")
    with sdk_error(status=CLIENT_ERROR) as info:
        deployments.create(pipeline_name=pipeline, deployment_name=name,
                           execution_rule="endpoint", **kwargs)
    assert info.value.message
    assert_not_created(sdk, name, names_before)
    return info.value


def test_constant_cannot_feed_a_file_input(sdk, deployments):
    pipeline = _pipeline(sdk, "map-constfile", "file_copy",
                         [Input("doc", "file"), Input("label", "string")],
                         [Output("result", "file"), Output("note", "string")])
    _assert_refused(sdk, deployments, pipeline, inputs_mapping=[
        InputSource(pipeline_input_name="doc", constant_value="not a file"),
    ])


def test_datastore_path_needs_a_file_input(sdk, deployments):
    pipeline = _echo_pipeline(sdk)
    path = f"compat/{uid()}/value.txt"
    sdk.upload_data_store_object(io.BytesIO(b"text"), path)
    _assert_refused(sdk, deployments, pipeline, inputs_mapping=[
        InputSource(pipeline_input_name="a", datastore_path=path),
    ])


def test_mapping_must_name_declared_inputs_and_outputs_once(sdk, deployments):
    pipeline = _echo_pipeline(sdk)
    _assert_refused(sdk, deployments, pipeline, inputs_mapping=[
        InputSource(pipeline_input_name="not_an_input", constant_value="x"),
    ])
    _assert_refused(sdk, deployments, pipeline, outputs_mapping=[
        OutputDestination(pipeline_output_name="not_an_output", is_null=True),
    ])
    _assert_refused(sdk, deployments, pipeline, inputs_mapping=[
        InputSource(pipeline_input_name="a", constant_value="x"),
        InputSource(pipeline_input_name="a", constant_value="y"),
    ])
    # One source per input.
    _assert_refused(sdk, deployments, pipeline, inputs_mapping=[
        InputSource(pipeline_input_name="a", constant_value="x", endpoint_input_name="a"),
    ])
    # A constant of the wrong type.
    multiply = _multiply_pipeline(sdk)
    _assert_refused(sdk, deployments, multiply, inputs_mapping=[
        InputSource(pipeline_input_name="number1", constant_value="six"),
    ])


def test_environment_variables_are_input_only(sdk, deployments, base_url, admin_token):
    """OutputDestination cannot even express it: sent by hand."""
    pipeline = _echo_pipeline(sdk)
    names_before = deployment_names(sdk)
    name = unique("map-envout")
    deployments.track(name)
    response = requests.post(
        f"{base_url}/api/v1/endpoints",
        headers={"Authorization": f"Bearer {access_token(base_url, admin_token)}"},
        json={
            "pipeline_name": pipeline,
            "name": name,
            "mode": "elastic",
            "outputs_mapping": [
                {"pipeline_output_name": "echo", "environment_variable_name": "COMPAT_OUT"},
            ],
        },
        timeout=60,
    )
    assert response.status_code in CLIENT_ERROR, (response.status_code, response.text[:300])
    error_body(response)
    assert_not_created(sdk, name, names_before)


def test_endpoint_level_options_need_an_endpoint_input(sdk, deployments):
    pipeline = _echo_pipeline(sdk)
    _assert_refused(sdk, deployments, pipeline, inputs_mapping=[
        InputSource(pipeline_input_name="a", constant_value="x", is_required=True),
    ])
    _assert_refused(sdk, deployments, pipeline, inputs_mapping=[
        InputSource(pipeline_input_name="a", constant_value="x", default_value="y"),
    ])
    # The same options on an endpoint input are accepted.
    deployment = _endpoint(deployments, pipeline, inputs_mapping=[
        InputSource(pipeline_input_name="a", endpoint_input_name="a", is_required=False,
                    default_value="y"),
    ])
    assert deployment["status"] == "up"
    result = sdk.trigger_endpoint(deployment["name"], endpoint_token=deployment["endpoint_token"],
                                  inputs={"b": "b"})
    assert result["outputs"] == {"echo": {"a": "y", "b": "b"}}
