"""What the chart tabs share: redraw only on change, a key line above the plot, clipping, the (b, w) window."""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot as Figure

from gd_tui.app.view import View
from gd_tui.app.widgets.box import PlainBox, row_strip
from gd_tui.app.widgets.frame import FrameCache
from gd_tui.app.widgets.plotext_bridge import color_style, figure_strips, sized_figure
from gd_tui.app.widgets.repaint import repaint_rows

# A chart's key line: (marker as drawn, plotext colour name or None, label).
KeyItem = tuple[str, str | None, str]

SMALL = 12  # plot heights below this get the compact axes (80x24 gives the chart 6 rows)


class Chart(PlotextPlot, FrameCache, PlainBox):
    """A plotext chart that replots only when what it draws changed, with a one-line key or a message.

    Its last frame is kept (frame.py); a new frame's rows are boxed here (box.py), each kept
    with the strip rows() keeps for it: a replot changes every row, and Textual's styling
    of each cost more than the plot.
    """

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
        self._drawn_size = Size(0, 0)  # what is drawn depends on the room (points per cell, axes)
        self._message: str | None = None
        self._key_parts: list[Text] = []
        self._plots = 0  # how many times the figure was replotted: part of the render cache's key
        self._built: tuple[tuple[object, ...], list[Strip]] | None = None

    # Whether the chart draws only what changes with the history (the path, the losses, b, w
    # and the batch; see Machine.history_version): it then replots when they change, not on
    # every step.
    HISTORY_ONLY = False

    def ui_key(self, view: View) -> tuple[object, ...]:
        """What the drawing depends on besides the machine's state: UI state, and values derived from it."""
        return ()

    def state_key(self, view: View) -> tuple[object, ...]:
        """The machine's part of the key: the machine and its version (the one cache rule, frame.py).

        The machine and reference themselves go in the key (not their ids): holding them keeps
        an id from being reused, and tuples compare them by identity.
        """
        machine = view.machine
        return (machine, view.reference, machine.history_version if self.HISTORY_ONLY else machine.version)

    def draw(self, view: View) -> None:
        """Plot the view on self.plt (`small` says how much room there is), or say why not with `say`."""
        raise NotImplementedError

    @property
    def small(self) -> bool:
        """Whether the plot (below the key line) is too short for a frame, axis labels and many ticks."""
        return self.size.height - 1 < SMALL

    def show(self, view: View) -> None:
        """Replot only when the key changed."""
        # The size is the other half of the rule: rows() replots when it changed since the draw.
        key = (*self.state_key(view), *self.ui_key(view))
        if key == self._key:
            return
        self._key = key
        self._view = view
        self._replot()
        # Told to the screen as the panes' rows are (repaint.py), so that they go out in
        # the same frame: a pause's last frame came some 20 ms after the panes' otherwise.
        repaint_rows(self, self.size.region)

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
        self._drawn_size = self.size
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
            style = color_style(color)
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
        """The key parts spaced two apart, or one apart when that is what fits; cut with … when none does."""
        line = Text("  ").join(self._key_parts)
        if len(line) > width:
            line = Text(" ").join(self._key_parts)
        if len(line) > width:
            line.truncate(max(width - 1, 0))
            line.append("…")
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
        if self._view is not None and self.size != self._drawn_size:
            self._replot()  # resized (or first laid out): what is drawn depends on the room
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
            figure = sized_figure(self, width, plot_height)
            lines = [self._key_line(width)]
            plot = figure_strips(figure)
        base = self.rich_style
        # plotext colours every cell of the plot itself; the text lines take the widget's colours.
        pad = Style(bgcolor=base.bgcolor)
        strips = [row_strip(Strip(list(line.render(console))).apply_style(base), width, pad) for line in lines]
        strips += [row_strip(strip, width) for strip in plot]
        self._built = (built, strips)
        return strips


__all__ = ["Chart", "KeyItem"]
