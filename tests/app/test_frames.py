"""Kept frames and kept lines (widgets/frame.py, LinesView) draw exactly what a fresh app draws.

The panes hand back a frame or a line they drew before whenever what they show
comes back; a stale one would show last step's numbers. Each state a learner
steps through is drawn again by a new app resumed at that state, with nothing
kept, and the two screens must match character for character.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gd_tui.app import GDApp
from gd_tui.app.widgets.lines import LinesView
from gd_tui.session import Session

SIZE = (80, 24)
PANE_ROWS = 21  # above the next-step sentence, which a resumed app opens with a message
# Two updates and more (every source page comes back, the table at step 5 twice), then
# back over a page turn and forward again.
KEYS = ["n"] * 13 + ["p"] * 3 + ["n"] * 2


async def test_stepping_draws_what_a_fresh_app_draws(screen: Callable[[Any], str]) -> None:
    seen: list[tuple[str, list[str], Session]] = []
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        for key in KEYS:
            await pilot.press(key)
            await pilot.pause()
            seen.append((key, screen(app).splitlines()[:PANE_ROWS], app.session()))
    for number, (key, shown, session) in enumerate(seen):
        fresh = GDApp(session=session)
        async with fresh.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert screen(fresh).splitlines()[:PANE_ROWS] == shown, f"press {number + 1} ({key})"


async def test_stepping_repaints_rows_not_whole_panes(monkeypatch: Any) -> None:
    """Over SSH a whole pane repainted on every press costs bytes: a step repaints the rows that changed."""
    whole: list[str] = []
    refresh = LinesView.refresh

    def counted(self: LinesView, *regions: Any, **kwargs: Any) -> Any:
        if not regions:
            whole.append(type(self).__name__)
        return refresh(self, *regions, **kwargs)

    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(7):  # step 0 and a first update: the tables and titles get their batch
            await pilot.press("n")
        await pilot.pause()
        monkeypatch.setattr(LinesView, "refresh", counted)
        for _ in range(10):  # two more updates, every step twice
            await pilot.press("n")
            await pilot.pause()
    assert whole == []
