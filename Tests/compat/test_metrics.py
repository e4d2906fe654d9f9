"""Pipeline metrics recorded from inside executions and read back with filters."""

import warnings

import pytest
from craft_ai_sdk import CraftAiSdk, Input, Output

from compat_helpers import create_pipeline, uid, unique

METRIC_INPUTS = [
    Input("single_name", "string"),
    Input("list_name", "string"),
    Input("big_name", "string"),
    Input("big_count", "number"),
]


def _metrics_pipeline(sdk) -> str:
    name = unique("metrics")
    create_pipeline(
        sdk, name, "insider", "src/insider.py", "record_metrics",
        inputs=METRIC_INPUTS, outputs=[Output("recorded", "boolean")],
    )
    return name


def _run(sdk, pipeline, single, lst, big="unused", big_count=0) -> str:
    result = sdk.run_pipeline(
        pipeline,
        inputs={"single_name": single, "list_name": lst, "big_name": big, "big_count": big_count},
    )
    assert result["outputs"] == {"recorded": True}
    return result["execution_id"]


def test_single_value_is_overwritten_and_list_is_appended(sdk):
    pipeline = _metrics_pipeline(sdk)
    single, lst = f"acc-{uid()}", f"loss-{uid()}"
    execution_id = _run(sdk, pipeline, single, lst)

    metrics = sdk.get_metrics(name=single, execution_id=execution_id)
    assert len(metrics) == 1, metrics
    assert metrics[0]["value"] == 2.5
    assert metrics[0]["name"] == single
    assert metrics[0]["execution_id"] == execution_id
    assert metrics[0]["pipeline_name"] == pipeline
    assert metrics[0]["created_at"]

    list_metrics = sdk.get_list_metrics(name=lst, execution_id=execution_id)
    assert len(list_metrics) == 1, list_metrics
    assert list_metrics[0]["values"] == [1.0, 2.0, 3.0]
    assert list_metrics[0]["execution_id"] == execution_id
    assert list_metrics[0]["pipeline_name"] == pipeline


def test_large_list_metric_recorded_in_batches(sdk):
    pipeline = _metrics_pipeline(sdk)
    big = f"big-{uid()}"
    execution_id = _run(sdk, pipeline, f"s-{uid()}", f"l-{uid()}", big, 50_000)

    list_metrics = sdk.get_list_metrics(name=big, execution_id=execution_id)
    assert len(list_metrics) == 1
    values = list_metrics[0]["values"]
    assert len(values) == 50_000
    assert values == [float(i) for i in range(50_000)]


def test_filters_by_name_pipeline_and_execution(sdk):
    first_pipeline = _metrics_pipeline(sdk)
    second_pipeline = _metrics_pipeline(sdk)
    single, lst = f"shared-{uid()}", f"shared-list-{uid()}"
    first = _run(sdk, first_pipeline, single, lst)
    second = _run(sdk, first_pipeline, single, lst)
    other = _run(sdk, second_pipeline, single, lst)

    by_pipeline = sdk.get_metrics(pipeline_name=first_pipeline)
    assert sorted(m["execution_id"] for m in by_pipeline) == sorted([first, second])
    assert {m["pipeline_name"] for m in by_pipeline} == {first_pipeline}

    by_execution = sdk.get_metrics(execution_id=other)
    assert [(m["name"], m["value"], m["pipeline_name"]) for m in by_execution] == [
        (single, 2.5, second_pipeline)
    ]

    by_name = sdk.get_metrics(name=single)
    assert sorted(m["execution_id"] for m in by_name) == sorted([first, second, other])

    lists = sdk.get_list_metrics(name=lst, pipeline_name=second_pipeline)
    assert [(m["execution_id"], m["values"]) for m in lists] == [(other, [1.0, 2.0, 3.0])]

    assert sdk.get_metrics(name=f"never-recorded-{uid()}") == []
    assert sdk.get_list_metrics(execution_id=f"no-such-execution-{uid()}") == []


class _NoNetwork:
    """Stands in for requests.Session: any use fails the test."""

    headers: dict = {}

    def __getattr__(self, attribute):
        raise AssertionError(f"the SDK used the network ({attribute}) outside an execution")


def test_recording_outside_an_execution_returns_false_without_request(
    slipway_server, monkeypatch
):
    monkeypatch.delenv("CRAFT_AI_EXECUTION_ID", raising=False)
    client = CraftAiSdk()
    client._session = _NoNetwork()

    with pytest.warns(UserWarning):
        assert client.record_metric_value("outside", 1.0) is False
    with pytest.warns(UserWarning):
        assert client.record_list_metric_values("outside-list", [1.0, 2.0]) is False

    quiet = CraftAiSdk(warn_on_metric_outside_of_pipeline=False)
    quiet._session = _NoNetwork()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert quiet.record_metric_value("outside", 1.0) is False
