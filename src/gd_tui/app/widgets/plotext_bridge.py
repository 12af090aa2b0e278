"""Every use of plotext's and textual-plotext's private names, in one place (plotext is pinned exactly).

A built plotext figure as Textual strips, read from its character matrix.

plotext's own output is one string of ANSI escape codes, which the terminal
widget would parse back into styled text: about a millisecond a chart at 80x24,
paid on every key press that adds a point. The matrix it builds that string from
already holds each cell's character and colours; this reads them directly.
"""

from __future__ import annotations

from functools import cache
from itertools import groupby
from typing import Any

import numpy as np
import plotext._utility as plotext_utility  # type: ignore[import-untyped]
from plotext._dict import color_codes  # type: ignore[import-untyped]
from plotext._matrix import matrix_class  # type: ignore[import-untyped]
from plotext._utility import colors_to_ansi  # type: ignore[import-untyped]
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot as Figure

from gd_tui.app.plots.raster import dots, grouped, joined, small_ints
from gd_tui.app.widgets.box import RowStrip


@cache
def _style(foreground: object, style: object, background: object) -> Style:
    """The style plotext would write for a cell's colours (its own escape codes, decoded once)."""
    decoded = Text.from_ansi(colors_to_ansi(foreground, style, background) + "x")
    styles = (span.style for span in decoded.spans)
    return Style.combine(Style.parse(style) if isinstance(style, str) else style for style in styles)


def _key(color: object) -> object:
    """A hashable stand-in for a plotext colour (RGB colours may come as lists)."""
    return tuple(color) if isinstance(color, list) else color


def figure_strips(figure: Figure) -> list[RowStrip]:
    """Build the figure at the size it was given; one strip per row, top row first."""
    figure._set_sizes()
    figure._build_matrix()
    matrix = figure.monitor.matrix
    marker, fullground, style, background = matrix.marker, matrix.fullground, matrix.style, matrix.background
    strips = []
    for row in reversed(matrix.Rows):  # plotext counts rows from the bottom
        # Runs of cells with the same colours, found at C speed: a replot reads every cell.
        markers = marker[row]
        segments = []
        start = 0
        for (foreground, cell_style, cell_background), run in groupby(
            zip(fullground[row], style[row], background[row], strict=True)
        ):
            end = start + len(list(run))
            segments.append(
                Segment("".join(markers[start:end]), _style(_key(foreground), cell_style, _key(cell_background)))
            )
            start = end
        strips.append(RowStrip(segments))
    return strips


def color_style(color: str | None) -> str:
    """A Rich style for a plotext colour name, as plotext draws it in 256 colours ("" for none)."""
    return f"color({color_codes[color]})" if color in color_codes else ""


def sized_figure(widget: PlotextPlot, width: int, height: int) -> Figure:
    """The widget's figure sized to width x height in the app's theme, as PlotextPlot.render does."""
    figure: Figure = widget._plot
    figure.plotsize(width, height)
    figure._set_size(width, height)  # resizing needs both
    figure.theme(widget._get_plotext_theme_name(widget.app.theme))
    return figure


def _plotexts(function: Any) -> Any:
    """plotext's own function, also when this module runs twice (a reload) after replacing it."""
    return getattr(function, "__wrapped__", function)


# plotext's own line rasterizer, kept: the vectorized one (plots/raster.py) hands anything
# it does not cover back to it, and the tests compare the two.
plotext_get_lines = _plotexts(plotext_utility.get_lines)
plotext_hd_group = _plotexts(plotext_utility.hd_group)


def get_lines(x: list[object], y: list[object], *other: list[object]) -> list[list[object]]:
    """plotext's `get_lines`: the points joining each data point to the next, `other` (markers,
    colours, styles) repeated along; the same lists, computed by raster.joined."""
    if len(x) < 2 or len(y) != len(x) or any(len(o) != len(x) for o in other) or not small_ints(x + y):
        return plotext_get_lines(x, y, *other)
    columns, rows, segment = joined(np.array(x, dtype=np.int64), np.array(y, dtype=np.int64))
    starts = segment.tolist()
    return [
        [*columns.tolist(), x[-1]],
        [*rows.tolist(), y[-1]],
        *([o[n] for n in starts] + [o[-1]] for o in other),
    ]


def hd_group(
    x: list[object], y: list[object], xf: list[int], yf: list[int]
) -> tuple[list[int], list[int], list[tuple[int, ...]]]:
    """plotext's `hd_group`: the dots of high-resolution markers grouped into cells; the same
    cells, in the same order, computed by raster.grouped."""
    if not x or len(set(xf)) != 1 or len(set(yf)) != 1 or len(y) != len(x) or not small_ints(x + y):
        return plotext_hd_group(x, y, xf, yf)
    across, down = xf[0], yf[0]
    columns, rows, masks = grouped(np.array(x, dtype=np.int64), np.array(y, dtype=np.int64), across, down)
    size = across * down
    return columns.tolist(), rows.tolist(), [dots(mask, size) for mask in masks]


plotext_set_matrices = _plotexts(matrix_class.set_matrices)


def set_matrices(matrix: matrix_class) -> None:
    """plotext's `set_matrices`: a blank matrix, the canvas's background inside the axes'; the
    same rows, built a row at a time rather than a cell at a time (a fifth of a build)."""
    cols, canvas_rows, canvas, axes = matrix.cols, matrix.Rows_canvas, matrix.canvas_color, matrix.axes_color
    inside = [canvas if col in matrix.Cols_canvas else axes for col in matrix.Cols]
    matrix.marker = [[plotext_utility.space] * cols for _ in matrix.Rows]
    matrix.fullground = [[plotext_utility.no_color] * cols for _ in matrix.Rows]
    matrix.background = [inside.copy() if row in canvas_rows else [axes] * cols for row in matrix.Rows]
    matrix.style = [[plotext_utility.no_color] * cols for _ in matrix.Rows]


# plotext's build looks these up on its utility module and matrix class at every build.
get_lines.__wrapped__ = plotext_get_lines  # type: ignore[attr-defined]
hd_group.__wrapped__ = plotext_hd_group  # type: ignore[attr-defined]
set_matrices.__wrapped__ = plotext_set_matrices  # type: ignore[attr-defined]
plotext_utility.get_lines = get_lines
plotext_utility.hd_group = hd_group
matrix_class.set_matrices = set_matrices
