"""Curvature: per-direction rates |1 − ηλ|, and 'diverging' named before anything is infinite."""

from __future__ import annotations

import numpy as np
import pytest

from gd_tui.engine import Config, Machine
from gd_tui.engine.analysis import contraction, eigen_directions, least_squares, momentum_rate, stability
from gd_tui.engine.breakpoints import epochs


@pytest.mark.parametrize("lr", [0.1, 0.3, 0.8])
@pytest.mark.parametrize("feature", ["raw", "scaled"])
def test_the_error_along_each_eigen_direction_shrinks_by_one_minus_lr_lambda(lr: float, feature: str) -> None:
    machine = Machine(Config(lr=lr, feature=feature))
    machine.run_until(epochs(60))
    x, y = machine.data.x_train, machine.data.y_train
    eigenvalues, eigenvectors = eigen_directions(x)
    error = machine.history.path.values - np.array(least_squares(x, y))  # (updates + 1, 2)
    along = error @ eigenvectors  # (updates + 1, 2): the error's coordinate on each direction
    for i, eigenvalue in enumerate(eigenvalues):
        coordinates = along[:, i]
        # Far from rounding: least squares itself is only known to about 1e-15.
        usable = np.abs(coordinates[:-1]) > 1e-5
        ratios = np.abs(coordinates[1:][usable] / coordinates[:-1][usable])
        assert ratios == pytest.approx(np.full(len(ratios), contraction(lr, eigenvalue)), abs=1e-9)
        assert len(ratios) >= 3


def test_the_momentum_rate_is_below_plain_descents_on_the_slow_direction() -> None:
    low, high = stability(Machine().data.x_train).eigenvalues
    assert momentum_rate(0.1, low, 0.9) < contraction(0.1, low)
    assert momentum_rate(0.1, high, 0.0) == pytest.approx(contraction(0.1, high))


def test_above_two_over_lambda_max_the_run_is_diverging_long_before_it_is_infinite() -> None:
    # Just above the critical rate: 5,000 epochs end at b ≈ -584 with every number finite.
    machine = Machine(Config(lr=0.806))
    critical = machine.critical_lr
    assert critical < 0.806
    machine.run_until(epochs(5000))
    assert not machine.state.diverged
    growing = machine.diverging()
    assert growing is not None
    assert growing.growth > 1 and growing.growth == pytest.approx(growing.predicted, rel=1e-6)
    losses = machine.history.update_loss.values
    # From the first growing update on, the loss rises every update; just before it, it did not.
    assert np.all(np.diff(losses[growing.update :]) > 0)
    assert growing.update == 0 or losses[growing.update] <= losses[growing.update - 1]
    assert growing.epoch == growing.update  # batch mode: one update per epoch


def test_diverging_is_named_after_a_few_rises_and_before_infinity() -> None:
    machine = Machine(Config(lr=1.1))
    named_at = None
    while not machine.state.diverged:
        machine.run_until(epochs(machine.state.epoch + 1))
        if named_at is None and machine.diverging() is not None:
            named_at = machine.state.update
    assert named_at is not None and named_at <= 5
    assert machine.state.diverged_at is not None and machine.state.diverged_at[1] > 100 * named_at
    growing = machine.diverging()
    assert growing is not None and growing.update == 0


@pytest.mark.parametrize("config", [Config(lr=0.8), Config(lr=1.1, batch_size=16), Config(optimizer="momentum")])
def test_nothing_is_called_diverging_below_the_bound_or_off_plain_batch_descent(config: Config) -> None:
    machine = Machine(config)
    machine.run_until(epochs(30))
    assert machine.diverging() is None


def test_lowering_lr_below_the_bound_ends_the_diverging_report() -> None:
    machine = Machine(Config(lr=1.1))
    machine.run_until(epochs(10))
    assert machine.diverging() is not None
    machine.set_lr(0.5)
    assert machine.diverging() is None
