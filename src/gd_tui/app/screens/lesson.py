"""The lesson's note: what to watch for, in plain words."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from gd_tui.app.keys import key_for
from gd_tui.text import visible


class LessonScreen(ModalScreen[None]):
    """Shown when a lesson starts and on `i`; escape, enter, space or i closes it."""

    BINDINGS = [Binding("escape,enter,space,i,q", "close", "Close")]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self._title = title
        self._note = note

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text(visible(self._title), style="bold underline"))
            yield Static(Text(visible(self._note.strip())))
            again = key_for("notes")
            yield Static(Text(f"\nenter, space or escape to start · {again} shows this again", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
