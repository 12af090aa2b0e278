"""The runner: continue, run to a step, an update or an epoch, in time slices that a key can pause."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from gd_tui.app.keys import key_for
from gd_tui.engine.breakpoints import Predicate, end_of_epoch, end_of_update, step_done

if TYPE_CHECKING:
    from textual.app import App

    from gd_tui.app.view import View
    from gd_tui.engine import Machine

    _AppBase = App[None]
else:
    _AppBase = object

SLICE = 1 / 120  # a long run yields to keys this often (escape pauses within a slice)
FRAME = 1 / 30  # ... redraws the panes at most this often
CHART_FRAME = 1 / 5  # ... and the chart at most this often


class Runner(_AppBase):
    """Mixed into GDApp: the actions that run more than one step, and pausing them."""

    machine: Machine
    view: View
    _run_active: bool
    _drawn_at: float
    _chart_drawn_at: float

    if TYPE_CHECKING:  # GDApp's own, for the type checker

        def show_state(self, chart: bool = True) -> None: ...
        def say(self, message: str) -> None: ...
        def _act(self, message: str = "") -> None: ...

    def action_run_update(self) -> None:
        predicate = end_of_update()
        self._start(lambda: predicate, "end of update")

    def action_run_epoch(self) -> None:
        predicate = end_of_epoch(self.machine.state)
        self._start(lambda: predicate, "end of epoch")

    def action_run_to_step(self, step: int) -> None:
        if step == 0 and self.machine.state.t > 0:
            self._act(f"Step 0 runs once per session: {key_for('reset')} resets to before it.")
            return
        predicate = step_done(step)
        self._start(lambda: predicate, f"step {step} done")

    def action_continue(self) -> None:
        if self._run_active:
            self._stop("Paused.")
            return
        # Built again each time slice, so breakpoints changed mid-run apply to this run.
        self._start(lambda: self.view.breakpoints.predicate(self._previous_loss), None)

    def _previous_loss(self) -> float | None:
        """The loss of the last completed update ("loss went up" compares with it)."""
        losses = self.machine.history.update_loss
        return float(losses.values[-1]) if len(losses) else None

    def action_pause(self) -> None:
        if self._run_active:
            self._stop("Paused.")
        elif self.screen.maximized is not None:
            self.screen.minimize()  # escape's second meaning, once nothing runs

    def _start(self, predicate: Callable[[], Predicate], target: str | None) -> None:
        """Run toward `target`; short runs finish within this key press, long ones go on in a worker."""
        self._stop()
        if self.machine.state.diverged:
            self._act(
                f"The run has diverged: step back ({key_for('back')}), lower the learning rate "
                f"({key_for('lr_down')}) or reset ({key_for('reset')})."
            )
            return
        self._run_active = True
        # A key press that finishes at once must not wait for a worker: the next press
        # (a held key, fast typing) would otherwise cancel it before it ran.
        if not self._slice(predicate, target):
            pause = key_for("pause")
            self.say(
                f"Running… ({key_for('continue')} or {pause} pauses)"
                if target is None
                else f"Running to {target}… ({pause} stops)"
            )
            # A partial, not a coroutine: a run cancelled before it starts leaves nothing unawaited.
            self.run_worker(partial(self._run, predicate, target), exclusive=True, group="run")

    def _stop(self, message: str | None = None) -> None:
        if self._run_active:
            self._run_active = False
            self.workers.cancel_group(self, "run")
            self._act(message or "")

    def _slice(self, make_predicate: Callable[[], Predicate], target: str | None) -> bool:
        """Run for one frame's time; True when the run is over (target, breakpoint or divergence)."""
        machine = self.machine
        predicate = make_predicate()
        deadline = time.perf_counter() + SLICE
        hit = False

        def stop_here(state: object) -> bool:
            nonlocal hit
            hit = predicate(state)  # type: ignore[arg-type]
            return hit or time.perf_counter() > deadline

        reason = machine.run_until(stop_here)
        if reason != "diverged" and not hit:
            now = time.perf_counter()
            if now - self._drawn_at >= FRAME:
                chart = now - self._chart_drawn_at >= CHART_FRAME
                self.show_state(chart=chart)
                self._drawn_at = now
                if chart:
                    self._chart_drawn_at = now
            return False
        self._run_active = False
        message = ""
        if hit and target is None:
            message = f"Breakpoint: {self.view.breakpoints.which(machine.state, self._previous_loss)}."
        self._act(message)
        return True

    async def _run(self, predicate: Callable[[], Predicate], target: str | None) -> None:
        """Go on in time slices so keys and redraws get their turn."""
        while self._run_active and not self._slice(predicate, target):
            await asyncio.sleep(0)
