"""Zoom (z) and focus (tab, shift+tab): one pane takes the screen, stepping goes on, z or escape restores."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gd_tui.app import GDApp
from gd_tui.app.widgets.predictions import PredictionsTable
from gd_tui.app.widgets.source import SourcePane
from gd_tui.engine import Config
from gd_tui.engine.breakpoints import Breakpoints

SIZE = (80, 24)
Text = Callable[[Any, str], str]
PANES = ["source", "loss", "gradients", "params", "predictions", "chart"]  # the order tab visits them


def focused(app: GDApp) -> str | None:
    """The id of the pane with the focus (a class: keys still go straight to the app)."""
    return next((pane.id for pane in app.query(".-focus")), None)


async def test_the_chart_has_focus_at_start_and_tab_visits_every_pane(screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert focused(app) == "chart"
        assert "━Loss history" in screen(app), "the focused pane's top line should be heavy"
        visited = []
        for _ in PANES:
            await pilot.press("tab")
            visited.append(focused(app))
        assert visited == PANES
        await pilot.press("shift+tab")
        assert focused(app) == "predictions"
        shown = screen(app)
        assert "━Predictions" in shown and "━Loss history" not in shown, "one heavy line: the focused pane's"
        await pilot.press("n")
        assert app.machine.state.t == 1, "a focused pane keeps no key from the app"
        assert len(app.query(".-focus")) == 1


async def test_z_zooms_the_chart_to_18_rows_and_stepping_goes_on(screen: Callable[[Any], str], pane: Text) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "z")
        await pilot.pause()
        chart = app.query_one("#chart")
        assert app.screen.maximized is chart
        assert chart.content_region.height >= 18
        assert app.query_one("#params").region.height == 0, "the other panes are hidden"
        status = pane(app, "#status")
        assert "epoch 2  1 update done" in status  # one epoch done: the second in progress
        assert "epoch 2" in status and "b 0.801195" in status and "loss " in status
        for key, moved in (("n", 1), ("n", 1), ("p", -1), ("3", 2)):
            before = app.machine.state.t
            await pilot.press(key)
            await pilot.pause()
            assert app.machine.state.t == before + moved
            assert app.screen.maximized is chart, f"{key} should keep the zoom"
        assert re.match(r"step 3 (gradients )?✓", pane(app, "#status"))  # the long form where it fits
        assert "Next: step 4" in screen(app)
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is None
        assert app.query_one("#params").region.height > 0
        await pilot.press("z", "escape")
        await pilot.pause()
        assert app.screen.maximized is None


async def test_a_zoomed_table_shows_15_rows_with_every_column(pane: Text) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "n", "shift+tab", "z")
        await pilot.pause()
        table = app.query_one("#predictions")
        assert app.screen.maximized is table
        rows = [line for line in pane(app, "#predictions").splitlines() if line.split() and line.split()[0].isdigit()]
        visible = rows[: table.content_region.height - 1]  # under the header
        assert len(visible) >= 15
        assert all(len(row.split()) == len(pane(app, "#predictions").splitlines()[0].split()) for row in visible)


async def test_escape_pauses_a_zoomed_run_first_then_restores(until: Any, press: Any, pane: Text) -> None:
    app = GDApp(Config(lr=0.001), breakpoints=Breakpoints())  # far from convergence: the run is still going
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        await press(pilot, "c")
        await until(pilot, lambda: app.machine.state.epoch > 2)
        await press(pilot, "escape")
        await pilot.pause()
        assert not app._run_active
        assert app.screen.maximized is not None, "the first escape pauses the run"
        assert "Paused." in pane(app, "#next")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.maximized is None


async def test_tab_in_a_dialog_still_moves_between_its_fields() -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        first = app.focused
        await pilot.press("tab")
        assert app.focused is not None and app.focused is not first
        await pilot.press("escape")
        await pilot.pause()
        assert focused(app) == "chart", "the panes' focus stays where it was"


async def test_panes_stepped_while_hidden_show_the_state_when_the_zoom_ends(screen: Callable[[Any], str]) -> None:
    """Stepped while another pane is zoomed, a pane has no room: its page, table rows and
    wording must be fitted again to the room it gets back, not left as for no room (in a
    real terminal the source pane showed line 12 unmarked and the table "rows 1–0")."""
    for zoomed in ([], ["tab"] * 5):  # the chart zoomed; the Predictions table zoomed
        app = GDApp()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("n", "n", *zoomed, "z", "n", "escape")  # no pause between: as typed
            await pilot.pause()
            await pilot.pause()
            table, source = app.query_one(PredictionsTable), app.query_one(SourcePane)
            assert table.rows_note() == "rows 1–4 of 80" and "rows 1–4 of 80" in str(table.border_title)
            assert len(source.rich_lines) == source.content_region.height  # a page, not the whole file
            assert any("▶" in line.plain for line in source.rich_lines)
            shown = screen(app)
            assert "rows 1–4 of 80" in shown and "updates done" in shown, shown


async def test_a_zoom_comes_back_when_a_terminal_too_small_is_enlarged() -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "z")
        await pilot.pause()
        chart = app.screen.maximized
        assert chart is not None and chart.id == "chart"
        await pilot.resize_terminal(30, 8)  # the notice only: nothing zoomed behind it
        await pilot.pause()
        assert app.has_class("too-small") and app.screen.maximized is None
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert not app.has_class("too-small") and app.screen.maximized is chart
        await pilot.press("z")  # and z still restores it
        await pilot.pause()
        assert app.screen.maximized is None
