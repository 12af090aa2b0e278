"""run_until and its predicates: a run stops exactly where the learner asked."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import pairwise

import pytest

from gd_tui.engine import Config, Machine
from gd_tui.engine.breakpoints import Breakpoints, apart, end_of_epoch, end_of_update, epochs, step_done

MINI = Config(batch_size=16)  # 5 updates per epoch, 5 steps per update


def previous_loss_of(machine: Machine) -> Callable[[], float | None]:
    """The loss of the update before the one under way, as the app supplies it."""
    history = machine.history.update_loss

    def previous_loss() -> float | None:
        return float(history.values[-1]) if len(history) else None

    return previous_loss


@pytest.mark.parametrize("step", range(6))
def test_step_done_stops_right_after_that_step_first_runs(step: int) -> None:
    machine = Machine(MINI)
    assert machine.run_until(step_done(step)) == "reached"
    assert machine.state.last_step == step
    assert machine.state.t == step + 1
    if step > 0:
        # And next time, one whole update (five steps) later.
        update = machine.state.update
        machine.run_until(step_done(step))
        assert machine.state.t == step + 6 and machine.state.update == update + 1


def test_end_of_update_completes_the_update_under_way() -> None:
    machine = Machine(MINI)
    machine.advance()
    machine.advance()  # forward of update 1
    assert machine.run_until(end_of_update()) == "reached"
    state = machine.state
    assert (state.last_step, state.cursor, state.update, state.t) == (5, 1, 1, 6)
    machine.run_until(end_of_update())
    assert (machine.state.update, machine.state.t) == (2, 11)


def test_end_of_epoch_from_the_start_runs_one_whole_epoch() -> None:
    machine = Machine(MINI)
    assert machine.run_until(end_of_epoch(machine.state)) == "reached"
    state = machine.state
    assert (state.epoch, state.update, state.last_step) == (1, 5, 5)
    assert state.t == 1 + 5 * 5
    assert len(machine.history.val_loss) == 1


def test_end_of_epoch_mid_epoch_stops_at_its_end_and_at_an_epoch_end_runs_the_next() -> None:
    machine = Machine(MINI)
    for _ in range(13):  # into the third update of epoch 0
        machine.advance()
    machine.run_until(end_of_epoch(machine.state))
    assert (machine.state.epoch, machine.state.update, machine.state.t) == (1, 5, 26)
    machine.run_until(end_of_epoch(machine.state))  # right at an epoch's end: the whole next one
    assert (machine.state.epoch, machine.state.update, machine.state.t) == (2, 10, 51)


def test_epochs_counts_completed_epochs_in_all() -> None:
    machine = Machine(MINI)
    assert machine.run_until(epochs(3)) == "reached"
    assert (machine.state.epoch, machine.state.update, machine.state.t) == (3, 15, 76)
    machine.run_until(epochs(7))
    assert machine.state.epoch == 7 and machine.state.t == 1 + 7 * 25


def test_run_until_stops_after_max_steps() -> None:
    machine = Machine()
    assert machine.run_until(lambda state: False, max_steps=123) == "max_steps"
    assert machine.state.t == 123


def test_run_until_always_stops_on_divergence() -> None:
    machine = Machine(Config(lr=1.5))
    assert machine.run_until(lambda state: False, max_steps=10**6) == "diverged"
    assert machine.state.diverged


def test_breakpoint_loss_below_stops_on_the_first_loss_under_the_threshold() -> None:
    machine = Machine()
    breakpoints = Breakpoints(loss_below=0.05)
    previous = previous_loss_of(machine)
    assert machine.run_until(breakpoints.predicate(previous)) == "reached"
    state = machine.state
    assert state.last_step == 2 and state.loss is not None and state.loss < 0.05
    assert all(loss >= 0.05 for loss in machine.history.update_loss.values)
    message = breakpoints.which(state, previous)
    assert message is not None and "below 0.05" in message


def test_breakpoint_loss_went_up_stops_on_the_first_rise() -> None:
    machine = Machine(Config(batch_size=1))  # stochastic: the loss jumps around
    breakpoints = Breakpoints(loss_went_up=True)
    previous = previous_loss_of(machine)
    assert machine.run_until(breakpoints.predicate(previous)) == "reached"
    state = machine.state
    losses = machine.history.update_loss.values
    assert state.last_step == 2 and len(losses) >= 1
    assert state.loss is not None and state.loss > losses[-1]
    assert all(later <= earlier for earlier, later in pairwise(losses))
    message = breakpoints.which(state, previous)
    assert message is not None and "went up" in message


def test_breakpoint_loss_went_up_never_fires_on_the_first_update() -> None:
    machine = Machine()
    breakpoints = Breakpoints(loss_went_up=True)
    machine.run_until(step_done(2))
    assert breakpoints.which(machine.state, previous_loss_of(machine)) is None


def test_breakpoint_grad_below_stops_when_the_gradient_gets_small() -> None:
    machine = Machine()
    breakpoints = Breakpoints(grad_below=1e-3)
    previous = previous_loss_of(machine)
    assert machine.run_until(breakpoints.predicate(previous)) == "reached"
    state = machine.state
    assert state.last_step == 3 and state.b_grad is not None and state.w_grad is not None
    assert math.hypot(state.b_grad, state.w_grad) < 1e-3
    # The update before had a larger gradient, or it would have stopped there.
    machine.back()
    machine.run_until(step_done(3))  # same position again
    for _ in range(5):
        machine.back()
    assert machine.state.b_grad is not None and machine.state.w_grad is not None
    assert math.hypot(machine.state.b_grad, machine.state.w_grad) >= 1e-3
    message = breakpoints.which(state, previous)
    assert message is not None and "gradient" in message


def test_breakpoint_epoch_reached() -> None:
    machine = Machine(MINI)
    breakpoints = Breakpoints(epoch_reached=4)
    previous = previous_loss_of(machine)
    assert machine.run_until(breakpoints.predicate(previous)) == "reached"
    assert (machine.state.epoch, machine.state.last_step, machine.state.t) == (4, 5, 101)
    assert breakpoints.which(machine.state, previous) == "4 epochs done"


def test_disabled_breakpoints_never_stop_a_run() -> None:
    breakpoints = Breakpoints()
    assert not breakpoints.enabled
    machine = Machine()
    previous = previous_loss_of(machine)
    assert machine.run_until(breakpoints.predicate(previous), max_steps=5000) == "max_steps"
    assert breakpoints.which(machine.state, previous) is None


def test_breakpoints_report_nothing_when_no_condition_holds() -> None:
    machine = Machine()
    machine.run_until(step_done(3))
    breakpoints = Breakpoints(loss_below=1e-9, grad_below=1e-9, epoch_reached=50, loss_went_up=True)
    assert breakpoints.enabled
    assert breakpoints.which(machine.state, previous_loss_of(machine)) is None


def test_the_previous_loss_is_read_only_when_a_check_needs_it() -> None:
    calls: list[int] = []

    def previous_loss() -> float | None:
        calls.append(1)
        return None

    machine = Machine()
    machine.run_until(step_done(3))  # not a loss step: loss_went_up has nothing to compare
    Breakpoints(loss_went_up=True).which(machine.state, previous_loss)
    assert calls == []


@pytest.mark.parametrize(
    ("before", "after"), [(0.0080451234, 0.0080451298), (1.0, 1.0000000000000002), (2.5e-7, 2.5000001e-7)]
)
def test_a_rise_reads_as_a_rise(before: float, after: float) -> None:
    # "loss went up: 0.008045 → 0.008045" read as false: the two sides must differ as text.
    assert apart(before, after) != apart(after, before)
    assert float(apart(before, after)) < float(apart(after, before))


@pytest.mark.parametrize("batch_size", [80, 16])
def test_epoch_reached_holds_once_at_the_end_of_that_epoch(batch_size: int) -> None:
    # It had held at every later epoch's end (and, in mini-batch, every later batch).
    machine = Machine(Config(batch_size=batch_size))
    breakpoints = Breakpoints(epoch_reached=2)
    held = []
    while machine.state.epoch < 4:
        state = machine.advance()
        if breakpoints.which(state, lambda: None) is not None:
            held.append((state.epoch, state.batch, state.last_step))
    assert held == [(2, 0, 5)]
