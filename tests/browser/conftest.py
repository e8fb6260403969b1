"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Without Chromium they skip with a reason, except when REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; the ORM calls our fixtures make
# between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_available() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not _chromium_available():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Browser tests are mandatory here: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def watch_for_csp_violations(context) -> list[str]:  # type: ignore[no-untyped-def]
    """Collect the console messages in which Chromium reports something the page's
    Content-Security-Policy blocked (an inline script or style, a foreign source)."""
    violations: list[str] = []

    def record(message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text:
            violations.append(f"{message.location.get('url', '')}: {message.text}")

    context.on("console", record)
    return violations


def _assert_no_csp_violations(violations: list[str]) -> None:
    assert not violations, "Blocked by the Content-Security-Policy:\n" + "\n".join(violations)


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    violations = watch_for_csp_violations(context)
    page = context.new_page()
    yield page
    context.close()
    _assert_no_csp_violations(violations)


@pytest.fixture
def phone_page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    violations = watch_for_csp_violations(context)
    page = context.new_page()
    yield page
    context.close()
    _assert_no_csp_violations(violations)


def screenshot(page, name: str, full_page: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Save a screenshot for the README (docs/screenshots/NAME.png) when SAVE_SCREENSHOTS=1
    (`make screenshots`), so that an ordinary test run leaves the working tree clean."""
    if os.environ.get("SAVE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def assert_no_serious_axe_violations(page) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
    ]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in serious
    ]
    assert not serious, "\n".join(details)


def log_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
