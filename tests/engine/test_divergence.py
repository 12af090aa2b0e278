"""Divergence is flagged where it happens; NumPy stays silent and nothing is raised."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator

import numpy as np
import pytest

from gd_tui.engine import Config, Machine, State
from gd_tui.engine.analysis import mse, numerical_gradients
from gd_tui.engine.breakpoints import epochs


@pytest.fixture(autouse=True)
def _numpy_warnings_are_errors(capfd: pytest.CaptureFixture[str]) -> Iterator[None]:
    # A NumPy floating-point warning would print in the learner's terminal; here it raises instead.
    before = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    assert np.geterr() == before, "the engine must not change NumPy's global error settings"
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def non_finite(state: State) -> bool:
    values = [state.loss, state.b_grad, state.w_grad, state.val_loss]
    if state.b is not None and state.w is not None:
        values += [state.b[0], state.w[0]]
    return any(value is not None and not math.isfinite(value) for value in values)


DIVERGING = [
    pytest.param(Config(lr=1.1), id="lr-1.1"),
    pytest.param(Config(feature="bad"), id="bad-feature-lr-0.1"),
    pytest.param(Config(feature="bad", batch_size=16), id="bad-feature-minibatch"),
    pytest.param(Config(feature="bad", batch_size=1), id="bad-feature-stochastic"),
    pytest.param(Config(lr=100.0, init_b=1e6, init_w=-1e6), id="huge-start"),
]


@pytest.mark.parametrize("config", DIVERGING)
def test_divergence_is_flagged_at_the_first_non_finite_value(config: Config) -> None:
    machine = Machine(config)
    assert machine.run_until(epochs(10_000)) == "diverged"
    state = machine.state
    assert state.diverged and state.diverged_at is not None
    assert non_finite(state)

    # Step a fresh machine until a value first stops being finite: that is where it diverged.
    scan = Machine(config)
    while not non_finite(scan.advance()):
        assert not scan.state.diverged
    first = scan.state
    assert first.diverged
    assert first.t == state.t, "run_until stops on the step that diverged"
    epoch, update, step = first.diverged_at  # type: ignore[misc]
    assert step == first.last_step
    assert update == first.update
    assert epoch in (first.epoch, first.epoch - 1)  # the epoch under way when it happened
    assert step in (2, 3, 4, 5)


def test_lr_above_the_critical_rate_diverges_within_the_advertised_time() -> None:
    # lr 1.1 on the book data: |1 - 1.1 λmax| ≈ 1.73 per update, so float64 overflows in a few hundred.
    machine = Machine(Config(lr=1.1))
    assert machine.run_until(epochs(2000)) == "diverged"
    assert machine.state.epoch < 2000
    assert machine.state.diverged_at is not None
    losses = machine.history.update_loss.values
    assert np.all(np.diff(losses[np.isfinite(losses)]) > 0), "the loss grows every update on the way"


def test_a_diverged_run_keeps_going_without_errors_and_keeps_the_first_place() -> None:
    machine = Machine(Config(feature="bad"))
    machine.run_until(epochs(10_000))
    where = machine.state.diverged_at
    for _ in range(600):
        machine.advance()
    assert machine.state.diverged_at == where
    # Once diverged, a run to a later point is not stopped by the old divergence again.
    assert machine.run_until(epochs(machine.state.epoch + 3)) == "reached"
    assert machine.state.diverged_at == where


def test_stepping_back_before_the_divergence_clears_it_and_forward_finds_it_again() -> None:
    machine = Machine(Config(lr=1.1))
    machine.run_until(epochs(2000))
    where, t = machine.state.diverged_at, machine.state.t
    machine.back()
    assert not machine.state.diverged
    assert not non_finite(machine.state)
    machine.advance()
    assert machine.state.diverged_at == where and machine.state.t == t


def test_lowering_the_rate_after_stepping_back_avoids_the_divergence() -> None:
    machine = Machine(Config(lr=1.1))
    machine.run_until(epochs(2000))
    machine.goto(600)
    machine.set_lr(0.1)
    assert machine.run_until(epochs(machine.state.epoch + 500)) == "reached"
    assert not machine.state.diverged


def test_analysis_at_diverged_parameters_is_silent() -> None:
    machine = Machine(Config(feature="bad"))
    machine.run_until(epochs(10_000))
    data = machine.data
    b, w = 1e200, -1e200
    assert mse(b, w, data.x_train, data.y_train) == math.inf
    b_grad, w_grad = numerical_gradients(b, w, data.x_train, data.y_train)
    assert not (math.isfinite(b_grad) and math.isfinite(w_grad))
