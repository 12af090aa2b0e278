"""`gd-tui serve` tests. Each test module skips itself, with the reason, when the serve extra
or the test helpers (pyte, aiohttp; Playwright and Chromium for the browser) are missing:
pip install -e '.[serve-test]'."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from webterm import Server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One `gd-tui serve` (the book's run) shared by a module's tests; Ctrl+C at the end."""
    from webterm import Server

    running = Server(state_home=tmp_path_factory.mktemp("state"))
    yield running
    running.stop()


@pytest.fixture
def state_home(tmp_path: Path) -> Path:
    """Where a test's own server keeps its sessions' autosaves."""
    return tmp_path / "state"
