"""The six steps of gradient descent, one small function each.

The source pane shows these functions' own source, so what the learner reads
is what runs. Keep them short, in the book's words and in the book's order of
operations: results must stay bit-identical to the book's plain NumPy loop.
"""

from __future__ import annotations

import numpy as np


def initialize(seed: int) -> tuple[np.ndarray, np.ndarray]:
    # Step 0: random start for b and w
    # (as np.random.seed, but local)
    rng = np.random.RandomState(seed)
    b = rng.randn(1)
    w = rng.randn(1)
    return b, w


def forward(b: np.ndarray, w: np.ndarray, x: np.ndarray) -> np.ndarray:
    # Step 1: the model's predictions
    yhat = b + w * x
    return yhat


def loss(yhat: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.float64]:
    # Step 2: mean squared error
    error = yhat - y
    loss = (error**2).mean()
    return error, loss


def gradients(x: np.ndarray, error: np.ndarray) -> tuple[np.float64, np.float64]:
    # Step 3: the loss's slopes in b, w
    b_grad = 2 * error.mean()
    w_grad = 2 * (x * error).mean()
    return b_grad, w_grad


def update(
    b: np.ndarray, w: np.ndarray, b_grad: np.float64, w_grad: np.float64, lr: float
) -> tuple[np.ndarray, np.ndarray]:
    # Step 4: step against the gradients
    b = b - lr * b_grad
    w = w - lr * w_grad
    return b, w


def repeat(start: int, batch_size: int, n_train: int) -> tuple[int, bool]:
    # Step 5: on to the next batch;
    # after the last one, the epoch ends
    start = start + batch_size
    epoch_ended = start >= n_train
    return start, epoch_ended


def validation_loss(b: np.ndarray, w: np.ndarray, x_val: np.ndarray, y_val: np.ndarray) -> np.float64:
    # At each epoch's end: the loss on
    # data the model never trained on
    yhat_val = b + w * x_val
    error_val = yhat_val - y_val
    return (error_val**2).mean()


STEP_NAMES = ("initialize", "forward", "loss", "gradients", "update", "repeat")
STEP_FUNCTIONS = (initialize, forward, loss, gradients, update, repeat)
