"""A browser tab without a browser: `gd-tui serve`'s websocket, read through a terminal emulator.

The page that textual-serve sends draws the terminal with xterm.js from binary websocket
frames and sends keys back as ["stdin", text]. `Tab` does the same with aiohttp and pyte,
and `Server` starts `gd-tui serve` on a free loopback port. The tests and
bench/serve_memory.py share both.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import aiohttp
import pyte

TIMEOUT = 60.0  # seconds; a loaded two-core machine starts a session in several
URL = re.compile(r"open (http://\S+)")


def children(pid: int) -> set[int]:
    """The pids whose parent is `pid` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses; the fields after its last ")" do not.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie counts as gone: it holds no memory and runs nothing)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT, what: str = "a condition") -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


class Server:
    """`gd-tui serve` on a free loopback port, in a process of its own."""

    def __init__(self, *args: str, state_home: Path, cwd: Path | None = None) -> None:
        env = {**os.environ, "XDG_STATE_HOME": str(state_home), "PYTHONUNBUFFERED": "1"}
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gd_tui", "serve", "--host", "127.0.0.1", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=cwd,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        match = URL.search(first)
        if match is None:
            self.process.kill()
            rest = self.process.stdout.read()
            raise AssertionError(f"gd-tui serve did not start: {first}{rest}")
        self.url: str = match.group(1)
        self.output = ""
        self.interrupted = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def sessions(self) -> set[int]:
        """The pids of the gd-tui processes serving tabs now."""
        return children(self.pid)

    def stop(self, timeout: float = TIMEOUT) -> int:
        """Ctrl+C, as a teacher would; returns the exit code and keeps the output."""
        if self.process.poll() is None and not self.interrupted:
            self.process.send_signal(signal.SIGINT)  # once: a second Ctrl+C would cut the autosaves short
            self.interrupted = True
        try:
            out, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        self.output += out or ""
        return self.process.returncode


class Tab:
    """One browser tab's session: keys in, terminal output into a pyte screen, text messages kept."""

    def __init__(self, http: aiohttp.ClientSession, url: str, columns: int = 120, rows: int = 40) -> None:
        self.http = http
        self.url = url
        self.columns, self.rows = columns, rows
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.messages: list[list[object]] = []
        self._pending: list[bytes] = []
        self._lock = threading.Lock()
        self.frames = 0
        self.closed = asyncio.Event()
        self._changed = asyncio.Event()
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def open(self) -> Tab:
        socket_url = self.url.replace("http://", "ws://", 1) + f"ws?width={self.columns}&height={self.rows}"
        self._socket = await self.http.ws_connect(socket_url)
        await self._socket.send_str(json.dumps(["resize", {"width": self.columns, "height": self.rows}]))
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self._socket is not None
        try:
            async for message in self._socket:
                if message.type == aiohttp.WSMsgType.BINARY:
                    # Kept, and fed to pyte only when the screen is read: pyte is slow, and a
                    # client busy parsing would miss the server's heartbeat with many tabs open.
                    self._pending.append(message.data)
                    self.frames += 1
                elif message.type == aiohttp.WSMsgType.TEXT:
                    self.messages.append(json.loads(message.data))
                self._changed.set()
        finally:
            self.closed.set()
            self._changed.set()

    def _feed(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
            if pending:
                self.stream.feed(b"".join(pending))

    @property
    def text(self) -> str:
        """The screen as lines of text."""
        self._feed()
        return "\n".join(self.screen.display)

    async def press(self, keys: str | Sequence[str]) -> None:
        """Send keys as the page does: one ["stdin", text] message per key."""
        assert self._socket is not None
        for key in [keys] if isinstance(keys, str) else keys:
            await self._socket.send_str(json.dumps(["stdin", key]))

    async def wait_for(self, condition: Callable[[str], bool] | str, timeout: float = TIMEOUT) -> str:
        """The screen's text once `condition` holds for it (a string: once the screen shows it)."""
        check = (lambda text: condition in text) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        while True:
            # pyte is slow: parsing in a thread keeps this loop answering the server's heartbeats
            # (a client that does not is dropped, as a frozen browser would be).
            await asyncio.to_thread(self._feed)
            if check(self.text):
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed.is_set():
                state = "closed" if self.closed.is_set() else f"still waiting after {timeout:g} s"
                raise AssertionError(f"{state}: {condition!r} not on screen:\n{self.text}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))
        return self.text

    async def wait_message(self, kind: str, count: int = 1, timeout: float = TIMEOUT) -> list[object]:
        """The first `count` text messages of this kind (such as "deliver_file_start")."""
        deadline = time.monotonic() + timeout
        while len(found := [m for m in self.messages if m and m[0] == kind]) < count:
            if time.monotonic() > deadline or self.closed.is_set():
                raise AssertionError(f"no {kind!r} message (got {self.messages})")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), 0.5)
        return found[:count]

    async def download(self, key: str) -> tuple[bytes, str]:
        """What the page's download link gives: the bytes and the Content-Disposition header."""
        async with self.http.get(f"{self.url}download/{key}") as response:
            response.raise_for_status()
            return await response.read(), response.headers.get("Content-Disposition", "")

    async def close(self) -> None:
        """Close the tab."""
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


def updates_done(count: int) -> Callable[[str], bool]:
    """A screen condition: the Parameters pane counts `count` finished updates."""
    pattern = re.compile(rf"· {count} updates? done")
    return lambda text: pattern.search(text) is not None


def next_step(text: str) -> str:
    """The "Next: step k, name" sentence on screen, or "" when none shows."""
    match = re.search(r"Next: step \d+, \w+", text)
    return "" if match is None else match.group(0)
