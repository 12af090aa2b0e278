"""The installed `gd-tui` in a real pseudo-terminal: keys in, screen bytes out, a clean exit."""

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

TIMEOUT = 20.0
COLUMNS, ROWS = 80, 24
ALT_SCREEN_ON = b"\x1b[?1049h"
ALT_SCREEN_OFF = b"\x1b[?1049l"
# CSI and OSC sequences, and single-character escapes: what is left is the text drawn.
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[@-Z\\-_=>])")


def gd_tui_command() -> list[str]:
    """The installed console script: on PATH, or next to this Python."""
    found = shutil.which("gd-tui") or shutil.which("gd-tui", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("the gd-tui console script is not installed (pip install -e .)")
    return [found]


class Terminal:
    """A pseudo-terminal pair with gd-tui running on its slave side."""

    def __init__(self, command: list[str], extra_env: dict[str, str]) -> None:
        try:
            self.master, slave = os.openpty()
        except OSError as error:
            pytest.skip(f"no pseudo-terminal available: {error}")
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.modes_before = termios.tcgetattr(slave)
        self.slave = slave
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TEXTUAL", "PYTEST", "COLUMNS", "LINES", "NO_COLOR"))
        }
        env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(ROWS), ESCDELAY="25", **extra_env)
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,  # its own session, so the pty can be its controlling terminal
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
            close_fds=True,
        )
        self.output = bytearray()

    def read(self, timeout: float = 0.1) -> None:
        """Add whatever the app drew within `timeout` seconds to `output`."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the slave side is closed, the app is gone
                return
            self.output.extend(chunk)

    def text(self) -> str:
        """The output with the escape sequences taken out."""
        return ESCAPES.sub(b"", bytes(self.output)).decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if time.monotonic() > deadline:
                tail = self.text()[-2000:]
                raise AssertionError(f"{needle!r} did not appear within {timeout} s; the screen ended with:\n{tail}")
            if self.process.poll() is not None:
                self.read(0)
                if needle in self.text():
                    return
                raise AssertionError(f"gd-tui exited ({self.process.returncode}) before {needle!r} appeared")
            self.read()

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"gd-tui did not exit within {timeout} s")
            self.read()
        for _ in range(20):  # drain what it wrote on the way out
            before = len(self.output)
            self.read(0.05)
            if len(self.output) == before:
                break
        return self.process.returncode

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)


Launch = Callable[..., Terminal]


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launch]:
    """Start gd-tui (with extra arguments) in a fresh pseudo-terminal; sessions go under tmp_path."""
    if not sys.platform.startswith(("linux", "darwin")):
        pytest.skip("pseudo-terminals need a POSIX system")
    started: list[Terminal] = []

    def start(*args: str, command: list[str] | None = None) -> Terminal:
        term = Terminal([*(command or gd_tui_command()), *args], {"XDG_STATE_HOME": str(tmp_path / "state")})
        started.append(term)
        return term

    try:
        yield start
    finally:
        for term in started:
            term.close()


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
    output = bytes(terminal.output)
    assert ALT_SCREEN_ON in output
    # The alternate screen is left after the last time it was entered, and nothing is drawn after.
    assert output.rfind(ALT_SCREEN_OFF) > output.rfind(ALT_SCREEN_ON)
    tail = output[output.rfind(ALT_SCREEN_OFF) + len(ALT_SCREEN_OFF) :]
    assert ESCAPES.sub(b"", tail).strip() == b"", f"text drawn after leaving the alternate screen: {tail!r}"
    # Line editing and echo are back as they were before the app started.
    assert termios.tcgetattr(terminal.slave) == terminal.modes_before


def test_ctrl_c_quits_with_status_0(terminal: Terminal) -> None:
    terminal.wait_for("Next: step 0, initialize")
    terminal.press("e")
    terminal.wait_for("epoch 1")
    terminal.press("\x03")
    assert terminal.wait_exit() == 0
    assert bytes(terminal.output).rfind(ALT_SCREEN_OFF) > bytes(terminal.output).rfind(ALT_SCREEN_ON)
    assert termios.tcgetattr(terminal.slave) == terminal.modes_before


def test_hang_up_saves_the_session_and_resume_brings_it_back(launch: Launch, tmp_path: Path) -> None:
    first = launch()
    first.wait_for("Next: step 0, initialize")
    first.press("nnn")
    first.wait_for("2.7421")
    # A dropped SSH connection: the shell's terminal sends SIGHUP.
    os.kill(first.process.pid, signal.SIGHUP)
    first.wait_exit()
    output = bytes(first.output)
    assert output.rfind(ALT_SCREEN_OFF) > output.rfind(ALT_SCREEN_ON)
    assert termios.tcgetattr(first.slave) == first.modes_before
    saved = list((tmp_path / "state").rglob("*.json"))
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


def test_escape_pauses_a_running_continue(terminal: Terminal) -> None:
    terminal.wait_for("Next: step 0, initialize")
    terminal.press("c")  # no breakpoints are set: the run would go on for ever
    terminal.wait_for("Running")
    terminal.press("\x1b")  # a lone escape, told apart from an escape sequence by its timing
    terminal.wait_for("Paused.")
    terminal.press("q")
    assert terminal.wait_exit() == 0
