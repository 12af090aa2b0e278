"""App figures measured in a real pseudo-terminal at 80x24: start-up, memory, key presses, continue.

Each app runs in its own process (bench/launch.py) in a pty, exactly as in a
terminal: the real Textual driver, the real escape sequences. CPU time is read
from the kernel for every thread of the app (schedstat, nanoseconds), so Pilot's
polling and this process's reading play no part in it.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import Figure, median, ms
from gd_tui.app.format import scalar
from gd_tui.engine import Config, Machine
from gd_tui.engine.analysis import numerical_gradients
from terminal import Terminal

SETTLED = 0.3  # no output for this long: the screen is complete
PRESS_SETTLED = 0.08  # ... the same after a key press


@dataclass
class Session:
    """What one start of an app measured."""

    startup: float  # spawn to the last byte of the settled first screen
    first_byte: float
    rss: int
    first_screen_bytes: int
    idle_cpu_rate: float  # CPU seconds per second while nothing happens
    press_cpu: list[float] = field(default_factory=list)
    press_bytes: list[int] = field(default_factory=list)
    repaint_bytes: int = 0


def session(which: str, presses: int, n_points: int | None = None, repaint: bool = True) -> Session:
    """Start an app, let its screen settle, then press `n` a number of times and force a full repaint."""
    args = [which] if n_points is None else [which, "--n-points", str(n_points)]
    with Terminal(args) as term:
        first_screen = term.settle(SETTLED, timeout=120)
        found = Session(
            startup=term.last_byte_at - term.started,
            first_byte=term.first_byte_at - term.started,
            rss=term.rss(),
            first_screen_bytes=first_screen,
            idle_cpu_rate=0.0,
        )
        cpu, start = term.cpu(), time.perf_counter()
        term.drain(0.3)
        found.idle_cpu_rate = (term.cpu() - cpu) / (time.perf_counter() - start)
        for _ in range(presses):
            cpu, start = term.cpu(), time.perf_counter()
            term.send(b"n")
            found.press_bytes.append(term.settle(PRESS_SETTLED, timeout=30))
            elapsed = time.perf_counter() - start
            found.press_cpu.append(term.cpu() - cpu - found.idle_cpu_rate * elapsed)
        if repaint:
            # A resize makes Textual repaint the whole screen; the repaint back at 80x24 is the yardstick.
            term.resize(81, 24)
            term.settle(SETTLED, timeout=10)
            term.resize(80, 24)
            found.repaint_bytes = term.settle(SETTLED, timeout=10)
    return found


def continue_session(seconds: float) -> tuple[int, float]:
    """Press `c` and count the updates the app runs in `seconds` (by its own clock); (updates, seconds).

    The app notes its update count when sent SIGUSR1 (bench/launch.py), so the
    window does not depend on how quickly the app reacts to the pausing key.
    """
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        with Terminal(["gd", "--report", str(report)]) as term:
            term.settle(SETTLED, timeout=60)
            term.send(b"c")
            term.drain(0.3)  # under way
            os.kill(term.pid, signal.SIGUSR1)
            term.drain(seconds)
            os.kill(term.pid, signal.SIGUSR1)
            term.send(b"c")
            term.settle(SETTLED, timeout=10)
        first, last = json.loads(report.read_text())["samples"][:2]
    return int(last["updates"] - first["updates"]), float(last["time"] - first["time"])


def engine_rate(updates: int) -> tuple[int, float]:
    """The engine alone: (updates, wall seconds) for a run of batch gradient descent on the book data."""
    machine = Machine(Config())
    start = time.perf_counter()
    machine.run_until(lambda state: state.update >= updates)
    return machine.state.update, time.perf_counter() - start


def numpy_step_cpu(presses: int, n_points: int | None) -> list[float]:
    """CPU time of the NumPy work alone for the steps that `presses` presses of `n` execute.

    That is the engine's step, and after step 3 the gradients pane's finite-difference
    check (four losses over the batch, about 12 ms at N = 1,000,000).
    """
    machine = Machine(Config() if n_points is None else Config(n_points=n_points))
    times = []
    for _ in range(presses):
        start = time.process_time()
        state = machine.advance()
        if state.last_step == 3:
            numerical_gradients(scalar(state.b), scalar(state.w), state.x_batch, state.y_batch)  # type: ignore[arg-type]
        times.append(time.process_time() - start)
    return times


def _mean(values: list[float] | list[int]) -> float:
    return sum(values) / len(values)


def pty_figures(quick: bool, large_points: int = 1_000_000) -> list[Figure]:
    """Start-up, memory, key-press CPU and bytes, N = 1e6 key presses, and continue, in a pty."""
    repeats, presses, run_seconds, engine_updates = (1, 6, 0.5, 10_000) if quick else (5, 30, 3.0, 200_000)
    large_points = 20_000 if quick else large_points
    bare: list[Session] = []
    gd: list[Session] = []
    for repeat in range(repeats + 1):  # the first round is untimed: it writes bytecode caches
        order = ("bare", "gd") if repeat % 2 == 0 else ("gd", "bare")
        for which in order:
            found = session(which, presses)
            if repeat:
                (bare if which == "bare" else gd).append(found)

    figures: list[Figure] = []
    startup_gd, startup_bare = median([s.startup for s in gd]), median([s.startup for s in bare])
    figures.append(
        Figure(
            key="startup",
            name="start-up to first frame vs bare Textual app importing numpy and plotext",
            limit=1.3,
            direction="max",
            unit="×",
            value=startup_gd / startup_bare,
            subject=f"gd-tui {ms(startup_gd)} (first byte {ms(median([s.first_byte for s in gd]))})",
            reference=f"bare app {ms(startup_bare)} (first byte {ms(median([s.first_byte for s in bare]))})",
            notes="wall time from spawn to the last byte of the first screen (then 0.3 s without output), 80x24 pty",
            details={"gd": [s.startup for s in gd], "bare": [s.startup for s in bare]},
        )
    )
    rss_gd, rss_bare = median([s.rss for s in gd]), median([s.rss for s in bare])
    figures.append(
        Figure(
            key="rss",
            name="resident memory at start vs bare Textual app importing numpy and plotext",
            limit=1.3,
            direction="max",
            unit="×",
            value=rss_gd / rss_bare,
            subject=f"gd-tui {rss_gd / 1e6:.1f} MB",
            reference=f"bare app {rss_bare / 1e6:.1f} MB",
            notes="VmRSS once the first screen has settled",
            details={"gd": [s.rss for s in gd], "bare": [s.rss for s in bare]},
        )
    )
    cpu_gd = median([_mean(s.press_cpu) for s in gd])
    cpu_bare = median([_mean(s.press_cpu) for s in bare])
    figures.append(
        Figure(
            key="press_cpu",
            name="CPU per `n` press and redraw vs bare Textual app updating one Static",
            limit=2.0,
            direction="max",
            unit="×",
            value=cpu_gd / cpu_bare,
            subject=f"gd-tui {ms(cpu_gd)} per press",
            reference=f"bare app {ms(cpu_bare)} per press",
            notes=(
                f"{presses} presses per start, mean per press, median of {repeats} starts; "
                "CPU of all the app's threads, idle CPU taken off"
            ),
            details={"gd": [s.press_cpu for s in gd], "bare": [s.press_cpu for s in bare]},
        )
    )
    bytes_press = median([_mean(s.press_bytes) for s in gd])
    bytes_bare = median([_mean(s.press_bytes) for s in bare])
    repaint = median([s.repaint_bytes for s in gd])
    first_screen = median([s.first_screen_bytes for s in gd])
    figures.append(
        Figure(
            key="press_bytes",
            name="bytes written per `n` press at 80x24 vs a full-screen repaint",
            limit=0.25,
            direction="max",
            unit="×",
            value=bytes_press / repaint,
            subject=f"{bytes_press:,.0f} bytes per press (max {max(max(s.press_bytes) for s in gd):,})",
            reference=f"full repaint {repaint:,.0f} bytes (first screen {first_screen:,.0f})",
            notes=f"mean over the first {presses} presses; the bare app writes {bytes_bare:,.0f} bytes per press",
            details={"gd": [s.press_bytes for s in gd], "repaint": [s.repaint_bytes for s in gd]},
        )
    )

    # N = 1e6 against N = 100, the engine's own NumPy work taken off both.
    large: list[float] = []
    small: list[float] = []
    for repeat in range(repeats):
        order = (None, large_points) if repeat % 2 == 0 else (large_points, None)
        for n_points in order:
            found = session("gd", presses, n_points=n_points, repaint=False)
            numpy = numpy_step_cpu(presses, n_points)
            app_only = (sum(found.press_cpu) - sum(numpy)) / presses
            (small if n_points is None else large).append(app_only)
    large_median, small_median = median(large), median(small)
    figures.append(
        Figure(
            key="press_cpu_large",
            name=f"CPU per `n` press at N = {large_points:,} vs N = 100, NumPy work excluded",
            limit=1.5,
            direction="max",
            unit="×",
            value=large_median / small_median,
            subject=f"N = {large_points:,}: {ms(large_median)} per press beyond the NumPy work",
            reference=f"N = 100: {ms(small_median)} per press beyond the NumPy work",
            notes=(
                "app CPU per press minus the CPU of the same steps' NumPy work measured alone "
                "(the engine's steps and the gradients pane's finite-difference check)"
            ),
            details={"large": large, "small": small},
        )
    )

    # Continue: the app's updates per second against the engine alone, wall time both.
    app_rates: list[float] = []
    engine_rates: list[float] = []
    for _ in range(repeats):
        updates, wall = engine_rate(engine_updates)
        engine_rates.append(updates / wall)
        updates, wall = continue_session(run_seconds)
        app_rates.append(updates / wall)
    app_rate, engine_alone = median(app_rates), median(engine_rates)
    figures.append(
        Figure(
            key="continue",
            name="`c` (continue) updates per second vs the engine alone",
            limit=0.5,
            direction="min",
            unit="×",
            value=app_rate / engine_alone,
            subject=f"gd-tui {app_rate:,.0f} updates/s",
            reference=f"engine alone {engine_alone:,.0f} updates/s",
            notes=f"book data, batch mode; {run_seconds:g} s of continue in an 80x24 pty, wall time by the app's clock",
            details={"app": app_rates, "engine": engine_rates},
        )
    )
    return figures
