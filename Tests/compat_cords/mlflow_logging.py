"""Logs a KNeighborsClassifier run with the real mlflow client (params, an accuracy metric,
`mlflow.sklearn.log_model`) to a tracking server, and starts a real `mlflow server` peer."""

import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests


@dataclass
class LoggedRun:
    experiment_id: str
    run_id: str
    model_id: str
    accuracy: float


def log_knn_run(tracking_uri: str, experiment: str, n_neighbors: int = 3) -> LoggedRun:
    import mlflow
    import mlflow.sklearn
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.neighbors import KNeighborsClassifier

    mlflow.set_tracking_uri(tracking_uri)
    experiment_id = mlflow.set_experiment(experiment).experiment_id
    features, labels = load_iris(return_X_y=True, as_frame=True)
    train_x, test_x, train_y, test_y = train_test_split(features, labels, test_size=0.3, random_state=7)
    with mlflow.start_run() as run:
        model = KNeighborsClassifier(n_neighbors=n_neighbors).fit(train_x, train_y)
        accuracy = float(model.score(test_x, test_y))
        mlflow.log_params({"n_neighbors": n_neighbors, "dataset": "iris"})
        mlflow.log_metric("accuracy", accuracy)
        # cloudpickle: the default (skops) needs a package the client venv does not have.
        info = mlflow.sklearn.log_model(model, name="knnmodel", input_example=test_x.iloc[:3],
                                        serialization_format="cloudpickle")
    return LoggedRun(experiment_id=experiment_id, run_id=run.info.run_id, model_id=info.model_id, accuracy=accuracy)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mlflow_server_binary() -> "str | None":
    explicit = os.environ.get("SLIPWAY_MLFLOW_SERVER")
    if explicit:
        return explicit
    candidate = Path(__file__).resolve().parents[2] / ".venvs" / "mlflow-server" / "bin" / "mlflow"
    return str(candidate) if candidate.exists() else None


def start_mlflow_server(root: Path) -> "tuple[subprocess.Popen, str]":
    binary = mlflow_server_binary()
    if binary is None:
        raise RuntimeError("no mlflow server: set SLIPWAY_MLFLOW_SERVER (scripts/python-env.sh)")
    root.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log = open(root / "mlflow-server.log", "ab")
    process = subprocess.Popen(
        [binary, "server", "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}", "--artifacts-destination",
         str(root / "artifacts"), "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(root))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mlflow server exited with {process.returncode}: "
                               + (root / "mlflow-server.log").read_text(errors="replace")[-2000:])
        try:
            if requests.get(url + "/health", timeout=2).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.kill()
    raise RuntimeError("mlflow server not healthy after 300 s")
