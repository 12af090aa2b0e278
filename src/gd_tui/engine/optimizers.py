"""Step 4's variants: each optimizer's update, one small function each.

The source pane shows the selected optimizer's function as step 4, verbatim,
so what the learner reads is what runs. `sgd` is the book's step 4 itself. The
others hold b and w together in `params` and their gradients in `grads` (both
(2,): b first), so each line of the update is one line for both parameters;
their state (buffers, sums, moments, step count) comes in and goes out as
arguments. No annotations here: the types live in optimizers.pyi.

The formulas and their order of operations are torch.optim's (SGD with
momentum and dampening 0, SGD with nesterov=True, Adagrad, RMSprop, Adam), so
the numbers are PyTorch's; tests hold them to reference traces from torch.
Adam's lines are the paper's and the book's (torch moves m with lerp and folds
the corrections into the step size and the denominator): the same formula, the
same numbers to about 1e-13.
"""

import numpy as np

from gd_tui.engine.steps import update as sgd


def momentum(params, grads, lr, buffer, beta):
    # Step 4 (momentum): step along a running
    # sum of gradients, each beta times older
    buffer = beta * buffer + grads
    params = params - lr * buffer
    return params, buffer


def nesterov(params, grads, lr, buffer, beta):
    # Step 4 (Nesterov): momentum, stepping with
    # the gradient plus a look-ahead beta * buffer
    buffer = beta * buffer + grads
    grads = grads + beta * buffer
    params = params - lr * grads
    return params, buffer


def adagrad(params, grads, lr, sum_sq, eps):
    # Step 4 (AdaGrad): divide by the root of
    # the sum of all squared gradients so far
    sum_sq = sum_sq + grads * grads
    params = params - lr * grads / (np.sqrt(sum_sq) + eps)
    return params, sum_sq


def rmsprop(params, grads, lr, square_avg, alpha, eps):
    # Step 4 (RMSprop): divide by the root of a
    # moving average of squared gradients
    square_avg = alpha * square_avg + (1 - alpha) * grads * grads
    params = params - lr * grads / (np.sqrt(square_avg) + eps)
    return params, square_avg


def adam(params, grads, lr, m, v, t, beta1, beta2, eps):
    # Step 4 (Adam): moving averages of the gradients (m)
    # and their squares (v), corrected for starting at 0
    t = t + 1
    m = beta1 * m + (1 - beta1) * grads
    v = beta2 * v + (1 - beta2) * grads * grads
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    params = params - lr * m_hat / (np.sqrt(v_hat) + eps)
    return params, m, v, t


OPTIMIZER_FUNCTIONS = {
    "sgd": sgd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
}
