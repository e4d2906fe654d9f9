"""Periodic deployments without waiting for the clock: fields, schedule updates, disabling,
and everything a periodic deployment must refuse at creation (nothing is created then).

The scheduled execution itself is tested once, in test_deployments_get_started.py (slow)."""

import pytest
from craft_ai_sdk import Input, InputSource, Output, OutputDestination

from compat_helpers import (
    CLIENT_ERROR,
    assert_not_created,
    by_name,
    create_pipeline,
    deployment_names,
    sdk_error,
    source_keys,
    OUTPUT_DESTINATION_KEYS,
    unique,
)

# Fires at midnight UTC on January 1st only: never during a test run in practice.
RARE = "0 0 1 1 *"


def _echo_pipeline(sdk) -> str:
    name = unique("per-echo")
    create_pipeline(sdk, name, "deploy", "src/deploy_steps.py", "echo",
                    inputs=[Input("a", "string"), Input("b", "string")],
                    outputs=[Output("echo", "json")])
    return name


FULL_INPUTS = [
    InputSource(pipeline_input_name="a", constant_value="constant a"),
    InputSource(pipeline_input_name="b", constant_value="constant b"),
]
FULL_OUTPUTS = [OutputDestination(pipeline_output_name="echo", is_null=True)]


def _periodic(deployments, pipeline, name=None, **kwargs) -> dict:
    kwargs.setdefault("inputs_mapping", FULL_INPUTS)
    kwargs.setdefault("outputs_mapping", FULL_OUTPUTS)
    return deployments.create(pipeline_name=pipeline, deployment_name=name or unique("per"),
                              execution_rule="periodic", **kwargs)


def test_periodic_fields_schedule_update_and_disable(sdk, deployments):
    pipeline = _echo_pipeline(sdk)
    name = unique("per-fields")
    deployment = _periodic(deployments, pipeline, name, schedule=RARE,
                           description="yearly")
    assert deployment["name"] == name
    assert deployment["execution_rule"] == "periodic"
    assert deployment["mode"] == "elastic"
    assert deployment["status"] == "up"
    assert deployment["is_enabled"] is True
    assert deployment["pipeline"]["name"] == pipeline
    assert deployment["schedule"] == RARE
    yearly = deployment["human_readable_schedule"]
    assert isinstance(yearly, str) and yearly and yearly != RARE
    assert "endpoint_token" not in deployment
    assert "endpoint_url_path" not in deployment or deployment["endpoint_url_path"] is None
    assert deployment["last_execution_id"] is None
    inputs = by_name(deployment["inputs_mapping"], "pipeline_input_name")
    assert source_keys(inputs["a"]) == {"constant_value"}
    assert inputs["a"]["constant_value"] == "constant a"
    assert source_keys(inputs["b"]) == {"constant_value"}
    outputs = by_name(deployment["outputs_mapping"], "pipeline_output_name")
    assert source_keys(outputs["echo"], OUTPUT_DESTINATION_KEYS) == {"is_null"}

    listed = by_name(sdk.list_deployments(), "name")[name]
    assert listed["execution_rule"] == "periodic"
    assert listed["pipeline_name"] == pipeline

    # A new schedule, and a new human-readable text.
    updated = sdk.update_deployment(name, schedule="30 6 * * 1")
    assert updated["schedule"] == "30 6 * * 1"
    assert updated["human_readable_schedule"] and updated["human_readable_schedule"] != yearly
    assert updated["status"] == "up"

    # An invalid one changes nothing.
    with sdk_error(status=CLIENT_ERROR):
        sdk.update_deployment(name, schedule="not a cron")
    assert sdk.get_deployment(name)["schedule"] == "30 6 * * 1"

    disabled = sdk.update_deployment(name, is_enabled=False)
    assert disabled["status"] == "disabled"
    assert disabled["is_enabled"] is False
    assert by_name(sdk.list_deployments(), "name")[name]["is_enabled"] is False
    enabled = sdk.update_deployment(name, is_enabled=True)
    assert enabled["status"] == "up"
    assert enabled["is_enabled"] is True
    assert enabled["schedule"] == "30 6 * * 1"

    # A periodic deployment has no endpoint.
    with pytest.raises(ValueError):  # the SDK checks execution_rule itself
        sdk.trigger_endpoint(name, endpoint_token="compat-not-an-endpoint")
    with sdk_error(status=CLIENT_ERROR):
        sdk.generate_new_endpoint_token(name)

    deleted = sdk.delete_deployment(name)
    assert deleted["name"] == name
    assert deleted["execution_rule"] == "periodic"
    assert name not in deployment_names(sdk)


