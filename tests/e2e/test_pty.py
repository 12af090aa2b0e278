"""The installed `gd-tui` in a real pseudo-terminal: keys in, screen bytes out, a clean exit."""

from __future__ import annotations

import os
import signal
import sys
import termios
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # for the annotations only: pytest loads the conftest itself
    from conftest import Launch, Terminal


@pytest.fixture
def terminal(launch: Launch) -> Terminal:
    return launch()


def test_three_steps_show_the_loss_and_q_restores_the_terminal(terminal: Terminal) -> None:
    terminal.wait_for("Next: step 0, initialize")
    terminal.press("n")
    terminal.wait_for("Next: step 1, forward")
    terminal.press("nn")
    terminal.wait_for("2.7421")
    assert "2.74215777" in terminal.text()
    terminal.press("q")
    assert terminal.wait_exit() == 0
    # The alternate screen is left after the last time it was entered, and nothing is drawn after.
    assert terminal.left_alternate_screen()
    tail = terminal.after_alternate_screen()
    assert tail.strip() == b"", f"text drawn after leaving the alternate screen: {tail!r}"
    # Line editing and echo are back as they were before the app started.
    assert termios.tcgetattr(terminal.slave) == terminal.modes_before


def test_ctrl_c_quits_with_status_0(terminal: Terminal) -> None:
    terminal.wait_for("Next: step 0, initialize")
    terminal.press("e")
    terminal.wait_for("epoch 1")
    terminal.press("\x03")
    assert terminal.wait_exit() == 0
    assert terminal.left_alternate_screen()
    assert termios.tcgetattr(terminal.slave) == terminal.modes_before


def test_hang_up_saves_the_session_and_resume_brings_it_back(launch: Launch, state_home: Path) -> None:
    first = launch()
    first.wait_for("Next: step 0, initialize")
    first.press("nnn")
    first.wait_for("2.7421")
    # A dropped SSH connection: the shell's terminal sends SIGHUP.
    os.kill(first.process.pid, signal.SIGHUP)
    first.wait_exit()
    assert first.left_alternate_screen()
    assert termios.tcgetattr(first.slave) == first.modes_before
    saved = list(state_home.rglob("*.json"))
    assert len(saved) == 1, f"expected one autosaved session, found {saved}"
    assert "--resume" in first.text()
    second = launch("--resume")
    second.wait_for("2.74215777")
    second.wait_for("Next: step 3, gradients")
    second.press("q")
    assert second.wait_exit() == 0


CRASH_ON_MOUNT = """
import sys
import gd_tui.app.app as app_module
from gd_tui.cli import main


def crash(self):
    raise RuntimeError("deliberate crash on mount")


app_module.GDApp.on_mount = crash
sys.exit(main())
"""


def test_a_crash_exits_with_a_non_zero_status(launch: Launch) -> None:
    terminal = launch(command=[sys.executable, "-c", CRASH_ON_MOUNT])
    terminal.wait_for("deliberate crash on mount")
    assert terminal.wait_exit() != 0


def test_escape_pauses_a_running_continue(launch: Launch) -> None:
    terminal = launch("--lr", "0.001")  # no breakpoints: only convergence ends it, far off at this rate
    terminal.wait_for("Next: step 0, initialize")
    terminal.press("c")
    terminal.wait_for("Running")
    terminal.press("\x1b")  # a lone escape, told apart from an escape sequence by its timing
    terminal.wait_for("Paused.")
    terminal.press("q")
    assert terminal.wait_exit() == 0


C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}


def test_a_terminal_that_cannot_show_unicode_gets_ascii(launch: Launch) -> None:
    """LC_ALL=C PYTHONUTF8=0: box lines once came out as \\u2500 and rows overflowed their width."""
    pty = launch(env=C_LOCALE)
    pty.wait_for("Next: step 0, initialize")
    pty.press("nnn")
    pty.wait_for("2.74215777")
    drawn = bytes(pty.output)
    assert max(drawn) < 0x80, "only ASCII reaches a terminal that cannot show anything else"
    assert b"\\u" not in drawn and b"\\x" not in drawn
    pty.press("q")
    assert pty.wait_exit() == 0
