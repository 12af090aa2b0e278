"""The base of the text panes: each redraws only the lines whose text changed."""

from __future__ import annotations

from rich.text import Text

from gd_tui.app.format import Marks
from gd_tui.app.view import View
from gd_tui.app.widgets.lines import LinesView


class Pane(LinesView):
    """A titled pane showing a View; subclasses say what in `build`."""

    TITLE = ""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = self.TITLE
        self.marks = Marks()

    def build(self, view: View) -> list[Text]:
        """What to draw for this view, a Text per row."""
        raise NotImplementedError

    def show(self, view: View) -> None:
        """Redraw the lines this view changes."""
        if view.fresh:
            self.marks.clear()
        self.marks.running = view.running
        rows = self.build(view)
        self.marks.commit()
        self.set_lines(rows)


def lines(*parts: Text | str) -> list[Text]:
    """One row per piece of text."""
    return [Text(part) if isinstance(part, str) else part for part in parts]
