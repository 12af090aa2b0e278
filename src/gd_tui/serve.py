"""`gd-tui serve`: every browser tab gets its own gd-tui process, through textual-serve.

textual-serve (an optional extra) runs one app process per websocket: the browser's page
draws the terminal, the server relays keys in and output out. This module adds what a
classroom needs on top of it:

- a session limit: past it, a plain "the class is full" page instead of a hung socket;
- no orphans: closing a tab asks the app to quit, then terminates and finally kills it
  within a few seconds; every child also dies with the server (Linux: PR_SET_PDEATHSIG);
- Ctrl+C on the server hangs up every session (SIGHUP, as a dropped SSH connection
  does), so each one autosaves, each to a directory of its own;
- the socket is bound before anything starts, so a port in use or a bad host is one line;
- the page's URLs come from the request, so a student reaches the server by any name.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import ipaddress
import logging
import math
import signal
import socket
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from gd_tui.session import state_dir

log = logging.getLogger("gd-tui.serve")

QUIT_GRACE = 2.0  # seconds an app has to quit after its tab closed, before SIGTERM
TERM_GRACE = 2.0  # and then before SIGKILL
HANGUP_GRACE = 5.0  # seconds every session has to autosave when the server stops
FULL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>gd-tui: the class is full</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>The class is full</h1>
<p>All {limit} gd-tui sessions on this server are in use. When someone closes a tab,
reload this page to take the free seat.</p>
</body></html>
"""
FULL_TERMINAL = "\r\nThe class is full: all {limit} gd-tui sessions are in use. Reload when a seat is free.\r\n"
# The terminal size a tab asks for (ws?width=&height= and its resize messages) is the browser's
# word: a negative one crashed Textual's compositor, 3000 x 3000 cells took gigabytes. Clamped here.
MAX_COLUMNS = 1000
MAX_ROWS = 500


def terminal_size(width: object, height: object) -> tuple[int, int]:
    """A tab's terminal size in cells, each from 1 to MAX_COLUMNS by MAX_ROWS (80 x 24 for what is no number)."""
    return _cells(width, 80, MAX_COLUMNS), _cells(height, 24, MAX_ROWS)


