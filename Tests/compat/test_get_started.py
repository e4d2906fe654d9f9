"""The Craft AI "Get Started" tutorial, parts 1 to 3, run unchanged against Slipway."""

import io
import pickle

from craft_ai_sdk import Input, Output

from compat_helpers import (
    CENTROIDS,
    CREATE_TIMEOUT_S,
    FEATURES,
    by_name,
    create_pipeline,
    create_step,
    fixture_dir,
    iris_like_csv,
    log_text,
    model_bytes,
    unique,
    uid,
)

HELLO_TEXT = "Hello world! Number of days since January 1, 2000:"
HELLO_PATH = "src/part-1-helloWorld.py"


# --- Part 1: hello world ---------------------------------------------------------


def test_part1_hello_world_step_pipeline_run_and_logs(sdk):
    name = unique("part-1-hello-world")

    # Exactly the documented call: only `local_folder` in container_config, the
    # rest falls back on the project information.
    step = sdk.create_step(
        step_name=name,
        function_path=HELLO_PATH,
        function_name="helloWorld",
        container_config={"local_folder": fixture_dir("hello")},
        timeout_s=CREATE_TIMEOUT_S,
    )
    assert step["creation_info"]["status"] == "ready"
    assert step["parameters"]["step_name"] == name
    assert step["parameters"]["function_path"] == HELLO_PATH
    assert step["parameters"]["function_name"] == "helloWorld"
    assert step["parameters"]["inputs"] == []
    assert step["parameters"]["outputs"] == []
    assert step["creation_info"]["origin"] == "local"

    assert name in by_name(sdk.list_steps(), "step_name")
    assert sdk.get_step(name)["parameters"]["step_name"] == name

    pipeline = sdk.create_pipeline(pipeline_name=name, step_name=name)
    assert pipeline["creation_info"]["status"] == "ready"
    assert pipeline["creation_info"]["last_execution_id"] is None
    assert pipeline["parameters"]["pipeline_name"] == name
    assert pipeline["parameters"]["inputs"] == []
    assert name in by_name(sdk.list_pipelines(), "pipeline_name")

    result = sdk.run_pipeline(pipeline_name=name)
    execution_id = result["execution_id"]
    assert execution_id
    assert result["outputs"] == {}

    execution = sdk.get_pipeline_execution(execution_id)
    assert execution["execution_id"] == execution_id
    assert execution["status"] == "Succeeded"
    assert execution["pipeline_name"] == name
    assert execution["inputs"] == [] and execution["outputs"] == []

    assert HELLO_TEXT in log_text(sdk, execution_id)

    assert sdk.get_pipeline(name)["creation_info"]["last_execution_id"] == execution_id
    executions = by_name(sdk.list_pipeline_executions(name), "execution_id")
    assert executions[execution_id]["status"] == "Succeeded"


def test_part1_function_based_pipeline(sdk):
    name = unique("hello-fn")
    pipeline = sdk.create_pipeline(
        pipeline_name=name,
        function_path=HELLO_PATH,
        function_name="helloWorld",
        container_config={"local_folder": fixture_dir("hello")},
        timeout_s=CREATE_TIMEOUT_S,
    )
    assert pipeline["creation_info"]["status"] == "ready"
    assert pipeline["parameters"]["pipeline_name"] == name
    assert pipeline["parameters"]["function_path"] == HELLO_PATH
    assert pipeline["parameters"]["function_name"] == "helloWorld"

    result = sdk.run_pipeline(name)
    assert result["outputs"] == {}
    assert sdk.get_pipeline_execution(result["execution_id"])["status"] == "Succeeded"
    assert HELLO_TEXT in log_text(sdk, result["execution_id"])


# --- Part 2: training step with requirements, data store and metrics -------------


