"""A one-value dialog: type, Enter to apply, Escape to cancel; a bad value is refused in place."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from gd_tui.app.format import shown
from gd_tui.app.screens.typed import TypedInput


class PromptScreen(ModalScreen[str | None]):
    """Ask for one value; `check` returns an error message or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str, check: Callable[[str], str | None]) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(f"{self._title} (Enter applies, Escape cancels)"))
            yield TypedInput(self._value, id="value", select_on_focus=True)
            yield Static("", id="error")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        problem = self._check(text)
        if problem:
            # Shown as typed: "[/x]" is text, not markup, and no control character reaches the terminal.
            self.query_one("#error", Static).update(shown(problem))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
