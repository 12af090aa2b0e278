"""The six steps of gradient descent in PyTorch, as chapter 1 of the book writes them.

The source pane shows these functions verbatim, so what the learner reads is what
runs. Each model variant has its own step 0 and step 1; steps 2 to 4 are the same
for all: nn.MSELoss, loss.backward(), optimizer.step() and optimizer.zero_grad().
Step 0 builds the selected optimizer with make_optimizer (gd_tui.pytorch.optimizers:
torch.optim's class for it; the book's optim.SGD by default).
Step 5 picks the next batch in plain Python: the NumPy engine's own function.
No annotations here: the types live in steps.pyi.
"""

import torch
from torch import nn

from gd_tui.engine.steps import repeat, validation_loss
from gd_tui.pytorch.models import ManualLinearRegression


def initialize(seed, lr, dtype, make_optimizer):
    # Step 0: random start for b and w
    torch.manual_seed(seed)
    b = torch.randn(1, requires_grad=True, dtype=dtype)
    w = torch.randn(1, requires_grad=True, dtype=dtype)
    optimizer = make_optimizer([b, w], lr=lr)
    loss_fn = nn.MSELoss(reduction="mean")
    return (b, w), optimizer, loss_fn


def initialize_module(seed, lr, dtype, make_optimizer):
    # Step 0: a model that holds b and w
    torch.manual_seed(seed)
    model = ManualLinearRegression(dtype)
    optimizer = make_optimizer(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss(reduction="mean")
    return model, optimizer, loss_fn


def initialize_linear(seed, lr, dtype, make_optimizer):
    # Step 0: PyTorch's own linear layer
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(1, 1, dtype=dtype))
    optimizer = make_optimizer(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss(reduction="mean")
    return model, optimizer, loss_fn


def start_from(b, w, b_start, w_start):
    # Step 0, then: start from given values
    with torch.no_grad():
        b.fill_(b_start)
        w.fill_(w_start)


def forward(b, w, x):
    # Step 1: the model's predictions
    yhat = b + w * x
    return yhat


def forward_module(model, x):
    # Step 1: the model's predictions
    model.train()
    yhat = model(x)
    return yhat


def loss(loss_fn, yhat, y):
    # Step 2: mean squared error
    loss = loss_fn(yhat, y)
    return loss


def gradients(loss):
    # Step 3: autograd computes them,
    # working backwards from the loss
    loss.backward()


def update(optimizer):
    # Step 4: step against the gradients,
    # then let them go
    optimizer.step()
    optimizer.zero_grad()


def update_keeping_grads(optimizer):
    # Step 4 without zero_grad(): each
    # backward() adds to the old gradients
    optimizer.step()


__all__ = [
    "ManualLinearRegression",
    "forward",
    "forward_module",
    "gradients",
    "initialize",
    "initialize_linear",
    "initialize_module",
    "loss",
    "repeat",
    "start_from",
    "update",
    "update_keeping_grads",
    "validation_loss",
]
