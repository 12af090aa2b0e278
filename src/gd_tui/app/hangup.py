"""Hang-ups: SIGHUP, SIGTERM or a terminal that dies under the app. Save the session, then go.

A dropped SSH connection hangs the terminal up: the kernel sends SIGHUP and then SIGCONT,
reads give EOF (or EIO) and writes EIO. With Textual 8.2.8 alone the process could then wait
for ever at exit; hangup_driver.py says why and works around it. This module makes sure that,
whatever else happens, a hang-up ends the same way, within a bound:

- The signal handler only takes a note and asks the event loop to save: the session is saved
  between two messages (never halfway through a step), by GDApp._hang_up.
- Input already queued behind the hang-up (a held key's backlog, a resize storm) would run
  first, for seconds. The first such event handled after it saves instead, and the rest are
  dropped (HangUpApp.on_event).
- A watchdog thread, woken by the hang-up, ends the process BOUND seconds after it if the
  normal way out has not: it saves if nothing was saved, puts the terminal back as far as it
  still can, writes the one line that says where the session went, and calls os._exit.

A normal quit (q, ctrl+c) never wakes the watchdog and goes out as it always did.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App

from gd_tui.session import autosave_report

if TYPE_CHECKING:
    from textual.drivers.linux_driver import LinuxDriver

# Seconds from a hang-up: the watchdog acts at BOUND and is done by BOUND + 2 * SAY_BOUND; a busy
# machine must still find the process gone well within 5 s.
BOUND = 3.0  # the watchdog ends the process, should the normal way out be stuck
WRITE_BOUND = 1.0  # a full output queue (a stalled terminal) is waited on no longer
SAY_BOUND = 0.25  # the last line waits this long at most for room on the terminal
LAST_BOUND = 2.0  # the last resort's save, on a loaded machine, before the process ends regardless
SIGNALS = tuple(getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name))
INPUT = (events.InputEvent, events.Paste, events.Resize)
# What Textual writes when it leaves application mode: for a watchdog that finds it never did.
RESTORE = "\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?7h"


class HangUpApp(App[None]):
    """An App whose queued input gives way to a hang-up; GDApp saves in _hang_up and _autosave."""

    hung_up = False  # a hang-up has come (set from a signal handler or the input thread)
    hang_up: HangUp | None = None  # what watches for it, in a real terminal (run_app)

    autosaved: Path | None = None  # where the hang-up saved the session
    autosave_error: str | None = None  # or why it could not

    def _hang_up(self) -> None:
        """Save the session and exit; idempotent."""
        raise NotImplementedError

    def _autosave(self) -> None:
        """Save the session (nothing on screen: the watchdog thread may call it)."""
        raise NotImplementedError

    async def on_event(self, event: events.Event) -> None:
        if self.hung_up and isinstance(event, INPUT):
            # Between two messages: a safe point to save. The event itself is dropped.
            self._hang_up()
            return
        await super().on_event(event)


def saved(app: HangUpApp) -> bool:
    """The hang-up's save has been tried (it may have failed: autosave_error says why)."""
    return app.autosaved is not None or app.autosave_error is not None


def last_line(app: HangUpApp) -> str | None:
    """The line on stderr after a hang-up: where the session went, or why it could not.

    Then one more line for each old autosave removed to keep the newest (rarely any).
    """
    lines = autosave_report(app.autosaved, app.autosave_error)
    return "\n".join(lines) if lines else None


def exit_code(app: HangUpApp) -> int:
    return 1 if app.autosave_error is not None else 0


def write_within(fd: int, text: str, seconds: float) -> None:
    """Write to a terminal that may be gone (EIO) or stalled (no room): give up after `seconds`."""
    data = memoryview(text.encode("utf-8", "replace"))
    deadline = time.monotonic() + seconds
    while data:
        left = deadline - time.monotonic()
        try:
            if left <= 0 or not select.select([], [fd], [], left)[1]:
                return
            data = data[os.write(fd, data) :]
        except (OSError, ValueError):
            return


