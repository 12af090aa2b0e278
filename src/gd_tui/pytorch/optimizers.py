"""Step 0's optimizer on the torch backend: torch.optim's own class for each of the optimizer lab's names.

The source pane shows the selected function with step 0, verbatim: what the learner
reads is what runs. Each takes the parameters, the learning rate and the settings
Config.hyperparameters gives that optimizer (by the same names), so the NumPy
engine's update (engine/optimizers.py) and torch's run on the same numbers.
No annotations here: the types live in optimizers.pyi.
"""

from torch import optim


def sgd(params, lr):
    # The book's optimizer: plain SGD
    optimizer = optim.SGD(params, lr=lr)
    return optimizer


def momentum(params, lr, beta):
    # SGD with momentum (dampening 0)
    optimizer = optim.SGD(params, lr=lr, momentum=beta)
    return optimizer


def nesterov(params, lr, beta):
    # SGD with Nesterov momentum
    optimizer = optim.SGD(params, lr=lr, momentum=beta, nesterov=True)
    return optimizer


def adagrad(params, lr, eps):
    # AdaGrad
    optimizer = optim.Adagrad(params, lr=lr, eps=eps)
    return optimizer


def rmsprop(params, lr, alpha, eps):
    # RMSprop
    optimizer = optim.RMSprop(params, lr=lr, alpha=alpha, eps=eps)
    return optimizer


def adam(params, lr, beta1, beta2, eps):
    # Adam
    optimizer = optim.Adam(params, lr=lr, betas=(beta1, beta2), eps=eps)
    return optimizer


MAKE_OPTIMIZER = {
    "sgd": sgd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
}
# Where torch.optim keeps each buffer the NumPy engine names (State.buffer_names).
TORCH_KEYS = {
    "buffer": "momentum_buffer",
    "sum_sq": "sum",
    "square_avg": "square_avg",
    "m": "exp_avg",
    "v": "exp_avg_sq",
    "t": "step",
}
