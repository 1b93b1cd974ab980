"""Browser tests: Playwright's Python package driving Debian's Chromium, headless.

One Chromium for the whole session, shared by every folder's browser tests (registered as a
plugin in ``tests/conftest.py``): Playwright's sync API cannot be started twice in one thread.
The ORM runs beside Playwright's event loop; ``tests/conftest.py`` allows that for the session.

Every page any browser test opens runs under the site's Content-Security-Policy and is watched:
a console error about the policy or a ``securitypolicyviolation`` event in any frame fails the
test that was running, with the list of what was blocked. An attack test marked
``@pytest.mark.csp_blocks(pattern)`` expects the violations its vectors cause (Chromium reports an
inline handler even in HTML parsed inert), and only those.
"""

import os
import re
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


# Runs in every frame before the page's own scripts: reports what the policy blocked.
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} in ` +
    `${event.sourceFile || event.documentURI}:${event.lineNumber} ${event.sample || ""}`
  );
}, true);
"""


class PolicyWatch:
    """Collects Content-Security-Policy violations from every context opened in a test."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.contexts: list = []

    def watch(self, context) -> None:
        self.contexts.append(context)
        context.expose_binding(
            "__cspViolation", lambda _source, text: self.violations.append(f"event: {text}")
        )
        context.add_init_script(VIOLATION_LISTENER)
        context.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            where = message.location.get("url", "") if message.location else ""
            self.violations.append(f"console: {message.text} ({where})")

    def reset(self) -> None:
        self.violations = []
        self.contexts = []

    def drain(self) -> None:
        """Let Playwright deliver the events still queued from the test's pages."""
        for context in self.contexts:
            for page in context.pages:
                try:
                    page.wait_for_timeout(100)
                except Exception:  # noqa: S112 (a page closing under us has nothing to tell)
                    continue
                return

    def close_contexts(self) -> None:
        for context in self.contexts:
            try:
                context.close()
            except Exception:  # noqa: S112 (already closed with its browser or by the test)
                continue


class WatchedBrowser:
    """The session's Chromium, handing out contexts that report policy violations."""

    def __init__(self, browser, watch: PolicyWatch) -> None:
        self._browser = browser
        self._watch = watch

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        self._watch.watch(context)
        return context

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def __getattr__(self, name):
        return getattr(self._browser, name)


WATCH = PolicyWatch()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    WATCH.reset()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        result = yield
    finally:
        if WATCH.contexts:
            WATCH.drain()
        expected = [re.compile(m.args[0]) for m in item.iter_markers("csp_blocks")]
        found = "\n  ".join(
            v
            for v in dict.fromkeys(WATCH.violations)
            if not any(pattern.search(v) for pattern in expected)
        )
        if found:  # also shown when the test failed for another reason: often the cause
            item.add_report_section("call", "Content-Security-Policy", found)
    if found:
        pytest.fail(f"Content-Security-Policy violations:\n  {found}", pytrace=False)
    return result


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        WATCH.close_contexts()
        WATCH.reset()


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
        yield WatchedBrowser(browser, WATCH)
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


# One demo floor for a module's browser tests: loaded once, served by its own live server, and
# flushed away after the module's last test (as a transactional test's teardown would). Tests
# that use it read pages through the browser; they take no ``db`` or ``live_server`` fixture,
# which would flush the floor after the first of them.
@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    from shop import demo

    with django_db_blocker.unblock():
        demo.demo_load()
        server = LiveServer("localhost:0")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


PHONE = {"width": 360, "height": 780}


def phone_context(browser, base_url: str, *, language: str = "vi", user=None):
    """A 360×780 browser context in ``language`` (the cookie the pages without a language prefix
    read), signed in as ``user`` when given (their session made by Django's test client)."""
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(
        viewport=PHONE,
        locale="vi-VN" if language == "vi" else "en-GB",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url})
    context.add_cookies(cookies)
    context.set_default_timeout(15_000)
    return context


# Every element whose box reaches past the viewport's sides, except inside a scrolling box
# (a wide table the reader scrolls sideways stays in its box, the page does not move).
OVERFLOW_SCRIPT = """
() => {
  const width = document.documentElement.clientWidth;
  const inScroller = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x === "auto" || x === "scroll") return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    if ((box.right > width + 0.5 || box.left < -0.5) && !inScroller(el)) {
      const parent = el.parentElement ? name(el.parentElement) : "";
      wide.push(`${parent} > ${name(el)} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
    }
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, width, wide: wide.slice(0, 12)};
}
"""


def assert_fits(page, *, width: int = 360) -> None:
    """No horizontal scrolling and no element past the viewport's sides."""
    found = page.evaluate(OVERFLOW_SCRIPT)
    assert found["scrollWidth"] <= width and not found["wide"], (
        f"{page.url} is wider than {width}px: scrollWidth {found['scrollWidth']}, "
        + "; ".join(found["wide"])
    )


def assert_tap_target(locator, *, size: int = 44) -> None:
    """Each element ``locator`` finds is at least ``size`` px high and wide."""
    count = locator.count()
    assert count, f"nothing matches {locator}"
    for index in range(count):
        box = locator.nth(index).bounding_box()
        assert box and box["height"] >= size - 0.5 and box["width"] >= size - 0.5, (
            f"{locator} #{index} is {box and (round(box['width']), round(box['height']))}"
        )
