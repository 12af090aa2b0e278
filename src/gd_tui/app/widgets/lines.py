"""A pane drawn line by line: only the lines whose text changed are repainted.

Over SSH every repainted cell costs bytes, and every re-rendered pane costs CPU, so
a step that changes one number repaints that number's line and nothing else.
"""

from __future__ import annotations

from itertools import pairwise
from weakref import WeakKeyDictionary

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.markup import escape
from textual.strip import Strip
from textual.widget import Widget

from gd_tui.app.widgets.box import PlainBox, RowStrip
from gd_tui.app.widgets.repaint import repaint_rows
from gd_tui.text import one_line

FRAME_CACHE = 16  # whole frames kept per view (a source pane shows about a dozen)


class LinesView(PlainBox, can_focus=False):
    """Rich Text lines behind the Line API, each rendered once and cached as a Strip.

    A plain widget, not a scroll view: lines beyond its height are cut (a pane that
    needs more pages itself), so a new line count never makes Textual lay the
    screen out again.

    Whole frames are kept too, by what they show (see frame.py for why a frame is
    worth keeping): when the same lines come back (a page of source shown before, a
    sentence said before), Textual's styling of each line is not done again either.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Text] = []
        # id(line) -> (line, width, base style, strip): a line that comes back (a source
        # line on a page shown before) is not rendered again.
        self._strips: dict[int, tuple[Text, int, Style, Strip]] = {}
        self._known: dict[tuple[object, ...], Text] = {}  # (text, style, spans) -> the line shown with them
        self._base: Style | None = None  # the widget's own style, until its styles change
        self._width = 0  # the content width of the frame being drawn
        self._fitted: tuple[Size, Style] | None = None  # the content size and base style last fitted to
        # (crop, theme, base style, titles, id of each line) -> (the lines, the frame)
        self._frames: dict[tuple[object, ...], tuple[list[Text], list[Strip]]] = {}

    def set_lines(self, lines: list[Text]) -> None:
        """Show these lines; repaint only the rows that differ from what is shown."""
        size = self.content_region.size
        if self._fitted is not None and size != self._fitted[0]:
            # Built for a room the pane has not been drawn in: hidden (another pane
            # zoomed, no room at all) or about to be resized. The next frame it shows in
            # fits them again to the room it has then.
            self._fitted = None
        old = self._lines
        if len(old) != len(lines):
            self._lines = [self._known_line(line) for line in lines]
            self.refresh()
            return
        kept = []
        changed = []
        for row, (before, after) in enumerate(zip(old, lines, strict=True)):
            # Text's == ignores the line's own style (dim until computed, ...): compare it too.
            if before is after or (before == after and before.style == after.style):
                kept.append(before)  # the same object keeps its rendered strip
            else:  # a line shown before with this text (a page, a sentence) brings its strip
                kept.append(self._known_line(after))
                changed.append(row)
        self._lines = kept
        if changed:  # one call: the screen is told once
            repaint_rows(self, *(Region(0, row, size.width, 1) for row in changed))

    def _known_line(self, line: Text) -> Text:
        """The line shown before with the same text and styles, if any, else this one.

        Panes build new Text objects on every step, but much of what they show comes
        back (a table row before its column is filled, a formula, a dimmed number): the
        same object brings its strip and, when a whole frame comes back, the frame.
        """
        key = (line.plain, line.style, *line.spans)
        known = self._known.get(key)
        if known is None:
            if len(self._known) >= self.kept_rows:
                self._known.clear()
            self._known[key] = known = line
        return known

    @property
    def rich_lines(self) -> list[Text]:
        """The lines as shown, styles included."""
        return list(self._lines)

    @property
    def text(self) -> str:
        """The plain text of every line, cut off by the height or not (for tests and logs)."""
        return "\n".join(line.plain for line in self._lines)

    def fit(self, width: int, height: int) -> None:
        """Lay the lines out again for a new size (wrap, page); sets `_lines`, never refreshes."""

    def notify_style_update(self) -> None:
        self._base = None
        self._frames.clear()
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._fit()
        lines = self._lines
        key = (crop, self.app.theme, self._base, self.border_title, self.border_subtitle, *map(id, lines))
        frame = self._frames.get(key)
        # The lines themselves are kept with the frame: an id is only unique while its object lives.
        if frame is not None and all(kept is line for kept, line in zip(frame[0], lines, strict=True)):
            return frame[1]
        # A plain box is styled here (box.py); otherwise Textual's own styling re-renders just
        # the rows refreshed since it last ran (rows refreshed while kept frames were shown included).
        strips = super().render_lines(crop)
        if len(self._frames) >= FRAME_CACHE:
            self._frames.clear()
        self._frames[key] = (list(lines), strips)
        return strips

    def _fit(self) -> None:
        # Textual works the style out from every ancestor's CSS: once per style update
        # rather than once a frame or a line.
        if self._base is None:
            self._base = self.rich_style
        # Fitting here, as the frame is drawn, rather than on a Resize event: the first
        # frame (and the first after a resize) is drawn right, with no second frame. A
        # new theme (a new base style) fits again too: lines may carry the theme's colours.
        size = self.content_region.size
        self._width = size.width
        if (size, self._base) != self._fitted:
            self._fitted = (size, self._base)
            self.fit(*size)

    def render_line(self, y: int) -> Strip:
        # Only ever called while a frame is drawn, after _fit.
        width = self._width
        base = self._base or Style()
        if y >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[y]
        cached = self._strips.get(id(line))
        if cached is None or cached[0] is not line or cached[1] != width or cached[2] != base:
            if len(self._strips) >= self.kept_rows:
                self._strips.clear()
            cached = (line, width, base, self._strip(line, width, base))
            self._strips[id(line)] = cached
        return cached[3]

    def _strip(self, line: Text, width: int, base: Style) -> Strip:
        """The line as `width` cells on the widget's own style: one Strip built, not one per step."""
        console = self.app.console
        if line.cell_len > width > 0:
            # Never cut silently: a cut number or formula would read as another one.
            line = line.copy()
            line.truncate(width, overflow="ellipsis")
        if line.style and not line.spans:  # Text.render applies the line's own style only under spans
            segments = [Segment(line.plain, base + console.get_style(line.style))]
        else:
            segments = text_segments(line, console, base)
        length = line.cell_len
        if length < width:
            segments.append(Segment(" " * (width - length), base))
        strip = RowStrip(segments, max(length, width))
        return strip.crop(0, width) if length > width else strip


