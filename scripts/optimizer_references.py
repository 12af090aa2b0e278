"""Write torch.optim reference traces for the engine's optimizers (needs torch).

    .venv/bin/pip install torch==2.13.0
    .venv/bin/python scripts/optimizer_references.py

For each optimizer (torch.optim.SGD plain, with momentum 0.9, with nesterov;
Adagrad; RMSprop; Adam, each with its defaults) and two runs on the book's data
from the book's step-0 values at lr 0.1:

- batch gradient descent, 100 epochs (100 updates);
- mini-batches of 16 for 20 epochs (100 updates), epoch k visiting the training
  points in the order np.random.default_rng([seed, k]).permutation(N_train), as
  the engine does;

it records b, w and every state tensor torch keeps after each update, in float64,
to tests/engine/fixtures/optimizer-<name>-<run>.json. Each update's
gradients are step 3's own (2 * error.mean(), in NumPy), checked against torch's
autograd on the book's model and loss to 1e-9; torch.optim steps with them, so the
traces compare the optimizers' arithmetic alone (autograd sums in another order,
which moves a gradient near zero by up to 1e-11 relative).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

from gd_tui.engine import Config, make_dataset, steps

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "engine" / "fixtures"
LR = 0.1
RUNS = {"batch": (None, 100), "minibatch16": (16, 20)}  # name: (batch size, epochs)


def make_optimizer(name: str, params: list[torch.Tensor]) -> torch.optim.Optimizer:
    """torch.optim's optimizer for one of the engine's names, at its defaults (SGD momentum 0.9)."""
    if name == "sgd":
        return torch.optim.SGD(params, lr=LR)
    if name == "momentum":
        return torch.optim.SGD(params, lr=LR, momentum=0.9)
    if name == "nesterov":
        return torch.optim.SGD(params, lr=LR, momentum=0.9, nesterov=True)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=LR)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=LR)
    if name == "adam":
        return torch.optim.Adam(params, lr=LR)
    raise ValueError(name)


def state_of(optimizer: torch.optim.Optimizer, b: torch.Tensor, w: torch.Tensor) -> dict[str, Any]:
    """Every state tensor torch keeps, as [for b, for w]."""
    state_b, state_w = optimizer.state[b], optimizer.state[w]
    result: dict[str, Any] = {}
    for key in sorted(state_b):
        value_b, value_w = state_b[key], state_w[key]
        if value_b is None:
            continue
        result[key] = [float(value_b.reshape(-1)[0]), float(value_w.reshape(-1)[0])]
    return result


def trace(name: str, batch_size: int | None, epochs: int) -> dict[str, Any]:
    config = Config()
    data = make_dataset(config)
    b0, w0 = steps.initialize(config.seed)  # the book's step 0: b = 0.49671415, w = -0.1382643
    x_train = torch.as_tensor(data.x_train, dtype=torch.float64)
    y_train = torch.as_tensor(data.y_train, dtype=torch.float64)
    n_train = len(data.x_train)
    size = n_train if batch_size is None else batch_size
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer(name, [b, w])
    updates: list[dict[str, Any]] = []
    for epoch in range(epochs):
        order = (
            np.arange(n_train) if size >= n_train else np.random.default_rng([config.seed, epoch]).permutation(n_train)
        )
        for start in range(0, n_train, size):
            idx = torch.as_tensor(order[start : start + size])
            x, y = x_train[idx], y_train[idx]
            # Autograd's gradients differ from step 3's 2 * error.mean() by rounding (its sums
            # run in another order), which would blur the comparison of the optimizers; so
            # torch.optim steps with step 3's own gradients, checked against autograd's here.
            optimizer.zero_grad()
            yhat = b + w * x
            loss = ((yhat - y) ** 2).mean()
            loss.backward()
            b_np, w_np = b.detach().numpy().copy(), w.detach().numpy().copy()
            error, _ = steps.loss(steps.forward(b_np, w_np, x.numpy()), y.numpy())
            b_grad, w_grad = steps.gradients(x.numpy(), error)
            autograd = (float(b.grad[0]), float(w.grad[0]))  # type: ignore[index]
            assert np.allclose(autograd, (b_grad, w_grad), rtol=1e-9, atol=1e-12), (autograd, b_grad, w_grad)
            b.grad = torch.tensor([b_grad])
            w.grad = torch.tensor([w_grad])
            optimizer.step()
            updates.append(
                {
                    "loss": float(loss.detach()),
                    "b_grad": float(b_grad),
                    "w_grad": float(w_grad),
                    "b": float(b.detach()[0]),
                    "w": float(w.detach()[0]),
                    "state": state_of(optimizer, b, w),
                }
            )
    defaults = {
        key: (list(value) if isinstance(value, tuple) else value)
        for key, value in optimizer.defaults.items()
        if isinstance(value, (int, float, tuple)) and not isinstance(value, bool)
    }
    return {
        "optimizer": name,
        "torch": torch.__version__,
        "torch_class": type(optimizer).__name__,
        "torch_defaults": defaults,
        "lr": LR,
        "batch_size": batch_size,
        "epochs": epochs,
        "init": {"b": float(b0[0]), "w": float(w0[0])},
        "updates": updates,
    }


def main() -> int:
    torch.set_default_dtype(torch.float64)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"):
        for run, (batch_size, epochs) in RUNS.items():
            path = FIXTURES / f"optimizer-{name}-{run}.json"
            path.write_text(json.dumps(trace(name, batch_size, epochs), indent=1) + "\n", encoding="utf-8")
            print(path.relative_to(FIXTURES.parent.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
