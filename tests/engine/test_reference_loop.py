"""The engine against the book's plain NumPy loop: bit for bit (`==`), for 1000 epochs.

The loop below is written out the way the book writes it, global RNG and all,
so that it shares no code with the engine: if the engine reorders one
operation, fuses two, or draws a batch in another order, these tests fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest

from gd_tui.engine import Config, Machine, make_dataset
from gd_tui.engine.breakpoints import epochs

EPOCHS = 1000


@dataclass
class Reference:
    b: np.ndarray
    w: np.ndarray
    update_loss: list[float]
    epoch_loss: list[float]
    val_loss: list[float]
    path: list[tuple[float, float]]


@pytest.fixture(autouse=True)
def _keep_global_rng() -> Iterator[None]:
    # The book's loop seeds NumPy's global RNG; leave it as other tests expect it.
    saved = np.random.get_state()
    yield
    np.random.set_state(saved)


def book_data(
    seed: int, n_points: int, feature: str, train_fraction: float = 0.8
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Chapter 0's data generation and split, with its feature experiments."""
    true_b, true_w = 1, 2
    np.random.seed(seed)
    x = np.random.rand(n_points, 1)
    epsilon = 0.1 * np.random.randn(n_points, 1)
    y = true_b + true_w * x + epsilon

    idx = np.arange(n_points)
    np.random.shuffle(idx)
    train_idx = idx[: int(n_points * train_fraction)]
    val_idx = idx[int(n_points * train_fraction) :]
    x_train, y_train = x[train_idx], y[train_idx]
    x_val, y_val = x[val_idx], y[val_idx]

    if feature == "bad":
        x_train, x_val = x_train * 10, x_val * 10
    elif feature == "scaled":
        # StandardScaler fitted on the training set: mean and population std.
        mean, std = x_train.mean(), x_train.std()
        x_train, x_val = (x_train - mean) / std, (x_val - mean) / std
    return x_train, y_train, x_val, y_val


def book_loop(seed: int, n_points: int, feature: str, lr: float, batch_size: int | None, n_epochs: int) -> Reference:
    """The book's training loop, with mini-batches drawn by the documented permutation rule."""
    x_train, y_train, x_val, y_val = book_data(seed, n_points, feature)
    n_train = len(x_train)
    n = n_train if batch_size is None else batch_size

    np.random.seed(seed)
    b = np.random.randn(1)
    w = np.random.randn(1)

    update_loss: list[float] = []
    epoch_loss: list[float] = []
    val_loss: list[float] = []
    path = [(b[0], w[0])]
    for epoch in range(n_epochs):
        if n >= n_train:
            batches = [(x_train, y_train)]  # batch gradient descent keeps the data's order
        else:
            perm = np.random.default_rng([seed, epoch]).permutation(n_train)
            batches = [
                (x_train[perm[start : start + n]], y_train[perm[start : start + n]]) for start in range(0, n_train, n)
            ]
        losses = []
        for x, y in batches:
            # Step 1 - computes our model's predicted output - forward pass
            yhat = b + w * x
            # Step 2 - computes the loss
            error = yhat - y
            loss = (error**2).mean()
            # Step 3 - computes gradients for both "b" and "w" parameters
            b_grad = 2 * error.mean()
            w_grad = 2 * (x * error).mean()
            # Step 4 - updates parameters using gradients and the learning rate
            b = b - lr * b_grad
            w = w - lr * w_grad
            losses.append(loss)
            path.append((b[0], w[0]))
        update_loss.extend(losses)
        epoch_loss.append(sum(losses) / len(losses))
        # Validation at the epoch's end, with the parameters it ended on.
        yhat_val = b + w * x_val
        error_val = yhat_val - y_val
        val_loss.append((error_val**2).mean())
    return Reference(b, w, update_loss, epoch_loss, val_loss, path)