class HangUp:
    """Watches one app in a real terminal for hang-ups; `install` before app.run(), `finish` after."""

    def __init__(self, app: HangUpApp) -> None:
        self.app = app
        self.at: float | None = None  # time.monotonic() of the hang-up
        self.loop: asyncio.AbstractEventLoop | None = None  # the app's, once its driver exists
        self.driver: LinuxDriver | None = None
        self._wake, self._waker = os.pipe()
        os.set_blocking(self._waker, False)
        self._say_lock = threading.Lock()
        self._said = False

    def install(self) -> None:
        """Signal handlers, the terminal driver with the workarounds, and the watchdog (asleep)."""
        self.app.hang_up = self
        for signal_number in SIGNALS:
            signal.signal(signal_number, self._on_signal)
        with contextlib.suppress(ImportError):  # no termios: not a POSIX terminal
            from textual.drivers.linux_driver import LinuxDriver

            from gd_tui.app.hangup_driver import HangUpDriver

            if self.app.driver_class is LinuxDriver:  # not the web driver of `serve`, nor a test's
                self.app.driver_class = HangUpDriver
        threading.Thread(target=self._watch, name="gd-tui-hang-up", daemon=True).start()

    def _on_signal(self, signal_number: int, frame: object) -> None:
        self.hang_up()

    def hang_up(self) -> None:
        """A hang-up (from a signal handler or any thread): save at the next safe point and go."""
        if self.at is not None:
            return
        self.at = time.monotonic()
        self.app.hung_up = True  # on_mount saves if the app is not up yet
        with contextlib.suppress(OSError):
            os.write(self._waker, b"!")
        # In a signal handler the running loop is this thread's; from the input thread, the driver's.
        loop = asyncio.events._get_running_loop() or self.loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: finish() saves
                loop.call_soon_threadsafe(self.app._hang_up)

    def past_write_bound(self) -> bool:
        """A hang-up came long enough ago that output still queued can be dropped."""
        return self.at is not None and time.monotonic() > self.at + WRITE_BOUND

    def finish(self) -> int:
        """After app.run(): the exit code; after a hang-up, the one line saying where the session went."""
        app = self.app
        if not app.hung_up:
            return app.return_code or 0  # a normal quit, as it always was
        if not saved(app):
            app._autosave()  # the app ended before the event loop got to the save
        self.say()
        return exit_code(app)

    def say(self) -> None:
        """Write the last line once, whichever thread gets here first."""
        if not self._say_lock.acquire(timeout=SAY_BOUND):
            return
        try:
            line = last_line(self.app)
            if not self._said and line is not None:
                self._said = True
                write_within(2, line + "\n", SAY_BOUND)
        finally:
            self._say_lock.release()

    # --- the watchdog ----------------------------------------------------------------

    def _watch(self) -> None:
        with contextlib.suppress(OSError):
            os.read(self._wake, 1)  # asleep until a hang-up
        at = self.at if self.at is not None else time.monotonic()
        time.sleep(max(0.0, at + BOUND - time.monotonic()))
        # Still here: the normal way out is stuck. The last resort runs in a thread of its own so
        # that nothing it does (a write to a stalled terminal) can keep the process alive.
        last = threading.Thread(target=self._last_resort, name="gd-tui-last-resort", daemon=True)
        last.start()
        last.join(LAST_BOUND)
        os._exit(exit_code(self.app))

    def _last_resort(self) -> None:
        app = self.app
        # The terminal first: it takes microseconds, while a save on a loaded machine can take
        # longer than the watchdog waits for this thread (a test saw the alternate screen left on).
        driver = self.driver
        if driver is not None and os.isatty(driver.fileno):  # a terminal that is still there
            with contextlib.suppress(Exception):
                import termios

                if driver.attrs_before is not None:
                    termios.tcsetattr(driver.fileno, termios.TCSANOW, driver.attrs_before)
                write_within(2, RESTORE, SAY_BOUND / 2)
        if not saved(app):
            # The event loop never got to it (it is stuck): nothing is moving the machine.
            with contextlib.suppress(Exception):
                app._autosave()
        self.say()
