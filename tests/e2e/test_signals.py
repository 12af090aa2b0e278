"""SIGHUP and SIGTERM to the installed `gd-tui` in a real pseudo-terminal, then `gd-tui --resume`.

A dropped SSH connection sends SIGHUP; a kill sends SIGTERM. Either way the process must
exit with status 0 within seconds, leave the alternate screen with the terminal's modes
as they were, say in one line where it saved the session, and have written the autosave
under $XDG_STATE_HOME/gd-tui/. `gd-tui --resume` (no file: the last autosave) then shows
the same numbers, and the file restores to the same position.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gd_tui.app.format import num
from gd_tui.engine import Machine
from gd_tui.session import load, restore

COLUMNS, ROWS = 80, 24
TIMEOUT = 20.0
EXIT_WITHIN = 10.0
ALT_SCREEN_ON = b"\x1b[?1049h"
ALT_SCREEN_OFF = b"\x1b[?1049l"
ESCAPE_SEQUENCES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[@-Z\\-_=>])")
STEPS = 5  # through step 4: b and w have moved once


class Pty:
    """gd-tui on the slave side of a fresh pseudo-terminal of COLUMNS x ROWS."""

    def __init__(self, args: list[str], state_home: Path, command: list[str] | None = None) -> None:
        if command is None:
            search = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
            found = shutil.which("gd-tui", path=search)
            if found is None:
                pytest.skip("the gd-tui console script is not installed")
            command = [found]
        try:
            self.master, self.slave = os.openpty()
        except OSError as error:
            pytest.skip(f"no pseudo-terminal: {error}")
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.modes_before = termios.tcgetattr(self.slave)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "PYTEST", "NO_COLOR"))}
        env.update(
            TERM="xterm-256color",
            COLUMNS=str(COLUMNS),
            LINES=str(ROWS),
            XDG_STATE_HOME=str(state_home),
            ESCDELAY="25",
        )
        self.process = subprocess.Popen(
            [*command, *args],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
            close_fds=True,
        )
        self.output = bytearray()

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the slave side closed: the process is gone
            return False
        self.output.extend(chunk)
        return bool(chunk)

    def text(self) -> str:
        return ESCAPE_SEQUENCES.sub(b"", bytes(self.output)).decode("utf-8", "replace")

    def wait_for(self, *needles: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not all(needle in self.text() for needle in needles):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self._read(0.1)
                missing = [needle for needle in needles if needle not in self.text()]
                if not missing:
                    return
                raise AssertionError(f"{missing} not on screen; it ended with:\n{self.text()[-1500:]}")
            self._read(0.05)

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_exit(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"gd-tui still running {timeout} s after the signal")
            self._read(0.05)
        while self._read(0.05):  # what it wrote on the way out
            pass
        return self.process.returncode

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)


Launch = Callable[..., Pty]


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launch]:
    if not sys.platform.startswith(("linux", "darwin")):
        pytest.skip("pseudo-terminals need a POSIX system")
    started: list[Pty] = []

    def start(*args: str, command: list[str] | None = None) -> Pty:
        pty = Pty(list(args), tmp_path, command)
        started.append(pty)
        return pty

    try:
        yield start
    finally:
        for pty in started:
            pty.close()


def expected_after(steps: int) -> Machine:
    machine = Machine()
    for _ in range(steps):
        machine.advance()
    return machine


@pytest.mark.parametrize("signal_number", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_signal_saves_restores_the_terminal_and_resume_comes_back(
    signal_number: signal.Signals, launch: Launch, tmp_path: Path
) -> None:
    expected = expected_after(STEPS)
    b, w = num(expected.state.b), num(expected.state.w)
    autosave = tmp_path / "gd-tui" / "autosave.json"

    first = launch()
    first.wait_for("Next: step 0, initialize")
    first.press("n" * STEPS)
    first.wait_for("2.74215777", b, w, "Next: step 5, repeat")
    assert not autosave.exists()
    os.kill(first.process.pid, signal_number)
    assert first.wait_exit(EXIT_WITHIN) == 0

    # The terminal is as it was: the alternate screen left after it was last entered, modes back;
    # after it, only the one line saying where the session went.
    assert termios.tcgetattr(first.slave) == first.modes_before
    lines = after_the_alternate_screen(first)
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


def after_the_alternate_screen(pty: Pty) -> list[str]:
    """The lines printed after the app left the alternate screen."""
    output = bytes(pty.output)
    assert ALT_SCREEN_ON in output
    assert output.rfind(ALT_SCREEN_OFF) > output.rfind(ALT_SCREEN_ON)
    tail = ESCAPE_SEQUENCES.sub(b"", output[output.rfind(ALT_SCREEN_OFF) + len(ALT_SCREEN_OFF) :])
    return tail.decode("utf-8", "replace").strip().splitlines()


def test_hang_up_during_a_run_saves_a_position_that_resumes(launch: Launch, tmp_path: Path) -> None:
    """The connection drops while c runs (no breakpoints: it would run for ever)."""
    autosave = tmp_path / "gd-tui" / "autosave.json"
    first = launch()
    first.wait_for("Next: step 0, initialize")
    first.press("c")
    first.wait_for("Running")
    time.sleep(0.3)
    os.kill(first.process.pid, signal.SIGHUP)
    assert first.wait_exit(EXIT_WITHIN) == 0
    assert termios.tcgetattr(first.slave) == first.modes_before
    assert len(after_the_alternate_screen(first)) == 1
    session = load(autosave)
    assert session.t > 100  # it was running
    machine = restore(session)  # replayed, and checked against the saved epoch, b and w
    assert machine.state.t == session.t
    # --resume FILE: the same numbers on screen.
    second = launch("--resume", str(autosave))
    second.wait_for(num(machine.state.b), num(machine.state.w), f"epoch {machine.state.epoch}")
    second.press("q")
    assert second.wait_exit(EXIT_WITHIN) == 0


def test_signal_with_an_unwritable_state_directory_says_so(launch: Launch, tmp_path: Path) -> None:
    state_dir = tmp_path / "gd-tui"
    state_dir.write_text("a file where the state directory should be\n")
    pty = launch()
    pty.wait_for("Next: step 0, initialize")
    pty.press("nnn")
    pty.wait_for("2.74215777")
    os.kill(pty.process.pid, signal.SIGTERM)
    assert pty.wait_exit(EXIT_WITHIN) == 1  # the session is lost: not a success
    assert termios.tcgetattr(pty.slave) == pty.modes_before
    lines = after_the_alternate_screen(pty)
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
    deadline = time.monotonic() + TIMEOUT
    while ALT_SCREEN_ON not in bytes(pty.output):
        assert time.monotonic() < deadline and pty.process.poll() is None, "gd-tui never entered the alternate screen"
        pty._read(0.01)
    os.kill(pty.process.pid, signal_number)
    returncode = pty.wait_exit(EXIT_WITHIN)
    assert termios.tcgetattr(pty.slave) == pty.modes_before, "raw mode left on"
    output = bytes(pty.output)
    assert output.rfind(ALT_SCREEN_OFF) > output.rfind(ALT_SCREEN_ON), "alternate screen left on"
    assert returncode == 0
