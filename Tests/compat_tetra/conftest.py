"""TetraScience compatibility suite: the shared settings and secrets API (`/v1/sharedsettings`,
`/v1/secrets`, with ts-sdk's `ts-auth-token` and `x-org-slug` headers) called with `requests`,
the `slipway secret` / `slipway setting` administration commands, and artifacts put with the
unmodified `ts-sdk` CLI (test_artifacts.py), against a real
`slipway serve` started for the session on a loopback port.

Run with the environment prepared by scripts/python-env.sh (its own venv: the ts-sdk 2.8.0 CLI,
the ts-ids-validator it imports, `requests`, `pytest`):

    eval "$(scripts/python-env.sh)" && "$SLIPWAY_TETRA_PYTHON" -m pytest Tests/compat_tetra

The server binary is $SLIPWAY_BIN, else <repo>/.build/debug/slipway; with
$SLIPWAY_COMPAT_DATABASE_URL set to a PostgreSQL URL the server (and the commands run beside
it) use a fresh database there.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from tetra_helpers import ORG, Tetra  # noqa: E402

from slipway_server import attach_server_logs, Server, run_cli, session_root, session_server  # noqa: E402

class Admin:
    """Runs `slipway` administration commands on the session server's data dir (and database)."""

    def __init__(self, server: Server):
        self.server = server

    def run(self, *args: str, stdin: "str | None" = None, check: bool = True) -> subprocess.CompletedProcess:
        result = run_cli(self.server, *args, stdin=stdin, timeout=60)
        if check:
            assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        return result


@pytest.fixture(scope="session")
def _root(request):
    yield from session_root(request, "slipway-tetra-")


@pytest.fixture(scope="session")
def server(_root) -> Server:
    yield from session_server(_root)


@pytest.fixture(scope="session")
def admin(server) -> Admin:
    return Admin(server)


@pytest.fixture(scope="session")
def org_token(admin) -> str:
    """An SDK token of the administrator in the `training-sspdemo` workspace (the seed's org)."""
    return admin.run("workspace", "create", ORG).stdout.strip()


@pytest.fixture(scope="session")
def tetra(server, org_token) -> Tetra:
    return Tetra(server.base_url, org_token)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    attach_server_logs(outcome.get_result())
