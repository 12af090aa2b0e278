"""A lesson: a Config, breakpoints and notes for one of chapter 0's experiments."""

from __future__ import annotations

from dataclasses import dataclass, field

from gd_tui.engine import Config
from gd_tui.engine.breakpoints import Breakpoints


class LessonError(ValueError):
    """A lesson cannot be loaded; the message names the file, the key and the line."""

    def __init__(self, source: str, message: str, key: str | None = None, line: int | None = None) -> None:
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")
        self.source = source
        self.key = key  # dotted, as in the file: "training.lr"
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Lesson:
    """A named preset: the run to make, where to stop, and what to watch for."""

    name: str
    title: str  # one line, for `gd-tui lessons` and the palette
    config: Config
    breakpoints: Breakpoints = field(default_factory=Breakpoints)
    note: str = ""  # plain words, a few sentences; paragraphs apart by a blank line
    step_notes: dict[int, str] = field(default_factory=dict)  # step number (0-5) -> a note on that step