def test_part2_training_step_with_data_store_and_metrics(sdk):
    name = unique("part-2-iristrain")
    model_path = "get_started/models/iris_centroid_model.pkl"

    sdk.upload_data_store_object(
        filepath_or_buffer=io.BytesIO(iris_like_csv()),
        object_path_in_datastore="get_started/dataset/iris.csv",
    )

    create_step(
        sdk, name, "train", "src/part-2-train.py", "trainIris",
    )
    sdk.create_pipeline(pipeline_name=name, step_name=name)

    result = sdk.run_pipeline(pipeline_name=name)
    execution_id = result["execution_id"]
    assert sdk.get_pipeline_execution(execution_id)["status"] == "Succeeded"

    logs = log_text(sdk, execution_id)
    assert "Mean accuracy: 1.0" in logs
    assert "samples" in logs  # the tabulate table: the requirement was installed

    info = sdk.get_data_store_object_information(model_path)
    assert info["path"] == model_path
    assert info["size"].endswith("B")
    assert info["last_modified"]

    buffer = io.BytesIO()
    sdk.download_data_store_object(model_path, buffer)
    model = pickle.loads(buffer.getvalue())
    assert model["type"] == "nearest-centroid"
    assert sorted(model["centroids"]) == [0, 1, 2]
    assert model["features"] == FEATURES

    for filters in ({"pipeline_name": name}, {"execution_id": execution_id}):
        metrics = sdk.get_metrics(**filters)
        assert len(metrics) == 1, (filters, metrics)
        metric = metrics[0]
        assert metric["name"] == "accuracy"
        assert metric["value"] == 1.0
        assert metric["execution_id"] == execution_id
        assert metric["pipeline_name"] == name

        list_metrics = sdk.get_list_metrics(**filters)
        assert len(list_metrics) == 1, (filters, list_metrics)
        assert list_metrics[0]["name"] == "loss"
        assert list_metrics[0]["values"] == [1.0, 0.5, 1 / 3, 0.25, 0.2]
        assert list_metrics[0]["execution_id"] == execution_id
        assert list_metrics[0]["pipeline_name"] == name


# --- Part 3: inputs and outputs of every type --------------------------------------


PREDICT_INPUTS = [
    Input(name="input_data", data_type="json"),
    Input(name="input_model_path", data_type="string"),
    Input(name="threshold", data_type="number"),
    Input(name="verbose", data_type="boolean"),
    Input(name="features", data_type="array"),
    Input(name="input_file", data_type="file"),
]
PREDICT_OUTPUTS = [
    Output(name="predictions", data_type="json"),
    Output(name="summary", data_type="string"),
    Output(name="count", data_type="number"),
    Output(name="all_confident", data_type="boolean"),
    Output(name="labels", data_type="array"),
    Output(name="report", data_type="file"),
]


def _sample(label, shift=0.0):
    return {f: round(v + shift, 2) for f, v in zip(FEATURES, CENTROIDS[label])}


