"""The headless browser of the UI suite and the checks every page gets (no console error,
no serious or critical accessibility violation)."""

import time
from pathlib import Path

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 30


class Browser:
    def __init__(self, base_url: str, chromium: str, driver_path: str, screenshots: Path):
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in ("--headless=new", "--no-sandbox", "--window-size=1280,800", "--disable-dev-shm-usage",
                         "--disable-gpu", "--lang=en-GB"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(driver_path), options=options)
        self.driver.set_window_size(1280, 800)
        self.base_url = base_url
        self.screenshots = screenshots

    def quit(self):
        self.driver.quit()

    def open(self, path: str):
        self.driver.get(self.base_url + path)

    @property
    def path(self) -> str:
        return self.driver.current_url[len(self.base_url):]

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_for(self, css: str, timeout: float = WAIT_S):
        return WebDriverWait(self.driver, timeout).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))

    def wait_until(self, condition, timeout: float = WAIT_S, message: str = ""):
        return WebDriverWait(self.driver, timeout).until(lambda _: condition(), message)

    def sign_in(self, username: str, password: str):
        self.open("/ui/sign-in")
        self.find("#username").send_keys(username)
        self.find("#password").send_keys(password)
        self.find("form.stack button[type=submit]").click()
        self.wait_for("header nav[aria-label=Main]")

    def sign_out(self):
        self.find("form[action='/ui/sign-out'] button").click()
        self.wait_for("#username")

    def console_errors(self, allowed: "tuple[str, ...]" = ()) -> list:
        """Errors the page logged to the console since the last call (read once)."""
        return [entry for entry in self.driver.get_log("browser")
                if entry["level"] == "SEVERE" and not any(text in entry["message"] for text in allowed)]

    def accessibility_problems(self) -> list:
        """Serious and critical axe-core violations of the current page."""
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
                for v in results["violations"] if v.get("impact") in ("serious", "critical")]

    def check_page(self, name: str):
        """No console error, no serious accessibility violation at 1280×800 nor at 390 px wide;
        a screenshot of the wide page."""
        time.sleep(0.3)
        errors = self.console_errors()
        assert errors == [], f"{name}: {errors}"
        problems = self.accessibility_problems()
        assert problems == [], f"{name}: {problems}"
        self.driver.save_screenshot(str(self.screenshots / f"{name}.png"))
        self.driver.set_window_size(390, 844)
        try:
            problems = self.accessibility_problems()
            assert problems == [], f"{name} at 390 px: {problems}"
        finally:
            self.driver.set_window_size(1280, 800)
