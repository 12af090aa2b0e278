"""App figures measured in a real pseudo-terminal: start-up, memory, key presses, pausing, continue.

Each app runs in its own process (bench/launch.py) in a pty, exactly as in a
terminal: the real Textual driver, the real escape sequences. CPU time is read
from the kernel for every thread of the app (schedstat, nanoseconds) and page
faults from /proc/PID/stat, so this process's reading plays no part in them.

Key-press rows are a table (PRESS_ROWS): a new view gets its row by adding one
line, naming the terminal size, the gd-tui flags and the keys that open it.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from common import Figure, load_now, median, ms, ratios, span
from gd_tui.engine import Config, Machine
from terminal import Terminal

SETTLED = 0.3  # no output for this long: the screen is complete
PRESS_SETTLED = 0.08  # ... the same after a key press
FIRST = 30  # the presses of the short figure beside each key-press row


@dataclass(frozen=True)
class PressRow:
    """One key-press row: gd-tui at a size, opened with some keys, against the bare app at the same size."""

    key: str  # the row's key in the JSON results
    label: str  # what the row's name says about the view
    size: tuple[int, int] = (80, 24)
    flags: tuple[str, ...] = ()  # gd-tui's data and training flags (bench/launch.py passes them on)
    setup: bytes = b""  # keys sent once the first screen is up, before the presses (to open a view)
    press: bytes = b"n"
    limit: float = 2.0


# One line per view: a new view gets its row here.
PRESS_ROWS: tuple[PressRow, ...] = (
    PressRow("press_cpu", "80x24"),
    PressRow("press_cpu_120x40", "120x40", size=(120, 40)),
    PressRow("press_cpu_zoom", "80x24, the chart zoomed", setup=b"z"),  # the chart has the focus at start
    PressRow("press_cpu_zoom_120x40", "120x40, the chart zoomed", size=(120, 40), setup=b"z"),
    PressRow("press_cpu_adam", "80x24, optimizer adam", flags=("--optimizer", "adam")),
)


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
    press_faults: list[int] = field(default_factory=list)
    probe_cpu: list[float] = field(default_factory=list)  # the NumPy work of each press, measured in the app
    probe_faults: list[int] = field(default_factory=list)
    repaint_bytes: int = 0


def _wait_for_lines(path: Path, count: int, timeout: float = 30.0) -> list[str]:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if path.exists():
            lines = path.read_text().splitlines()
            if len(lines) >= count:
                return lines
        time.sleep(0.001)
    raise TimeoutError(f"the app wrote no probe line {count} to {path}")


def settle_start(term: Terminal, timeout: float = 120.0) -> int:
    """Wait for the first screen: output, then SETTLED seconds with neither output nor much CPU.

    Quiet output alone is not enough on a busy machine: the app can pause between
    its first bytes (terminal queries) and its first screen for longer than SETTLED.
    """
    total = term.settle(SETTLED, timeout=timeout)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        cpu = term.cpu()
        more = term.drain(SETTLED)
        total += more
        if more == 0 and term.cpu() - cpu < 0.1 * SETTLED:
            break
    return total


def ended(term: Terminal, args: Sequence[str], when: str) -> None:
    """Stop the bench with one line if the app has exited: its figures would mean nothing."""
    done, status = os.waitpid(term.pid, os.WNOHANG)
    if done:
        term.exit_status = status
        raise RuntimeError(f"bench/launch.py {' '.join(args)} ended {when} (wait status {status})")


def idle_rate(term: Terminal, windows: int = 3, seconds: float = 0.15) -> float:
    """CPU seconds per second while nothing happens: the least of a few windows.

    The least, since a window can still catch the end of the start-up's work on a
    busy machine, and taking that off every press would understate the presses.
    """
    rates = []
    for _ in range(windows):
        cpu, start = term.cpu(), time.perf_counter()
        term.drain(seconds)
        rates.append((term.cpu() - cpu) / (time.perf_counter() - start))
    return min(rates)


def session(
    which: str,
    presses: int,
    size: tuple[int, int] = (80, 24),
    flags: Sequence[str] = (),
    setup: bytes = b"",
    press: bytes = b"n",
    repaint: bool = True,
    probe: bool = False,
) -> Session:
    """Start an app, let its screen settle, then press a key a number of times and force a full repaint.

    With `probe`, after each press has settled the app is asked (SIGUSR2) to run that
    step's NumPy work on its second machine (bench/launch.py); its CPU and faults are
    read back from the probe file and are not part of the press's figures.
    """
    with tempfile.TemporaryDirectory(prefix="gd-tui-probe-") as folder:
        probe_file = Path(folder) / "probe.jsonl"
        args = [which, *flags, *(["--probe", str(probe_file)] if probe else [])]
        with Terminal(args, cols=size[0], rows=size[1]) as term:
            first_screen = settle_start(term)
            found = Session(
                startup=term.last_byte_at - term.started,
                first_byte=term.first_byte_at - term.started,
                rss=term.rss(),
                first_screen_bytes=first_screen,
                idle_cpu_rate=0.0,
            )
            if setup:
                term.send(setup)
                settle_start(term, timeout=30)
            ended(term, args, f"before its first key press (setup keys {setup!r})")
            found.idle_cpu_rate = idle_rate(term)
            for done in range(presses):
                cpu, faults, start = term.cpu(), term.faults(), time.perf_counter()
                term.send(press)
                found.press_bytes.append(term.settle(PRESS_SETTLED, timeout=30))
                elapsed = time.perf_counter() - start
                found.press_cpu.append(term.cpu() - cpu - found.idle_cpu_rate * elapsed)
                found.press_faults.append(term.faults() - faults)
                if probe:
                    os.kill(term.pid, signal.SIGUSR2)
                    line = json.loads(_wait_for_lines(probe_file, done + 1)[done])
                    found.probe_cpu.append(line["cpu"])
                    found.probe_faults.append(line["faults"])
            ended(term, args, f"during its {presses} presses of {press!r}")
            if repaint:
                # A resize makes Textual repaint the whole screen; the repaint back at the row's size is the yardstick.
                term.resize(size[0] + 1, size[1])
                term.settle(SETTLED, timeout=10)
                term.resize(*size)
                found.repaint_bytes = term.settle(SETTLED, timeout=10)
    return found


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _sessions(row: PressRow, repeats: int, presses: int) -> tuple[list[Session], list[Session]]:
    """(gd-tui, bare) sessions for a row, interleaved: bare, gd, then gd, bare, ..."""
    gd: list[Session] = []
    bare: list[Session] = []
    for repeat in range(repeats):
        order = ("bare", "gd") if repeat % 2 == 0 else ("gd", "bare")
        for which in order:
            if which == "gd":
                gd.append(session("gd", presses, row.size, row.flags, row.setup, row.press))
            else:
                bare.append(session("bare", presses, row.size))
    return gd, bare


def press_figure(row: PressRow, gd: list[Session], bare: list[Session], presses: int, load: float) -> Figure:
    """CPU per press over all the presses, with the first FIRST presses' figure beside it."""
    first = min(FIRST, presses)
    all_gd, all_bare = [_mean(s.press_cpu) for s in gd], [_mean(s.press_cpu) for s in bare]
    first_gd, first_bare = [_mean(s.press_cpu[:first]) for s in gd], [_mean(s.press_cpu[:first]) for s in bare]
    first_runs = ratios(first_gd, first_bare)
    view = f", after {row.setup.decode()!r}" if row.setup else ""
    flags = f" with {' '.join(row.flags)}" if row.flags else ""
    return Figure(
        key=row.key,
        name=(
            f"CPU per `{row.press.decode()}` press at {row.label}{flags}{view} vs bare Textual app updating one Static"
        ),
        limit=row.limit,
        direction="max",
        unit="×",
        value=median(all_gd) / median(all_bare),
        runs=ratios(all_gd, all_bare),
        subject=(
            f"gd-tui {ms(median(all_gd))} per press over {presses} presses; "
            f"first {first} presses: {median(first_gd) / median(first_bare):.2f}× "
            f"({min(first_runs):.2f}–{max(first_runs):.2f}), gd-tui {ms(median(first_gd))}"
        ),
        reference=f"bare app {ms(median(all_bare))} per press (first {first}: {ms(median(first_bare))})",
        notes=(
            f"{presses} presses per start, mean per press, median of {len(gd)} starts of each app, interleaved; "
            "CPU of all the app's threads (schedstat), idle CPU taken off; min–max: each pair of starts' own ratio; "
            f"gd-tui's page faults per press {span([_mean(s.press_faults) for s in gd], digits=0)}"
        ),
        load=load,
        details={
            "size": row.size,
            "flags": row.flags,
            "setup": row.setup.decode(),
            "presses": presses,
            "first": first,
            "first_ratio": median(first_gd) / median(first_bare),
            "first_runs": first_runs,
            "gd": [s.press_cpu for s in gd],
            "bare": [s.press_cpu for s in bare],
            "gd_faults": [s.press_faults for s in gd],
        },
    )


