"""What the panes are shown: the machine, its reference answers, the lesson, a status line."""

from __future__ import annotations

from dataclasses import dataclass, field

from gd_tui.engine import Machine
from gd_tui.engine.analysis import Reference
from gd_tui.engine.breakpoints import Breakpoints


@dataclass
class View:
    """The single thing the App hands every pane; panes read it and compute no training math."""

    machine: Machine
    reference: Reference
    breakpoints: Breakpoints = field(default_factory=Breakpoints)
    lesson_title: str | None = None
    lesson_note: str | None = None
    step_notes: dict[int, str] = field(default_factory=dict)
    message: str = ""  # a breakpoint that fired, a refused value, ...
    running: bool = False
    log_scale: bool = False
    fresh: bool = True  # just reset: nothing counts as changed
    graph_experiment: str | None = None  # torch backend: the book's graph experiment on show, or the run's graph
    race: tuple[str, ...] = ()  # optimizers drawn as ghost paths on the loss surface (palette: Race)
