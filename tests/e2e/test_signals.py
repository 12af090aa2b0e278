"""SIGHUP and SIGTERM to the installed `gd-tui` in a real pseudo-terminal, then `gd-tui --resume`.

A dropped SSH connection sends SIGHUP; a kill sends SIGTERM. Either way the process must
exit with status 0 within seconds, leave the alternate screen with the terminal's modes
as they were, say in one line where it saved the session, and have written the autosave
under $XDG_STATE_HOME/gd-tui/. `gd-tui --resume` (no file: the last autosave) then shows
the same numbers, and the file restores to the same position.
"""

from __future__ import annotations

import os
import signal
import sys
import termios
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gd_tui.app.format import num
from gd_tui.engine import Machine
from gd_tui.session import load, restore

if TYPE_CHECKING:  # for the annotations only: pytest loads the conftest itself
    from conftest import Launch

EXIT_WITHIN = 10.0
STEPS = 5  # through step 4: b and w have moved once


def autosaves(state_home: Path) -> list[Path]:
    return sorted((state_home / "gd-tui").glob("autosave-*.json"))


def only_autosave(state_home: Path) -> Path:
    found = autosaves(state_home)
    assert len(found) == 1, found
    return found[0]


def expected_after(steps: int) -> Machine:
    machine = Machine()
    for _ in range(steps):
        machine.advance()
    return machine


@pytest.mark.parametrize("signal_number", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_signal_saves_restores_the_terminal_and_resume_comes_back(
    signal_number: signal.Signals, launch: Launch, state_home: Path
) -> None:
    expected = expected_after(STEPS)
    b, w = num(expected.state.b), num(expected.state.w)
    first = launch()
    first.wait_for("Next: step 0, initialize")
    first.press("n" * STEPS)
    first.wait_for("2.74215777", b, w, "Next: step 5, repeat")
    assert not autosaves(state_home)
    os.kill(first.process.pid, signal_number)
    assert first.wait_exit(EXIT_WITHIN) == 0
    autosave = only_autosave(state_home)
    assert autosave.name.endswith(f"-{first.process.pid}.json"), "the process id names its own autosave"

    # The terminal is as it was: the alternate screen left after it was last entered, modes back;
    # after it, only the one line saying where the session went.
    assert termios.tcgetattr(first.slave) == first.modes_before
    lines = first.lines_after_alternate_screen()
    assert len(lines) == 1, lines
    assert str(autosave) in lines[0] and "gd-tui --resume" in lines[0], lines[0]

    # The autosave holds the exact position.
    assert autosave.is_file()
    assert autosave.stat().st_mode & 0o077 == 0, "the state directory's file is private to the user"
    session = load(autosave)
    assert session.t == STEPS
    machine = restore(session)
    assert machine.state.t == STEPS
    assert (num(machine.state.b), num(machine.state.w)) == (b, w)
    assert machine.state.b == expected.state.b and machine.state.w == expected.state.w

    # --resume with no file: the last autosave, on screen with the same numbers and the same next step.
    second = launch("--resume")
    second.wait_for(b, w, "2.74215777", "Next: step 5, repeat")
    second.press("n")  # and it goes on from there
    second.wait_for("Next: step 1, forward")
    second.press("q")
    assert second.wait_exit(EXIT_WITHIN) == 0
    assert termios.tcgetattr(second.slave) == second.modes_before


def test_hang_up_during_a_run_saves_a_position_that_resumes(launch: Launch, state_home: Path) -> None:
    """The connection drops while c runs (no breakpoints: it would run for ever)."""
    first = launch()
    first.wait_for("Next: step 0, initialize")
    first.press("c")
    first.wait_for("Running")
    time.sleep(0.3)
    os.kill(first.process.pid, signal.SIGHUP)
    assert first.wait_exit(EXIT_WITHIN) == 0
    assert termios.tcgetattr(first.slave) == first.modes_before
    assert len(first.lines_after_alternate_screen()) == 1
    autosave = only_autosave(state_home)
    session = load(autosave)
    assert session.t > 100  # it was running
    machine = restore(session)  # replayed, and checked against the saved epoch, b and w
    assert machine.state.t == session.t
    # --resume FILE: the same numbers on screen.
    second = launch("--resume", str(autosave))
    second.wait_for(num(machine.state.b), num(machine.state.w), f"epoch {machine.state.epoch}")
    second.press("q")
    assert second.wait_exit(EXIT_WITHIN) == 0


def test_signal_with_an_unwritable_state_directory_says_so(launch: Launch, state_home: Path) -> None:
    state_dir = state_home / "gd-tui"
    state_dir.write_text("a file where the state directory should be\n")
    pty = launch()
    pty.wait_for("Next: step 0, initialize")
    pty.press("nnn")
    pty.wait_for("2.74215777")
    os.kill(pty.process.pid, signal.SIGTERM)
    assert pty.wait_exit(EXIT_WITHIN) == 1  # the session is lost: not a success
    assert termios.tcgetattr(pty.slave) == pty.modes_before
    lines = pty.lines_after_alternate_screen()
    assert "Traceback" not in "\n".join(lines)  # holds today
    assert len(lines) == 1 and str(state_dir) in lines[0], lines


# gd-tui with a slow first draw, as on a loaded machine: the terminal is already in the
# alternate screen and raw mode while the app composes its panes.
SLOW_FIRST_DRAW = """
import sys
import time

import gd_tui.app.app as app_module
from gd_tui.cli import main

compose = app_module.GDApp.compose


def slow_compose(self):
    time.sleep(2)
    yield from compose(self)


app_module.GDApp.compose = slow_compose
sys.exit(main())
"""


@pytest.mark.parametrize("signal_number", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_signal_while_the_app_starts_restores_the_terminal(signal_number: signal.Signals, launch: Launch) -> None:
    """The same window exists without the slowdown (about 60 ms here); the slowdown makes it certain."""
    pty = launch(command=[sys.executable, "-c", SLOW_FIRST_DRAW])
    pty.wait_for_alternate_screen()
    os.kill(pty.process.pid, signal_number)
    returncode = pty.wait_exit(EXIT_WITHIN)
    assert termios.tcgetattr(pty.slave) == pty.modes_before, "raw mode left on"
    assert pty.left_alternate_screen(), "alternate screen left on"
    assert returncode == 0