def start_figures(gd: list[Session], bare: list[Session], load: float) -> list[Figure]:
    """Start-up, memory and bytes per press, from the 80x24 row's sessions."""
    startup_gd, startup_bare = [s.startup for s in gd], [s.startup for s in bare]
    rss_gd, rss_bare = [s.rss for s in gd], [s.rss for s in bare]
    bytes_press = [_mean(s.press_bytes) for s in gd]
    bytes_first = [_mean(s.press_bytes[:FIRST]) for s in gd]
    repaint = [s.repaint_bytes for s in gd]
    bytes_bare = median([_mean(s.press_bytes) for s in bare])
    return [
        Figure(
            key="startup",
            name="start-up to first frame vs bare Textual app importing numpy and plotext",
            limit=1.3,
            direction="max",
            unit="×",
            value=median(startup_gd) / median(startup_bare),
            runs=ratios(startup_gd, startup_bare),
            subject=f"gd-tui {ms(median(startup_gd))} (first byte {ms(median([s.first_byte for s in gd]))})",
            reference=f"bare app {ms(median(startup_bare))} (first byte {ms(median([s.first_byte for s in bare]))})",
            notes=(
                "wall time from spawn to the last byte of the first screen (then 0.3 s with neither output nor more "
                "than 10% CPU), 80x24 pty; "
                f"{len(gd)} starts of each, interleaved, after an untimed round that writes bytecode caches"
            ),
            load=load,
            details={"gd": startup_gd, "bare": startup_bare},
        ),
        Figure(
            key="rss",
            name="resident memory at start vs bare Textual app importing numpy and plotext",
            limit=1.3,
            direction="max",
            unit="×",
            value=median(rss_gd) / median(rss_bare),
            runs=ratios(rss_gd, rss_bare),
            subject=f"gd-tui {median(rss_gd) / 1e6:.1f} MB",
            reference=f"bare app {median(rss_bare) / 1e6:.1f} MB",
            notes="VmRSS once the first screen has settled",
            load=load,
            details={"gd": rss_gd, "bare": rss_bare},
        ),
        Figure(
            key="press_bytes",
            name="bytes written per `n` press at 80x24 vs a full-screen repaint",
            limit=0.25,
            direction="max",
            unit="×",
            value=median(bytes_press) / median(repaint),
            runs=ratios(bytes_press, repaint),
            subject=(
                f"{median(bytes_press):,.0f} bytes per press (first {FIRST}: {median(bytes_first):,.0f}; "
                f"largest press {max(max(s.press_bytes) for s in gd):,})"
            ),
            reference=(
                f"full repaint {median(repaint):,.0f} bytes "
                f"(first screen {median([s.first_screen_bytes for s in gd]):,.0f})"
            ),
            notes=(
                "mean over every press of a start, median of the starts; "
                f"the bare app writes {bytes_bare:,.0f} bytes per press"
            ),
            load=load,
            details={"gd": [s.press_bytes for s in gd], "repaint": repaint},
        ),
    ]


