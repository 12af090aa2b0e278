"""Small slips: save asks before it overwrites, l says why nothing changed, plurals, a checkbox without colour."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gd_tui.app import GDApp
from gd_tui.app.screens.breakpoints import TickBox
from gd_tui.app.screens.prompt import PromptScreen
from gd_tui.engine import Config
from gd_tui.session import load

SIZE = (80, 24)
Text = Callable[[Any, str], str]


async def test_save_asks_before_it_replaces_a_file(tmp_path: Path, submit: Any, pane: Text) -> None:
    target = tmp_path / "session.json"
    target.write_text("keep me", encoding="utf-8")
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "ctrl+s")
        await submit(pilot, "#value", str(target))
        assert isinstance(app.screen, PromptScreen), "an existing file is not replaced at the first Enter"
        assert "exists: Enter again replaces it" in str(app.screen.query_one("#error").render())
        assert target.read_text(encoding="utf-8") == "keep me"
        await submit(pilot, "#value", str(target))
        assert not isinstance(app.screen, PromptScreen)
        assert load(target) is not None
        assert f"Saved to {target}" in pane(app, "#next")


async def test_the_save_message_shows_beside_the_diverged_banner(
    tmp_path: Path, monkeypatch: Any, idle: Any, submit: Any, screen: Callable[[Any], str]
) -> None:
    monkeypatch.chdir(tmp_path)
    app = GDApp(Config(lr=1.1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await idle(pilot)
        assert app.machine.state.diverged
        await pilot.press("ctrl+s")
        await submit(pilot, "#value", "d.json")
        await pilot.pause()
        shown = " ".join(screen(app).split())
        assert "Saved to" in shown and "DIVERGED in update" in shown


async def test_l_under_forced_log_scale_says_why_nothing_changed(idle: Any, pane: Text) -> None:
    app = GDApp(Config(lr=1.1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await idle(pilot)
        await pilot.press("l", "l")  # on, then off: the chart stays on log scale
        await pilot.pause()
        assert "Log scale stays: the losses span too many powers of ten" in pane(app, "#next")


async def test_l_on_another_chart_says_where_it_applies(pane: Text) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "l")
        await pilot.pause()
        assert "Log scale on: it applies to the loss history (t shows it)." in pane(app, "#next")


async def test_one_point_is_singular(pane: Text) -> None:
    app = GDApp(Config(batch_size=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert "for the 1 point of batch" in pane(app, "#next")


async def test_a_checkbox_reads_ticked_or_not_without_colour(screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        box = app.screen.query_one("#loss-went-up", TickBox)
        assert "▐ ▌ loss went up" in screen(app)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value and "▐X▌ loss went up" in screen(app)
