"""Predictions: the current batch as a table, built for the rows on screen only, so any N costs the same."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

from gd_tui.app.view import View
from gd_tui.app.widgets.lines import LinesView, set_titles

COLUMNS = ("i", "x", "y", "ŷ", "error", "x·error")
WIDTHS = (4, 8, 8, 8, 8, 9)
HEADER = Style(bold=True, underline=True)
FRESH = Style(bold=True, reverse=True)
DIM = Style(dim=True)
FILLED_BY = {1: 3, 2: 4, 3: 5}  # step that was just run -> the column it filled in


def _cell(value: float, width: int) -> str:
    """Right-aligned with at least one space before it, so huge numbers never run together."""
    for text in (f"{value:.4f}", f"{value:.1e}", f"{value:.0e}"):
        if len(text) < width:
            return text.rjust(width)
    return "#" * (width - 1)


def visible_columns(width: int) -> int:
    """How many columns fit: at 80 columns the last one (x·error) gives way."""
    total = 0
    for count, column_width in enumerate(WIDTHS):
        total += column_width
        if total > width:
            return max(count, 2)
    return len(WIDTHS)


class PredictionsTable(LinesView):
    """One row per point of the batch: index, x, y, ŷ, error, x·error (blank until computed).

    Paged by PgUp/PgDn rather than scrolled: a page is just rows whose text changed
    (a Textual scroll view repaints itself whole, and its scroll bar too, on every step).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Predictions"
        self.top = 0  # the batch row at the top of the page
        self._rows: np.ndarray = np.empty(0, dtype=int)
        self._batch: np.ndarray | None = None  # the batch the row numbers belong to
        self._columns: list[np.ndarray | None] = []
        self._fresh_column: int | None = None
        self._key: tuple[int, int] | None = None

    def show(self, view: View) -> None:
        """Point the table at the current batch's arrays and draw the rows on the page."""
        machine = view.machine
        state = machine.state
        key = (state.t, id(machine))
        if key == self._key:
            return
        self._key = key
        if state.x_batch is None:
            self._batch = None
            self._rows = np.empty(0, dtype=int)
            self._columns = []
        else:
            x, y = state.x_batch[:, 0], state.y_batch[:, 0]  # type: ignore[index]
            yhat = None if state.yhat is None else state.yhat[:, 0]
            error = None if state.error is None else state.error[:, 0]
            # x·error is only ever needed for the rows on screen: keep the factors.
            if state.x_batch is not self._batch:
                # Numbered once per batch, not per key press: a full batch is the same
                # array every update, and numbering a million rows takes a millisecond.
                self._batch = state.x_batch
                self._rows = machine.batch_rows()
            self._columns = [
                x,
                y,
                yhat,
                error,
                error if state.b_grad is not None and state.last_step in (3, 4) else None,
            ]
        self._fresh_column = FILLED_BY.get(state.last_step) if state.last_step is not None else None
        count = len(self._rows)  # none before step 0
        set_titles(
            self, "Predictions", f"batch {state.batch + 1}/{machine.updates_per_epoch} · {count} rows" if count else ""
        )
        self._draw()

    def page(self, direction: int) -> None:
        """A page down (1) or up (-1), keeping one row of the last page in sight."""
        self.top += direction * max(1, self.content_region.height - 2)
        self._draw()

    def _draw(self) -> None:
        self.set_lines(self._page(*self.content_region.size))

    def fit(self, width: int, height: int) -> None:
        self._lines = self._page(width, height)

    def _page(self, width: int, height: int) -> list[Text]:
        count = len(self._rows)
        shown = max(0, height - 1)  # under the header
        # As a scroll would: the last page ends at the last row.
        self.top = max(0, min(self.top, count - shown))
        last = min(count, self.top + shown)
        columns = visible_columns(width)
        header = Text("".join(name.rjust(w) for name, w in zip(COLUMNS[:columns], WIDTHS, strict=False)), HEADER)
        return [header, *(self._row(row, columns) for row in range(self.top, last))]

    def _row(self, row: int, columns: int) -> Text:
        line = Text()
        line.append(f"{self._rows[row]:>{WIDTHS[0]}}", DIM)
        for column, values in enumerate(self._columns[: columns - 1], start=1):
            if values is None:
                cell = "·".rjust(WIDTHS[column])
            elif column == 5:
                cell = _cell(float(self._columns[0][row] * values[row]), WIDTHS[column])  # type: ignore[index]
            else:
                cell = _cell(float(values[row]), WIDTHS[column])
            line.append(cell, FRESH if column == self._fresh_column else None)
        return line
