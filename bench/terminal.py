"""Drive an app in a real pseudo-terminal: bytes it writes, CPU it uses, memory it holds (Linux)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

LAUNCH = Path(__file__).resolve().parent / "launch.py"


def _child_env(state_home: str) -> dict[str, str]:
    """A plain 256-colour terminal, as over SSH (no COLORTERM); bytecode caching on.

    The app's state directory (where it would autosave) is a temporary one.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k not in ("COLORTERM", "NO_COLOR")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    env["TERM"] = "xterm-256color"
    env["XDG_STATE_HOME"] = state_home
    return env


def _winsize(cols: int, rows: int) -> bytes:
    return struct.pack("HHHH", rows, cols, 0, 0)


class Terminal:
    """One app in a pseudo-terminal of cols x rows; every byte it writes is read and counted."""

    def __init__(self, args: list[str], cols: int = 80, rows: int = 24) -> None:
        argv = [sys.executable, str(LAUNCH), *args]
        self._state_home = tempfile.TemporaryDirectory(prefix="gd-tui-bench-")
        env = _child_env(self._state_home.name)
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal before the app can ask
            try:
                fcntl.ioctl(sys.stdin.fileno(), termios.TIOCSWINSZ, _winsize(cols, rows))
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        self.total = 0  # bytes read so far
        self.last_byte_at = 0.0
        self.first_byte_at = 0.0
        self.exit_status: int | None = None

    # --- output -----------------------------------------------------------------

    def _read_once(self, timeout: float) -> int:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return 0
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # the child has gone: the pty's other end is closed
            return -1
        if not chunk:
            return -1
        now = time.perf_counter()
        if not self.total:
            self.first_byte_at = now
        self.last_byte_at = now
        self.total += len(chunk)
        return len(chunk)

    def drain(self, seconds: float) -> int:
        """Read everything written during the next `seconds`; returns the byte count."""
        before = self.total
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            if self._read_once(left) < 0:
                break
        return self.total - before

    def settle(self, quiet: float, timeout: float = 30.0) -> int:
        """Wait for output, then until none comes for `quiet` seconds; returns the byte count."""
        before = self.total
        deadline = time.perf_counter() + timeout
        while self.total == before and time.perf_counter() < deadline:
            if self._read_once(deadline - time.perf_counter()) < 0:
                return self.total - before
        while time.perf_counter() < deadline:
            got = self._read_once(quiet)
            if got <= 0:
                break
        return self.total - before

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def resize(self, cols: int, rows: int) -> None:
        """Change the terminal's size; the kernel tells the app with SIGWINCH."""
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, _winsize(cols, rows))

    # --- the process --------------------------------------------------------------

    def cpu(self) -> float:
        """CPU seconds used by every thread of the app so far (nanosecond resolution)."""
        total = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # a thread that has just ended
        return total / 1e9

    def faults(self) -> int:
        """Minor page faults of the whole process so far (every thread): memory touched for the first time."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[7])  # minflt, the 10th field of /proc/PID/stat (the 8th after the name)

    def rss(self) -> int:
        """Resident memory in bytes."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def close(self, quit_keys: bytes = b"q", timeout: float = 5.0) -> int | None:
        """Quit with a key; if the app does not exit, end it (it is our own child)."""
        if self.exit_status is None:
            with contextlib.suppress(OSError):
                self.send(quit_keys)
            deadline = time.perf_counter() + timeout
            while time.perf_counter() < deadline:
                self._read_once(0.05)
                done, status = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    self.exit_status = status
                    break
            else:
                os.kill(self.pid, signal.SIGKILL)
                _, self.exit_status = os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)
        self._state_home.cleanup()
        return self.exit_status

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