def large_press_figures(repeats: int, presses: int, large_points: int) -> list[Figure]:
    """CPU per `n` press at N = large_points against N = 100: raw, and net of the NumPy work measured warm.

    The NumPy work (the engine's step, and after step 3 the gradients pane's
    finite-difference check) is measured inside the app's process after each
    press (bench/launch.py --probe), so it runs in the same allocator with the
    same memory mapped as the press did. Page faults are counted for both.
    """
    load = load_now()
    runs: dict[str, list[Session]] = {"large": [], "small": []}
    for repeat in range(repeats):
        order = ("small", "large") if repeat % 2 == 0 else ("large", "small")
        for which in order:
            flags = ("--n-points", str(large_points)) if which == "large" else ()
            runs[which].append(session("gd", presses, flags=flags, repaint=False, probe=True))
    raw = {which: [_mean(s.press_cpu) for s in found] for which, found in runs.items()}
    numpy = {which: [_mean(s.probe_cpu) for s in found] for which, found in runs.items()}
    net = {which: [r - n for r, n in zip(raw[which], numpy[which], strict=True)] for which in runs}
    press_faults = {which: [_mean(s.press_faults) for s in found] for which, found in runs.items()}
    probe_faults = {which: [_mean(s.probe_faults) for s in found] for which, found in runs.items()}

    def faults(which: str) -> str:
        return (
            f"page faults per press {span(press_faults[which], digits=0)}; "
            f"its NumPy work measured alone {ms(median(numpy[which]))}, "
            f"{span(probe_faults[which], digits=0)} page faults"
        )

    method = (
        f"{presses} presses per start, {repeats} starts of each size, interleaved; after each press has settled, "
        "the app's own process runs the same step's NumPy work (the engine's step; after step 3 the gradients "
        "pane's finite-difference check) on a second machine kept in step (bench/launch.py --probe), "
        "CPU and minor page faults of that work alone"
    )
    details = {
        "raw": raw,
        "numpy": numpy,
        "net": net,
        "press_faults": press_faults,
        "probe_faults": probe_faults,
        "presses": presses,
    }
    return [
        Figure(
            key="press_cpu_large_raw",
            name=f"CPU per `n` press at N = {large_points:,} vs N = 100, everything counted (no target)",
            limit=None,
            direction="max",
            unit="×",
            value=median(raw["large"]) / median(raw["small"]),
            runs=ratios(raw["large"], raw["small"]),
            subject=f"N = {large_points:,}: {ms(median(raw['large']))} per press; {faults('large')}",
            reference=f"N = 100: {ms(median(raw['small']))} per press; {faults('small')}",
            notes=method,
            load=load,
            details=details,
        ),
        Figure(
            key="press_cpu_large",
            name=f"CPU per `n` press at N = {large_points:,} vs N = 100, NumPy work (measured warm) taken off",
            limit=1.5,
            direction="max",
            unit="×",
            value=median(net["large"]) / median(net["small"]),
            runs=ratios(net["large"], net["small"]),
            subject=(
                f"N = {large_points:,}: {ms(median(net['large']))} per press beyond the NumPy work; {faults('large')}"
            ),
            reference=f"N = 100: {ms(median(net['small']))} per press beyond the NumPy work; {faults('small')}",
            notes=method + "; each start's press CPU minus its own NumPy work",
            load=load,
            details=details,
        ),
    ]


