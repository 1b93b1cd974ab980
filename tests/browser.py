"""Browser tests: Playwright's Python package driving Debian's Chromium, headless.

One Chromium for the whole session, shared by every folder's browser tests (registered as a
plugin in ``tests/conftest.py``): Playwright's sync API cannot be started twice in one thread.
The ORM runs beside Playwright's event loop; ``tests/conftest.py`` allows that for the session.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return os.environ.get("CHROMIUM") or found


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    require(executable is not None, "needs Chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev requirements install it
        require(False, "needs the playwright package (requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a common Android phone, in Vietnamese."""
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
