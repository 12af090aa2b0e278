"""What the chart tabs share: redraw only on change, a key line above the plot, clipping, the (b, w) window."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from plotext._dict import color_codes  # type: ignore[import-untyped]
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot as Figure

from gd_tui.app.view import View
from gd_tui.app.widgets.frame import FrameCache
from gd_tui.app.widgets.plot_strips import figure_strips
from gd_tui.engine.analysis import Reference

# A chart's key line: (marker as drawn, plotext colour name or None, label).
KeyItem = tuple[str, str | None, str]

SMALL = 12  # plot heights below this get the compact axes (80x24 gives the chart 6 rows)


class Chart(PlotextPlot, FrameCache):
    """A plotext chart that replots only when what it draws changed, with a one-line key or a message."""

    DEFAULT_CSS = """
    Chart {
        padding: 0;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._key: tuple[object, ...] | None = None
        self._view: View | None = None
        self._drawn_small: bool | None = None
        self._message: str | None = None
        self._key_parts: list[Text] = []
        self._plots = 0  # how many times the figure was replotted: part of the render cache's key
        self._built: tuple[tuple[object, ...], list[Strip]] | None = None

    def key(self, view: View) -> tuple[object, ...]:
        """Everything this chart's drawing depends on besides the machine and the reference."""
        raise NotImplementedError

    def draw(self, view: View) -> None:
        """Plot the view on self.plt (`small` says how much room there is), or say why not with `say`."""
        raise NotImplementedError

    @property
    def small(self) -> bool:
        """Whether the plot (below the key line) is too short for a frame, axis labels and many ticks."""
        return self.size.height - 1 < SMALL

    def show(self, view: View) -> None:
        """Replot only when the key changed."""
        # The machine and reference themselves go in the key (not their ids): holding them
        # keeps an id from being reused by a new machine, and tuples compare them by identity first.
        key = (view.machine, view.reference, *self.key(view))
        if key == self._key:
            return
        self._key = key
        self._view = view
        self._replot()
        self.refresh()

    # plotext keeps a figure's settings (frame, axes, ticks, labels) when its data is
    # cleared. A chart whose `draw` sets every setting it uses, for any view, replots
    # on the same figure: a new one deep-copies all of plotext's defaults, which cost
    # more than the loss history's whole plot at 80x24.
    DRAW_SETS_EVERYTHING = False

    def _replot(self) -> None:
        assert self._view is not None
        self._message = None
        self._key_parts = []
        self._plots += 1
        small = self.small
        if self.DRAW_SETS_EVERYTHING and small == self._drawn_small:
            self.plt.clear_data()
        else:  # the room changed: the compact axes and the full ones set different things
            self.plt.clear_figure()
        self._drawn_small = small
        self.draw(self._view)

    def say(self, message: str) -> None:
        """Show this sentence instead of a plot."""
        self._message = message

    def axes(self, plt: Figure, x_label: str = "", y_label: str = "") -> None:
        """Compact axes when small (every row goes to the plot), a frame and labels when there is room."""
        small = self.small
        plt.frame(not small)
        if small:
            plt.yaxes(True, False)  # one column for a left axis keeps tick labels off the data
        plt.xfrequency(3 if small else 5)
        plt.yfrequency(2 if small else 5)
        if not small:
            plt.xlabel(x_label)
            plt.ylabel(y_label)

    def set_key_line(self, items: Iterable[KeyItem], note: str = "") -> None:
        """The line above the plot: a note first, then each marker in its colour (so it reads without colour)."""
        parts: list[Text] = [Text(note, style="bold")] if note else []
        for marker, color, label in items:
            style = f"color({color_codes[color]})" if color in color_codes else ""
            parts.append(Text.assemble((marker, style), " ", label))
        self._key_parts = parts

    @property
    def drawn_message(self) -> str | None:
        """The sentence shown instead of a plot, if any (for tests)."""
        return self._message

    @property
    def key_text(self) -> str:
        """The key line's plain text (for tests)."""
        return self._key_line(10**6).plain

    def _key_line(self, width: int) -> Text:
        """The key parts spaced two apart, or one apart when that is what fits."""
        line = Text("  ").join(self._key_parts)
        if len(line) > width:
            line = Text(" ").join(self._key_parts)
        line.truncate(width)
        return line

    def render_line(self, y: int) -> Strip:
        # Line by line from a cache: the compositor asks again whenever a neighbour
        # repaints, and building the plot is the costly part.
        strips = self.rows()
        return strips[y] if y < len(strips) else Strip.blank(self.size.width, self.rich_style)

    @property
    def text(self) -> str:
        """The chart as drawn, plain text (for tests)."""
        return "\n".join(strip.text for strip in self.rows())

    def rows(self) -> list[Strip]:
        """The chart as drawn, a strip per row; built again when the plot, the size or the theme changes."""
        if self._view is not None and self.small != self._drawn_small:
            self._replot()  # resized across SMALL: what is drawn depends on the room
        width, height = self.size
        built = (self._plots, width, height, self.app.theme)
        if self._built is not None and self._built[0] == built:
            return self._built[1]
        console = self.app.console
        if self._message is not None:
            lines = list(Text(self._message).wrap(console, max(1, width)))
            for line in lines:
                line.rstrip()  # a wrapped line keeps the space it broke at
            plot = []
        else:
            plot_height = max(1, height - 1)
            figure = self._plot
            figure.plotsize(width, plot_height)
            figure._set_size(width, plot_height)  # as PlotextPlot.render does: resizing needs both
            figure.theme(self._get_plotext_theme_name(self.app.theme))
            lines = [self._key_line(width)]
            plot = figure_strips(figure)
        base = self.rich_style
        # plotext colours every cell of the plot itself; the text lines take the widget's colours.
        pad = Style(bgcolor=base.bgcolor)
        strips = [Strip(list(line.render(console))).apply_style(base).crop_extend(0, width, pad) for line in lines]
        strips += [strip.crop_extend(0, width, None) for strip in plot]
        self._built = (built, strips)
        return strips


def finite(*values: float | None) -> bool:
    """True when every value is a finite number."""
    return all(v is not None and math.isfinite(v) for v in values)


def as_float(value: np.ndarray | float | None) -> float | None:
    """A plain float from a (1,) array, a NumPy scalar or None."""
    if value is None:
        return None
    return float(np.asarray(value).reshape(-1)[0])


def clip_line(
    intercept: float, slope: float, x_range: Sequence[float], y_range: Sequence[float]
) -> tuple[list[float], list[float]] | None:
    """The part of y = intercept + slope·x inside the box, as two points; None when it misses.

    plotext fills every pixel between a line's end points, so an end point far
    outside the chart (a diverging line) would cost millions of points: clip first.
    """
    x_low, x_high = float(x_range[0]), float(x_range[1])
    y_low, y_high = float(y_range[0]), float(y_range[1])
    if not finite(intercept, slope):
        return None
    with np.errstate(all="ignore"):
        if slope == 0:
            if not y_low <= intercept <= y_high:
                return None
        else:
            # Where the line crosses y_low and y_high: division keeps huge slopes finite.
            a, b = (y_low - intercept) / slope, (y_high - intercept) / slope
            if not finite(a, b):
                return None
            x_low, x_high = max(x_low, min(a, b)), min(x_high, max(a, b))
    if x_low > x_high:
        return None
    xs = [x_low, x_high]
    ys = [min(max(intercept + slope * x, y_low), y_high) for x in xs]
    return xs, ys


@dataclass(frozen=True)
class Window:
    """A square region of the (b, w) plane: equal spans, so a round loss surface looks round."""

    b_centre: float
    w_centre: float
    half: float

    @property
    def b_range(self) -> tuple[float, float]:
        return self.b_centre - self.half, self.b_centre + self.half

    @property
    def w_range(self) -> tuple[float, float]:
        return self.w_centre - self.half, self.w_centre + self.half

    def contains(self, b: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Which of the points lie inside (NaN and inf never do)."""
        with np.errstate(invalid="ignore"):
            return (np.abs(b - self.b_centre) <= self.half) & (np.abs(w - self.w_centre) <= self.half)


MARGIN = 1.25  # room around the farthest point
MAX_DOUBLINGS = 6  # a diverging path stops growing the window at 64 times its first size


def centre(reference: Reference) -> tuple[float, float]:
    """The least-squares point, or for constant x (no unique minimum) b = mean y, w = 0, one of the minima."""
    if reference.least_squares is not None:
        return reference.least_squares
    return reference.surface.mean_y, 0.0


def window(reference: Reference, start: tuple[float, float] | None, b: np.ndarray, w: np.ndarray) -> Window:
    """A window around the minimum holding the start, then doubled until it holds the points (up to a limit).

    The size moves in powers of two only, so the loss grid behind it is computed a
    handful of times per dataset, not per frame.
    """
    b_centre, w_centre = centre(reference)
    scale = max(abs(b_centre), abs(w_centre))
    if start is not None and finite(*start):
        base = MARGIN * max(abs(start[0] - b_centre), abs(start[1] - w_centre))
    else:
        base = MARGIN * max(scale, 1.0)  # before step 0: about where a standard-normal start lands
    # A start at (or next to) the minimum still gets a bowl around it to look at.
    base = max(base, 0.1 * scale, 1e-12)
    with np.errstate(all="ignore"):
        distance = np.maximum(np.abs(b - b_centre), np.abs(w - w_centre))
    distance = distance[np.isfinite(distance)]
    far = float(distance.max()) * MARGIN if len(distance) else 0.0
    doublings = 0
    while far > base * 2**doublings and doublings < MAX_DOUBLINGS:
        doublings += 1
    return Window(b_centre, w_centre, base * 2**doublings)


__all__ = ["Chart", "KeyItem", "Window", "as_float", "centre", "clip_line", "finite", "window"]
