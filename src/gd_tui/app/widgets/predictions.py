"""Predictions: the current batch as a table, built for the rows on screen only, so any N costs the same."""

from __future__ import annotations

from itertools import accumulate

import numpy as np
from rich.style import Style
from rich.text import Span, Text

from gd_tui.app.format import aligned, short
from gd_tui.app.view import View
from gd_tui.app.widgets.lines import LinesView, set_titles

COLUMNS = ("i", "x", "y", "ŷ", "error", "x·error")
HEADER = Style(bold=True, underline=True)
FRESH = Style(bold=True, reverse=True)
DIM = Style(dim=True)
FILLED_BY = {1: 3, 2: 4, 3: 5}  # step that was just run -> the column it filled in
DROPPED_FIRST = (3, 2)  # when the numbers are too wide for the pane: ŷ, then y (error and x·error carry the lesson)


def fitted_columns(widths: list[int], width: int, fresh: int | None = None, blank: tuple[int, ...] = ()) -> list[int]:
    """The columns that fit in `width`: those not computed yet go first, then ŷ, then y, then
    from the right; never the index, x, or the column the step just filled in (`fresh`)."""
    shown = list(range(len(widths)))
    for column in (*sorted(blank, reverse=True), *DROPPED_FIRST, *range(len(widths) - 1, 1, -1)):
        if sum(widths[c] for c in shown) <= width:
            break
        if column in shown and column != fresh:
            shown.remove(column)
    return shown


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
        self._key: tuple[object, int] | None = None
        self._batch_note = ""
        self._shown: tuple[int, int, int, bool] = (0, 0, 0, False)  # first row, last row, rows, columns dropped

    def show(self, view: View) -> None:
        """Point the table at the current batch's arrays and draw the rows on the page."""
        machine = view.machine
        state = machine.state
        # The one cache rule (frame.py): keyed on the machine and its version.
        key = (machine, machine.version)
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
        self._batch_note = "batch {}/{}".format(*machine.batch_position())
        self._draw()

    def page(self, direction: int) -> None:
        """A page down (1) or up (-1), keeping one row of the last page in sight."""
        self.top += direction * max(1, self.content_region.height - 2)
        self._draw()

    def _draw(self) -> None:
        self.set_lines(self._page(*self.content_region.size))
        self._set_titles()

    def fit(self, width: int, height: int) -> None:
        self._lines = self._page(width, height)
        self._set_titles()

    def _set_titles(self) -> None:
        # Which rows the page shows, and of which batch (no note before step 0: no batch yet).
        # Rows first: at 80 columns the batch may be cut, and the parameters pane shows it too.
        rows = self.rows_note()
        set_titles(self, "Predictions", f"{rows} · {self._batch_note}" if rows else "")

    def _page(self, width: int, height: int) -> list[Text]:
        count = len(self._rows)
        shown = max(0, height - 1)  # under the header
        # As a scroll would: the last page ends at the last row.
        self.top = max(0, min(self.top, count - shown))
        last = min(count, self.top + shown)
        rows = range(self.top, last)
        # Each column as wide as its numbers on this page need (short() keeps 4 significant
        # digits), decimal points lined up; a column not computed yet shows "·".
        cells: list[list[str]] = [[str(self._rows[row]) for row in rows]]
        for column, values in enumerate(self._columns, start=1):
            if values is None:
                cells.append(["·"] * len(rows))
            elif column == 5:
                x = self._columns[0]
                cells.append(aligned([short(float(x[row] * values[row])) for row in rows]))  # type: ignore[index]
            else:
                cells.append(aligned([short(float(values[row])) for row in rows]))
        if not self._columns:
            cells += [[] for _ in COLUMNS[1:]]
        widths = [
            max([len(name), *(len(text) for text in column)]) + 1 for name, column in zip(COLUMNS, cells, strict=True)
        ]
        # Columns not computed yet give way first; x·error, the quantity behind w_grad, stays.
        blank = tuple(column for column, values in enumerate(self._columns[:4], start=1) if values is None)
        columns = fitted_columns(widths, width, self._fresh_column, blank)
        self._shown = (self.top + 1, last, count, len(columns) < len(COLUMNS))
        header = Text("".join(COLUMNS[c].rjust(widths[c]) for c in columns), HEADER)
        # Each row as one string and its spans (the index dim, a column just filled in bold
        # reverse): what appending cell by cell gives, built at once (every row changes every step).
        starts = dict(zip(columns, accumulate((widths[c] for c in columns), initial=0), strict=False))
        styled = [(c, DIM if c == 0 else FRESH) for c in columns if c == 0 or c == self._fresh_column]
        spans = [Span(starts[c], starts[c] + widths[c], style) for c, style in styled]
        lines = [header]
        for index in range(len(rows)):
            lines.append(Text("".join(cells[c][index].rjust(widths[c]) for c in columns), spans=list(spans)))
        return lines

    def rows_note(self) -> str:
        """Which rows the page shows: 'rows 5–8 of 80'."""
        first, last, count, _ = self._shown
        if not count:
            return ""
        return f"row {first} of 1" if count == 1 else f"rows {first}–{last} of {count}"
