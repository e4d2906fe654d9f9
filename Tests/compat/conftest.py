"""Craft AI SDK compatibility suite: starts a real `slipway serve` for the session.

Run with the environment prepared by scripts/python-env.sh:

    scripts/python-env.sh && .venvs/compat/bin/python -m pytest Tests/compat

The server binary is $SLIPWAY_BIN, else <repo>/.build/debug/slipway. With
$SLIPWAY_COMPAT_DATABASE_URL set to a PostgreSQL URL (postgres://user@host:port/db, a
database the user may connect to and create databases from), every data directory gets a
fresh database of its own on that server, passed to `slipway serve` and the CLI as
`--database`.
"""

import os

# The SDK reads these two when it is imported (class attributes of CraftAiSdk), so
# they must be set before any `import craft_ai_sdk`. The lowered threshold makes a
# 5 MB upload go through the multipart protocol.
MULTIPART_THRESHOLD_B = 2_000_000
MULTIPART_PART_SIZE_B = 1_048_576
os.environ["CRAFT_AI__MULTIPART_THRESHOLD__B"] = str(MULTIPART_THRESHOLD_B)
os.environ["CRAFT_AI__MULTIPART_PART_SIZE__B"] = str(MULTIPART_PART_SIZE_B)
os.environ["SDK_VERBOSE_LOG"] = "false"
# The test process is never "inside an execution".
os.environ.pop("CRAFT_AI_EXECUTION_ID", None)

import atexit  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import requests  # noqa: E402

import craft_ai_sdk  # noqa: E402
from craft_ai_sdk import CraftAiSdk  # noqa: E402

assert craft_ai_sdk.__version__ == "0.72.1", craft_ai_sdk.__version__
assert CraftAiSdk._MULTIPART_THRESHOLD == MULTIPART_THRESHOLD_B, "SDK imported too early"

REPO_ROOT = Path(__file__).resolve().parents[2]
HEALTH_TIMEOUT_S = 60
STOP_GRACE_S = 10
LOG_TAIL_LINES = 80

# Variables of the test process that must not leak into the server (and from there
# into step executions, which get their own execution-scoped credentials).
_PRIVATE_ENV_PREFIXES = ("CRAFT_AI_", "CRAFT_AI__", "SDK_VERBOSE_LOG", "PYTEST_")


@dataclass
class SlipwayServer:
    binary: Path
    base_url: str
    admin_token: str
    data_dir: Path
    log_path: Path
    env: dict
    process: subprocess.Popen
    database_url: "str | None" = None

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as error:
            return f"<cannot read {self.log_path}: {error}>"
        return "\n".join(text.splitlines()[-lines:])

    def cli(self, *args: str, timeout: float = 60) -> str:
        """Run `slipway <args> --data-dir <data dir>` and return its stdout."""
        command = [str(self.binary), *args, "--data-dir", str(self.data_dir)]
        if self.database_url:
            command += ["--database", self.database_url]
        result = subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise AssertionError(
                f"{' '.join(command)} exited with {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result.stdout

    def cli_token(self, *args: str) -> str:
        """Run a CLI command that prints a token and return the token (the last word
        of the last non-empty stdout line)."""
        lines = [line.strip() for line in self.cli(*args).splitlines() if line.strip()]
        assert lines, f"`slipway {' '.join(args)}` printed nothing on stdout"
        return lines[-1].split()[-1]


_SERVER: "SlipwayServer | None" = None


# The PostgreSQL database of each data directory (when $SLIPWAY_COMPAT_DATABASE_URL is set):
# a restart on the same data directory finds its data again.
_DATABASES: "dict[str, str]" = {}


def _createdb() -> str:
    for candidate in [shutil.which("createdb"), *sorted(Path("/usr/lib/postgresql").glob("*/bin/createdb"))]:
        if candidate:
            return str(candidate)
    raise RuntimeError("SLIPWAY_COMPAT_DATABASE_URL is set but PostgreSQL's createdb was not found")


def _database_for(data_dir: Path) -> "str | None":
    """A fresh PostgreSQL database for `data_dir` (the same one on later calls), or None when
    the suite runs on SQLite."""
    base = os.environ.get("SLIPWAY_COMPAT_DATABASE_URL")
    if not base:
        return None
    key = str(data_dir.resolve())
    if key not in _DATABASES:
        url = urllib.parse.urlsplit(base)
        name = "compat_" + secrets.token_hex(6)
        command = [_createdb(), "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
                   "-U", urllib.parse.unquote(url.username or "postgres"), name]
        env = dict(os.environ)
        if url.password:
            env["PGPASSWORD"] = urllib.parse.unquote(url.password)
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"createdb {name} failed: {result.stderr.strip()}")
        _DATABASES[key] = urllib.parse.urlunsplit(url._replace(path="/" + name))
    return _DATABASES[key]


