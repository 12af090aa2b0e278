"""The palette's backend entry: without PyTorch it is refused in one line, and the NumPy run stays."""

from __future__ import annotations

from typing import Any

import pytest

from gd_tui import backends
from gd_tui.app import GDApp


def missing() -> Any:
    raise backends.BackendMissing()


async def test_switching_to_torch_without_it_is_refused_and_the_run_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends, "_torch_machine", missing)
    app = GDApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n")
        machine = app.machine
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Backend: torch" in titles
        app._switch(backend="torch")
        await pilot.pause()
        assert app.machine is machine and machine.state.t == 2
        text = str(app.query_one("#next").text)
        assert "Refused: the torch backend needs PyTorch" in text and "pip install '.[torch]'" in text
