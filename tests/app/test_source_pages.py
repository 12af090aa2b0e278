"""The source pane's page: the code that runs next always shows, and a tall pane keeps one page.

page_top is a function of the marks and the height alone (a resumed app shows the same
page). A page that moves repaints the whole pane, so a pane tall enough to share one
page between the steps of an epoch keeps it.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from gd_tui.app import GDApp
from gd_tui.app.widgets.source import VALIDATION, SourcePane, numpy_functions, page_top, source_lines
from gd_tui.engine import steps

# (what runs next, what just ran) through an epoch of batch gradient descent, twice round
EPOCH = [
    ({1}, {0}),
    ({2}, {1}),
    ({3}, {2}),
    ({4}, {3}),
    ({5, VALIDATION}, {4}),
    ({1}, {5, VALIDATION}),
    ({2}, {1}),
    ({3}, {2}),
    ({4}, {3}),
    ({5, VALIDATION}, {4}),
    ({1}, {5, VALIDATION}),
]


def pages(optimizer: str, height: int) -> list[int]:
    source = source_lines(numpy_functions(optimizer))
    return [page_top(source, height, frozenset(next_steps), frozenset(last)) for next_steps, last in EPOCH]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("height", range(6, 45))
def test_the_code_that_runs_next_is_on_the_page(optimizer: str, height: int) -> None:
    source = source_lines(numpy_functions(optimizer))
    for (next_steps, last), top in zip(EPOCH, pages(optimizer, height), strict=True):
        shown = range(top, top + height)
        # What must show, in order, each as far as a page shows it with what came before:
        # the step under the cursor, the ✓ of the step just run, the rest of what runs next.
        rows = [row for row, line in enumerate(source) if line.step == min(next_steps)]
        ticks = [row for row, line in enumerate(source) if line.step in last and line.code.startswith("def ")]
        after = [row for row, line in enumerate(source) if line.step in next_steps]
        assert rows[0] in shown and (rows[-1] in shown or rows[-1] - rows[0] >= height), (next_steps, top)
        wanted = rows if rows[-1] - rows[0] < height else []
        for more in (ticks, after):
            if wanted and max([*wanted, *more]) - min([*wanted, *more]) < height:
                wanted = [*wanted, *more]
                assert all(row in shown for row in more), (next_steps, last, top)
        assert 0 <= top <= max(0, len(source) - height)


def test_a_tall_pane_keeps_its_page_through_the_steps_of_an_epoch() -> None:
    # 120x40: the pane shows 26 of the 38 lines. Steps 1 to 4 share a page; step 5 with
    # validation_loss needs the last lines.
    shown = pages("sgd", 26)
    assert len(set(shown[1:4])) == 1 and shown[5] == shown[1], shown
    moves = sum(a != b for a, b in pairwise(shown[5:]))  # one epoch: to the last lines and back
    assert moves == 2, shown


def test_a_pane_as_tall_as_the_source_never_moves() -> None:
    source = source_lines(numpy_functions())
    assert set(pages("sgd", len(source))) == {0}


@pytest.mark.parametrize("size", [(80, 24), (80, 30)])
async def test_the_tick_of_the_step_just_run_stays_on_screen_beyond_a_fold(size: tuple[int, int]) -> None:
    # After step 5 at 80x24, repeat and validation_loss (just run) are twenty lines below
    # forward (next): they stay on screen after a fold, each line verbatim from steps.py.
    app = GDApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press(*"nnnnnn")
        await pilot.pause()
        pane = app.query_one(SourcePane)
        rows = [line.plain for line in pane._lines]
        assert any(row.startswith("48✓def repeat(") for row in rows), rows
        assert any(row.startswith("56✓def validation_loss(") for row in rows), rows
        assert any(row.startswith("21▶def forward(") for row in rows), rows
        assert rows.count("  ⋮") == 1 and rows.index("  ⋮") < [r[:2] for r in rows].index("48")
        source = Path(steps.__file__).read_text().splitlines()
        for row in rows:
            if row != "  ⋮":
                number, code = int(row[:2]), row[3:]
                assert source[number - 1] == code
        await pilot.press("n")  # the ticks move to forward: one page, no fold
        await pilot.pause()
        assert "  ⋮" not in [line.plain for line in pane._lines]