CASES = [
    pytest.param(dict(batch_size=None, feature="raw"), id="batch-raw"),
    pytest.param(dict(batch_size=None, feature="scaled"), id="batch-scaled"),
    pytest.param(dict(batch_size=16, feature="raw"), id="minibatch16-raw"),
    pytest.param(dict(batch_size=16, feature="scaled"), id="minibatch16-scaled"),
    pytest.param(dict(batch_size=1, feature="raw"), id="stochastic-raw"),
    # 80 000 updates above already; fewer points here keep the suite quick.
    pytest.param(dict(batch_size=1, feature="scaled", n_points=40), id="stochastic-scaled-n40"),
    # 80 = 6 * 12 + 8: every epoch ends on a short batch.
    pytest.param(dict(batch_size=12, feature="raw"), id="minibatch12-short-last-batch"),
    # 50 training points = 3 * 16 + 2, another seed, another size.
    pytest.param(dict(batch_size=16, feature="scaled", seed=7, n_points=63), id="minibatch16-seed7-n63"),
    # The bad feature is stable only well below the book's rate.
    pytest.param(dict(batch_size=None, feature="bad", lr=0.005), id="batch-bad-small-lr"),
    pytest.param(dict(batch_size=16, feature="bad", lr=0.001), id="minibatch16-bad-small-lr"),
]


@pytest.mark.parametrize("options", CASES)
def test_machine_is_bit_identical_to_the_books_loop(options: dict[str, object]) -> None:
    config = Config(**options)  # type: ignore[arg-type]
    reference = book_loop(config.seed, config.n_points, config.feature, config.lr, config.batch_size, EPOCHS)

    machine = Machine(config)
    assert machine.run_until(epochs(EPOCHS)) == "reached"
    state = machine.state
    history = machine.history

    assert state.epoch == EPOCHS
    assert state.update == len(reference.update_loss)
    assert not state.diverged
    assert state.b is not None and state.w is not None
    assert state.b.tolist() == reference.b.tolist()
    assert state.w.tolist() == reference.w.tolist()
    assert history.update_loss.values.tolist() == reference.update_loss
    assert history.epoch_loss.values.tolist() == reference.epoch_loss
    assert history.val_loss.values.tolist() == reference.val_loss
    assert history.path.values.tolist() == [list(point) for point in reference.path]
    assert state.val_loss == reference.val_loss[-1]


@pytest.mark.parametrize("feature", ["raw", "bad", "scaled"])
def test_dataset_is_the_books_data_generation(feature: str) -> None:
    x_train, y_train, x_val, y_val = book_data(42, 100, feature)
    data = make_dataset(Config(feature=feature))
    for ours, books in ((data.x_train, x_train), (data.y_train, y_train), (data.x_val, x_val), (data.y_val, y_val)):
        assert ours.shape == books.shape
        assert np.array_equal(ours, books)


def test_scaled_feature_has_zero_mean_and_unit_std_on_the_training_set() -> None:
    data = make_dataset(Config(feature="scaled"))
    assert data.x_train.mean() == pytest.approx(0.0, abs=1e-15)
    assert data.x_train.std() == pytest.approx(1.0, rel=1e-14)


def test_the_book_loop_itself_reproduces_the_book() -> None:
    # Guards the guard: a wrong reference would make the comparisons above meaningless.
    reference = book_loop(42, 100, "raw", 0.1, None, 1000)
    assert reference.update_loss[0] == 2.7421577700550976
    assert reference.b[0] == pytest.approx(1.02354094, abs=5e-9)
    assert reference.w[0] == pytest.approx(1.96896411, abs=5e-9)


def test_one_mini_batch_epoch_visits_every_training_point_once_in_the_documented_order() -> None:
    machine = Machine(Config(batch_size=16))
    machine.advance()
    rows = []
    for _ in range(machine.updates_per_epoch):
        rows.extend(machine.batch_rows().tolist())
        for _ in range(5):
            machine.advance()
    assert rows == np.random.default_rng([42, 0]).permutation(80).tolist()
    assert machine.state.epoch == 1
    # The next epoch uses the next permutation, not the same one again.
    assert machine.batch_rows().tolist() == np.random.default_rng([42, 1]).permutation(80)[:16].tolist()
