"""Terminals over SSH: no colour at all, 256 colours, light themes — every pane still draws."""

from __future__ import annotations

import pytest

from gd_tui.app import GDApp
from gd_tui.engine import Config

KEYS = ["n", "n", "n", "n", "e", "t", "m", "e", "l", "question_mark", "escape", "b", "escape"]


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TEXTUAL_COLOR_SYSTEM": "256"}], ids=["no-color", "256"])
async def test_draws_in_every_colour_mode(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = GDApp(Config())
    async with app.run_test(size=(80, 24)) as pilot:
        for key in KEYS:
            await pilot.press(key)
        await pilot.pause()
        screen = app.export_screenshot()
    assert app.machine.state.epoch == 2
    assert "Parameters" in screen


async def test_light_theme_draws() -> None:
    app = GDApp(Config())
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await pilot.press("n", "n", "n")
        await pilot.pause()
        assert "2.74215777" in app.export_screenshot()