@atexit.register
def _drop_databases() -> None:
    """Drop the databases this run created (kept with $SLIPWAY_COMPAT_KEEP, like data dirs)."""
    base = os.environ.get("SLIPWAY_COMPAT_DATABASE_URL")
    if not base or not _DATABASES or os.environ.get("SLIPWAY_COMPAT_KEEP"):
        return
    url = urllib.parse.urlsplit(base)
    dropdb = str(Path(_createdb()).with_name("dropdb"))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = urllib.parse.unquote(url.password)
    for database in _DATABASES.values():
        name = urllib.parse.urlsplit(database).path.lstrip("/")
        subprocess.run([dropdb, "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
                        "-U", urllib.parse.unquote(url.username or "postgres"), "--if-exists", "--force", name],
                       env=env, capture_output=True, timeout=60)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(admin_token: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_PRIVATE_ENV_PREFIXES)
    }
    env["SLIPWAY_ADMIN_TOKEN"] = admin_token
    tools_bin = str(REPO_ROOT / ".venvs" / "tools" / "bin")
    env["PATH"] = os.pathsep.join([tools_bin, env.get("PATH", "/usr/bin:/bin")])
    return env


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_GRACE_S)


def server_binary() -> Path:
    return Path(os.environ.get("SLIPWAY_BIN") or REPO_ROOT / ".build" / "debug" / "slipway")


def start_server(root: Path, admin_token: str, data_dir: "Path | None" = None, port: "int | None" = None,
                 log_name: str = "server.log") -> SlipwayServer:
    """Start `slipway serve` on a loopback port with its data under `root` (or `data_dir`),
    logging to `root/log_name`; returns once /health answers. Raises RuntimeError (with the
    log's tail) if it exits or does not become healthy."""
    binary = server_binary()
    data_dir = data_dir or root / "data"
    data_dir.mkdir(exist_ok=True)
    log_path = root / log_name
    port = port or _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _server_env(admin_token)
    database_url = _database_for(data_dir)
    command = [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    if database_url:
        command += ["--database", database_url]
    log_file = open(log_path, "ab")
    process = subprocess.Popen(
        command,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=str(root),
    )
    log_file.close()  # the child has its own descriptor
    server = SlipwayServer(binary, base_url, admin_token, data_dir, log_path, env, process, database_url)

    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    last_error = "no attempt"
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"slipway serve exited with {process.returncode} before becoming healthy\n"
                f"--- {log_path} (tail) ---\n{server.log_tail()}"
            )
        try:
            response = requests.get(f"{base_url}/health", timeout=2)
            if response.status_code == 200:
                return server
            last_error = f"HTTP {response.status_code}: {response.text[:200]}"
        except requests.RequestException as error:
            last_error = repr(error)
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(
                f"slipway serve not healthy after {HEALTH_TIMEOUT_S}s ({last_error})\n"
                f"--- {log_path} (tail) ---\n{server.log_tail()}"
            )
        time.sleep(0.2)


def stop_server(server: SlipwayServer) -> None:
    _stop(server.process)


@pytest.fixture(scope="session")
def slipway_server(request):
    global _SERVER
    binary = server_binary()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        pytest.fail(
            f"slipway binary not found or not executable: {binary}\n"
            "Build it first (swift build) or point SLIPWAY_BIN at it.",
            pytrace=False,
        )

    # A short path (the server may put Unix sockets under its data dir); removed at
    # the end unless a test failed, so that its log and data can be inspected.
    root = Path(tempfile.mkdtemp(prefix="slipway-compat-"))
    admin_token = "compat-" + secrets.token_urlsafe(32)
    try:
        server = start_server(root, admin_token)
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    process, log_path = server.process, server.log_path
    base_url = server.base_url

    os.environ["CRAFT_AI_SDK_TOKEN"] = admin_token
    os.environ["CRAFT_AI_ENVIRONMENT_URL"] = base_url
    os.environ["CRAFT_AI_CONTROL_URL"] = base_url
    _SERVER = server
    try:
        yield server
    finally:
        _SERVER = None
        _stop(process)
        exit_code = process.returncode
        print(
            f"\nslipway serve stopped (exit code {exit_code}); log: {log_path}\n"
            f"--- server log (tail) ---\n{server.log_tail(40)}"
        )
        if request.session.testsfailed == 0 and not os.environ.get("SLIPWAY_COMPAT_KEEP"):
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url(slipway_server) -> str:
    return slipway_server.base_url


@pytest.fixture(scope="session")
def admin_token(slipway_server) -> str:
    return slipway_server.admin_token


@pytest.fixture(scope="session")
def data_dir(slipway_server) -> Path:
    return slipway_server.data_dir


@pytest.fixture(scope="session")
def server_log(slipway_server) -> Path:
    return slipway_server.log_path


@pytest.fixture
def sdk(slipway_server) -> CraftAiSdk:
    """A fresh SDK client configured only through the environment, like a user's."""
    return CraftAiSdk()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _SERVER is not None:
        report.sections.append(
            (f"slipway server log (last {LOG_TAIL_LINES} lines of {_SERVER.log_path})",
             _SERVER.log_tail())
        )


@pytest.fixture
def deployments(sdk):
    """Creates deployments (`deployments.create(**create_deployment kwargs)`) and deletes every
    one of them after the test, so that no endpoint, schedule or resident worker outlives it."""
    from compat_helpers import DeploymentTracker

    tracker = DeploymentTracker(sdk)
    yield tracker
    tracker.cleanup()
