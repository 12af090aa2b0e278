"""The six steps of gradient descent, one small function each.

The source pane shows this file verbatim, line for line, so what the learner
reads is what runs. Keep the functions short, in the book's words and in the
book's order of operations: results must stay bit-identical to the book's plain
NumPy loop. No annotations here: the types live in steps.pyi.
"""

import numpy as np


def initialize(seed):
    # Step 0: random start for b and w
    # (as np.random.seed, but local)
    rng = np.random.RandomState(seed)
    b = rng.randn(1)
    w = rng.randn(1)
    return b, w


def forward(b, w, x):
    # Step 1: the model's predictions
    yhat = b + w * x
    return yhat


def loss(yhat, y):
    # Step 2: mean squared error
    error = yhat - y
    loss = (error**2).mean()
    return error, loss


def gradients(x, error):
    # Step 3: the loss's slopes in b, w
    b_grad = 2 * error.mean()
    w_grad = 2 * (x * error).mean()
    return b_grad, w_grad


def update(b, w, b_grad, w_grad, lr):
    # Step 4: step against the gradients
    b = b - lr * b_grad
    w = w - lr * w_grad
    return b, w


def repeat(start, batch_size, n_train):
    # Step 5: on to the next batch;
    # after the last one, the epoch ends
    start = start + batch_size
    epoch_ended = start >= n_train
    return start, epoch_ended


def validation_loss(b, w, x_val, y_val):
    # At each epoch's end: the loss on
    # data the model never trained on
    yhat_val = b + w * x_val
    error_val = yhat_val - y_val
    return (error_val**2).mean()


STEP_NAMES = ("initialize", "forward", "loss", "gradients", "update", "repeat")
STEP_FUNCTIONS = (initialize, forward, loss, gradients, update, repeat)
