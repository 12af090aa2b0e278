"""The book's two graph experiments (chapter 1), run on the current batch.

The graph tab shows these functions' own source beside the graph they build.
"""

from __future__ import annotations

import torch

from gd_tui.pytorch import graph

Tensor = torch.Tensor


def no_grad_b(x: Tensor) -> tuple[Tensor, dict[str, Tensor]]:
    # b without requires_grad: autograd
    # does not track it, and it drops out
    b_nograd = torch.randn(1, requires_grad=False, dtype=x.dtype)
    w = torch.randn(1, requires_grad=True, dtype=x.dtype)
    yhat = b_nograd + w * x
    return yhat, {"b_nograd": b_nograd, "w": w, "x": x}


def branch(x: Tensor, y: Tensor) -> tuple[Tensor, dict[str, Tensor]]:
    # The graph is built as the code runs:
    # an if on the loss adds a branch
    b = torch.randn(1, requires_grad=True, dtype=x.dtype)
    w = torch.randn(1, requires_grad=True, dtype=x.dtype)
    yhat = b + w * x
    error = yhat - y
    loss = (error**2).mean()
    # this makes no sense!!
    if loss > 0:
        yhat2 = w * x
        error2 = yhat2 - y
    # neither does this :-)
    loss += error2.mean()
    return loss, {"b": b, "w": w, "x": x, "y": y}


EXPERIMENTS = {
    "no-grad-b": ("b with requires_grad=False", no_grad_b, "yhat"),
    "branch": ("a branch on the loss", branch, "loss"),
}


def run(name: str, x: Tensor, y: Tensor, seed: int) -> graph.Graph:
    """The graph the experiment builds (its own draws: torch's global seed is left as it was)."""
    _, function, output_name = EXPERIMENTS[name]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        output, tensors = function(x) if function is no_grad_b else function(x, y)
    return graph.read(output, tensors, output_name)
