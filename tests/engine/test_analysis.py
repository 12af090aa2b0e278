"""Reference answers: the gradient check, least squares, the stability bound, the loss surface."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gd_tui.engine import Config, Machine, make_dataset
from gd_tui.engine.analysis import LossSurface, least_squares, mse, numerical_gradients, reference, stability
from gd_tui.engine.breakpoints import epochs, step_done


def gradients_at(config: Config) -> tuple[float, float, float]:
    """Loss and the analytic gradients that step 3 computes at the config's starting point."""
    machine = Machine(config)
    assert machine.run_until(step_done(3)) == "reached"
    state = machine.state
    assert state.loss is not None and state.b_grad is not None and state.w_grad is not None
    return float(state.loss), float(state.b_grad), float(state.w_grad)


def test_gradient_check_agrees_with_step_3_on_the_books_first_update() -> None:
    data = make_dataset(Config())
    b0, w0 = np.random.RandomState(42).randn(2)
    numerical = numerical_gradients(float(b0), float(w0), data.x_train, data.y_train)
    assert numerical == pytest.approx((-3.044811379650508, -1.8337537171510832), rel=1e-7)


@settings(max_examples=40, deadline=None)
@given(
    b=st.floats(-10, 10, allow_nan=False),
    w=st.floats(-10, 10, allow_nan=False),
    feature=st.sampled_from(["raw", "bad", "scaled"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_gradient_check_agrees_with_analytic_gradients_anywhere(b: float, w: float, feature: str, seed: int) -> None:
    config = Config(init_b=b, init_w=w, feature=feature, seed=seed, n_points=50)
    loss, b_grad, w_grad = gradients_at(config)
    data = make_dataset(config)
    assert mse(b, w, data.x_train, data.y_train) == loss
    numerical = numerical_gradients(b, w, data.x_train, data.y_train)
    # Central differences are exact for a quadratic; what is left is rounding, about eps * loss / h.
    tolerance = 1e-6 * max(1.0, loss)
    assert numerical[0] == pytest.approx(b_grad, abs=tolerance)
    assert numerical[1] == pytest.approx(w_grad, abs=tolerance)


def test_least_squares_is_the_books_linear_regression_answer() -> None:
    data = make_dataset(Config())
    ols = least_squares(data.x_train, data.y_train)
    assert ols is not None
    # The book's scikit-learn fit prints intercept [1.02354075] and coefficient [[1.96896447]].
    assert ols == pytest.approx((1.02354075, 1.96896447), abs=5e-9)
    slope, intercept = np.polyfit(data.x_train[:, 0], data.y_train[:, 0], 1)
    assert ols == pytest.approx((intercept, slope), rel=1e-12)


def test_least_squares_has_no_answer_when_x_is_constant() -> None:
    x = np.full((10, 1), 3.0)
    y = np.arange(10.0).reshape(-1, 1)
    assert least_squares(x, y) is None
    assert stability(x).condition_number == float("inf")


@pytest.mark.parametrize(
    ("feature", "lr", "n_epochs"),
    [("raw", 0.1, 3000), ("raw", 0.5, 1000), ("scaled", 0.1, 400), ("bad", 0.02, 3000)],
)
def test_a_long_run_at_a_stable_rate_converges_to_least_squares(feature: str, lr: float, n_epochs: int) -> None:
    machine = Machine(Config(feature=feature, lr=lr))
    assert machine.run_until(epochs(n_epochs)) == "reached"
    ols = least_squares(machine.data.x_train, machine.data.y_train)
    assert ols is not None
    assert machine.state.b is not None and machine.state.w is not None
    assert (machine.state.b[0], machine.state.w[0]) == pytest.approx(ols, abs=1e-10)


def test_mini_batches_at_a_stable_rate_end_near_least_squares() -> None:
    # Mini-batch noise keeps the parameters jittering around the minimum, not on it.
    machine = Machine(Config(batch_size=16, lr=0.05))
    machine.run_until(epochs(2000))
    ols = least_squares(machine.data.x_train, machine.data.y_train)
    assert ols is not None and machine.state.b is not None and machine.state.w is not None
    assert (machine.state.b[0], machine.state.w[0]) == pytest.approx(ols, abs=0.02)


def test_stability_on_the_book_data() -> None:
    data = make_dataset(Config())
    result = stability(data.x_train)
    assert result.critical_lr == pytest.approx(0.8055, abs=5e-5)
    low, high = result.eigenvalues
    assert low < high
    assert result.critical_lr == 2 / high
    assert result.condition_number == pytest.approx(high / low)
    # The Hessian of the MSE, written out: 2/n [[n, Σx], [Σx, Σx²]].
    x = data.x_train[:, 0]
    hessian = 2 / len(x) * np.array([[len(x), x.sum()], [x.sum(), (x * x).sum()]])
    assert (low, high) == pytest.approx(tuple(np.linalg.eigvalsh(hessian)), rel=1e-12)


def test_scaling_the_feature_makes_the_problem_perfectly_conditioned_and_the_bad_feature_worse() -> None:
    raw = stability(make_dataset(Config()).x_train)
    bad = stability(make_dataset(Config(feature="bad")).x_train)
    scaled = stability(make_dataset(Config(feature="scaled")).x_train)
    assert scaled.condition_number == pytest.approx(1.0)
    assert scaled.critical_lr == pytest.approx(1.0)
    assert bad.condition_number > raw.condition_number > scaled.condition_number
    assert bad.critical_lr < 0.1 < raw.critical_lr  # why the bad feature diverges at the book's rate


@pytest.mark.parametrize(
    "config",
    [
        Config(),
        Config(feature="scaled"),
        Config(feature="bad"),
        Config(seed=3, n_points=40),
        Config(seed=11, noise=1.0),
    ],
    ids=["book", "scaled", "bad", "seed3-n40", "seed11-noisy"],
)
def test_critical_rate_predicts_convergence_below_and_divergence_above(config: Config) -> None:
    critical = stability(make_dataset(config).x_train).critical_lr

    below = Machine(config.with_changes(lr=0.95 * critical))
    assert below.run_until(epochs(3000)) == "reached"
    ols = least_squares(below.data.x_train, below.data.y_train)
    assert ols is not None and below.state.b is not None and below.state.w is not None
    assert not below.state.diverged
    assert (below.state.b[0], below.state.w[0]) == pytest.approx(ols, abs=1e-8)

    # Above it, each update multiplies the error along the stiffest direction by 1.1:
    # float64 overflows within a few thousand updates.
    above = Machine(config.with_changes(lr=1.05 * critical))
    assert above.run_until(epochs(20_000)) == "diverged"
    assert above.state.diverged


def test_loss_surface_matches_the_mse_at_every_grid_point() -> None:
    data = make_dataset(Config())
    surface = LossSurface(data.x_train, data.y_train)
    b_values, w_values, losses = surface.grid((-1.0, 3.0), (-1.0, 4.0), size=21)
    assert b_values.shape == w_values.shape == (21,)
    assert losses.shape == (21, 21)
    for i in range(0, 21, 5):
        for j in range(0, 21, 4):
            expected = mse(float(b_values[j]), float(w_values[i]), data.x_train, data.y_train)
            # The grid is indexed [w, b]: rows are w, columns are b.
            assert losses[i, j] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    # Its minimum sits on the least-squares answer.
    ols = least_squares(data.x_train, data.y_train)
    assert ols is not None
    at_minimum = float(surface(np.array(ols[0]), np.array(ols[1])))
    assert at_minimum == pytest.approx(mse(*ols, data.x_train, data.y_train), abs=1e-12)
    assert losses.min() >= at_minimum


def test_reference_bundles_the_answers_for_one_training_set() -> None:
    data = make_dataset(Config())
    bundle = reference(data.x_train, data.y_train)
    assert bundle.least_squares == least_squares(data.x_train, data.y_train)
    assert bundle.stability == stability(data.x_train)
    assert float(bundle.surface(np.array(1.0), np.array(2.0))) == pytest.approx(
        mse(1.0, 2.0, data.x_train, data.y_train), rel=1e-12
    )
