"""Hang up on `gd-tui` during a `c` run, in a real pseudo-terminal: it saves and goes, every time.

A few trials of bench/hangup_stress.py (which runs 200): `c`, alone or with a key flood or a
resize storm, then the terminal is closed (the kernel hangs it up: SIGHUP and SIGCONT, dead
reads and writes, as when an SSH connection drops) or the process gets SIGHUP or SIGTERM. Each
time every process of the session must be gone within 5 s, with an autosave that
`gd-tui --resume FILE` accepts. Before the fix, a closed terminal after a resize storm or a key
flood left the process waiting for ever in Textual's output queue (issue 17).
"""

from __future__ import annotations

import os
import random
import re
import signal
import sys
import termios
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gd_tui.app.format import num
from gd_tui.session import check, load, restore

if TYPE_CHECKING:  # for the annotations only: pytest loads the conftest itself
    from conftest import Launch, Terminal

GONE_WITHIN = 5.0
FLOOD_KEYS = "nnnnppeccct l01234+-"  # steps, back, runs, pauses, chart and scale: no quit, no dialog
SAVED_TO = re.compile(r"saved to (\S+\.json);")


def storm(pty: Terminal, variant: str, seconds: float, rng: random.Random) -> None:
    """Go on reading the screen for `seconds`, with a key flood or a resize storm meanwhile."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        pty.read(0.005)
        if variant == "keys":
            pty.flood("".join(rng.choice(FLOOD_KEYS) for _ in range(rng.randint(1, 30))))
        elif variant == "resize":
            pty.resize(rng.randint(40, 160), rng.randint(10, 50))


def wait_gone(pty: Terminal) -> float:
    """Seconds until the app and every process of its session are gone; fails after GONE_WITHIN."""
    start = time.monotonic()
    while not (pty.process.poll() is not None and pty.session_gone()):
        assert time.monotonic() - start < GONE_WITHIN, f"still running {GONE_WITHIN} s after the hang-up"
        pty.read(0.01)
    pty.drain()
    return time.monotonic() - start


def autosave_of(pty: Terminal, state_home: Path) -> Path:
    """The file the app said it saved to; after a closed terminal (no one to read it), the one it wrote."""
    if not pty.hung_up:
        lines = pty.lines_after_alternate_screen()
        assert len(lines) == 1, lines
        said = SAVED_TO.search(lines[0])
        assert said is not None, lines[0]
        return Path(said.group(1))
    written = list((state_home / "gd-tui").glob("*.json"))
    assert len(written) == 1, written
    return written[0]


@pytest.mark.parametrize(
    ("variant", "how", "resume"),
    [
        ("resize", "close", True),
        ("keys", "close", False),
        ("resize", "sighup", False),
        ("keys", "sigterm", False),
    ],
    ids=lambda value: value if isinstance(value, str) else ("resume" if value else "load"),
)
def test_hang_up_during_a_run_saves_and_every_process_goes(
    variant: str, how: str, resume: bool, launch: Launch, state_home: Path
) -> None:
    rng = random.Random(f"{variant}-{how}")
    delay = rng.uniform(0.0, 1.2)
    pty = launch()
    pty.wait_for("Next: step 0, initialize")
    pty.press("c")
    pty.wait_for("Running")
    storm(pty, variant, delay, rng)
    if how == "close":
        pty.hang_up()
    else:
        os.kill(pty.process.pid, signal.SIGHUP if how == "sighup" else signal.SIGTERM)
    wait_gone(pty)

    if not pty.hung_up:  # the terminal is still there: put back as it was, and told where the session went
        assert pty.process.returncode == 0
        assert termios.tcgetattr(pty.slave) == pty.modes_before
    saved = autosave_of(pty, state_home)
    session = load(saved)
    check(session)
    machine = restore(session)  # replayed, and checked against the saved epoch, b and w
    assert session.t > 0, "c had run"
    if resume:
        again = launch("--resume", str(saved))
        again.wait_for(num(machine.state.b), num(machine.state.w))
        again.press("q")
        assert again.wait_exit() == 0


def test_sigcont_without_a_suspend_starts_no_second_writer(launch: Launch) -> None:
    """A hang-up sends SIGCONT as well; Textual took any SIGCONT as "back from ctrl+z" and started a
    second writer thread and input thread (the root of issue 17). A stray SIGCONT now changes nothing."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    if not tasks.is_dir():
        pytest.skip("counting threads needs /proc")
    pty = launch()
    pty.wait_for("Next: step 0, initialize")
    threads = Path(f"/proc/{pty.process.pid}/task")
    before = len(list(threads.iterdir()))
    os.kill(pty.process.pid, signal.SIGCONT)
    pty.press("n")
    pty.wait_for("Next: step 1, forward")
    assert len(list(threads.iterdir())) == before
    pty.press("q")
    assert pty.wait_exit() == 0
    assert termios.tcgetattr(pty.slave) == pty.modes_before


# gd-tui with an exit that never ends (the event loop blocked as it shuts down, as it was in
# Textual's full output queue): the hang-up watchdog must end it, saved and with its one line.
STUCK_EXIT = """
import sys
import threading

import gd_tui.app.app as app_module
from gd_tui.cli import main


def stuck(self):
    threading.Event().wait()


app_module.GDApp.on_unmount = stuck
sys.exit(main())
"""


def test_an_exit_that_is_stuck_is_ended_saved_within_the_bound(launch: Launch, state_home: Path) -> None:
    pty = launch(command=[sys.executable, "-c", STUCK_EXIT])
    pty.wait_for("Next: step 0, initialize")
    pty.press("nnn")
    pty.wait_for("2.74215777")
    os.kill(pty.process.pid, signal.SIGTERM)
    wait_gone(pty)
    assert pty.process.returncode == 0
    assert termios.tcgetattr(pty.slave) == pty.modes_before
    session = load(autosave_of(pty, state_home))
    assert session.t == 3
