"""`i`: everything said in full — the lesson's note, the next step's sentence and note, every message shown."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from gd_tui.app.format import plural
from gd_tui.app.keys import key_for
from gd_tui.app.messages import Entry
from gd_tui.app.screens.lesson import LessonScreen


class NotesScreen(LessonScreen):
    """Scrolls; escape, enter, space, i or q closes it."""

    def __init__(self, title: str, note: str, now: list[str], log: list[Entry]) -> None:
        super().__init__(title, note)
        self._now = now
        self._log = log

    def compose(self) -> ComposeResult:
        close = f"escape or {key_for('notes')} closes · ↑ ↓ PgUp PgDn scroll"
        with VerticalScroll(id="help"):
            yield Static(Text(close, style="dim"))
            yield Static(Text(self._title, style="bold underline"))
            yield Static(Text(self._note.strip()))
            yield Static(Text("\nNow", style="bold underline"))
            for sentence in self._now:
                yield Static(Text(sentence))
            count = len(self._log)
            heading = f"\nMessages, newest first ({count} {'message' if count == 1 else 'messages'})"
            yield Static(Text(heading, style="bold underline"))
            log = Table.grid(padding=(0, 2))
            log.add_column(style="dim", no_wrap=True)
            log.add_column()
            for entry in self._log:
                # Counted as on screen: the epoch in progress from 1, the updates finished.
                log.add_row(f"epoch {entry.epoch + 1} · {plural(entry.update, 'update')} done", entry.text)
            yield Static(log if count else Text("none yet", style="dim"))
