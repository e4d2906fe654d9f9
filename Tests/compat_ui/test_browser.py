"""The web UI in a real headless Chromium: sign in, see executions made with the SDK, read their
logs and metric charts, compare two, rotate a deployment token, upload into the data store, sign
out; and the refusals (wrong password, missing CSRF token, replayed cookie, foreign workspace)."""

import secrets
import uuid
from pathlib import Path

import pytest
import requests
from craft_ai_sdk import Input, Output
from selenium.webdriver.common.by import By

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "train"
CREATE_TIMEOUT_S = 600


def unique(prefix: str) -> str:
    return f"ui-{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def pipeline(sdk) -> str:
    name = unique("train")
    created = sdk.create_pipeline(
        pipeline_name=name, function_path="src/train.py", function_name="train",
        container_config={"local_folder": str(FIXTURE), "requirements_path": "requirements.txt",
                          "included_folders": ["src"]},
        inputs=[Input("epochs", "number"), Input("rate", "number")], outputs=[Output("final_loss", "number")],
        timeout_s=CREATE_TIMEOUT_S)
    assert created["creation_info"]["status"] == "ready", created
    return name


@pytest.fixture(scope="session")
def two_runs(sdk, pipeline) -> "list[str]":
    first = sdk.run_pipeline(pipeline, inputs={"epochs": 5, "rate": 0.5})
    second = sdk.run_pipeline(pipeline, inputs={"epochs": 8, "rate": 0.25})
    assert first["outputs"]["final_loss"] == pytest.approx(1 / 3, abs=1e-3)
    return [first["execution_id"], second["execution_id"]]


def test_sign_in_then_follow_an_execution_from_the_list_to_its_logs_and_chart(browser, server, two_runs, pipeline):
    browser.sign_in("admin", server.admin_password)
    assert browser.path == "/ui/w/default/"
    assert browser.find("h1").text == "default"
    browser.check_page("overview")

    browser.find("nav[aria-label=Main] a[href$='/executions']").click()
    row_link = browser.wait_for(f"table.executions a[href$='/executions/{two_runs[1]}']")
    assert pipeline in browser.find("table.executions tbody").text
    browser.check_page("executions")

    row_link.click()
    browser.wait_for("#logs")
    assert two_runs[1] in browser.find("h1").text
    assert browser.find("#execution-status").text == "succeeded"
    logs = browser.find("#logs").text
    assert "epoch 0 loss 1.0000" in logs and "epoch 7 loss" in logs, logs
    chart = browser.find("svg[data-metric='loss']")
    assert len(chart.find_elements(By.CSS_SELECTOR, "circle")) == 8
    assert "final_loss" in browser.find("section[aria-labelledby=metrics-h]").text
    inputs = browser.find("section[aria-labelledby=io-h]").text
    assert "epochs" in inputs and "0.25" in inputs
    # Times are shown in the browser's zone, UTC on hover.
    assert browser.find("dl.facts time").get_attribute("title").endswith("UTC")
    browser.check_page("execution")

    browser.find(f"a[href$='/pipelines/{pipeline}']").click()
    browser.wait_for("ul.files")
    assert "src/train.py" in browser.find("ul.files").text
    assert "def train(epochs, rate)" in browser.find("pre.code").text
    browser.check_page("pipeline")


def test_compare_two_executions(browser, server, two_runs):
    browser.sign_in("admin", server.admin_password)
    browser.open("/ui/w/default/executions")
    for execution in two_runs:
        browser.wait_for(f"#pick-{execution}").click()
    browser.find("#compare-form button").click()
    browser.wait_for("table.compare")
    assert browser.path.startswith("/ui/w/default/compare?")
    differing = {row.find_element(By.TAG_NAME, "th").text for row in browser.find_all("tr[data-differs]")}
    assert {"epochs", "rate", "final_loss"} <= differing, differing
    same = [row for row in browser.find_all("table.compare tbody tr:not(.section)")
            if row.find_element(By.TAG_NAME, "th").text == "pipeline"]
    assert same and same[0].get_attribute("data-differs") is None
    overlaid = browser.find("svg[data-metric='loss']")
    assert len(overlaid.find_elements(By.CSS_SELECTOR, "g[data-series]")) == 2
    browser.check_page("compare")


def test_rotate_a_deployment_token(browser, server, sdk, pipeline):
    name = unique("endpoint")
    deployment = sdk.create_deployment(pipeline_name=pipeline, deployment_name=name, execution_rule="endpoint")
    old_token = deployment["endpoint_token"]
    assert sdk.trigger_endpoint(name, endpoint_token=old_token, inputs={"epochs": 2, "rate": 1})["outputs"]

    browser.sign_in("admin", server.admin_password)
    browser.open(f"/ui/w/default/deployments/{name}")
    browser.wait_for("#rotate-token").click()
    new_token = browser.wait_for("#new-token").text
    assert new_token and new_token != old_token
    browser.check_page("deployment")

    assert sdk.trigger_endpoint(name, endpoint_token=new_token, inputs={"epochs": 2, "rate": 1})["outputs"]
    refused = requests.post(f"{server.base_url}/endpoints/{name}", json={"epochs": 2, "rate": 1},
                            headers={"Authorization": f"EndpointToken {old_token}"}, timeout=30)
    assert refused.status_code in (401, 403), refused.text
    # Shown once: the page read again does not hold it.
    browser.open(f"/ui/w/default/deployments/{name}")
    browser.wait_for("#rotate-token")
    assert new_token not in browser.driver.page_source


