"""A pane drawn line by line: only the lines whose text changed are repainted.

Over SSH every repainted cell costs bytes, and every re-rendered pane costs CPU, so
a step that changes one number repaints that number's line and nothing else.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LinesView(ScrollView, can_focus=False):
    """Rich Text lines behind the Line API, each rendered once and cached as a Strip."""

    DEFAULT_CSS = """
    LinesView {
        overflow: hidden hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Text] = []
        self._strips: dict[int, tuple[int, Style, Strip]] = {}  # row -> (width, base style, strip)

    def set_lines(self, lines: list[Text]) -> None:
        """Show these lines; repaint only the rows that differ from what is shown."""
        old = self._lines
        self._lines = lines
        # Lines are cropped, never scrolled sideways: only the count sizes the view, so a
        # longer number never triggers a relayout.
        size = Size(0, len(lines))
        if size != self.virtual_size or len(old) != len(lines):
            self._strips.clear()
            self.virtual_size = size
            self.refresh()
            return
        for row, (before, after) in enumerate(zip(old, lines, strict=True)):
            if before != after:
                self._strips.pop(row, None)
                self.refresh_line(row)

    @property
    def rich_lines(self) -> list[Text]:
        """The lines as shown, styles included."""
        return list(self._lines)

    @property
    def text(self) -> str:
        """The plain text of every line, scrolled out of sight or not (for tests and logs)."""
        return "\n".join(line.plain for line in self._lines)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = scroll_y + y
        if row >= len(self._lines):
            return Strip.blank(width, base)
        cached = self._strips.get(row)
        if cached is None or cached[0] != width + scroll_x or cached[1] != base:
            segments = list(self._lines[row].render(self.app.console))
            strip = Strip(segments).crop_extend(0, width + scroll_x, None).apply_style(base)
            cached = (width + scroll_x, base, strip)
            self._strips[row] = cached
        return cached[2].crop(scroll_x, scroll_x + width)
