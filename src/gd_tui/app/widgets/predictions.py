"""Predictions: the current batch as a table, drawn line by line so any N costs the same."""

from __future__ import annotations

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gd_tui.app.view import View
from gd_tui.app.widgets.lines import set_titles

COLUMNS = ("i", "x", "y", "ŷ", "error", "x·error")
WIDTHS = (4, 8, 8, 8, 8, 9)
HEADER = Style(bold=True, underline=True)
FRESH = Style(bold=True, reverse=True)
DIM = Style(dim=True)
PLAIN = Style()
FILLED_BY = {1: 3, 2: 4, 3: 5}  # step that was just run -> the column it filled in


def _cell(value: float, width: int) -> str:
    """Right-aligned with at least one space before it, so huge numbers never run together."""
    for text in (f"{value:.4f}", f"{value:.1e}", f"{value:.0e}"):
        if len(text) < width:
            return text.rjust(width)
    return "#" * (width - 1)


class PredictionsTable(ScrollView, can_focus=False):  # keys belong to the debugger; PgUp/PgDn scroll it
    """One row per point of the batch: index, x, y, ŷ, error, x·error (blank until computed)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Predictions"
        self._rows: np.ndarray = np.empty(0, dtype=int)
        self._columns: list[np.ndarray | None] = []
        self._fresh_column: int | None = None
        self._key: tuple[int, int] | None = None

    def show(self, view: View) -> None:
        """Point the table at the current batch's arrays; only the visible lines get drawn."""
        machine = view.machine
        state = machine.state
        key = (state.t, id(machine))
        if key == self._key:
            return
        self._key = key
        if state.x_batch is None:
            self._rows = np.empty(0, dtype=int)
            self._columns = []
        else:
            x, y = state.x_batch[:, 0], state.y_batch[:, 0]  # type: ignore[index]
            yhat = None if state.yhat is None else state.yhat[:, 0]
            error = None if state.error is None else state.error[:, 0]
            # x·error is only ever needed for the rows on screen: keep the factors.
            self._rows = machine.batch_rows()
            self._columns = [
                x,
                y,
                yhat,
                error,
                error if state.b_grad is not None and state.last_step in (3, 4) else None,
            ]
        self._fresh_column = FILLED_BY.get(state.last_step) if state.last_step is not None else None
        count = len(self._rows)
        set_titles(self, subtitle=f"batch {state.batch + 1}/{machine.updates_per_epoch} · {count} rows")
        size = Size(sum(WIDTHS), count + 1)
        if size != self.virtual_size:  # a new size relayouts; most steps keep it
            self.virtual_size = size
        self.refresh()

    def _visible_columns(self, width: int) -> int:
        """How many columns fit: at 80 columns the last one (x·error) gives way."""
        total = 0
        for count, column_width in enumerate(WIDTHS):
            total += column_width
            if total > width:
                return max(count, 2)
        return len(WIDTHS)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        shown = self._visible_columns(width)
        if y == 0:
            text = "".join(name.rjust(w) for name, w in zip(COLUMNS[:shown], WIDTHS, strict=False))
            return Strip([Segment(text, HEADER)]).crop(scroll_x, scroll_x + width)
        row = scroll_y + y - 1
        if row >= len(self._rows):
            return Strip.blank(width, PLAIN)  # a None style breaks NO_COLOR's monochrome filter
        segments = [Segment(f"{self._rows[row]:>{WIDTHS[0]}}", DIM)]
        for column, values in enumerate(self._columns[: shown - 1], start=1):
            if values is None:
                cell = "·".rjust(WIDTHS[column])
            elif column == 5:
                cell = _cell(float(self._columns[0][row] * values[row]), WIDTHS[column])  # type: ignore[index]
            else:
                cell = _cell(float(values[row]), WIDTHS[column])
            segments.append(Segment(cell, FRESH if column == self._fresh_column else PLAIN))
        return Strip(segments).crop(scroll_x, scroll_x + width)