def pause_latency(starts: int, pauses: int, run_seconds: float) -> Figure:
    """`c` then `c` again: wall time from writing the pausing key to the last byte the app writes after it.

    The app notes its update count at SIGUSR1 (bench/launch.py), sent just before the
    key and once the screen is quiet again: the updates run after the key.
    """
    load = load_now()
    latencies: list[float] = []
    cpu_after: list[float] = []  # the app's CPU from the key until the screen is quiet
    after: list[int] = []
    for _ in range(starts):
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "report.json"
            with Terminal(["gd", "--report", str(report)]) as term:
                settle_start(term)
                for _ in range(pauses):
                    term.send(b"c")
                    term.drain(run_seconds)  # well under way, frames going out
                    os.kill(term.pid, signal.SIGUSR1)
                    key_at, cpu = time.perf_counter(), term.cpu()
                    term.send(b"c")
                    settle_start(term, timeout=30)
                    latencies.append(term.last_byte_at - key_at)
                    cpu_after.append(term.cpu() - cpu)
                    os.kill(term.pid, signal.SIGUSR1)
                    term.drain(0.05)
            samples = json.loads(report.read_text())["samples"]
        after += [int(samples[i + 1]["updates"] - samples[i]["updates"]) for i in range(0, len(samples) - 1, 2)]
    return Figure(
        key="pause",
        name="`c` pauses: from the key to the last byte written",
        limit=25,
        direction="max",
        unit="ms",
        value=median(latencies) * 1e3,
        runs=[latency * 1e3 for latency in latencies],
        subject=(
            f"updates run after the key {span(after, digits=0)}; "
            f"the app's CPU from the key to quiet {span(cpu_after, 1e3, 1)} ms"
        ),
        reference="—",
        notes=(
            f"{starts} starts × {pauses} pauses, each after {run_seconds:g} s of `c` on the book data in an 80x24 pty; "
            f"wall time from writing the key to the last byte read before {SETTLED:g} s with neither output "
            "nor more than 10% CPU"
        ),
        load=load,
        details={"latencies": latencies, "updates_after_key": after, "cpu_after_key": cpu_after},
    )


