"""Start one of the benchmarked apps in this terminal (bench/terminal.py runs it in a pseudo-terminal).

    python bench/launch.py gd [gd-tui's data and training flags] [--report FILE] [--probe FILE]
    python bench/launch.py bare [--report FILE]

`bare` is the reference: a Textual app with one Static that `n` updates, which
also imports numpy and plotext (gd-tui cannot start without them). `gd` takes
the same data and training flags as the `gd-tui` command (`--n-points`,
`--batch-size`, ...). `--report` writes what the app did (for gd: the updates
the machine ran, and a sample at each SIGUSR1) as JSON on exit.

`--probe FILE` (gd only): on each SIGUSR2 the app's own process runs, on a
second machine kept in step with the app's, the NumPy work of the step the last
`n` press ran (the engine's step, and after step 3 the gradients pane's
finite-difference check), and appends a JSON line to FILE with its CPU time and
minor page faults. So that work is measured warm, in the very process and
allocator the presses run in, between the presses.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from gd_tui.engine import Config


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


def gd_config(flags: Sequence[str]) -> Config:
    """A Config from gd-tui's own data and training flags, parsed as the `gd-tui` command parses them."""
    from gd_tui.cli import add_config_flags, config_from_args

    parser = argparse.ArgumentParser(prog="launch.py gd")
    add_config_flags(parser)
    return config_from_args(parser.parse_args(list(flags)))


def build(which: str, n_points: int | None = None, flags: Sequence[str] = ()) -> App[None]:
    """The app to benchmark, built the same way whether run in a terminal or under run_test."""
    if which == "bare":
        return bare_app()
    # In the order the gd-tui command imports them (gd_tui.cli): the engine, then the UI.
    from gd_tui.engine import Config  # isort: skip
    from gd_tui.app import GDApp  # isort: skip

    flags = [*flags, *(["--n-points", str(n_points)] if n_points is not None else [])]
    return GDApp(gd_config(flags) if flags else Config())


def report(app: App[None]) -> dict[str, Any]:
    machine = getattr(app, "machine", None)
    if machine is None:
        return {"count": getattr(app, "count", 0)}
    return {"updates": machine.state.update, "t": machine.state.t}


def install_probe(config: Config, path: Path) -> None:
    """SIGUSR2: run the NumPy work of the next step on a machine kept in step with the app's (see the docstring)."""
    from gd_tui.app.format import scalar
    from gd_tui.engine import Machine
    from gd_tui.engine.analysis import numerical_gradients

    shadow = Machine(config)

    def probe(signum: int, frame: object) -> None:
        faults, start = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt, time.thread_time()
        state = shadow.advance()
        if state.last_step == 3:
            numerical_gradients(scalar(state.b), scalar(state.w), state.x_batch, state.y_batch)
        cpu = time.thread_time() - start
        faults = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - faults
        with path.open("a") as log:
            log.write(json.dumps({"step": state.last_step, "cpu": cpu, "faults": faults}) + "\n")

    signal.signal(signal.SIGUSR2, probe)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", choices=["gd", "bare"])
    parser.add_argument("--report", type=Path, default=None)
    parser.add_argument("--probe", type=Path, default=None)
    args, flags = parser.parse_known_args()
    if args.which == "gd":
        gc.disable()  # as the gd-tui command starts (gd_tui/command.py); the app turns it on after its first screen
    if args.which == "bare" and (flags or args.probe):
        parser.error("the bare app takes no gd-tui flags and no --probe")
    app = build(args.which, flags=flags)
    if args.probe is not None:
        install_probe(app.machine.config, args.probe)  # type: ignore[attr-defined]
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
