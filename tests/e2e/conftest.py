"""The installed `gd-tui` in a real pseudo-terminal: one class drives it, one fixture starts it."""

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
    """The installed console script: next to this Python, else on PATH."""
    search = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    found = shutil.which("gd-tui", path=search)
    if found is None:
        pytest.skip("the gd-tui console script is not installed (pip install -e .)")
    return [found]


class Terminal:
    """A pseudo-terminal pair of COLUMNS x ROWS with gd-tui (or `command`) running on its slave side."""

    def __init__(self, command: list[str], state_home: Path, env_extra: dict[str, str] | None = None) -> None:
        try:
            self.master, self.slave = os.openpty()
        except OSError as error:
            pytest.skip(f"no pseudo-terminal available: {error}")
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.modes_before = termios.tcgetattr(self.slave)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TEXTUAL", "PYTEST", "COLUMNS", "LINES", "NO_COLOR"))
        }
        env.update(
            TERM="xterm-256color",
            COLUMNS=str(COLUMNS),
            LINES=str(ROWS),
            XDG_STATE_HOME=str(state_home),
            ESCDELAY="25",
        )
        env.update(env_extra or {})
        self.process = subprocess.Popen(
            command,
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=env,
            start_new_session=True,  # its own session, so the pty can be its controlling terminal
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
            close_fds=True,
        )
        self.output = bytearray()
        self.hung_up = False

    def read(self, timeout: float = 0.05) -> bool:
        """Add whatever the app drew within `timeout` seconds to `output`; False if it drew nothing."""
        if self.hung_up:  # nothing more can be read once the terminal is closed
            time.sleep(timeout)
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the slave side is closed, the app is gone
            return False
        self.output.extend(chunk)
        return bool(chunk)

    def drain(self) -> None:
        """Read what is left once the process has ended (bounded, should anything keep writing)."""
        for _ in range(200):
            if not self.read(0.05):
                break

    def text(self) -> str:
        """The output with the escape sequences taken out."""
        return ESCAPES.sub(b"", bytes(self.output)).decode("utf-8", "replace")

    def wait_for(self, *needles: str, timeout: float = TIMEOUT) -> None:
        """Read until every needle is on screen; fail if the app exits or `timeout` passes first."""
        deadline = time.monotonic() + timeout
        while not all(needle in self.text() for needle in needles):
            exited = self.process.poll() is not None
            if exited or time.monotonic() > deadline:
                if exited:
                    self.drain()
                else:
                    self.read(0.1)
                missing = [needle for needle in needles if needle not in self.text()]
                if not missing:
                    return
                when = f"gd-tui exited ({self.process.returncode})" if exited else f"{timeout} s passed"
                raise AssertionError(f"{when} before {missing} appeared; the screen ended with:\n{self.text()[-2000:]}")
            self.read()

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def flood(self, keys: str) -> None:
        """Type without waiting: what an app that has stopped reading cannot take is not typed."""
        if select.select([], [self.master], [], 0)[1]:
            with contextlib.suppress(BlockingIOError, OSError):
                os.write(self.master, keys.encode())

    def resize(self, columns: int, rows: int) -> None:
        """Resize the terminal (the kernel sends SIGWINCH), and send one more SIGWINCH, as some terminals do."""
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGWINCH)

    def hang_up(self) -> None:
        """Close the terminal's master side: the kernel hangs the terminal up, as when SSH drops."""
        os.close(self.master)
        self.hung_up = True

    def session_gone(self) -> bool:
        """No process is left in the app's process group (it leads its own session)."""
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return True
        return False

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        """Wait for the process to end, read what it wrote on the way out, and return its status."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"gd-tui still running after {timeout} s")
            self.read()
        self.drain()
        return self.process.returncode

    def entered_alternate_screen(self) -> bool:
        return ALT_SCREEN_ON in self.output

    def wait_for_alternate_screen(self, timeout: float = TIMEOUT) -> None:
        """Read until the app switches to the alternate screen (before its first draw)."""
        deadline = time.monotonic() + timeout
        while not self.entered_alternate_screen():
            assert time.monotonic() < deadline and self.process.poll() is None, (
                "gd-tui never entered the alternate screen"
            )
            self.read(0.01)

    def left_alternate_screen(self) -> bool:
        """It entered the alternate screen and left it after the last time it entered."""
        output = bytes(self.output)
        return ALT_SCREEN_ON in output and output.rfind(ALT_SCREEN_OFF) > output.rfind(ALT_SCREEN_ON)

    def after_alternate_screen(self) -> bytes:
        """What was written after the app last left the alternate screen, escape sequences taken out."""
        assert self.left_alternate_screen(), "the alternate screen was never entered or is still on"
        output = bytes(self.output)
        return ESCAPES.sub(b"", output[output.rfind(ALT_SCREEN_OFF) + len(ALT_SCREEN_OFF) :])

    def lines_after_alternate_screen(self) -> list[str]:
        """The lines printed after the app left the alternate screen."""
        return self.after_alternate_screen().decode("utf-8", "replace").strip().splitlines()

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        for fd in (self.slave,) if self.hung_up else (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)


Launch = Callable[..., Terminal]


@pytest.fixture
def state_home(tmp_path: Path) -> Path:
    """$XDG_STATE_HOME for the launched app: autosaves go under it."""
    path = tmp_path / "state"
    path.mkdir()
    return path


@pytest.fixture
def launch(state_home: Path) -> Iterator[Launch]:
    """Start gd-tui (with extra arguments, or `command` instead) in a fresh pseudo-terminal."""
    if not sys.platform.startswith(("linux", "darwin")):
        pytest.skip("pseudo-terminals need a POSIX system")
    started: list[Terminal] = []

    def start(*args: str, command: list[str] | None = None, env: dict[str, str] | None = None) -> Terminal:
        terminal = Terminal([*(command or gd_tui_command()), *args], state_home, env)
        started.append(terminal)
        return terminal

    try:
        yield start
    finally:
        for terminal in started:
            terminal.close()
