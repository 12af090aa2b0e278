"""Memory and resume figures (issue 13, item 7): RSS after a long `c`, and resuming a long session.

    python bench/memory_figures.py [--updates N] [--json]

runs two fresh interpreters:

1. `rss`: imports the app (as `gd-tui` does), runs N updates of batch gradient
   descent on the book data the way `c` does (Machine.run_until with a breakpoint
   that never fires, in slices), reports the resident set size, and saves the
   session at that position.
2. `resume`: from process start, loads that session, restores the machine and
   draws the app's first frame headless at 80x24; reports the wall time.

Targets: RSS at most 150 MB after 10^7 updates; the first frame within 3 s.
Each figure is a `common.Figure`, so bench/run.py can append `memory_figures(updates)`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Figure

ROOT = Path(__file__).resolve().parent
SLICE = 100_000  # updates per run_until call, like the app's slices (the history is what grows)


def rss_bytes() -> int:
    """The resident set size of this process, now (Linux /proc)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure_rss(updates: int, session_path: str) -> dict[str, float]:
    import gd_tui.app  # noqa: F401 - the app's modules are resident in a real session
    from gd_tui import session as sessions
    from gd_tui.engine import Config, Machine

    machine = Machine(Config())
    machine.advance()
    start = time.perf_counter()
    while machine.state.update < updates:
        goal = min(updates, machine.state.update + SLICE)
        machine.run_until(lambda state, goal=goal: state.update >= goal and state.cursor == 1)
    seconds = time.perf_counter() - start
    rss = rss_bytes()
    sessions.save(sessions.capture(machine), session_path)
    return {
        "updates": machine.state.update,
        "t": machine.state.t,
        "rss": rss,
        "history_bytes": machine.history.nbytes,
        "checkpoints": len(machine._recent) + len(machine._sparse),
        "run_seconds": seconds,
        "session_bytes": Path(session_path).stat().st_size,
    }


def measure_resume(session_path: str, started: float) -> dict[str, float]:
    from gd_tui.app import GDApp
    from gd_tui.session import check, load

    imported = time.time() - started
    cpu = time.process_time()
    session = load(session_path)
    app = GDApp(session=session, data=check(session))
    restored = time.time() - started

    async def first_frame() -> float:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            return time.time() - started

    seconds = asyncio.run(first_frame())
    # The parts, and the CPU time: on a busy machine the wall time says more about the load.
    return {
        "seconds": seconds,
        "imported": imported,
        "restored": restored,
        "cpu_after_import": time.process_time() - cpu,
        "t": app.machine.state.t,
        "update": app.machine.state.update,
    }


def child(*arguments: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, str(ROOT / "memory_figures.py"), *arguments], capture_output=True, text=True, check=True
    )
    found: dict[str, float] = json.loads(result.stdout)
    return found


def memory_figures(updates: int) -> list[Figure]:
    """The RSS and resume figures, each measured in a fresh interpreter."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "long.json")
        ran = child("rss", "--updates", str(updates), "--session", path)
        resumed = child("resume", "--session", path, "--started", repr(time.time()))
    note = "" if updates == 10**7 else f"(the targets are for 10,000,000 updates; this ran {updates:,}) "
    return [
        Figure(
            key="rss_after_continue",
            name=f"RSS after {ran['updates']:,} updates of c",
            limit=150,
            direction="max",
            unit="MB",
            value=ran["rss"] / 1e6,
            subject=f"history held {ran['history_bytes'] / 1e6:.1f} MB, {ran['checkpoints']:,} checkpoints",
            reference="—",
            notes=note + f"batch GD on the book data, {ran['run_seconds']:.0f} s of running",
            details=ran,
        ),
        Figure(
            key="resume_first_frame",
            name=f"resume a session at t = {resumed['t']:,} to its first frame",
            limit=3,
            direction="max",
            unit="s",
            value=resumed["seconds"],
            subject=(
                f"session file {ran['session_bytes'] / 1e3:.0f} kB, from process start, headless 80x24: "
                f"imports {resumed['imported']:.2f} s, restored at {resumed['restored']:.2f} s, "
                f"{resumed['cpu_after_import']:.2f} s of CPU after the imports"
            ),
            reference="—",
            notes=note,
            details=resumed,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="?", choices=["rss", "resume"])
    parser.add_argument("--updates", type=int, default=10**7)
    parser.add_argument("--session")
    parser.add_argument("--started", type=float)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.what == "rss":
        print(json.dumps(measure_rss(args.updates, args.session)))
    elif args.what == "resume":
        print(json.dumps(measure_resume(args.session, args.started)))
    else:
        figures = memory_figures(args.updates)
        if args.json:
            print(json.dumps([figure.to_json() for figure in figures], indent=2))
        for figure in figures:
            verdict = {True: "holds", False: "FAILS", None: "—"}[figure.holds]
            print(f"{figure.name}: {figure.measured} (target {figure.target}) {verdict}; {figure.subject}")


if __name__ == "__main__":
    main()
