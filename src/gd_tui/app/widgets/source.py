"""Source: the six step functions as the engine runs them, with a debugger's current-line arrow."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from gd_tui.app.view import View
from gd_tui.engine import steps


@dataclass(frozen=True)
class SourceLine:
    number: int  # line number in steps.py
    code: str
    step: int


def _signature(function: Callable[..., Any]) -> str:
    # The annotations are for type checkers; learners read the call without them.
    names = ", ".join(inspect.signature(function).parameters)
    return f"def {function.__name__}({names}):"


def source_lines() -> list[SourceLine]:
    """Every line of the step functions, read from the engine's own source."""
    functions = [*((f, step) for step, f in enumerate(steps.STEP_FUNCTIONS)), (steps.validation_loss, 5)]
    result: list[SourceLine] = []
    for function, step in functions:
        code, first = inspect.getsourcelines(function)
        # The signature may span lines; the body starts after the line that closes it.
        body_start = next(i for i, line in enumerate(code) if line.rstrip().endswith(":"))
        result.append(SourceLine(first, _signature(function), step))
        for offset, line in enumerate(code[body_start + 1 :], start=body_start + 1):
            if line.strip():
                # Two-space indents: the pane is narrow at 80 columns, the code stays as written.
                code = line.rstrip()
                indent = len(code) - len(code.lstrip())
                result.append(SourceLine(first + offset, " " * (indent // 2) + code.lstrip(), step))
    return result


class SourcePane(VerticalScroll, can_focus=False):
    """The code of the six steps; ▶ marks the step the next key press runs, ✓ the one just run."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Source  engine/steps.py"
        self._lines = source_lines()
        self._drawn: tuple[int, int | None] | None = None
        self._body = Static()

    def compose(self) -> ComposeResult:
        yield self._body

    def show(self, view: View) -> None:
        """Move the arrow when the cursor moved; otherwise leave the text alone."""
        state = view.machine.state
        key = (state.cursor, state.last_step)
        if key == self._drawn:
            return
        self._drawn = key
        text = Text(no_wrap=True, overflow="ellipsis")
        first_current = 0
        for row, line in enumerate(self._lines):
            if line.step == state.cursor:
                marker, style = "▶", "bold reverse"
                if not first_current:
                    first_current = row
            elif line.step == state.last_step:
                marker, style = "✓", "italic"
            else:
                marker, style = " ", "dim" if line.code.lstrip().startswith("#") else ""
            text.append(f"{line.number:>2}{marker}", style="dim" if marker == " " else "bold")
            text.append(f"{line.code}\n", style=style)
        text.rstrip()
        self._body.update(text)
        # Keep the next step in view with a line of context above it.
        self.call_after_refresh(self.scroll_to, y=max(0, first_current - 1), animate=False)
