"""A key press leaves nothing for the cyclic garbage collector.

A Strip that keeps itself in one of its own caches (as Textual's does when the
compositor divides a row at its own end) is freed only by a full collection, which
walks every object the app holds. Each row a step redrew became one, and those
collections were a fifth of what a key press cost at 120x40 (box.py's RowStrip).
The rows the panes keep for reuse are bounded by their height for the same reason.
"""

from __future__ import annotations

import gc

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.cache import FIFOCache
from textual.strip import Strip

from gd_tui.app import GDApp
from gd_tui.app.widgets.box import KEPT_LEAST, KEPT_LOOKS, STRIP_CACHES, PlainBox, RowStrip
from gd_tui.app.widgets.lines import LinesView


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_stepping_leaves_no_rows_for_the_cyclic_collector(size: tuple[int, int]) -> None:
    app = GDApp()
    async with app.run_test(size=size) as pilot:
        for _ in range(12):  # two updates: every pane and the loss history have drawn
            await pilot.press("n")
            await pilot.pause()
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds unreachable is kept in gc.garbage, to count
        try:
            for _ in range(30):  # six updates: every step, the chart replotted six times
                await pilot.press("n")
                await pilot.pause()
            gc.collect()
            rows = [thing for thing in gc.garbage if isinstance(thing, Strip | FIFOCache)]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    assert rows == []


async def test_panes_keep_rows_in_proportion_to_their_height() -> None:
    app = GDApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):  # the loss and gradients panes show new numbers at every step
            await pilot.press("n")
            await pilot.pause()
        for box in app.query(PlainBox):
            limit = max(KEPT_LEAST, KEPT_LOOKS * box.outer_size.height)
            assert len(box._boxed) <= limit, box.id
            if isinstance(box, LinesView):
                assert len(box._strips) <= limit and len(box._known) <= limit, box.id


def test_a_row_strip_makes_each_cache_when_first_used() -> None:
    """RowStrip sets every attribute a Strip has, or makes it on first use: a new Textual with
    another cache fails here, not on a screen."""
    row = RowStrip([Segment("abc"), Segment("de")], 5)
    assert set(Strip.__slots__) == {"_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count"} | set(
        STRIP_CACHES
    )
    assert row.crop(1, 4).text == "bcd" and row.crop(1, 4) is row.crop(1, 4)  # cached once made
    assert row.divide([2, 5])[0].text == "ab" and row.render(Console()) == "abcde"
    assert [strip.text for strip in row.apply_style(Style(bold=True)).divide([1, 5])] == ["a", "bcde"]


async def test_the_app_turns_the_collector_on_after_its_first_screen() -> None:
    # The gd-tui command starts with the collector off (command.py); the app must turn it on.
    gc.disable()
    try:
        app = GDApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()
