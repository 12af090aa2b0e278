"""SVG snapshots at 80x24 of each pane zoomed (z), one epoch and three steps into the book's run."""

from __future__ import annotations

import pytest

from gd_tui.app import GDApp
from gd_tui.engine import Config

# How many tab presses from the chart (focused at start) reach each pane.
TABS_TO = {"chart": 0, "source": 1, "loss": 2, "gradients": 3, "params": 4, "predictions": 5}


@pytest.mark.parametrize("pane", list(TABS_TO))
def test_zoomed(snap_compare, pane) -> None:
    presses = ["e", "n", "n", "n", *["tab"] * TABS_TO[pane], "z"]
    assert snap_compare(GDApp(Config()), terminal_size=(80, 24), press=presses)
