"""The runner: continue, run to a step, an update or an epoch, in time slices that a key can pause."""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from gd_tui.app.keys import key_for
from gd_tui.app.messages import done_already
from gd_tui.engine.breakpoints import Predicate, apart, end_of_epoch, end_of_update, step_done
from gd_tui.engine.limits import MAX_EPOCHS, MAX_T

if TYPE_CHECKING:
    from textual.app import App

    from gd_tui.app.view import View
    from gd_tui.engine import Machine
    from gd_tui.engine.machine import State

    _AppBase = App[None]
else:
    _AppBase = object

SLICE = 1 / 120  # a long run yields to keys this often (escape pauses within a slice)
FRAME = 1 / 30  # ... redraws the panes at most this often
CHART_FRAME = 1 / 5  # ... and the chart at most this often
TURNS = 8  # ... and gives the event loop this many turns between slices

# With no breakpoint set, continue stops once the run has converged: the gradient is
# this small, or an epoch changed the mean training loss by less than this, relatively.
GRAD_CONVERGED = 1e-8
LOSS_CONVERGED = 1e-12
# Mini-batches and single points keep the loss moving for ever: there the run is done
# once the epoch's mean loss has reached no new low for this many epochs.
PATIENCE = 100


def converged(machine: Machine) -> str | None:
    """Why the run counts as done at this step ('converged: …' or 'levelled off: …'), or None."""
    state = machine.state
    if state.last_step == 3 and state.b_grad is not None and state.w_grad is not None:
        size = math.hypot(state.b_grad, state.w_grad)
        if size < GRAD_CONVERGED:
            return f"converged: the gradient size {apart(size, GRAD_CONVERGED)} is below {GRAD_CONVERGED:g}"
    if state.last_step == 5 and state.batch == 0:  # an epoch just ended
        # Rows read one by one or from the held tail: `.values` would recompute every row a
        # long run no longer holds, at each epoch's end (a crawl after 65,536 epochs).
        losses = machine.history.epoch_loss
        count = len(losses)
        if count >= 2:
            before, after = float(losses[-2]), float(losses[-1])
            if abs(after - before) <= LOSS_CONVERGED * abs(before):
                change = f"changed by less than {LOSS_CONVERGED:g} (relative)"
                return f"converged: the epoch's mean loss {after:.12g} {change}"
        if machine.mode != "batch" and count > PATIENCE:
            # The lowest row held before the last PATIENCE epochs: every row of the last 65,536
            # epochs is held, an even sample of those before (history.py). A lower row thinned
            # away can only make a very long run go on longer than the exact rule, never stop sooner.
            _, earlier = losses.sample(count, stop=count - PATIENCE)
            best = float(earlier.min())
            recent = losses.rows(count - PATIENCE, count)
            # Levelled off, not climbing away: a loss that grows is a run diverging.
            if float(recent.min()) >= best * (1 - LOSS_CONVERGED) and float(recent.max()) <= 2 * best:
                # Not "converged": the mini-batch lessons show the loss wandering, and it still does.
                return f"levelled off: the epoch's mean loss has not gone below {best:.8g} in {PATIENCE} epochs"
    return None


def goto_target(text: str, epoch: int, update: int) -> tuple[Predicate, str]:
    """'1000' (epochs done) or 'u250' (updates done): the predicate to run to and its name."""
    match = re.fullmatch(r"\s*(u?)\s*(\d+)\s*", text.lower())
    if not match:
        raise ValueError(f"go to: type an epoch such as 1000, or u and an update such as u250 (got {text!r})")
    noun = "update" if match[1] else "epoch"
    # The limits' table bounds it (as `run --epochs` and the "epoch reached" breakpoint), and int()
    # of more than 4300 digits fails with Python's own words: the length is checked first.
    limit = MAX_T if match[1] else MAX_EPOCHS
    digits = match[2].lstrip("0") or "0"
    if len(digits) > len(str(limit)) or int(digits) > limit:
        shown = digits if len(digits) <= 20 else f"a number of {len(digits)} digits"
        raise ValueError(f"go to: the {noun} is too large (got {shown}); the largest allowed is {limit}")
    number = int(digits)
    if match[1]:
        if number <= update:
            raise ValueError(f"go to: {done_already('update', number, update)}")
        return (lambda state: state.update >= number and state.last_step == 5), f"update {number}"
    if number <= epoch:
        raise ValueError(f"go to: {done_already('epoch', number, epoch)}")
    return (lambda state: state.epoch >= number), f"epoch {number}"


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
        self._start(self._continue_predicate, None)

    def _continue_predicate(self) -> Predicate:
        """The breakpoints set, or with none set (or none that can still hold), convergence."""
        breakpoints = self.view.breakpoints
        if breakpoints.active(self.machine.state.epoch):
            return breakpoints.predicate(self._previous_loss)
        machine = self.machine
        return lambda state: converged(machine) is not None

    def _stop_reason(self) -> str:
        """Why continue stopped (not divergence: the banner says that)."""
        breakpoints = self.view.breakpoints
        if breakpoints.active(self.machine.state.epoch):
            return f"Breakpoint: {breakpoints.which(self.machine.state, self._previous_loss)}."
        why = str(converged(self.machine))
        if breakpoints.enabled:  # set, but passed: an epoch already done
            hint = f"No breakpoint set can hold any more, so continue stops here ({key_for('breakpoints')} sets them)."
        else:
            hint = f"With no breakpoint set, continue stops here ({key_for('breakpoints')} sets one)."
        return f"{why[0].upper()}{why[1:]}. {hint}"

    def _previous_loss(self) -> float | None:
        """The loss of the last completed update ("loss went up" compares with it)."""
        losses = self.machine.history.update_loss
        return float(losses[-1]) if len(losses) else None

    def action_pause(self) -> None:
        if self._run_active:
            self._stop("Paused.")
        elif self.screen.maximized is not None:
            self.screen.minimize()  # escape's second meaning, once nothing runs

    def _start(self, predicate: Callable[[], Predicate], target: str | None) -> None:
        """Run toward `target`; short runs finish within this key press, long ones go on in a worker."""
        self._stop()
        if self.machine.state.diverged:
            self._act()  # nothing runs: the DIVERGED banner already says what to do
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

        def stop_here(state: State) -> bool:
            nonlocal hit, at_limit
            hit = predicate(state)
            # A session records at most MAX_T steps: a run that went past could not be saved or resumed.
            at_limit = state.t >= MAX_T
            return hit or at_limit or time.perf_counter() > deadline

        at_limit = False
        reason = machine.run_until(stop_here)
        if at_limit and not hit and reason != "diverged":
            self._run_active = False
            self._act(f"Stopped at the step limit ({MAX_T:,} steps): a session goes no further.")
            return True
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
            message = self._stop_reason()
        self._act(message)
        return True

    async def _run(self, predicate: Callable[[], Predicate], target: str | None) -> None:
        """Go on in time slices so keys and redraws get their turn."""
        while self._run_active and not self._slice(predicate, target):
            # A key takes several turns of the event loop to reach its binding: with one
            # turn per slice, some 250 updates ran after a pausing key; with eight, none
            # (bench/run.py's pause row prints the updates run after the key).
            for _ in range(TURNS):
                await asyncio.sleep(0)
