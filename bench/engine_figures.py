"""Engine figures: Machine against the book's plain NumPy loop, and the history's memory.

Run directly (`python bench/engine_figures.py memory --updates N`) it measures the
memory figure in a fresh interpreter and prints JSON; bench/run.py does that for you.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from common import Figure, median, ms
from gd_tui.engine import Config, Dataset, Machine, make_dataset
from gd_tui.engine.breakpoints import epochs

ROOT = Path(__file__).resolve().parent


def plain_loop(data: Dataset, seed: int, lr: float, n_epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """The book's loop, batch gradient descent, validation loss at each epoch's end."""
    x_train, y_train, x_val, y_val = data.x_train, data.y_train, data.x_val, data.y_val
    np_rng = np.random.RandomState(seed)
    b = np_rng.randn(1)
    w = np_rng.randn(1)
    for _ in range(n_epochs):
        yhat = b + w * x_train
        error = yhat - y_train
        loss = (error**2).mean()  # noqa: F841 - computed as the book does, like the machine
        b_grad = 2 * error.mean()
        w_grad = 2 * (x_train * error).mean()
        b = b - lr * b_grad
        w = w - lr * w_grad
        yhat_val = b + w * x_val
        error_val = yhat_val - y_val
        val_loss = (error_val**2).mean()  # noqa: F841
    return b, w


def _time_plain(data: Dataset, config: Config, n_epochs: int) -> tuple[float, np.ndarray, np.ndarray]:
    start = time.process_time()
    b, w = plain_loop(data, config.seed, config.lr, n_epochs)
    return time.process_time() - start, b, w


def _time_machine(data: Dataset, config: Config, n_epochs: int) -> tuple[float, Machine]:
    machine = Machine(config, data=data)
    predicate = epochs(n_epochs)
    start = time.process_time()
    machine.run_until(predicate)
    return time.process_time() - start, machine


def machine_vs_loop(
    key: str, name: str, config: Config, n_epochs: int, repeats: int, limit: float, warm_up: float = 1.0
) -> Figure:
    """Interleaved runs of the plain loop and the Machine on the same data; ratio of median CPU times."""
    data = make_dataset(config)
    # Untimed runs of each first: a freshly started process runs slower for its first
    # fraction of a second here, and the allocator and caches settle.
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
    why = ""
    if machine_median < plain_median and data.n_train >= 100_000:
        why = (
            "; the Machine is faster here because it drops the batch's yhat and error at step 5, so the next "
            "update reuses their memory, while the book's loop still holds them as it allocates new ones"
        )
    return Figure(
        key=key,
        name=name,
        limit=limit,
        direction="max",
        unit="×",
        value=machine_median / plain_median,
        subject=f"Machine {ms(machine_median)} ({ms(machine_median / n_epochs)}/epoch)",
        reference=f"plain loop {ms(plain_median)} ({ms(plain_median / n_epochs)}/epoch)",
        notes=f"{n_epochs} epochs, {repeats} interleaved runs, CPU time; final b, w bit-identical: {identical}{why}",
        details={
            "epochs": n_epochs,
            "n_train": data.n_train,
            "plain_seconds": plain_times,
            "machine_seconds": machine_times,
            "bit_identical": identical,
        },
    )


def _rss() -> int:
    """Resident memory of this process in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def _deep_size(objects: object) -> int:
    """Bytes held by checkpoints: tuples, their numbers and their (1,) arrays."""
    seen: set[int] = set()
    total = 0
    stack = [objects]
    while stack:
        item = stack.pop()
        if id(item) in seen or item is None or isinstance(item, bool):
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, (tuple, list)):
            stack.extend(item)
        elif hasattr(item, "__iter__") and not isinstance(item, (str, bytes, np.ndarray)):
            stack.extend(list(item))  # type: ignore[call-overload]
    return total


def measure_memory(updates: int) -> dict[str, float]:
    """Run `updates` updates of batch gradient descent on the book data; what did they keep?

    Batch mode is the heaviest case: every update is also an epoch, so all four
    history arrays grow by one row per update, and every update is a checkpoint
    boundary.
    """
    machine = Machine(Config())
    gc.collect()
    rss_before = _rss()
    machine.run_until(lambda state: state.update >= updates and state.last_step == 5)
    gc.collect()
    rss_after = _rss()
    checkpoints = _deep_size([machine._recent, machine._sparse])
    return {
        "updates": machine.state.update,
        "rss_growth": rss_after - rss_before,
        "history_bytes": machine.history.nbytes,
        "checkpoint_bytes": checkpoints,
        "checkpoints": len(machine._recent) + len(machine._sparse),
    }


def memory_figure(updates: int) -> Figure:
    """The memory figure, measured in a fresh interpreter so nothing else is in the way."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "engine_figures.py"), "memory", "--updates", str(updates)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(result.stdout)
    measured = max(found["rss_growth"], found["history_bytes"] + found["checkpoint_bytes"])
    note = "" if updates == 1_000_000 else "(quick mode: the target is for 1,000,000 updates) "
    return Figure(
        key="history_memory",
        name=f"engine history memory after {found['updates']:,} updates",
        limit=100,
        direction="max",
        unit="MB",
        value=measured / 1e6,
        subject=(
            f"resident growth {found['rss_growth'] / 1e6:.1f} MB: history arrays "
            f"{found['history_bytes'] / 1e6:.1f} MB, {found['checkpoints']:,} checkpoints "
            f"{found['checkpoint_bytes'] / 1e6:.1f} MB, the rest allocator slack"
        ),
        reference="—",
        notes=note + "batch mode on the book data (each update is an epoch: all four histories grow)",
        details=found,
    )


def engine_figures(quick: bool) -> list[Figure]:
    """The three engine figures; `quick` uses tiny sizes (for the smoke test)."""
    if quick:
        book_epochs, big_points, big_epochs, repeats, updates = 300, 20_000, 10, 3, 20_000
    else:
        book_epochs, big_points, big_epochs, repeats, updates = 20_000, 1_000_000, 100, 9, 1_000_000
    figures = [
        machine_vs_loop(
            "engine_book",
            "engine: E epochs via Machine vs plain NumPy loop, book data (80 training points)",
            Config(),
            book_epochs,
            repeats,
            1.3,
            warm_up=0.3 if quick else 1.0,
        ),
        machine_vs_loop(
            "engine_large",
            f"engine: same at N = {big_points:,}",
            Config(n_points=big_points),
            big_epochs,
            repeats,
            1.1,
            warm_up=0.3 if quick else 1.0,
        ),
        memory_figure(updates),
    ]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["memory"])
    parser.add_argument("--updates", type=int, default=1_000_000)
    args = parser.parse_args()
    print(json.dumps(measure_memory(args.updates)))


if __name__ == "__main__":
    main()
