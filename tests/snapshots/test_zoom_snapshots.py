"""SVG snapshots at 80x24: each pane zoomed (z), and the notes screen (i) with a message log."""

from __future__ import annotations

import pytest

from gd_tui.app import GDApp
from gd_tui.engine import Config
from gd_tui.engine.breakpoints import Breakpoints

# How many tab presses from the chart (focused at start) reach each pane.
TABS_TO = {"chart": 0, "source": 1, "loss": 2, "gradients": 3, "params": 4, "predictions": 5}


@pytest.mark.parametrize("pane", list(TABS_TO))
def test_zoomed(snap_compare, pane) -> None:
    presses = ["e", "n", "n", "n", *["tab"] * TABS_TO[pane], "z"]
    assert snap_compare(GDApp(Config()), terminal_size=(80, 24), press=presses)


def test_notes_with_a_message_log(snap_compare) -> None:
    """`i` after a few messages: the notes, the next step in full, the log newest first."""
    app = GDApp(Config(), breakpoints=Breakpoints(epoch_reached=3))
    presses = ["e", "e", "plus", "t", "c", "minus", "minus", "minus", "minus", "minus", "minus", "i"]
    assert snap_compare(app, terminal_size=(80, 24), press=presses)
