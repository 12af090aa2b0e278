"""Optimizer figure: the Machine with Adam against a plain NumPy Adam loop.

    python bench/optimizer_figures.py [--quick]

prints the figure's table row. `optimizer_figures(quick)` returns it as a Figure
for bench/run.py's table (key "engine_adam").
"""

from __future__ import annotations

import argparse
import gc
import time

import numpy as np

from common import Figure, median, ms, table
from gd_tui.engine import Config, Dataset, Machine, make_dataset
from gd_tui.engine.breakpoints import epochs


def plain_adam(data: Dataset, seed: int, lr: float, n_epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """The book's loop with torch.optim.Adam's update written out, b and w as one (2,) array."""
    x_train, y_train, x_val, y_val = data.x_train, data.y_train, data.x_val, data.y_val
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    np_rng = np.random.RandomState(seed)
    b = np_rng.randn(1)
    w = np_rng.randn(1)
    m = np.zeros(2)
    v = np.zeros(2)
    t = 0
    for _ in range(n_epochs):
        yhat = b + w * x_train
        error = yhat - y_train
        loss = (error**2).mean()  # noqa: F841 - computed as the book does, like the machine
        b_grad = 2 * error.mean()
        w_grad = 2 * (x_train * error).mean()
        params = np.concatenate((b, w))
        grads = np.array([b_grad, w_grad])
        t = t + 1
        m = beta1 * m + (1 - beta1) * grads
        v = beta2 * v + (1 - beta2) * grads * grads
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        params = params - lr * m_hat / (np.sqrt(v_hat) + eps)
        b, w = params[:1], params[1:]
        yhat_val = b + w * x_val
        error_val = yhat_val - y_val
        val_loss = (error_val**2).mean()  # noqa: F841
    return b, w


def _time_plain(data: Dataset, config: Config, n_epochs: int) -> tuple[float, np.ndarray, np.ndarray]:
    start = time.process_time()
    b, w = plain_adam(data, config.seed, config.lr, n_epochs)
    return time.process_time() - start, b, w


def _time_machine(data: Dataset, config: Config, n_epochs: int) -> tuple[float, Machine]:
    machine = Machine(config, data=data)
    predicate = epochs(n_epochs)
    start = time.process_time()
    machine.run_until(predicate)
    return time.process_time() - start, machine


def optimizer_figures(quick: bool) -> list[Figure]:
    """The Adam figure: interleaved runs on the book data, ratio of median CPU times."""
    n_epochs, repeats, warm_up = (300, 3, 0.3) if quick else (20_000, 9, 1.0)
    config = Config(optimizer="adam")
    data = make_dataset(config)
    deadline = time.perf_counter() + warm_up
    while time.perf_counter() < deadline:
        _time_plain(data, config, max(1, n_epochs // 10))
        _time_machine(data, config, max(1, n_epochs // 10))
    plain_times: list[float] = []
    machine_times: list[float] = []
    identical = True
    for repeat in range(repeats):
        order = ("plain", "machine") if repeat % 2 == 0 else ("machine", "plain")
        for which in order:
            gc.collect()
            if which == "plain":
                seconds, b, w = _time_plain(data, config, n_epochs)
                plain_times.append(seconds)
            else:
                seconds, machine = _time_machine(data, config, n_epochs)
                machine_times.append(seconds)
        state = machine.state
        identical = identical and bool(state.b == b) and bool(state.w == w)
    plain_median, machine_median = median(plain_times), median(machine_times)
    return [
        Figure(
            key="engine_adam",
            name="engine with Adam: epochs via Machine vs a plain NumPy Adam loop, book data",
            limit=1.5,
            direction="max",
            unit="×",
            value=machine_median / plain_median,
            subject=f"Machine {ms(machine_median)} ({ms(machine_median / n_epochs)}/epoch)",
            reference=f"plain Adam loop {ms(plain_median)} ({ms(plain_median / n_epochs)}/epoch)",
            notes=f"{n_epochs} epochs, {repeats} interleaved runs, CPU time; final b, w bit-identical: {identical}",
            details={
                "epochs": n_epochs,
                "plain_seconds": plain_times,
                "machine_seconds": machine_times,
                "bit_identical": identical,
            },
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that it runs")
    args = parser.parse_args()
    figures = optimizer_figures(args.quick)
    print(table(figures))
    for figure in figures:
        print(f"  {figure.key}: {figure.notes}")


if __name__ == "__main__":
    main()
