"""Source: the six step functions as the engine runs them, with a debugger's current-line arrow."""

from __future__ import annotations

import inspect
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from rich.text import Text

from gd_tui.app.view import View
from gd_tui.app.widgets.lines import LinesView, set_titles
from gd_tui.engine import steps
from gd_tui.engine.code_lines import code_lines
from gd_tui.engine.optimizers import OPTIMIZER_FUNCTIONS
from gd_tui.engine.step_into import statements

VALIDATION = 6  # validation_loss: runs inside step 5, only when the epoch ends
CONTEXT = 7  # code shown beside the steps and never marked (the torch backend's model class)


@dataclass(frozen=True)
class SourceLine:
    number: int  # line number in steps.py (optimizers.py for another optimizer's step 4)
    code: str
    step: int  # 0-5, VALIDATION or CONTEXT
    statement: int = 0  # in step 4: which line of the update this is (from 1; 0: not one)


def numpy_functions(optimizer: str = "sgd") -> tuple[tuple[Any, int], ...]:
    """The NumPy engine's code, as (function, step) in the order shown; step 4 is the optimizer's update."""
    functions = [*((f, step) for step, f in enumerate(steps.STEP_FUNCTIONS)), (steps.validation_loss, VALIDATION)]
    functions[4] = (OPTIMIZER_FUNCTIONS[optimizer], 4)
    return tuple(functions)


def functions_of(machine: Any) -> tuple[tuple[Any, int], ...]:
    """The code a machine runs: its own list (the torch backend), else the NumPy engine's steps."""
    source_functions = getattr(machine, "source_functions", None)
    return numpy_functions(machine.state.optimizer) if source_functions is None else source_functions()


# The NumPy updates that can be stepped into, by function (their lines are numbered for it).
_STEPPABLE = {function: name for name, function in OPTIMIZER_FUNCTIONS.items()}


@cache
def source_lines(functions: tuple[tuple[Any, int], ...] | None = None) -> tuple[SourceLine, ...]:
    """Every line of the step functions (and a model class), verbatim, read from their own source."""
    result: list[SourceLine] = []
    for function, step in functions if functions is not None else numpy_functions():
        code, first = code_lines(function)
        name = _STEPPABLE.get(function) if step == 4 else None
        numbers = {} if name is None else {s.number: k for k, s in enumerate(statements(name), start=1)}
        result.extend(
            SourceLine(first + offset, line.rstrip(), step, numbers.get(first + offset, 0))
            for offset, line in enumerate(code)
        )
    return tuple(result)


@cache
def styled_line(line: SourceLine, is_next: bool, is_last: bool, is_into: bool = False) -> Text:
    """One source line as drawn; four looks per line, each built once (the pane reuses their strips).

    is_into: stepping into step 4, this is the update's line the next press runs.
    """
    # Only the lines that do the math light up (a debugger's current line), and the
    # gutter carries the arrow and the tick: a step repaints a handful of rows.
    code = line.code.lstrip()
    is_def = code.startswith("def ")
    is_math = not is_def and not code.startswith(("#", "return"))
    marker = " "
    if is_into or (is_def and is_next):
        marker = "▶"
    elif is_def and is_last:
        marker = "✓"
    if is_into or (is_next and is_math):
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
        # (next steps, last steps, optimizer, the update's line stepped into): the marks drawn
        self._drawn: tuple[frozenset[int], frozenset[int | None], str, int] | None = None

    def show(self, view: View) -> None:
        """Move the arrow when the cursor moved; only the lines of two steps change."""
        machine = view.machine
        state = machine.state
        functions = functions_of(machine)
        if functions != self._functions:
            # Another backend, model or step 4: the code on screen changes with the machine.
            self._functions = functions
            self._source = source_lines(functions)
            self._drawn = None
        cursor, last_step = state.cursor, state.last_step
        # ▶ marks only what runs next: validation_loss runs in step 5 only when the epoch ends.
        next_steps = {cursor, VALIDATION} if cursor == 5 and machine.epoch_ends_with_batch() else {cursor}
        last_steps = {5, VALIDATION} if last_step == 5 and state.batch == 0 else {last_step}
        into = state.line if cursor == 4 else 0
        key = (frozenset(next_steps), frozenset(last_steps), state.optimizer, into)
        if key == self._drawn:
            return
        self._drawn = key
        # Only on change (set_titles): Textual repaints a whole pane for any title it is given.
        file = _file_of(functions)
        if state.optimizer == "sgd":
            title = f"Source  {file}"
        elif file == "engine/steps.py":
            # Another optimizer's lines come from optimizers.py, numbered there: the title names both files.
            title = "Source  steps.py · 4 from optimizers.py"
        else:  # torch: step 4 is optimizer.step(), whichever optimizer step 0 built
            title = f"Source  {file}  4: {state.optimizer}"
        set_titles(self, title)
        self.set_lines(self._page(self.content_region.height))

    def fit(self, width: int, height: int) -> None:
        self._lines = self._page(height)

    def _page(self, height: int) -> list[Text]:
        """The page holding the next step's code and, where it fits, the ✓ of the step just run.

        Paged here rather than scrolled: a Textual scroll re-arranges the whole screen
        (about a millisecond a press); a new page is just lines whose text changed.
        """
        if self._drawn is None:  # nothing shown yet
            return []
        if not height:  # not laid out yet
            return self._styled(0, len(self._source))
        next_steps, last_steps, _, _ = self._drawn
        top = page_top(self._source, height, next_steps, last_steps)
        ticks = [row for row in _tick_rows(self._source, last_steps) if not top <= row < top + height]
        rest = height - len(ticks) - 1  # rows left beside the ✓ lines and a fold
        cursor = sum(line.step == min(next_steps) for line in self._source)
        if not ticks or rest < cursor:
            return self._styled(top, top + height)
        # The ✓ lines cannot share a page with the code that runs next (after step 5 at
        # 80x24: repeat and validation_loss, twenty lines below forward). They stay on
        # screen beyond a fold, in the file's order; every line shown is verbatim.
        top = page_top(self._source, rest, next_steps, frozenset())
        page = self._styled(top, top + rest)
        checked = [self._styled(row, row + 1)[0] for row in ticks]
        fold = [Text("  ⋮", style="dim", end="")]
        return [*page, *fold, *checked] if ticks[0] >= top + rest else [*checked, *fold, *page]

    def _styled(self, start: int, stop: int) -> list[Text]:
        """Source lines start to stop as drawn with the marks; only those (a page, not the file)."""
        assert self._drawn is not None
        next_steps, last_steps, _, into = self._drawn
        # styled_line hands back the same Text for the same look: its strip comes back with it.
        # Inside step 4 only the line that runs next is marked: one ▶ on screen.
        return [
            styled_line(
                line,
                line.step in next_steps and not into,
                line.step in last_steps,
                bool(into) and line.statement == into,
            )
            for line in self._source[start:stop]
        ]

    @property
    def text(self) -> str:
        """Every line of the source, on this page or not."""
        return "\n".join(line.plain for line in self._styled(0, len(self._source))) if self._drawn else ""


