"""Source: the six step functions as the engine runs them, with a debugger's current-line arrow."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from rich.text import Text

from gd_tui.app.view import View
from gd_tui.app.widgets.lines import LinesView
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


def numpy_functions() -> tuple[tuple[Any, int], ...]:
    """The NumPy engine's code, as (function, step) in the order shown."""
    return (*((f, step) for step, f in enumerate(steps.STEP_FUNCTIONS)), (steps.validation_loss, 5))


def functions_of(machine: object) -> tuple[tuple[Any, int], ...]:
    """The code a machine runs: its own list (the torch backend), else the NumPy engine's steps."""
    source_functions = getattr(machine, "source_functions", None)
    return numpy_functions() if source_functions is None else source_functions()


@cache
def source_lines(functions: tuple[tuple[Any, int], ...] | None = None) -> list[SourceLine]:
    """Every line of the step functions (and a model class), read from their own source."""
    result: list[SourceLine] = []
    for function, step in functions if functions is not None else numpy_functions():
        code, first = inspect.getsourcelines(function)
        # The signature may span lines; the body starts after the line that closes it.
        body_start = next(i for i, line in enumerate(code) if line.rstrip().endswith(":"))
        header = _signature(function) if inspect.isfunction(function) else code[0].strip()
        result.append(SourceLine(first, header, step))
        for offset, line in enumerate(code[body_start + 1 :], start=body_start + 1):
            if line.strip():
                # Two-space indents: the pane is narrow at 80 columns, the code stays as written.
                code_line = line.rstrip()
                indent = len(code_line) - len(code_line.lstrip())
                result.append(SourceLine(first + offset, " " * (indent // 2) + code_line.lstrip(), step))
    return result


@cache
def styled_line(line: SourceLine, is_next: bool, is_last: bool) -> Text:
    """One source line as drawn; three looks per line, each built once (the pane reuses their strips)."""
    # Only the lines that do the math light up (a debugger's current line), and the
    # gutter carries the arrow and the tick: a step repaints a handful of rows.
    code = line.code.lstrip()
    is_def = code.startswith("def ")
    is_math = not is_def and not code.startswith(("#", "return"))
    marker = " "
    if is_def and is_next:
        marker = "▶"
    elif is_def and is_last:
        marker = "✓"
    if is_next and is_math:
        style = "bold reverse"
    elif code.startswith("#"):
        style = "dim"
    else:
        style = "bold" if is_def and marker != " " else ""
    # A styled line is styled from its gutter on (the arrow's line bold, a comment dim);
    # plain code keeps a plain gutter.
    gutter_style = ("bold" if marker != " " else "dim") if style else ""
    text = Text(f"{line.number:>2}{marker}", style=gutter_style, end="")
    text.append(line.code, style=style)
    return text


class SourcePane(LinesView):
    """The code of the six steps; ▶ marks the step the next key press runs, ✓ the one just run."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Source  engine/steps.py"
        self._functions = numpy_functions()
        self._source = source_lines(self._functions)
        self._drawn: tuple[int, int | None] | None = None
        self._all: list[Text] = []  # every line; the pane shows a page of them
        self._tops: tuple[int, dict[int, int]] = (-1, {})  # (height, page_tops at that height)

    def show(self, view: View) -> None:
        """Move the arrow when the cursor moved; only the lines of two steps change."""
        machine = view.machine
        state = machine.state
        functions = functions_of(machine)
        if functions != self._functions:
            # Another backend, model or update line: the code changes with the machine.
            self._functions = functions
            self._source = source_lines(functions)
            self._tops = (-1, {})
            self._drawn = None
            self.border_title = f"Source  {_file_of(functions)}"
        key = (state.cursor, state.last_step)
        if key == self._drawn:
            return
        self._drawn = key
        cursor, last_step = key
        # styled_line hands back the same Text for the same look: its strip comes back with it.
        self._all = [styled_line(line, line.step == cursor, line.step == last_step) for line in self._source]
        self.set_lines(self._page(self.content_region.height))

    def _page_tops(self, height: int) -> dict[int, int]:
        if self._tops[0] != height:
            self._tops = (height, page_tops(self._source, height))
        return self._tops[1]

    def fit(self, width: int, height: int) -> None:
        self._lines = self._page(height)

    def _page(self, height: int) -> list[Text]:
        """The page holding the cursor's step.

        Paged here rather than scrolled: a Textual scroll re-arranges the whole screen
        (about a millisecond a press); a new page is just lines whose text changed.
        """
        if self._drawn is None or not height:  # nothing shown yet, or not laid out yet
            return self._all
        # As a scroll would: the last page ends at the last line.
        top = min(self._page_tops(height)[self._drawn[0]], max(0, len(self._all) - height))
        return self._all[top : top + height]

    @property
    def text(self) -> str:
        """Every line of the source, on this page or not."""
        return "\n".join(line.plain for line in self._all)


def _file_of(functions: tuple[tuple[Any, int], ...]) -> str:
    """The file most of the shown code comes from, as the pane's title names it."""
    module = inspect.getmodule(functions[1][0] if len(functions) > 1 else functions[0][0])
    name = module.__name__ if module is not None else "gd_tui.engine.steps"
    return name.removeprefix("gd_tui.").replace(".", "/") + ".py"


def page_tops(source: list[SourceLine], height: int) -> dict[int, int]:
    """Where the pane's page starts for each step: steps grouped into pages that fit the pane.

    A new page repaints the whole pane (bytes on a slow link), so consecutive steps
    share a page while they fit; and the position depends only on the step and the
    height, never on how the learner got there. Pages are packed from step 1, since
    steps 1 to 5 are the ones a learner cycles through; step 0 runs once and joins
    the first page only when it fits there too.
    """
    spans: dict[int, tuple[int, int]] = {}
    for row, line in enumerate(source):
        first, _ = spans.get(line.step, (row, row))
        spans[line.step] = (first, row)
    tops: dict[int, int] = {0: 0}
    page_top = None
    for step in sorted(spans)[1:]:
        first, last = spans[step]
        if page_top is None or last >= page_top + height:
            page_top = max(0, first - 1)  # one line of context above the step
        tops[step] = page_top
    first_page = [step for step in tops if step and tops[step] == tops[1]]
    if max(spans[step][1] for step in first_page) < height:
        tops.update(dict.fromkeys(first_page, 0))
    return tops
