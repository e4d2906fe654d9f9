"""Wallaroo compatibility suite: replays the seed's `requests` calls against a real
`slipway serve` started for the session on a loopback port.

Run with the environment prepared by scripts/python-env.sh:

    eval "$(scripts/python-env.sh)" && "$SLIPWAY_WALLAROO_PYTHON" -m pytest Tests/compat_wallaroo

The server binary is $SLIPWAY_BIN, else <repo>/.build/debug/slipway. The session server gets
its administrator password and client secret from SLIPWAY_ADMIN_PASSWORD and
SLIPWAY_CLIENT_SECRET; a second, short-lived server (access tokens of 2 s) gets neither and
the suite reads them from the files it writes in its data dir. With
$SLIPWAY_COMPAT_DATABASE_URL set to a PostgreSQL URL, every data dir gets a fresh database on
that server, as in Tests/compat.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from slipway_server import attach_server_logs, CONFIDENTIAL_CLIENT, SERVERS, Server, session_root, session_server, start_server, stop  # noqa: E402


@pytest.fixture(scope="session")
def _root(request):
    yield from session_root(request, "slipway-wallaroo-")


@pytest.fixture(scope="session")
def server(_root) -> Server:
    # Assays analyse their closed windows every second, so scheduled results appear quickly.
    yield from session_server(_root, extra_args=["--assay-interval", "1"])


@pytest.fixture(scope="session")
def short_lived_server(_root) -> Server:
    """A server whose access tokens last 2 seconds, started without a chosen password or
    secret (so they come from its data dir's files)."""
    try:
        started = start_server(_root / "short", admin_password=None, client_secret=None,
                               extra_args=["--access-token-lifetime", "2"])
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield started
    stop(started.process)
    SERVERS.remove(started)


@pytest.fixture(scope="session")
def creds(server) -> dict:
    """What the seed keeps in ./creds.json."""
    return {"username": "admin", "password": server.admin_password, "email": "",
            "confidentialClient": CONFIDENTIAL_CLIENT, "confidentialPassword": server.client_secret}


@pytest.fixture(scope="session")
def APIURL(server) -> str:
    return server.base_url


@pytest.fixture(scope="session")
def TOKENURL(server) -> str:
    return server.token_url


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    attach_server_logs(outcome.get_result())
