"""SVG snapshots of every chart tab and of every built-in lesson: the pictures of chapter 0."""

from __future__ import annotations

import pytest

from gd_tui.app import GDApp
from gd_tui.app.widgets.chart_pane import TABS
from gd_tui.engine import Config
from gd_tui.lessons import builtin_names, load_lesson

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
# t pressed k times shows the k-th tab; "n" then shows the start, "e" one epoch in.
TAB_PRESSES = [pytest.param(k, id=tab_id) for k, (tab_id, _, _) in enumerate(TABS)]


@pytest.mark.parametrize("when", [pytest.param(["n"], id="start"), pytest.param(["e"], id="one-epoch")])
@pytest.mark.parametrize("tab", TAB_PRESSES)
@pytest.mark.parametrize("size", SIZES)
def test_chart_tab(snap_compare, size, tab, when) -> None:
    assert snap_compare(GDApp(Config()), terminal_size=size, press=["t"] * tab + when)


# The NumPy lessons: a torch lesson's digits depend on the torch build (tests/pytorch covers them).
@pytest.mark.parametrize("name", [name for name in builtin_names() if load_lesson(name).config.backend == "numpy"])
def test_lesson_after_a_few_steps(snap_compare, name) -> None:
    # Four epochs and the next forward pass: enough for each lesson's behaviour to show.
    app = GDApp(lesson=load_lesson(name), show_lesson=False)
    assert snap_compare(app, terminal_size=(80, 24), press=["e", "e", "e", "e", "1"])
