"""Headless Chromium for the browser tests: Debian's chromium driven by Playwright's Python package.

Skips (with the reason) where Chromium or Playwright is missing, except under CI=true, where
.ci/run has installed them and their absence is a failure.
"""
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def require_browser():
    problems = []
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        problems.append(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("Playwright's Python package is not installed (pip install playwright)")
    if problems:
        if os.environ.get("CI") == "true":
            pytest.fail("; ".join(problems) + " — .ci/run should have installed it")
        pytest.skip("; ".join(problems))


def wait_until(page, expression: str, timeout: float = 30):
    """Poll `expression` until it is true. Not page.wait_for_function: that evaluates a string inside
    the page, which the graph page's Content-Security-Policy (no 'unsafe-eval') rightly refuses."""
    import time

    end = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > end:
            raise TimeoutError(f"not true after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def launch(pw):
    """One headless Chromium; pass it to several Page()s to save its start-up."""
    return pw.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"), args=FLAGS)


class Page:
    """One page opened from file:// with every non-file request blocked and recorded.

    With `browser` (from launch()) the page opens in its own context of that browser, which stays
    open on close(); without, the page starts and closes a browser of its own.
    """

    def __init__(self, pw, url: str, viewport=(1600, 1000), browser=None, ready=True):
        self.own_browser = browser is None
        self.browser = launch(pw) if browser is None else browser
        self.context = self.browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, offline=True)
        self.errors, self.requests, self.dialogs = [], [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url)
        if ready:
            self.wait_ready()

    def wait_ready(self):
        wait_until(self.page, "window.kgGraph && window.kgGraph.ready", timeout=120)

    def _route(self, route):
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def close(self):
        self.context.close()
        if self.own_browser:
            self.browser.close()
