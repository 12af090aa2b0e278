"""Start one of the benchmarked apps in this terminal (bench/terminal.py runs it in a pseudo-terminal).

    python bench/launch.py gd [--n-points N] [--report FILE]
    python bench/launch.py bare [--report FILE]

`bare` is the reference: a Textual app with one Static that `n` updates, which
also imports numpy and plotext (gd-tui cannot start without them). `--report`
writes what the app did (for gd: the updates the machine ran) as JSON on exit.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App


def bare_app() -> App[None]:
    """The floor for this UI stack: one Static, updated by `n`; it imports numpy and plotext as gd-tui must."""
    import numpy  # noqa: F401 - the reference pays for the same heavy imports as gd-tui
    import plotext  # noqa: F401
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class BareApp(App[None]):
        BINDINGS = [("n", "next", "Step"), ("q", "quit", "Quit")]

        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def compose(self) -> ComposeResult:
            yield Static("count 0", id="value")

        def action_next(self) -> None:
            self.count += 1
            self.query_one("#value", Static).update(f"count {self.count}")

    return BareApp()


def build(which: str, n_points: int | None) -> App[None]:
    """The app to benchmark, built the same way whether run in a terminal or under run_test."""
    if which == "bare":
        return bare_app()
    # In the order the gd-tui command imports them (gd_tui.cli): the engine, then the UI.
    from gd_tui.engine import Config  # isort: skip
    from gd_tui.app import GDApp  # isort: skip

    return GDApp(Config() if n_points is None else Config(n_points=n_points))


def report(app: App[None]) -> dict[str, Any]:
    machine = getattr(app, "machine", None)
    if machine is None:
        return {"count": getattr(app, "count", 0)}
    return {"updates": machine.state.update, "t": machine.state.t}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("which", choices=["gd", "bare"])
    parser.add_argument("--n-points", type=int, default=None)
    parser.add_argument("--report", type=Path, default=None)
    args = parser.parse_args()
    app = build(args.which, args.n_points)
    samples: list[dict[str, Any]] = []

    def sample(signum: int, frame: object) -> None:
        # SIGUSR1: note the time and what the app has done so far (the handler runs
        # between bytecodes on the main thread, even in the middle of a long run).
        samples.append({"time": time.perf_counter(), **report(app)})

    signal.signal(signal.SIGUSR1, sample)
    app.run()
    if args.report is not None:
        args.report.write_text(json.dumps({**report(app), "samples": samples}))
    sys.exit(0)


if __name__ == "__main__":
    main()