def continue_session(seconds: float) -> tuple[int, float]:
    """Press `c` and count the updates the app runs in `seconds` (by its own clock); (updates, seconds).

    The app notes its update count when sent SIGUSR1 (bench/launch.py), so the
    window does not depend on how quickly the app reacts to the pausing key.
    """
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        # At lr 0.001: with no breakpoint, `c` at the book's 0.1 converges within the first 0.3 s.
        with Terminal(["gd", "--lr", "0.001", "--report", str(report)]) as term:
            settle_start(term)
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


def continue_figure(repeats: int, run_seconds: float, engine_updates: int) -> Figure:
    """The app's updates per second under `c` against the engine alone, wall time both."""
    load = load_now()
    app_rates: list[float] = []
    engine_rates: list[float] = []
    for _ in range(repeats):
        updates, wall = engine_rate(engine_updates)
        engine_rates.append(updates / wall)
        updates, wall = continue_session(run_seconds)
        app_rates.append(updates / wall)
    app_rate, engine_alone = median(app_rates), median(engine_rates)
    return Figure(
        key="continue",
        name="`c` (continue) updates per second vs the engine alone",
        limit=0.5,
        direction="min",
        unit="×",
        value=app_rate / engine_alone,
        runs=ratios(app_rates, engine_rates),
        subject=f"gd-tui {app_rate:,.0f} updates/s",
        reference=f"engine alone {engine_alone:,.0f} updates/s",
        notes=f"book data, batch mode; {run_seconds:g} s of continue in an 80x24 pty, wall time by the app's clock",
        load=load,
        details={"app": app_rates, "engine": engine_rates},
    )


def pty_figures(quick: bool, large_points: int = 1_000_000, presses_only: bool = False) -> list[Figure]:
    """Every figure measured in a pty; `quick` uses tiny sizes (for the smoke test); `presses_only`
    the key-press rows alone (a few minutes: the loop to use while working on press CPU)."""
    if quick:
        repeats, presses, large_presses, run_seconds, engine_updates = 1, 5, 4, 0.3, 5_000
        large_points, pause_starts, pauses, rows = 20_000, 1, 2, PRESS_ROWS[:1]
    else:
        repeats, presses, large_presses, run_seconds, engine_updates = 5, 200, 40, 3.0, 200_000
        pause_starts, pauses, rows = 2, 8, PRESS_ROWS
    if not quick:  # an untimed round first: it writes bytecode caches
        session("bare", 2, repaint=False)
        session("gd", 2, repaint=False)
    figures: list[Figure] = []
    for row in rows:
        load = load_now()
        gd, bare = _sessions(row, repeats, presses)
        figures.append(press_figure(row, gd, bare, presses, load))
        if row is PRESS_ROWS[0]:
            figures += start_figures(gd, bare, load)
    if presses_only:
        return figures
    figures += large_press_figures(repeats, large_presses, large_points)
    figures.append(pause_latency(pause_starts, pauses, 0.3 if quick else 0.6))
    figures.append(continue_figure(repeats, run_seconds, engine_updates))
    return figures
