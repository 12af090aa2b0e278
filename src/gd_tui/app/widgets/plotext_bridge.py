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
from operator import itemgetter

from plotext._dict import color_codes  # type: ignore[import-untyped]
from plotext._utility import colors_to_ansi  # type: ignore[import-untyped]
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot as Figure


@cache
def _style(foreground: object, style: object, background: object) -> Style:
    """The style plotext would write for a cell's colours (its own escape codes, decoded once)."""
    decoded = Text.from_ansi(colors_to_ansi(foreground, style, background) + "x")
    styles = (span.style for span in decoded.spans)
    return Style.combine(Style.parse(style) if isinstance(style, str) else style for style in styles)


def _key(color: object) -> object:
    """A hashable stand-in for a plotext colour (RGB colours may come as lists)."""
    return tuple(color) if isinstance(color, list) else color


def figure_strips(figure: Figure) -> list[Strip]:
    """Build the figure at the size it was given; one strip per row, top row first."""
    figure._set_sizes()
    figure._build_matrix()
    matrix = figure.monitor.matrix
    strips = []
    for row in reversed(matrix.Rows):  # plotext counts rows from the bottom
        # Runs of cells with the same colours, found at C speed: a replot reads every cell.
        cells = zip(matrix.marker[row], matrix.fullground[row], matrix.style[row], matrix.background[row], strict=True)
        segments = []
        for (foreground, style, background), run in groupby(cells, key=_colours):
            markers = "".join(map(_marker, run))
            segments.append(Segment(markers, _style(_key(foreground), style, _key(background))))
        strips.append(Strip(segments))
    return strips


_colours = itemgetter(1, 2, 3)
_marker = itemgetter(0)


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
