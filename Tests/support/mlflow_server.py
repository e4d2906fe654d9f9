"""Starts a real MLflow tracking server (`mlflow server`, SQLite backend, proxied artifacts) on a
free loopback port, for tests that talk to "another tracking server". The CLI is
$SLIPWAY_MLFLOW_SERVER (scripts/python-env.sh exports it), else <repo>/.venvs/mlflow-server/bin/mlflow.
"""

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120


@dataclass
class MLflowServer:
    base_url: str
    root: Path
    log_path: Path
    process: subprocess.Popen

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError as error:
            return f"<cannot read {self.log_path}: {error}>"

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mlflow_cli() -> str:
    return os.environ.get("SLIPWAY_MLFLOW_SERVER") or str(REPO_ROOT / ".venvs" / "mlflow-server" / "bin" / "mlflow")


def start_mlflow_server(root: Path, workers: int = 1) -> MLflowServer:
    """`mlflow server` with its data under `root`; returns once it answers."""
    root.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log_path = root / "mlflow-server.log"
    command = [mlflow_cli(), "server", "--host", "127.0.0.1", "--port", str(port),
               "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}",
               "--artifacts-destination", str(root / "artifacts"), "--workers", str(workers)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_")}
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, cwd=str(root), start_new_session=True)
    server = MLflowServer(f"http://127.0.0.1:{port}", root, log_path, process)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"mlflow server exited with {process.returncode}\n{server.log_tail()}")
        try:
            if requests.get(f"{server.base_url}/health", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"mlflow server not ready after {START_TIMEOUT_S}s\n{server.log_tail()}")
        time.sleep(0.5)