@cache
def _file_of(functions: tuple[tuple[Any, int], ...]) -> str:
    """The file the steps come from, as the pane's title names it (step 1's function decides)."""
    module = inspect.getmodule(next(function for function, step in functions if step == 1))
    name = module.__name__ if module is not None else "gd_tui.engine.steps"
    return name.removeprefix("gd_tui.").replace(".", "/") + ".py"


@cache
def page_top(
    source: tuple[SourceLine, ...], height: int, next_steps: frozenset[int], last_steps: frozenset[int | None]
) -> int:
    """The first line shown: a function of the marks and the height only, never of how the
    learner got there (a resumed app shows the same page).

    The code of the step under the cursor always shows; the ✓ line of the step just run
    shows too when both fit (a learner sees what ran and what runs next), and at an
    epoch's end validation_loss, which runs next as well, when all of that fits. The
    pane's home page (see home_top) is shown whenever it shows them; otherwise the page
    starts just above them, with one line of context above when that fits as well.
    """
    tops, low = _pages_showing(source, height, next_steps, last_steps)
    home = home_top(source, height)
    return home if home in tops else _nearest(tops, low - 1)


@cache
def _tick_rows(source: tuple[SourceLine, ...], last_steps: frozenset[int | None]) -> tuple[int, ...]:
    """The rows of the def lines that carry the ✓ of the steps just run."""
    return tuple(row for row, line in enumerate(source) if line.step in last_steps and line.code.startswith("def "))


@cache
def home_top(source: tuple[SourceLine, ...], height: int) -> int:
    """The page that shows what page_top must show for the most steps of an epoch.

    A pane tall enough to share one page between steps keeps it: a step then repaints
    the rows whose marks moved, not the whole pane (at 120x40, 26 rows at three steps
    in five). Of equals, the one the steps would start just above most often, then the
    latest; where no page is shared, every step has its own as before.
    """
    steps = {line.step for line in source}
    marks = [(frozenset({step}), frozenset({step - 1})) for step in range(2, 6) if {step, step - 1} <= steps]
    marks += [(frozenset({5, VALIDATION}), frozenset({4}))] if {4, 5, VALIDATION} <= steps else []
    marks += [(frozenset({1}), frozenset(last)) for last in ({0}, {5}, {5, VALIDATION}) if last | {1} <= steps]
    wanted = [_pages_showing(source, height, *marked) for marked in marks]
    shared = Counter(top for tops, _ in wanted for top in tops)
    above = Counter(_nearest(tops, low - 1) for tops, low in wanted)
    return max(shared, key=lambda top: (shared[top], above[top], top), default=0)


def _pages_showing(
    source: tuple[SourceLine, ...], height: int, next_steps: frozenset[int], last_steps: frozenset[int | None]
) -> tuple[range, int]:
    """The tops of the pages that show what must show, and the first row of it.

    The step under the cursor's code; then, as far as a page shows them all, the ✓ lines
    and the rest of the code that runs next (validation_loss at an epoch's end).
    """
    cursor = [row for row, line in enumerate(source) if line.step == min(next_steps)]
    first, last = cursor[0], cursor[-1]
    last_top = max(0, len(source) - height)

    def pages(low: int, high: int) -> range:
        return range(max(0, high - height + 1), min(low, last_top) + 1)

    tops = pages(first, last)
    if not tops:  # taller than the pane: the step's code starts the page
        top = min(first, last_top)
        return range(top, top + 1), first
    ticks = [row for row, line in enumerate(source) if line.step in last_steps and line.code.startswith("def ")]
    after = [row for row, line in enumerate(source) if line.step in next_steps]
    for rows in (ticks, after):
        low, high = min([first, *rows]), max([last, *rows])
        if pages(low, high):
            tops, first, last = pages(low, high), low, high
    return tops, first


def _nearest(tops: range, top: int) -> int:
    """The top in `tops` nearest to `top`."""
    return min(max(top, tops.start), tops.stop - 1)
