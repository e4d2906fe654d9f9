"""Environment variables: CRUD through the SDK, visible inside executions."""

from craft_ai_sdk import Input, Output

from compat_helpers import create_pipeline, sdk_error, uid, unique


def _variables(sdk) -> dict:
    listed = sdk.list_environment_variables()
    assert isinstance(listed, list), listed
    return {item["name"]: item["value"] for item in listed}


def test_create_update_list_delete(sdk):
    name = f"COMPAT_VAR_{uid().upper()}"
    other = f"COMPAT_OTHER_{uid().upper()}"

    assert sdk.create_or_update_environment_variable(name, "first value") is None
    sdk.create_or_update_environment_variable(other, "kept")
    assert _variables(sdk)[name] == "first value"

    sdk.create_or_update_environment_variable(name, "second value = with spaces & symbols")
    variables = _variables(sdk)
    assert variables[name] == "second value = with spaces & symbols"
    assert variables[other] == "kept"
    assert [item["name"] for item in sdk.list_environment_variables()].count(name) == 1

    deleted = sdk.delete_environment_variable(name)
    assert deleted["name"] == name
    variables = _variables(sdk)
    assert name not in variables
    assert variables[other] == "kept"

    with sdk_error(status=404):
        sdk.delete_environment_variable(name)
    sdk.delete_environment_variable(other)


def test_execution_sees_environment_variables(sdk):
    variable = f"COMPAT_SEEN_{uid().upper()}"
    sdk.create_or_update_environment_variable(variable, "visible inside the step")
    name = unique("read-env")
    create_pipeline(
        sdk, name, "io", "src/io_steps.py", "read_env",
        inputs=[Input("var_name", "string")],
        outputs=[Output("value", "string")],
    )
    result = sdk.run_pipeline(name, inputs={"var_name": variable})
    assert result["outputs"]["value"] == "visible inside the step"

    # An update is seen by the next execution.
    sdk.create_or_update_environment_variable(variable, "updated")
    assert sdk.run_pipeline(name, inputs={"var_name": variable})["outputs"]["value"] == "updated"

    # A deleted variable is gone from later executions.
    sdk.delete_environment_variable(variable)
    assert sdk.run_pipeline(name, inputs={"var_name": variable})["outputs"]["value"] is None
