"""Browser tests: Playwright drives Debian's Chromium against one live server.

Every page a test visits is checked with axe-core (serious and critical
violations fail the test) and for Content-Security-Policy violations.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# fixtures here are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
_AXE = Axe()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class CheckedPage:
    """A Playwright page that checks accessibility and the CSP on every page it loads."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.csp_violations: list[str] = []
        self.axe_violations: list[str] = []
        page.on("console", self._on_console)
        page.on("load", lambda _: self._check_on_load())

    def _on_console(self, message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.csp_violations.append(message.text)

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def _axe_problems(self) -> list[str]:
        page = self.page
        try:
            page.wait_for_load_state("domcontentloaded")
            results = _AXE.run(page)
        except Exception as exc:  # the page navigated away while axe ran
            if "context was destroyed" in str(exc) or "navigat" in str(exc):
                return []
            raise
        return [
            f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
            for v in results.response.get("violations", [])
            if v.get("impact") in ("serious", "critical")
        ]

    def _check_on_load(self):
        # Raising inside a Playwright event handler is lost; keep it for teardown.
        self.axe_violations.extend(self._axe_problems())

    def check_accessibility(self):
        """Run axe-core on the page as it is now (e.g. after an htmx swap)."""
        problems = self._axe_problems()
        assert not problems, "axe violations: " + " | ".join(problems)

    def assert_clean(self):
        assert not self.axe_violations, "axe violations: " + " | ".join(self.axe_violations)
        assert not self.csp_violations, "CSP violations: " + " | ".join(self.csp_violations)


@pytest.fixture
def checked_page(browser, live_server):
    context = browser.new_context(locale="nl-BE", timezone_id="Europe/Brussels")
    page = context.new_page()
    page.set_default_timeout(10_000)
    checked = CheckedPage(page, live_server.url)
    yield checked
    checked.assert_clean()
    context.close()


def use_english(checked: CheckedPage):
    """Switch the interface to English, for walks that quote the English source strings.

    The Dutch default and the language switch itself are covered by test_language.py.
    """
    checked.page.context.add_cookies(
        [{"name": "schakel_language", "value": "en", "url": checked.base_url}]
    )


def login(checked: CheckedPage, username: str, password: str):
    page = checked.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    return page
