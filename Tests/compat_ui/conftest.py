"""Web UI suite: the pages seen in a real headless Chromium (Debian's `chromium` and
`chromium-driver`, driven by selenium) against a real `slipway serve` started for the session,
with the data made through the unmodified craft-ai-sdk.

    eval "$(scripts/python-env.sh)" && scripts/browser.sh && "$SLIPWAY_COMPAT_PYTHON" -m pytest Tests/compat_ui

Screenshots of the main pages at 1280×800 go to $SLIPWAY_UI_SCREENSHOTS, else
<repo>/.artifacts/ui-screenshots (not committed).
"""

import os
import shutil
import sys
from pathlib import Path

os.environ["SDK_VERBOSE_LOG"] = "false"
os.environ.pop("CRAFT_AI_EXECUTION_ID", None)

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from slipway_server import attach_server_logs, run_cli, session_root, session_server  # noqa: E402
from ui_helpers import Browser, REPO_ROOT  # noqa: E402


@pytest.fixture(scope="session")
def _root(request):
    yield from session_root(request, "slipway-ui-")


@pytest.fixture(scope="session")
def server(_root):
    yield from session_server(_root)


@pytest.fixture(scope="session")
def admin(server):
    """Runs `slipway` administration commands on the session server's data dir."""
    def run(*args, stdin=None):
        result = run_cli(server, *args, stdin=stdin, timeout=60)
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        return result.stdout
    return run


@pytest.fixture(scope="session")
def sdk(server):
    os.environ["CRAFT_AI_SDK_TOKEN"] = (server.data_dir / "admin-token").read_text().strip()
    os.environ["CRAFT_AI_ENVIRONMENT_URL"] = server.base_url
    os.environ["CRAFT_AI_CONTROL_URL"] = server.base_url
    from craft_ai_sdk import CraftAiSdk
    return CraftAiSdk()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = Path(os.environ.get("SLIPWAY_UI_SCREENSHOTS") or REPO_ROOT / ".artifacts" / "ui-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser(server, screenshots):
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("chromium and chromedriver are needed (scripts/browser.sh installs them)", pytrace=False)
    browser = Browser(server.base_url, chromium, driver_path, screenshots)
    yield browser
    browser.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    attach_server_logs(outcome.get_result())
