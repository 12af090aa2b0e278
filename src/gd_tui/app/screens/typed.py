"""The text field of every dialog: takes what is typed or pasted, less its control characters."""

from __future__ import annotations

from textual.widgets import Input

from gd_tui.text import without_controls


class TypedInput(Input):
    """An Input that drops control characters (a paste can carry ESC or NUL) instead of refusing the paste."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(without_controls(text), start, end)
