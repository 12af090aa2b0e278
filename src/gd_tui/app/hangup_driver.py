"""Textual's LinuxDriver (8.2.8), with what a hang-up needs: no output write may block for ever.

Why a process could stay alive for ever after its terminal hung up (issue 17):

1. On a hang-up the kernel sends the session leader SIGHUP and then SIGCONT. LinuxDriver takes
   any SIGCONT as "back from ctrl+z" and calls start_application_mode again. Its guard against
   a terminal it cannot use is `if os.isatty(...)`, and a hung-up terminal is no longer a tty:
   the guard is skipped, and a second writer thread (and input thread) replaces the first.
2. WriterThread.run does not catch the EIO that the dead terminal gives: the new writer thread
   dies at its first flush, and its queue holds 30 writes. The 31st `put` blocks the event loop
   for ever: in a redraw, in disable_input, or in close(), which puts None and joins. The first
   writer thread, orphaned, waits in `get` on its own queue for ever (the two stacks of issue 17).

How many writes come between the SIGCONT and the exit decides it: a run redraws 30 times a
second and a resize storm more, so 30 were often reached. Even without the SIGCONT, the first
writer dies at its first write after the hang-up, and the same count decides.

The workarounds here, each for one of those:

- SIGCONT resumes application mode only after a SIGTSTP suspended it, onto a terminal that is
  still a tty, and never after a hang-up.
- write() and close() never wait on a writer thread that has died: what it would have written
  is dropped (the terminal is gone), and a writer that died on its own is taken as a hang-up.
  After a hang-up write() waits on a full queue (a stalled terminal) at most until WRITE_BOUND;
  close() gives what is queued WRITE_BOUND from its own start, so a terminal that is still
  there is put back as it was, and a normal quit flushes everything as before.
- A read that fails because the terminal has gone is a hang-up, not a crash with a traceback.
"""

from __future__ import annotations

import os
import queue
import time
from typing import TYPE_CHECKING, Any

from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver

from gd_tui.app.hangup import WRITE_BOUND, HangUp, HangUpApp

if TYPE_CHECKING:
    from textual.app import App

POLL = 0.1  # seconds a full queue is waited on before checking the writer thread still lives


class HangUpDriver(LinuxDriver):
    """LinuxDriver whose output never blocks on a dead or hung-up terminal."""

    def __init__(self, app: App[Any], **options: Any) -> None:
        super().__init__(app, **options)
        watch = app.hang_up if isinstance(app, HangUpApp) else None
        assert watch is not None, "HangUp.install puts this driver in place, for its own app"
        self.watch: HangUp = watch
        self.watch.driver = self
        self.watch.loop = self._loop
        self._closed_writer: WriterThread | None = None  # stopped by close(), not dead by accident

    def _sigcont_application(self, *args: Any) -> None:
        # Resume only what a SIGTSTP suspended (it set _must_signal_resume), onto a live terminal.
        if self._must_signal_resume and self.watch.at is None and os.isatty(self.fileno):
            super()._sigcont_application(*args)

    def write(self, data: str) -> None:
        writer = self._writer_thread
        assert writer is not None, "Driver must be in application mode"
        self._put(writer, data)

    def close(self) -> None:
        writer = self._writer_thread
        if writer is None:
            return
        self._closed_writer = writer
        self._put(writer, None)
        # What is queued (leaving the alternate screen among it) gets WRITE_BOUND from now to
        # reach the terminal. Counted from the hang-up instead, a hang-up during a slow start
        # left the terminal in the alternate screen; a dead terminal ends the writer at once.
        deadline = time.monotonic() + WRITE_BOUND
        while writer.is_alive() and time.monotonic() < deadline:
            writer.join(POLL)

    def _put(self, writer: WriterThread, item: str | None) -> None:
        """WriterThread.write, but never for ever on a writer that cannot take it."""
        while True:
            if not writer.is_alive():
                if writer is not self._closed_writer:
                    self.watch.hang_up()  # it died writing to the terminal: the terminal is gone
                return
            try:
                writer._queue.put(item, timeout=POLL)
                return
            except queue.Full:
                if self.watch.past_write_bound():
                    return

    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        except OSError:
            if os.isatty(self.fileno):
                raise  # an error on a live terminal: Textual's panic, as before
            self.watch.hang_up()  # the terminal hung up under the read
