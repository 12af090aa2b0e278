"""Predicates for Machine.run_until: where to stop a run."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from gd_tui.engine.machine import Predicate, State


def step_done(step: int) -> Predicate:
    """Stop right after step `step` has executed."""
    return lambda state: state.last_step == step


def end_of_update() -> Predicate:
    """Stop after step 5, the end of the current update."""
    return step_done(5)


def end_of_epoch(state: State) -> Predicate:
    """Stop when the epoch under way (or the first one, before step 0) has ended."""
    target = state.epoch + 1
    return lambda s: s.epoch >= target


def epochs(count: int) -> Predicate:
    """Stop once `count` epochs have completed in all."""
    return lambda state: state.epoch >= count


@dataclass(frozen=True)
class Breakpoints:
    """The training events `continue` stops on; divergence always stops a run."""

    loss_below: float | None = None
    loss_went_up: bool = False
    grad_below: float | None = None  # the gradient's size, sqrt(b_grad² + w_grad²)
    epoch_reached: int | None = None

    def predicate(self, previous_loss: Callable[[], float | None]) -> Predicate:
        """A run_until predicate; `previous_loss()` gives the loss of the update before this one."""
        if not self.enabled:
            return lambda state: False
        return lambda state: self.which(state, previous_loss) is not None

    @property
    def enabled(self) -> bool:
        return self.active(0)  # every breakpoint set can hold from the start

    def active(self, epochs_done: int) -> bool:
        """Whether a breakpoint set can still hold after `epochs_done` epochs (an epoch passed cannot)."""
        return (
            self.loss_below is not None
            or self.loss_went_up
            or self.grad_below is not None
            or (self.epoch_reached is not None and self.epoch_reached >= epochs_done)
        )

    def describe(self) -> str:
        """The breakpoints set, in words: 'loss below 0.5, epoch 1000 reached' (or 'none')."""
        parts = [
            f"loss below {self.loss_below!r}" if self.loss_below is not None else "",
            "loss went up" if self.loss_went_up else "",
            f"gradient size below {self.grad_below!r}" if self.grad_below is not None else "",
            f"{self.epoch_reached} epochs done" if self.epoch_reached is not None else "",
        ]
        return ", ".join(part for part in parts if part) or "none"

    def which(self, state: State, previous_loss: Callable[[], float | None]) -> str | None:
        """A plain sentence naming the breakpoint that holds at `state`, if any.

        `previous_loss` is a callable so the history is read only when the check needs it.
        """
        if (
            self.loss_below is not None
            and state.last_step == 2
            and state.loss is not None
            and state.loss < self.loss_below
        ):
            return f"loss {apart(state.loss, self.loss_below)} is below {self.loss_below!r}"
        if self.loss_went_up and state.last_step == 2 and state.loss is not None:
            previous = previous_loss()
            if previous is not None and state.loss > previous:
                return f"loss went up: {apart(previous, state.loss)} → {apart(state.loss, previous)}"
        if self.grad_below is not None and state.last_step == 3:
            size = math.hypot(state.b_grad or 0.0, state.w_grad or 0.0)
            if size < self.grad_below:
                return f"gradient size {apart(size, self.grad_below)} is below {self.grad_below!r}"
        # At the step 5 that ends that epoch (batch 0 again), once: not at every later one.
        ended = state.last_step == 5 and state.batch == 0
        if self.epoch_reached is not None and ended and state.epoch == self.epoch_reached:
            return f"{state.epoch} {'epoch' if state.epoch == 1 else 'epochs'} done"
        return None


def apart(value: float, other: float, digits: int = 4) -> str:
    """`value` with as many significant digits as it takes to read as different from `other`.

    A message must never read as false: 0.00099991 "below 0.001" is not shown as 1.00e-03.
    """
    value, other = float(value), float(other)
    for precision in range(digits, 18):
        text = f"{value:.{precision}g}"
        # Both sides of a message are shown this way: they differ as text, not only as numbers.
        if value == other or text != f"{other:.{precision}g}":
            return text
    return repr(value)
