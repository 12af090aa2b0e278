"""The base of the text panes: redraw only when what they show has changed."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.widgets import Static

from gd_tui.app.format import Marks
from gd_tui.app.view import View


class Pane(Static):
    """A titled pane showing a View; subclasses say what in `content`."""

    TITLE = ""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = self.TITLE
        self.marks = Marks()
        self._drawn: RenderableType | None = None

    def build(self, view: View) -> RenderableType:
        """What to draw for this view."""
        raise NotImplementedError

    def show(self, view: View) -> None:
        """Redraw if the view changes what this pane shows."""
        if view.fresh:
            self.marks.clear()
        content = self.build(view)
        self.marks.commit()
        if content != self._drawn:
            self._drawn = content
            self.update(content)


def lines(*parts: Text | str) -> Text:
    """Join pieces of text with newlines."""
    return Text("\n").join(Text(part) if isinstance(part, str) else part for part in parts)
