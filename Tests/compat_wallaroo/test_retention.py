"""Retention of inference records against a real `slipway serve` (retention pass every second,
server default 60 days): records imported with `pipelines/import_logs` at past times disappear
once older than their workspace's retention (set with `slipway workspace retention`), recent
ones stay, and drift baselines (read from the per-feature columns) count only the survivors.
The command refuses unknown workspaces and out-of-range days with a clear error and changes
nothing."""

import datetime
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models_helpers import Client, dense_onnx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from slipway_server import CONFIDENTIAL_CLIENT, SERVERS, run_cli, start_server, stop  # noqa: E402

DAY_MS = 86_400_000
NOW_MS = int(time.time() * 1000)


@pytest.fixture(scope="module")
def server(_root):
    try:
        started = start_server(_root / "retention", admin_password="compat-retention-password",
                               client_secret="secret-retention-client-secret",
                               extra_args=["--retention-interval", "1", "--inference-retention-days", "60"])
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield started
    stop(started.process)
    SERVERS.remove(started)


@pytest.fixture(scope="module")
def client(server):
    creds = {"username": "admin", "password": server.admin_password, "confidentialClient": CONFIDENTIAL_CLIENT,
             "confidentialPassword": server.client_secret}
    return Client(server.base_url, server.token_url, creds)


def cli(server, *args) -> subprocess.CompletedProcess:
    return run_cli(server, "workspace", "retention", *args)


def rows(ages_days, offset: int = 0) -> list:
    return [{"time": NOW_MS - int(age * DAY_MS) + index, "in": {"tensor": [float(index + offset)] * 17},
             "out": {"dense_2": [float(index + offset) / 10]}} for index, age in enumerate(ages_days)]


def prepare(client, name: str) -> int:
    workspace_id = client.workspace(name)
    model = client.upload(workspace_id, f"{name}model", dense_onnx(inputs=17, output="dense_2")).json()
    model_id = model["insert_models"]["returning"][0]["models"][0]["id"]
    step = client.model_step(client.latest_version(model_id, f"{name}model"))
    client.post("pipelines/create", {"pipeline_id": f"{name}pipe", "workspace_id": workspace_id,
                                     "definition": {"steps": [{"ModelInference": {"models": [step]}}]}})
    return workspace_id


def import_logs(client, name: str, workspace_id: int, records: list):
    answer = client.post("pipelines/import_logs", {"workspace_id": workspace_id, "pipeline_id": f"{name}pipe",
                                                   "model_name": f"{name}model", "records": records}).json()
    assert answer == {"inserted": len(records)}


def logged_times(client, name: str, workspace_id: int) -> list:
    logs = client.post("assays/get_baseline", {"workspace_id": workspace_id, "pipeline_name": f"{name}pipe",
                                               "limit": 10_000}).json()
    return sorted(record["time"] for record in logs)