def _assert_refused(sdk, deployments, pipeline, **kwargs):
    names_before = deployment_names(sdk)
    name = unique("per-bad")
    with sdk_error(status=CLIENT_ERROR) as info:
        _periodic(deployments, pipeline, name, **kwargs)
    assert info.value.message
    assert_not_created(sdk, name, names_before)


def test_periodic_needs_a_schedule(sdk, deployments):
    pipeline = _echo_pipeline(sdk)
    _assert_refused(sdk, deployments, pipeline)  # the SDK itself does not check it


@pytest.mark.parametrize(
    "schedule",
    [
        pytest.param("", id="empty"),
        pytest.param("every minute", id="words"),
        pytest.param("* * * *", id="4-fields"),
        pytest.param("* * * * * *", id="6-fields"),  # seconds are not part of the format
        pytest.param("60 * * * *", id="minute-60"),
        pytest.param("* 24 * * *", id="hour-24"),
        pytest.param("* * 0 * *", id="day-0"),
        pytest.param("* * * 13 *", id="month-13"),
        pytest.param("*/0 * * * *", id="step-0"),
    ],
)
def test_periodic_refuses_an_invalid_schedule(sdk, deployments, schedule):
    pipeline = _echo_pipeline(sdk)
    _assert_refused(sdk, deployments, pipeline, schedule=schedule)


def test_periodic_must_map_every_input_and_output(sdk, deployments):
    pipeline = _echo_pipeline(sdk)
    # One input left unmapped.
    _assert_refused(sdk, deployments, pipeline, schedule=RARE, inputs_mapping=FULL_INPUTS[:1])
    # No mapping at all.
    _assert_refused(sdk, deployments, pipeline, schedule=RARE, inputs_mapping=None,
                    outputs_mapping=None)
    # The output left unmapped.
    _assert_refused(sdk, deployments, pipeline, schedule=RARE, outputs_mapping=None)


def test_periodic_refuses_endpoint_mappings(sdk, deployments):
    pipeline = _echo_pipeline(sdk)
    _assert_refused(sdk, deployments, pipeline, schedule=RARE, inputs_mapping=[
        InputSource(pipeline_input_name="a", endpoint_input_name="a"),
        FULL_INPUTS[1],
    ])
    _assert_refused(sdk, deployments, pipeline, schedule=RARE, outputs_mapping=[
        OutputDestination(pipeline_output_name="echo", endpoint_output_name="echo"),
    ])


def test_schedule_is_only_for_periodic_deployments(sdk, deployments, base_url, admin_token):
    """The SDK refuses it client-side; a hand-made request must be refused by the server."""
    import requests

    from compat_helpers import access_token, error_body

    pipeline = _echo_pipeline(sdk)
    with pytest.raises(ValueError):
        deployments.create(pipeline_name=pipeline, deployment_name=unique("per-ep"),
                           execution_rule="endpoint", schedule=RARE)

    names_before = deployment_names(sdk)
    name = unique("per-ep")
    deployments.track(name)
    response = requests.post(
        f"{base_url}/api/v1/endpoints",
        headers={"Authorization": f"Bearer {access_token(base_url, admin_token)}"},
        json={"pipeline_name": pipeline, "name": name, "mode": "elastic", "schedule": RARE},
        timeout=60,
    )
    assert response.status_code in CLIENT_ERROR, (response.status_code, response.text[:300])
    error_body(response)
    assert_not_created(sdk, name, names_before)