def _cells(value: object, default: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return default
    return min(max(int(value), 1), high)


@dataclass(frozen=True)
class Options:
    """What `gd-tui serve` was asked for; `app_args` go to every session's gd-tui."""

    host: str
    port: int
    max_sessions: int
    app_args: tuple[str, ...]


class ServeError(Exception):
    """The server cannot start; the message is one line."""


def is_loopback(host: str) -> bool:
    """True when every address `host` names is on this machine only."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return False
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port), or a ServeError naming the problem."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as error:
        reason = error.strerror if isinstance(error, socket.gaierror) else str(error)
        raise ServeError(f"--host: cannot resolve {host!r} ({reason})") from None
    family, kind, proto, _, address = infos[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise ServeError(f"--port: {port} is in use on {host}; pick another port") from None
        if error.errno == errno.EACCES:
            raise ServeError(f"--port: {port} needs privileges on this machine; use a port above 1023") from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise ServeError(f"--host: {host} is not an address of this machine") from None
        raise ServeError(f"--host/--port: cannot listen on {host}:{port} ({error.strerror})") from None
    listener.setblocking(False)
    return listener


def url_of(listener: socket.socket, host: str) -> str:
    """The address to open in a browser for this listening socket."""
    port = listener.getsockname()[1]
    shown = "localhost" if host in ("", "0.0.0.0", "::") else host  # every address: this one works here
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up in the server (Linux), so that the forked child imports nothing."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return cast("Callable[..., int]", ctypes.CDLL(None).prctl)
    except (OSError, AttributeError):
        return None


PRCTL = _prctl()
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: SIGHUP when the server dies, however it dies (Linux only)."""
    # A server killed with SIGKILL cannot hang up its sessions; the kernel can. Between fork
    # and exec only a plain C call is safe (another thread may hold the import lock).
    if PRCTL is not None:
        PRCTL(PR_SET_PDEATHSIG, int(signal.SIGHUP))


class Session(AppService):
    """One browser tab's gd-tui: started without a shell, in a process group of its own."""

    def __init__(self, argv: Sequence[str], state_home: Path, **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = tuple(argv)
        self.state_home = state_home

    @property
    def pid(self) -> int | None:
        """The app's process id, once started."""
        return None if self._process is None else self._process.pid

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        # Each session autosaves to a directory of its own: forty students, forty files.
        environment["XDG_STATE_HOME"] = str(self.state_home)
        return environment

    async def start(self, width: int, height: int) -> None:
        await super().start(*terminal_size(width, height))

    async def set_terminal_size(self, width: int, height: int) -> None:
        # A resize message's values come straight from the page's JSON: any type, any size.
        await super().set_terminal_size(*terminal_size(width, height))

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        # exec, not a shell: the pid is the app's own, so ending it ends the app. A session of
        # its own: Ctrl+C in the server's terminal reaches the server only, which then hangs up
        # each app so that it autosaves (SIGINT would just quit it).
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
            preexec_fn=_die_with_parent if PRCTL is not None else None,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        await super().run()
        # The app's output ended (it quit, or it crashed): the tab has nothing left to show.
        with contextlib.suppress(Exception):
            await self.remote_close()

    async def stop(self) -> None:
        """Ask the app to quit; terminate it, then kill it, if it does not. Never leaves a zombie."""
        await self._end(quit_first=True)

    async def hang_up(self) -> None:
        """SIGHUP, as a dropped connection: the app autosaves and exits."""
        await self._end(quit_first=False)

    async def _end(self, quit_first: bool) -> None:
        process = self._process
        if process is None:
            return
        if quit_first and self._task is not None and process.returncode is None:
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            await self.send_meta({"type": "quit"})
            await self._wait(process, QUIT_GRACE)
        elif process.returncode is None:
            _signal(process, signal.SIGHUP)
            await self._wait(process, HANGUP_GRACE)
        if process.returncode is None:
            _signal(process, signal.SIGTERM)
            await self._wait(process, TERM_GRACE)
        if process.returncode is None:
            _signal(process, signal.SIGKILL)
            await process.wait()
        if self._task is not None:
            task, self._task = self._task, None
            await task

    @staticmethod
    async def _wait(process: asyncio.subprocess.Process, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), seconds)


def _signal(process: asyncio.subprocess.Process, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(number)


class ClassServer(Server):
    """textual-serve's Server with a session limit, clean endings and request-relative URLs."""

    def __init__(self, options: Options, url: str) -> None:
        argv = (sys.executable, "-m", "gd_tui", *options.app_args)
        super().__init__(" ".join(argv), host=options.host, port=options.port, title="gd-tui")
        self.argv = argv
        self.options = options
        self.url = url
        self.sessions: dict[str, Session] = {}
        self.started = 0  # sessions started since the server did (names their autosave directories)
        self.saves_root = state_dir() / "served" / time.strftime("%Y%m%d-%H%M%S")
        self.stopping = False

    def request_exit(self) -> None:
        # From here on a session whose tab closes hangs up (and autosaves) rather than quits:
        # aiohttp may close the tabs' sockets before on_shutdown runs.
        self.stopping = True
        super().request_exit()

    def initialize_logging(self) -> None:
        # textual-serve logs every request; a teacher needs the warnings only.
        logging.basicConfig(level=logging.WARNING, format="gd-tui serve: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        print(
            f"gd-tui serve: open {self.url} (one gd-tui per browser tab, at most "
            f"{self.options.max_sessions}); Ctrl+C ends every session",
            flush=True,
        )

    def _full(self) -> bool:
        return len(self.sessions) >= self.options.max_sessions

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page that draws the terminal, or a plain page when the class is full."""
        if self._full():
            return web.Response(
                text=FULL_PAGE.format(limit=self.options.max_sessions),
                content_type="text/html",
                status=503,
                headers={"Retry-After": "30"},
            )
        # The browser reaches us by the name in its address bar, whatever --host was.
        origin = f"{request.scheme}://{request.host}"
        websocket = "wss" if request.scheme == "https" else "ws"
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{websocket}://{request.host}{request.app.router['websocket'].url_for()}",
            "config": {"static": {"url": f"{origin}{request.app.router['static'].url_for(filename='/')}"}},
            "application": {"name": "gd-tui"},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: start its gd-tui, relay until either side ends, then end the process."""
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if self._full():
            # A tab opened before the class filled up: it says so, rather than hanging.
            await websocket.send_bytes(FULL_TERMINAL.format(limit=self.options.max_sessions).encode())
            await websocket.close()
            return websocket
        self.started += 1
        session = Session(
            self.argv,
            self.saves_root / f"session-{self.started}",
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.sessions[session.app_service_id] = session
        try:
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            await session.start(width, height)
            await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # one tab's trouble must not stop the class
            log.warning("a session failed: %s", error)
        finally:
            try:
                await asyncio.shield(session.hang_up() if self.stopping else session.stop())
            finally:
                self.sessions.pop(session.app_service_id, None)
                with contextlib.suppress(Exception):
                    await websocket.close()
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        """Ctrl+C: every session hangs up (and autosaves), all at once, then the tabs close."""
        sessions = list(self.sessions.values())
        await asyncio.gather(*(session.hang_up() for session in sessions), return_exceptions=True)
        saved = sorted(self.saves_root.glob("session-*/gd-tui/*.json")) if self.saves_root.is_dir() else []
        if sessions:
            print(
                f"gd-tui serve: ended {len(sessions)} session(s); {len(saved)} saved under {self.saves_root} "
                "(gd-tui --resume FILE reopens one)",
                flush=True,
            )


def serve(options: Options) -> int:
    """Run the server until Ctrl+C (or SIGTERM); returns the exit code."""
    listener = bind(options.host, options.port)
    url = url_of(listener, options.host)
    if not is_loopback(options.host):
        print(
            f"gd-tui serve: warning: listening on {options.host}, beyond this machine. There is no login: "
            "anyone who can reach this address gets a session. Put it behind a proxy with a login, "
            "or use it on a trusted network only.",
            file=sys.stderr,
            flush=True,
        )
    server = ClassServer(options, url)
    server.initialize_logging()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, server.request_exit)
    try:
        # Sessions end in on_shutdown; the rest of aiohttp's shutdown need not wait a minute.
        web.run_app(
            server._make_app(),
            sock=listener,
            handle_signals=False,
            loop=loop,
            print=None,
            shutdown_timeout=HANGUP_GRACE + TERM_GRACE + 1,
        )
    finally:
        for number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(number)
        if not loop.is_closed():
            loop.close()
        asyncio.set_event_loop(None)
        listener.close()
    return 0


__all__ = ["ClassServer", "Options", "ServeError", "Session", "bind", "is_loopback", "serve"]
