"""What gd-tui's layout alone costs per key press: a profiling aid, not a benchmark figure.

    python bench/layout_floor.py          # skeleton vs the bare app, CPU per press in a pty
    python bench/layout_floor.py app      # run the skeleton in this terminal

The skeleton has gd-tui's widgets in gd-tui's layout, drawn by the same line
widget, and changes about as many rows per `n` press as gd-tui does (a page of
source three presses in five, six table rows, the two-line sentence, two
numbers, the chart two presses in five), but runs no engine, builds no pane
text and draws no plot. Its ratio to the bare app is the part of the CPU figure
that Textual's repaint of this layout costs; the rest of gd-tui's is its own.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical

from gd_tui.app.widgets.lines import LinesView

ROWS = 12


class Part(LinesView):
    """A pane of the skeleton."""


class Skeleton(App[None]):
    CSS = """
    #main { height: 1fr; }
    #left { width: 1fr; min-width: 42; max-width: 66; }
    #right { width: 1fr; }
    Part { border-top: solid $primary; padding: 0 0 0 1; }
    #source, #table, #chart { height: 1fr; }
    #loss, #gradients { height: 4; }
    #params { height: 8; }
    #next { height: 2; background: $boost; }
    #keys { height: 1; dock: bottom; }
    """
    BINDINGS = [("n", "next", "Step"), ("q", "quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0
        names = ("source", "loss", "gradients", "params", "table", "chart", "next", "keys")
        self.parts = {name: Part(id=name) for name in names}

    def compose(self) -> ComposeResult:
        parts = self.parts
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield from (parts["source"], parts["loss"], parts["gradients"])
            with Vertical(id="right"):
                yield from (parts["params"], parts["table"], parts["chart"])
        yield parts["next"]
        yield parts["keys"]

    def on_mount(self) -> None:
        for name, part in self.parts.items():
            part.set_lines([Text(f"{name} {row}") for row in range(ROWS)])

    def _change(self, name: str, rows: int) -> None:
        n = self.presses
        self.parts[name].set_lines([Text(f"{name} {row} {n if row < rows else ''}") for row in range(ROWS)])

    def action_next(self) -> None:
        self.presses += 1
        if self.presses % 5 in (1, 3, 4):
            self._change("source", ROWS)
        self._change("table", 6)
        self._change("next", 2)
        self._change("params", 2)
        if self.presses % 5 in (0, 4):
            self._change("chart", ROWS)


def measure(starts: int = 3, presses: int = 30) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import terminal
    from pty_figures import session

    found: dict[str, list[float]] = {"bare": [], "skeleton": []}
    for _ in range(starts):
        for which in found:
            launch = terminal.LAUNCH
            if which == "skeleton":
                terminal.LAUNCH = Path(__file__).resolve()
            try:
                run = session("app" if which == "skeleton" else "bare", presses, repaint=False)
            finally:
                terminal.LAUNCH = launch
            found[which].append(statistics.fmean(run.press_cpu) * 1e3)
    skeleton, bare = statistics.median(found["skeleton"]), statistics.median(found["bare"])
    print(f"skeleton {skeleton:.2f} ms per press, bare app {bare:.2f} ms: {skeleton / bare:.2f}x")


if __name__ == "__main__":
    if sys.argv[1:] == ["app"]:
        Skeleton().run()
    else:
        measure()
