"""MLflow compatibility suite: the real `mlflow` client (mlflow-skinny) against a real
`slipway serve` started for the session on a loopback port.

Run with the environment prepared by scripts/python-env.sh:

    eval "$(scripts/python-env.sh)" && "$SLIPWAY_MLFLOW_PYTHON" -m pytest Tests/compat_mlflow

The server binary is $SLIPWAY_BIN, else <repo>/.build/debug/slipway; with
$SLIPWAY_COMPAT_DATABASE_URL set to a PostgreSQL URL the server runs on a fresh database there.
The client authenticates as the administrator with HTTP Basic
(MLFLOW_TRACKING_USERNAME/PASSWORD) unless a test sets other credentials.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from slipway_server import attach_server_logs, Server, session_root, session_server, start_server, stop  # noqa: E402

ADMIN = "admin"


@pytest.fixture(scope="session")
def _root(request):
    yield from session_root(request, "slipway-mlflow-")


@pytest.fixture(scope="session")
def server(_root) -> Server:
    yield from session_server(_root)


@pytest.fixture()
def tracking(server, monkeypatch):
    """The MLflow client pointed at the session server as the administrator (Basic auth);
    yields the tracking URI."""
    import mlflow
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server.base_url)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", ADMIN)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", server.admin_password)
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
    monkeypatch.delenv("MLFLOW_WORKSPACE", raising=False)
    mlflow.set_tracking_uri(server.base_url)
    yield server.base_url
    while mlflow.active_run():
        mlflow.end_run()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    attach_server_logs(outcome.get_result())
