"""run_pipeline with inputs_mapping / outputs_mapping, defaults and required inputs."""

import io

from craft_ai_sdk import Input, InputSource, Output, OutputDestination

from compat_helpers import (
    CLIENT_ERROR,
    by_name,
    create_pipeline,
    sdk_error,
    uid,
    unique,
)

IO_STEPS = "src/io_steps.py"


def test_constant_and_environment_variable_sources(sdk):
    name = unique("map-const-env")
    variable = f"COMPAT_MAP_{uid().upper()}"
    sdk.create_or_update_environment_variable(variable, "from-the-environment")
    create_pipeline(
        sdk, name, "io", IO_STEPS, "echo",
        inputs=[Input("a", "string"), Input("b", "string")],
        outputs=[Output("echo", "json")],
    )

    result = sdk.run_pipeline(
        name,
        inputs_mapping=[
            InputSource(pipeline_input_name="a", constant_value="a constant"),
            InputSource(pipeline_input_name="b", environment_variable_name=variable),
        ],
    )
    assert result["outputs"]["echo"] == {"a": "a constant", "b": "from-the-environment"}

    execution = sdk.get_pipeline_execution(result["execution_id"])
    inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert inputs["a"]["source"] == "constant"
    assert inputs["a"]["constant_value"] == "a constant"
    assert inputs["a"]["value"] == "a constant"
    assert inputs["b"]["source"] == "environment_variable"
    assert inputs["b"]["environment_variable_name"] == variable
    assert inputs["b"]["value"] == "from-the-environment"


def test_run_inputs_and_constant_mapping_combined(sdk):
    name = unique("map-mixed")
    create_pipeline(
        sdk, name, "io", IO_STEPS, "echo",
        inputs=[Input("a", "string"), Input("b", "string")],
        outputs=[Output("echo", "json")],
    )
    result = sdk.run_pipeline(
        name,
        inputs={"a": "given at run time"},
        inputs_mapping=[InputSource(pipeline_input_name="b", constant_value="constant b")],
    )
    assert result["outputs"]["echo"] == {"a": "given at run time", "b": "constant b"}
    inputs = by_name(
        sdk.get_pipeline_execution(result["execution_id"])["inputs"], "pipeline_input_name"
    )
    assert inputs["a"]["source"] == "run"
    assert inputs["b"]["source"] == "constant"


def test_datastore_file_input_and_output_destinations(sdk):
    name = unique("map-datastore")
    prefix = f"compat/{uid()}"
    source_path = f"{prefix}/in/document.txt"
    sdk.upload_data_store_object(io.BytesIO(b"payload from the data store"), source_path)
    create_pipeline(
        sdk, name, "io", IO_STEPS, "file_copy",
        inputs=[Input("doc", "file"), Input("label", "string")],
        outputs=[Output("result", "file"), Output("note", "string")],
    )

    result = sdk.run_pipeline(
        name,
        inputs={"label": "copied"},
        inputs_mapping=[InputSource(pipeline_input_name="doc", datastore_path=source_path)],
        outputs_mapping=[
            OutputDestination(
                pipeline_output_name="result",
                datastore_path=f"{prefix}/out/{{execution_id}}.txt",
            ),
            OutputDestination(pipeline_output_name="note", is_null=True),
        ],
    )
    execution_id = result["execution_id"]
    assert result["outputs"]["note"] is None

    expected_path = f"{prefix}/out/{execution_id}.txt"
    listed = [item["path"] for item in sdk.list_data_store_objects(f"{prefix}/out")]
    assert listed == [expected_path]
    buffer = io.BytesIO()
    sdk.download_data_store_object(expected_path, buffer)
    assert buffer.getvalue() == b"copied:payload from the data store"

    execution = sdk.get_pipeline_execution(execution_id)
    assert execution["status"] == "Succeeded"
    inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert inputs["doc"]["source"] == "datastore"
    assert inputs["doc"]["datastore_path"] == source_path
    assert inputs["label"]["source"] == "run"
    outputs = by_name(execution["outputs"], "pipeline_output_name")
    assert outputs["result"]["destination"] == "datastore"
    assert outputs["note"]["destination"] == "is_null"
    assert outputs["note"]["value"] is None


def test_is_null_source_for_an_optional_input(sdk):
    name = unique("map-null")
    create_pipeline(
        sdk, name, "io", IO_STEPS, "optional",
        inputs=[Input("opt", "string", is_required=False)],
        outputs=[Output("got_null", "boolean"), Output("got", "string")],
    )
    result = sdk.run_pipeline(
        name, inputs_mapping=[InputSource(pipeline_input_name="opt", is_null=True)]
    )
    assert result["outputs"] == {"got_null": True, "got": ""}
    inputs = by_name(
        sdk.get_pipeline_execution(result["execution_id"])["inputs"], "pipeline_input_name"
    )
    assert inputs["opt"]["source"] == "is_null"
    assert inputs["opt"]["value"] is None


def test_default_values_applied_when_inputs_are_omitted(sdk):
    name = unique("defaults")
    create_pipeline(
        sdk, name, "io", IO_STEPS, "defaults",
        inputs=[
            Input("greeting", "string", is_required=False, default_value="hi"),
            Input("count", "number", is_required=False, default_value=3),
            Input("flag", "boolean", is_required=False, default_value=True),
        ],
        outputs=[
            Output("greeting", "string"),
            Output("count", "number"),
            Output("flag", "boolean"),
        ],
    )
    declared = by_name(sdk.get_pipeline(name)["parameters"]["inputs"], "name")
    assert declared["greeting"]["default_value"] == "hi"
    assert declared["count"]["default_value"] == 3
    assert declared["flag"]["default_value"] is True

    # Default values reach the function with their declared types (the form
    # encoding of create_pipeline sends them as the text "3" / "True").
    assert sdk.run_pipeline(name)["outputs"] == {"greeting": "hi", "count": 3, "flag": True}
    overridden = sdk.run_pipeline(name, inputs={"greeting": "yo", "flag": False})
    assert overridden["outputs"] == {"greeting": "yo", "count": 3, "flag": False}


def test_missing_required_input_is_rejected(sdk):
    name = unique("required")
    create_pipeline(
        sdk, name, "io", IO_STEPS, "required",
        inputs=[Input("mandatory_value", "string", is_required=True)],
        outputs=[Output("mandatory_value", "string")],
    )
    with sdk_error(status=CLIENT_ERROR) as info:
        sdk.run_pipeline(name)
    assert "mandatory_value" in str(info.value)
    assert sdk.list_pipeline_executions(name) == []

    result = sdk.run_pipeline(name, inputs={"mandatory_value": "present"})
    assert result["outputs"] == {"mandatory_value": "present"}