def wait_for(predicate, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the retention pass did not run in time"
        time.sleep(0.25)


def baseline_count(client, name: str, workspace_id: int) -> int:
    start = datetime.datetime.fromtimestamp((NOW_MS - 400 * DAY_MS) / 1000, datetime.timezone.utc)
    end = datetime.datetime.fromtimestamp((NOW_MS + DAY_MS) / 1000, datetime.timezone.utc)
    pipeline_id = next(w for w in client.post("workspaces/list", {}).json()["workspaces"] if w["name"] == name)["pipelines"][0]
    body = {"name": "retention assay", "pipeline_id": pipeline_id, "pipeline_name": f"{name}pipe", "active": False,
            "status": "active", "iopath": "output dense_2 0",
            "baseline": {"Fixed": {"pipeline": f"{name}pipe", "model": f"{name}model",
                                   "start_at": start.isoformat(), "end_at": end.isoformat()}},
            "window": {"pipeline": f"{name}pipe", "model": f"{name}model", "width": "24 hours", "start": None,
                       "interval": None},
            "summarizer": {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density",
                           "metric": "PSI", "num_bins": 5, "bin_weights": None, "bin_width": None,
                           "provided_edges": None, "add_outlier_edges": True},
            "warning_threshold": 0, "alert_threshold": 0.1, "run_until": None, "workspace_id": workspace_id}
    return client.post("assays/run_interactive_baseline", body).json()["baseline_summary"]["count"]


def test_old_records_disappear_recent_ones_stay(server, client):
    kept = prepare(client, "retentionkept")
    follows = prepare(client, "retentiondefault")
    # 45 days old: past a 30-day retention, within the server's 60-day default.
    old = rows([45 + index / 100 for index in range(50)])
    recent = rows([index / 100 for index in range(40)], offset=100)
    import_logs(client, "retentionkept", kept, old + recent)
    ancient = rows([90 + index / 10 for index in range(20)], offset=200)
    import_logs(client, "retentiondefault", follows, ancient + rows([45] * 10, offset=300) + rows([0.5] * 10, offset=400))

    # The server default (60 days) deletes the 90-day-old records of both workspaces' defaults.
    wait_for(lambda: len(logged_times(client, "retentiondefault", follows)) == 20)
    time.sleep(1.5)
    assert len(logged_times(client, "retentionkept", kept)) == 90

    shown = cli(server, "retentionkept")
    assert shown.returncode == 0, shown.stderr
    assert "no retention of its own" in shown.stdout
    done = cli(server, "retentionkept", "--days", "30")
    assert done.returncode == 0, done.stderr
    assert "kept for 30 days" in done.stdout
    shown = cli(server, "retentionkept")
    assert "kept for 30 days (its own setting)" in shown.stdout

    expected = sorted(r["time"] for r in recent)
    wait_for(lambda: logged_times(client, "retentionkept", kept) == expected)
    assert baseline_count(client, "retentionkept", kept) == len(recent)
    assert baseline_count(client, "retentiondefault", follows) == 20
    # The other workspace still follows the server default.
    assert len(logged_times(client, "retentiondefault", follows)) == 20
    log = server.log_path.read_text(errors="replace")
    assert "deleted 50 inference records of workspace 'retentionkept'" in log
    assert "deleted 20 inference records of workspace 'retentiondefault'" in log

    # `--forever` keeps old records imported afterwards, whatever the server default.
    assert cli(server, "retentiondefault", "--forever").returncode == 0
    import_logs(client, "retentiondefault", follows, rows([200] * 5, offset=500))
    time.sleep(2.5)
    assert len(logged_times(client, "retentiondefault", follows)) == 25
    # `--server-default` brings the default back: the 200-day-old records go.
    assert cli(server, "retentiondefault", "--server-default").returncode == 0
    wait_for(lambda: len(logged_times(client, "retentiondefault", follows)) == 20)


def test_bad_retention_commands_change_nothing(server, client):
    prepare(client, "retentionbad")
    assert cli(server, "retentionbad", "--days", "14").returncode == 0
    for args, message in [(["nosuchworkspace", "--days", "5"], "nosuchworkspace"),
                          (["retentionbad", "--days", "0"], "at least 1 day"),
                          (["retentionbad", "--days=-3"], "at least 1 day"),
                          (["retentionbad", "--days", "36501"], "at most 36500 days"),
                          (["retentionbad", "--days", "99999999999999999999999"], "--days"),
                          (["retentionbad", "--days", "soon"], "--days"),
                          (["retentionbad", "--days", "5", "--forever"], "at most one of")]:
        done = cli(server, *args)
        assert done.returncode != 0, (args, done.stdout)
        assert message in done.stderr, (args, done.stderr)
        assert "Foundation" not in done.stderr and str(server.data_dir) not in done.stderr
    shown = cli(server, "retentionbad")
    assert "kept for 14 days (its own setting)" in shown.stdout
    assert cli(server, "nosuchworkspace").returncode != 0