def test_upload_into_the_data_store(browser, server, sdk, tmp_path):
    content = "ui upload " + secrets.token_hex(8)
    local = tmp_path / f"{unique('file')}.txt"
    local.write_text(content)
    browser.sign_in("admin", server.admin_password)
    browser.open("/ui/w/default/data-store?path=uploads")
    browser.wait_for("#upload-file").send_keys(str(local))
    browser.find("#upload-form button[type=submit]").click()
    link = browser.wait_for(f"a[href*='{local.name}'][download]")
    assert link.text == local.name
    browser.check_page("data-store")

    downloaded = tmp_path / "back.txt"
    sdk.download_data_store_object(f"uploads/{local.name}", str(downloaded))
    assert downloaded.read_text() == content


def test_sign_out_ends_the_session_and_a_replayed_cookie_is_refused(browser, server):
    browser.sign_in("admin", server.admin_password)
    cookie = browser.driver.get_cookie("slipway_session")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    browser.sign_out()
    assert browser.path == "/ui/sign-in"
    replayed = requests.get(f"{server.base_url}/ui/w/default/executions", cookies={"slipway_session": cookie["value"]},
                            allow_redirects=False, timeout=10)
    assert replayed.status_code == 303 and replayed.headers["Location"].startswith("/ui/sign-in")
    browser.driver.add_cookie({"name": "slipway_session", "value": cookie["value"], "path": "/ui"})
    browser.open("/ui/w/default/executions")
    browser.wait_for("#username")
    assert browser.path.startswith("/ui/sign-in")


def test_a_wrong_password_is_refused_with_an_alert(browser, server):
    browser.open("/ui/sign-in")
    browser.find("#username").send_keys("admin")
    browser.find("#password").send_keys("not-the-password")
    browser.find("form.stack button[type=submit]").click()
    alert = browser.wait_for("[role=alert]")
    assert "Wrong user name or password" in alert.text
    assert browser.driver.get_cookie("slipway_session") is None
    # The 401 of the form post is the only error the console shows.
    assert browser.console_errors(allowed=("status of 401",)) == []
    assert browser.accessibility_problems() == []


def _signed_in_session(server) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{server.base_url}/ui/sign-in", timeout=10)
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = session.post(f"{server.base_url}/ui/sign-in", allow_redirects=False, timeout=10,
                          data={"csrf_token": token, "username": "admin", "password": server.admin_password})
    assert answer.status_code == 303, answer.text
    return session


def test_state_changes_without_the_csrf_token_are_refused(server, sdk, pipeline):
    name = unique("csrf")
    sdk.create_deployment(pipeline_name=pipeline, deployment_name=name, execution_rule="endpoint")
    session = _signed_in_session(server)
    page = session.get(f"{server.base_url}/ui/w/default/deployments/{name}", timeout=10).text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    url = f"{server.base_url}/ui/w/default/deployments/{name}/enabled"
    assert session.post(url, data={"enabled": "false"}, allow_redirects=False, timeout=10).status_code == 403
    assert session.post(url, data={"enabled": "false", "csrf_token": "forged"}, allow_redirects=False,
                        timeout=10).status_code == 403
    assert sdk.get_deployment(name)["is_enabled"] is True, "a refused form changes nothing"
    assert session.post(url, data={"enabled": "false", "csrf_token": csrf}, allow_redirects=False,
                        timeout=10).status_code == 303
    assert sdk.get_deployment(name)["is_enabled"] is False
    upload = session.put(f"{server.base_url}/ui/w/default/data-store/upload?path=csrf/x.txt", data=b"x", timeout=10)
    assert upload.status_code == 403
    signed_in_form = requests.post(f"{server.base_url}/ui/sign-in", allow_redirects=False, timeout=10,
                                   data={"username": "admin", "password": server.admin_password})
    assert signed_in_form.status_code == 403 and "slipway_session" not in signed_in_form.cookies


def test_workspaces_are_limited_to_memberships(browser, server, admin):
    private = unique("private")
    admin("workspace", "create", private)
    password = "pw-" + secrets.token_hex(8)
    user = unique("bob")
    admin("user", "create", user, "--email", f"{user}@example.com", "--password", password)

    browser.sign_in("admin", server.admin_password)
    options = [option.text for option in browser.find_all("#workspace-switch option")]
    assert "default" in options and private in options
    browser.sign_out()

    browser.sign_in(user, password)
    assert [option.text for option in browser.find_all("#workspace-switch option")] == ["default"]
    browser.open(f"/ui/w/{private}/executions")
    assert "Not found" in browser.find("h1").text
    assert browser.console_errors(allowed=("status of 404",)) == []
    session = requests.Session()
    for cookie in browser.driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    assert session.get(f"{server.base_url}/ui/w/{private}/", allow_redirects=False, timeout=10).status_code == 404
    assert session.get(f"{server.base_url}/ui/w/default/", allow_redirects=False, timeout=10).status_code == 200
