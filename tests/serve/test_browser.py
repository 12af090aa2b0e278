"""`gd-tui serve` in a real headless Chromium, driven by Playwright.

textual-serve's page draws the terminal on a canvas and keeps no terminal object a test could
read, so each page's screen is rebuilt from the websocket frames it receives (the binary ones
are terminal output) in a pyte terminal of the size the page asked for. Needs Debian's
`chromium` package (Playwright's own browser download is not used) and the serve-test extra.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

NEEDS = "the serve extra and its test helpers are missing: pip install -e '.[serve-test]'"
for module in ("textual_serve", "pyte", "aiohttp", "playwright"):
    pytest.importorskip(module, reason=NEEDS)

import pyte  # noqa: E402  (after the skip: optional helpers)
from playwright.sync_api import Browser, Download, Page, WebSocket, sync_playwright  # noqa: E402
from webterm import Server, alive, next_step, updates_done, wait_until  # noqa: E402

CHROMIUM = os.environ.get("GD_TUI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",  # as root in a container; the page is our own
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BOOK_LOSS = "2.74215777"
TIMEOUT = 60.0
REPO = Path(__file__).resolve().parents[2]
SIZE = re.compile(r"[?&]width=(\d+)&height=(\d+)")

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}: apt-get install chromium"
)


class BrowserTab:
    """A page of the served app, its screen rebuilt from the websocket frames it receives."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 760}, accept_downloads=True)
        self.downloads: list[Download] = []
        # The page opens each download in a new window (window.open): watch every page of the context.
        self.context.on("page", lambda page: page.on("download", lambda download: self.downloads.append(download)))
        self.page = self.context.new_page()
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.page.on("websocket", self._watch)
        self.page.goto(url)
        self.wait_for("Next: step 0")
        self.page.locator(".xterm-helper-textarea").focus()

    def _watch(self, socket: WebSocket) -> None:
        size = SIZE.search(socket.url)
        if size is not None:
            self.screen.resize(int(size.group(2)), int(size.group(1)))
        socket.on("framereceived", self._received)
        socket.on("framesent", self._sent)

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            self.stream.feed(payload)

    def _sent(self, payload: str | bytes) -> None:
        message = json.loads(payload)
        if message[0] == "resize":  # the page fitted the terminal to the window again
            self.screen.resize(message[1]["height"], message[1]["width"])

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, condition: str | Callable[[str], bool], timeout: float = TIMEOUT) -> str:
        check = (lambda text: condition in text) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        while not check(self.text):
            if time.monotonic() > deadline:
                raise AssertionError(f"{condition!r} not on screen after {timeout:g} s:\n{self.text}")
            self.page.wait_for_timeout(100)  # lets Playwright deliver the frames meanwhile
        return self.text

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)

    def wait_downloads(self, count: int, timeout: float = TIMEOUT) -> list[Download]:
        deadline = time.monotonic() + timeout
        while len(self.downloads) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.downloads)} of {count} downloads after {timeout:g} s")
            self.page.wait_for_timeout(100)
        return self.downloads[:count]

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(state_home=tmp_path_factory.mktemp("state"))
    yield running
    running.stop()


def test_two_tabs_step_apart_and_a_closed_tab_ends(browser: Browser, served: Server, tmp_path: Path) -> None:
    first = BrowserTab(browser, served.url)
    first.press("n", "n", "n")
    text = first.wait_for("Next: step 3")
    assert f"loss     {BOOK_LOSS}" in text
    screenshot(first.page, tmp_path)

    before = served.sessions()
    second = BrowserTab(browser, served.url)
    (second_pid,) = served.sessions() - before
    second.press("n")
    second.wait_for("Next: step 1")
    assert next_step(first.text) == "Next: step 3, gradients"
    assert next_step(second.text) == "Next: step 1, forward"

    second.close()
    wait_until(lambda: not alive(second_pid), timeout=10, what="the closed tab's gd-tui to end")
    assert alive(next(iter(before)))  # the other tab's session goes on
    first.close()


def test_export_downloads_what_run_history_writes(browser: Browser, served: Server, tmp_path: Path) -> None:
    tab = BrowserTab(browser, served.url)
    for epoch in (1, 2, 3):  # three whole epochs (an `e` during a run would only retarget it)
        tab.press("e")
        tab.wait_for(updates_done(epoch))
    tab.press("Control+p")
    tab.wait_for("🔎")
    tab.page.keyboard.type("export history")
    tab.wait_for("Export history…")
    tab.press("Enter")
    tab.wait_for("Export the history to")
    tab.press("Enter")
    downloads = tab.wait_downloads(2)
    got = {download.suggested_filename: Path(download.path()).read_bytes() for download in downloads}
    tab.close()
    expected = tmp_path / "expected.csv"
    subprocess.run(
        [sys.executable, "-m", "gd_tui", "run", "--epochs", "3", "--history", str(expected)],
        check=True,
        capture_output=True,
    )
    assert got == {
        "gd-tui-history.csv": expected.read_bytes(),
        "gd-tui-history-epochs.csv": (tmp_path / "expected-epochs.csv").read_bytes(),
    }


def screenshot(page: Page, tmp_path: Path) -> None:
    """The browser's picture; GD_TUI_SCREENSHOTS=1 also writes it to screenshots/ for the README."""
    picture = tmp_path / "browser.png"
    page.screenshot(path=str(picture))
    assert picture.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("GD_TUI_SCREENSHOTS"):
        shutil.copyfile(picture, REPO / "screenshots" / "browser.png")
