"""The book's printed numbers, reproduced digit for digit on the default run."""

from __future__ import annotations

import numpy as np
import pytest

from gd_tui.engine import STEP_NAMES, Config, Machine, make_dataset
from gd_tui.engine.breakpoints import end_of_update, epochs


def test_default_config_is_the_books_run() -> None:
    config = Config()
    assert (config.seed, config.n_points, config.true_b, config.true_w) == (42, 100, 1.0, 2.0)
    assert (config.noise, config.train_fraction, config.lr) == (0.1, 0.8, 0.1)
    assert config.batch_size is None and config.feature == "raw" and config.data is None


def test_default_split_is_80_training_and_20_validation_points() -> None:
    data = make_dataset(Config())
    assert data.x_train.shape == data.y_train.shape == (80, 1)
    assert data.x_val.shape == data.y_val.shape == (20, 1)
    assert (data.true_b, data.true_w) == (1.0, 2.0)


def test_step_0_draws_the_books_starting_point() -> None:
    machine = Machine()
    state = machine.advance()
    assert state.name == "initialize"
    # The book prints b = [0.49671415], w = [-0.1382643].
    assert state.b is not None and state.w is not None
    assert state.b.shape == state.w.shape == (1,)
    assert state.b[0] == pytest.approx(0.49671415, abs=5e-9)
    assert state.w[0] == pytest.approx(-0.1382643, abs=5e-8)
    # And exactly what np.random.seed(42); randn(1); randn(1) gives.
    rng = np.random.RandomState(42)
    assert state.b[0] == rng.randn(1)[0]
    assert state.w[0] == rng.randn(1)[0]


def test_first_update_gives_the_books_loss_gradients_and_parameters() -> None:
    machine = Machine()
    machine.advance()  # step 0
    machine.advance()  # forward
    state = machine.advance()  # loss
    assert state.loss == 2.7421577700550976
    state = machine.advance()  # gradients
    assert state.b_grad == -3.044811379650508
    assert state.w_grad == -1.8337537171510832
    state = machine.advance()  # update
    assert state.b is not None and state.w is not None
    assert state.b[0] == pytest.approx(0.80119529, abs=5e-9)
    assert state.w[0] == pytest.approx(0.04511107, abs=5e-9)
    assert state.update == 1
    assert list(machine.history.update_loss.values) == [2.7421577700550976]


def test_1000_epochs_land_on_the_books_answer() -> None:
    machine = Machine()
    assert machine.run_until(epochs(1000)) == "reached"
    state = machine.state
    assert state.epoch == 1000 and state.update == 1000
    assert state.b is not None and state.w is not None
    # The book prints b = [1.02354094], w = [1.96896411].
    assert state.b[0] == pytest.approx(1.02354094, abs=5e-9)
    assert state.w[0] == pytest.approx(1.96896411, abs=5e-9)
    assert not state.diverged
    assert len(machine.history.update_loss) == 1000
    assert len(machine.history.val_loss) == len(machine.history.epoch_loss) == 1000
    assert machine.history.path.values.shape == (1001, 2)


def test_the_cursor_walks_the_six_steps_in_order() -> None:
    machine = Machine()
    assert machine.state.cursor == 0 and machine.state.name is None and not machine.state.initialized
    names = [machine.advance().name for _ in range(11)]
    # Step 0 runs once; then 1..5 repeat, with the cursor back at 1 after each update.
    assert names == list(STEP_NAMES) + list(STEP_NAMES[1:])
    assert machine.state.cursor == 1
    assert machine.state.t == 11


def test_batch_mode_does_one_update_per_epoch_and_computes_validation_loss_at_its_end() -> None:
    machine = Machine()
    machine.advance()
    assert machine.run_until(end_of_update()) == "reached"
    state = machine.state
    assert (state.epoch, state.update, state.batch) == (1, 1, 0)
    data = machine.data
    assert state.b is not None and state.w is not None
    expected = ((state.b + state.w * data.x_val - data.y_val) ** 2).mean()
    assert state.val_loss == expected
    assert list(machine.history.val_loss.values) == [expected]
    assert list(machine.history.epoch_loss.values) == [2.7421577700550976]


def test_values_not_yet_computed_are_none() -> None:
    machine = Machine()
    state = machine.advance()
    assert state.loss is None and state.b_grad is None and state.w_grad is None and state.val_loss is None
    assert state.yhat is None and state.error is None
    state = machine.advance()  # forward: predictions for the batch, nothing else yet
    assert state.yhat is not None and state.yhat.shape == (80, 1)
    assert state.loss is None


def test_mode_and_updates_per_epoch_follow_the_batch_size() -> None:
    assert Machine().mode == "batch"
    assert Machine().updates_per_epoch == 1
    mini = Machine(Config(batch_size=16))
    assert mini.mode == "mini-batch" and mini.updates_per_epoch == 5
    short = Machine(Config(batch_size=12))
    assert short.updates_per_epoch == 7  # ceil(80 / 12): the last batch holds 8 points
    sgd = Machine(Config(batch_size=1))
    assert sgd.mode == "stochastic" and sgd.updates_per_epoch == 80


def test_initial_b_and_w_override_the_random_draw() -> None:
    state = Machine(Config(init_b=1.5, init_w=-2.0)).advance()
    assert state.b is not None and state.w is not None
    assert (state.b[0], state.w[0]) == (1.5, -2.0)
