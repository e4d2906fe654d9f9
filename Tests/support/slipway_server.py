"""Starts and stops a real `slipway serve` for the Python suites (Wallaroo, MLflow, CORDS):
each server gets a free loopback port, its own data dir and, with $SLIPWAY_COMPAT_DATABASE_URL
set to a PostgreSQL URL, a fresh database on that server (dropped at exit unless
$SLIPWAY_COMPAT_KEEP is set). The binary is $SLIPWAY_BIN, else <repo>/.build/debug/slipway.
"""

import atexit
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
DATABASE_PREFIX = os.environ.get("SLIPWAY_COMPAT_DATABASE_PREFIX", "compat_")
HEALTH_TIMEOUT_S = 60
STOP_GRACE_S = 10
LOG_TAIL_LINES = 80
TOKEN_PATH = "/auth/realms/master/protocol/openid-connect/token"
CONFIDENTIAL_CLIENT = "api-client"


@dataclass
class Server:
    base_url: str
    data_dir: Path
    log_path: Path
    process: subprocess.Popen
    admin_password: str
    client_secret: str

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError as error:
            return f"<cannot read {self.log_path}: {error}>"


SERVERS: "list[Server]" = []
_DATABASES: "dict[str, str]" = {}


def _pg_tool(name: str) -> str:
    for candidate in [shutil.which(name), *sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))]:
        if candidate:
            return str(candidate)
    raise RuntimeError(f"SLIPWAY_COMPAT_DATABASE_URL is set but PostgreSQL's {name} was not found")


def _pg_args(url) -> "tuple[list[str], dict]":
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = urllib.parse.unquote(url.password)
    return ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
            "-U", urllib.parse.unquote(url.username or "postgres")], env


def database_for(data_dir: Path) -> "str | None":
    """The PostgreSQL URL of a data dir's database (made on first use), or None on SQLite:
    what an administration command run beside that server passes as --database."""
    return _database_for(data_dir)


def _database_for(data_dir: Path) -> "str | None":
    base = os.environ.get("SLIPWAY_COMPAT_DATABASE_URL")
    if not base:
        return None
    key = str(data_dir.resolve())
    if key not in _DATABASES:
        url = urllib.parse.urlsplit(base)
        name = DATABASE_PREFIX + secrets.token_hex(6)
        args, env = _pg_args(url)
        result = subprocess.run([_pg_tool("createdb"), *args, name], env=env, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"createdb {name} failed: {result.stderr.strip()}")
        _DATABASES[key] = urllib.parse.urlunsplit(url._replace(path="/" + name))
    return _DATABASES[key]


@atexit.register
def _drop_databases() -> None:
    base = os.environ.get("SLIPWAY_COMPAT_DATABASE_URL")
    if not base or not _DATABASES or os.environ.get("SLIPWAY_COMPAT_KEEP"):
        return
    args, env = _pg_args(urllib.parse.urlsplit(base))
    for database in _DATABASES.values():
        name = urllib.parse.urlsplit(database).path.lstrip("/")
        subprocess.run([_pg_tool("dropdb"), *args, "--if-exists", "--force", name], env=env, capture_output=True,
                       timeout=60)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_binary() -> Path:
    return Path(os.environ.get("SLIPWAY_BIN") or REPO_ROOT / ".build" / "debug" / "slipway")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_GRACE_S)


def start_server(root: Path, *, admin_password: "str | None", client_secret: "str | None",
                 extra_args: "list[str]" = ()) -> Server:
    """Start `slipway serve` with its data under `root`; returns once /health answers. Without
    a chosen password or secret, they are read from the files the server writes."""
    binary = server_binary()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        raise RuntimeError(f"slipway binary not found or not executable: {binary} (build it or set SLIPWAY_BIN)")
    data_dir = root / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = root / "server.log"
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SLIPWAY_ADMIN_", "SLIPWAY_CLIENT_", "CRAFT_AI_", "PYTEST_"))}
    env["PATH"] = os.pathsep.join([str(REPO_ROOT / ".venvs" / "tools" / "bin"), env.get("PATH", "/usr/bin:/bin")])
    if admin_password:
        env["SLIPWAY_ADMIN_PASSWORD"] = admin_password
    if client_secret:
        env["SLIPWAY_CLIENT_SECRET"] = client_secret
    command = [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir),
               *extra_args]
    database_url = _database_for(data_dir)
    if database_url:
        command += ["--database", database_url]
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, cwd=str(root))
    base_url = f"http://127.0.0.1:{port}"
    server = Server(base_url, data_dir, log_path, process, admin_password or "", client_secret or "")
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    last_error = "no attempt"
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"slipway serve exited with {process.returncode}\n{server.log_tail()}")
        try:
            response = requests.get(f"{base_url}/health", timeout=2)
            if response.status_code == 200:
                break
            last_error = f"HTTP {response.status_code}"
        except requests.RequestException as error:
            last_error = repr(error)
        if time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(f"slipway serve not healthy after {HEALTH_TIMEOUT_S}s ({last_error})\n{server.log_tail()}")
        time.sleep(0.2)
    if not admin_password:
        server.admin_password = (data_dir / "admin-password").read_text().strip()
    if not client_secret:
        server.client_secret = (data_dir / "client-secret").read_text().strip()
    SERVERS.append(server)
    return server


def run_cli(server: Server, *args: str, stdin: "str | None" = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs a `slipway` administration command on a running server's data dir (and database)."""
    command = [str(server_binary()), *args, "--data-dir", str(server.data_dir)]
    database = _database_for(server.data_dir)
    if database:
        command += ["--database", database]
    return subprocess.run(command, input=stdin if stdin is not None else "", capture_output=True, text=True,
                          timeout=timeout)


def session_root(request, prefix: str):
    """Body of a suite's session `_root` fixture: a temporary folder, removed after a run in
    which no test failed (kept with $SLIPWAY_COMPAT_KEEP)."""
    import tempfile

    root = Path(tempfile.mkdtemp(prefix=prefix))
    # Searchable by other users, as a server's data directory is: setup scripts of task scripts
    # run as the unprivileged worker user when the server runs as root.
    root.chmod(0o755)
    yield root
    if request.session.testsfailed == 0 and not os.environ.get("SLIPWAY_COMPAT_KEEP"):
        shutil.rmtree(root, ignore_errors=True)


def session_server(root: Path, extra_args: "list[str]" = ()):
    """Body of a suite's session `server` fixture: a server with a chosen administrator
    password and client secret, stopped at the end."""
    import pytest

    try:
        started = start_server(root / "main", admin_password="compat-" + secrets.token_urlsafe(16),
                               client_secret="secret-" + secrets.token_urlsafe(24), extra_args=extra_args)
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield started
    stop(started.process)
    SERVERS.remove(started)
    print(f"\nslipway serve stopped (exit code {started.process.returncode}); log: {started.log_path}")


def attach_server_logs(report) -> None:
    """Adds the tail of every running server's log to a failed test's report (a suite's
    `pytest_runtest_makereport` hook calls this)."""
    if report.failed:
        for running in SERVERS:
            report.sections.append((f"slipway server log ({running.log_path})", running.log_tail()))