def text_segments(line: Text, console: Console, base: Style | None = None) -> list[Segment]:
    """What `line.render(console)` yields (each style on `base` when given), built directly
    when no two spans overlap.

    The panes' lines are pieces appended one after another, so their spans never overlap;
    Rich's general renderer sorts span edges and keeps a stack of open styles, and was
    half of what drawing a new line cost. Overlapping spans still go through it. The
    widget's own style goes on in the same pass (a second pass cost a third as much again).
    """
    text, spans = line.plain, line.spans
    if not spans:
        return [Segment(text, base)] if base else [Segment(text)]
    ordered = sorted(spans, key=lambda span: span.start)
    if any(later.start < earlier.end for earlier, later in pairwise(ordered)):
        rendered = list(line.render(console))
        return list(Segment.apply_style(rendered, base)) if base else rendered
    get_style = console.get_style
    null = Style.null()
    style = get_style(line.style, default=null) if line.style else null
    if base:
        style = base + style
    segments = []
    position = 0
    for span in ordered:
        if span.start > position:
            segments.append(Segment(text[position : span.start], style))
        if span.end > span.start:
            span_style = get_style(span.style, default=null) if isinstance(span.style, str) else span.style
            segments.append(Segment(text[span.start : span.end], style + span_style))
        position = max(position, span.end)
    if len(text) > position:
        segments.append(Segment(text[position:], style))
    return segments


def set_titles(widget: Widget, title: str, note: str = "") -> None:
    """Set a pane's border title, with a muted note after it; only on change.

    The note goes in the top border because the panes have no bottom one, where
    Textual draws a subtitle. Textual repaints the whole widget on every assignment,
    even of the same title.
    """
    text = escape(one_line(title)) + (f"  [not bold dim]{escape(one_line(note))}[/]" if note else "")
    # Compared with what was set here: Textual hands the title back with its markup rewritten.
    if _titles.get(widget) != text:
        _titles[widget] = text
        widget.border_title = text


_titles: WeakKeyDictionary[Widget, str] = WeakKeyDictionary()  # the last title set_titles gave each widget