def test_part3_predict_with_inputs_and_outputs(sdk, tmp_path):
    name = unique("part-3-irisio")
    model_path = f"get_started/{uid()}/models/model.pkl"
    sdk.upload_data_store_object(io.BytesIO(model_bytes()), model_path)

    create_step(
        sdk, name, "predict", "src/part-3-predict.py", "predictIris",
        inputs=PREDICT_INPUTS, outputs=PREDICT_OUTPUTS,
    )
    pipeline = sdk.create_pipeline(pipeline_name=name, step_name=name)
    declared = {i["name"]: i["data_type"] for i in pipeline["parameters"]["inputs"]}
    assert declared == {i.name: i.data_type for i in PREDICT_INPUTS}

    # Rows of the file input: classes 2, 0, 1 (exactly at the centroids).
    csv_lines = [",".join(FEATURES)] + [
        ",".join(str(v) for v in CENTROIDS[label]) for label in (2, 0, 1)
    ]
    csv_bytes = ("\n".join(csv_lines) + "\n").encode()
    csv_path = tmp_path / "new_samples.csv"
    csv_path.write_bytes(csv_bytes)

    input_data = {"124": _sample(2, 0.05), "41": _sample(0, -0.05)}
    inputs = {
        "input_data": input_data,
        "input_model_path": model_path,
        "threshold": 0.5,
        "verbose": True,
        "features": FEATURES,
        "input_file": str(csv_path),
    }
    result = sdk.run_pipeline(pipeline_name=name, inputs=inputs)
    execution_id = result["execution_id"]
    outputs = result["outputs"]
    expected_report = b"row,label\n0,2\n1,0\n2,1\n"
    assert outputs == {
        "predictions": {"124": 2, "41": 0},
        "summary": "2 predictions",
        "count": 5,
        "all_confident": True,
        "labels": [2, 0, 1],
        "report": expected_report,
    }
    assert "predicted 2 samples from input_data" in log_text(sdk, execution_id)

    execution = sdk.get_pipeline_execution(execution_id)
    assert execution["status"] == "Succeeded"
    exec_inputs = by_name(execution["inputs"], "pipeline_input_name")
    assert set(exec_inputs) == set(inputs)
    for input_name, item in exec_inputs.items():
        assert item["source"] == "run", item
        assert item["data_type"] == declared[input_name]
    assert exec_inputs["input_data"]["value"] == input_data
    assert exec_inputs["input_model_path"]["value"] == model_path
    assert exec_inputs["threshold"]["value"] == 0.5
    assert exec_inputs["verbose"]["value"] is True
    assert exec_inputs["features"]["value"] == FEATURES
    assert exec_inputs["input_file"]["value"] == csv_bytes

    exec_outputs = by_name(execution["outputs"], "pipeline_output_name")
    assert set(exec_outputs) == set(outputs)
    for output_name, item in exec_outputs.items():
        assert item["destination"] == "run", item
        assert item["value"] == outputs[output_name], output_name

    summary = sdk.get_pipeline_execution_output(execution_id, "summary")
    assert summary["pipeline_output_name"] == "summary"
    assert summary["data_type"] == "string"
    assert summary["destination"] == "run"
    assert summary["value"] == "2 predictions"
    assert sdk.get_pipeline_execution_output(execution_id, "report")["value"] == expected_report
    assert sdk.get_pipeline_execution_output(execution_id, "predictions")["value"] == {
        "124": 2, "41": 0,
    }
    assert sdk.get_pipeline_execution_output(execution_id, "all_confident")["value"] is True

    threshold = sdk.get_pipeline_execution_input(execution_id, "threshold")
    assert threshold["source"] == "run"
    assert threshold["value"] == 0.5
    assert sdk.get_pipeline_execution_input(execution_id, "input_data")["value"] == input_data
    assert sdk.get_pipeline_execution_input(execution_id, "input_file")["value"] == csv_bytes
    assert sdk.get_pipeline_execution_input(execution_id, "features")["value"] == FEATURES


def test_part3_file_input_as_open_file_object(sdk, tmp_path):
    """run_pipeline also accepts an open binary file for a file input."""
    name = unique("irisio-fileobj")
    model_path = f"get_started/{uid()}/model.pkl"
    sdk.upload_data_store_object(io.BytesIO(model_bytes()), model_path)
    create_pipeline(
        sdk, name, "predict", "src/part-3-predict.py", "predictIris",
        inputs=PREDICT_INPUTS, outputs=PREDICT_OUTPUTS,
    )
    csv_path = tmp_path / "one.csv"
    csv_path.write_text(",".join(FEATURES) + "\n" + ",".join(map(str, CENTROIDS[1])) + "\n")
    with open(csv_path, "rb") as handle:
        result = sdk.run_pipeline(
            name,
            inputs={
                "input_data": {},
                "input_model_path": model_path,
                "threshold": 1,
                "verbose": False,
                "features": FEATURES,
                "input_file": handle,
            },
        )
    assert result["outputs"]["labels"] == [1]
    assert result["outputs"]["report"] == b"row,label\n0,1\n"
    assert result["outputs"]["predictions"] == {}
    assert result["outputs"]["summary"] == "0 predictions"
