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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common import Figure, load_now, median, minor_faults, ms, ratios
from gd_tui.engine import Config, Dataset, Machine, make_dataset
from gd_tui.engine.breakpoints import epochs

ROOT = Path(__file__).resolve().parent


def plain_loop(data: Dataset, seed: int, lr: float, n_epochs: int, drop: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The book's loop, batch gradient descent, validation loss at each epoch's end.

    `drop` adds `del yhat, error` at the end of each epoch, where the Machine lets
    go of them (step 5): the variant that tests whether dropping them is what
    makes the Machine's runs at N = 1,000,000 cheaper than the loop's.
    """
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
        if drop:
            del yhat, error
    return b, w


@dataclass
class Timed:
    """One timed run: CPU seconds and minor page faults (memory touched for the first time)."""

    seconds: float
    faults: int


def _time_plain(
    data: Dataset, config: Config, n_epochs: int, drop: bool = False
) -> tuple[Timed, np.ndarray, np.ndarray]:
    faults, start = minor_faults(), time.process_time()
    b, w = plain_loop(data, config.seed, config.lr, n_epochs, drop)
    return Timed(time.process_time() - start, minor_faults() - faults), b, w


def _time_machine(data: Dataset, config: Config, n_epochs: int) -> tuple[Timed, Machine]:
    machine = Machine(config, data=data)
    predicate = epochs(n_epochs)
    faults, start = minor_faults(), time.process_time()
    machine.run_until(predicate)
    return Timed(time.process_time() - start, minor_faults() - faults), machine


def machine_vs_loop(
    key: str,
    name: str,
    config: Config,
    n_epochs: int,
    repeats: int,
    limit: float,
    warm_up: float = 1.0,
    with_drop: bool = False,
) -> list[Figure]:
    """Interleaved runs of the plain loop and the Machine on the same data; ratio of median CPU times.

    With `with_drop`, the loop with `del yhat, error` runs in the same rotation and
    is reported as a second figure (against the plain loop), page faults beside it.
    """
    data = make_dataset(config)
    load = load_now()
    # Untimed runs of each first: a freshly started process runs slower for its first
    # fraction of a second here, and the allocator and caches settle.
    deadline = time.perf_counter() + warm_up
    while time.perf_counter() < deadline:
        _time_plain(data, config, max(1, n_epochs // 10))
        _time_machine(data, config, max(1, n_epochs // 10))
        if with_drop:
            _time_plain(data, config, max(1, n_epochs // 10), drop=True)
    runs: dict[str, list[Timed]] = {"plain": [], "machine": [], "drop": []}
    kinds = ["plain", "machine", "drop"] if with_drop else ["plain", "machine"]
    identical = True
    for repeat in range(repeats):
        order = kinds[repeat % len(kinds) :] + kinds[: repeat % len(kinds)]
        if repeat % 2:
            order.reverse()
        for which in order:
            gc.collect()
            if which == "machine":
                timed, machine = _time_machine(data, config, n_epochs)
            else:
                timed, b, w = _time_plain(data, config, n_epochs, drop=which == "drop")
            runs[which].append(timed)
        state = machine.state
        identical = identical and bool(state.b == b) and bool(state.w == w)
    seconds = {which: [t.seconds for t in found] for which, found in runs.items()}
    faults = {which: [t.faults / n_epochs for t in found] for which, found in runs.items()}
    plain_median, machine_median = median(seconds["plain"]), median(seconds["machine"])

    def per_epoch(which: str) -> str:
        return (
            f"{ms(median(seconds[which]) / n_epochs)}/epoch, "
            f"{median(faults[which]):,.0f} page faults/epoch ({min(faults[which]):,.0f}–{max(faults[which]):,.0f})"
        )

    figures = [
        Figure(
            key=key,
            name=name,
            limit=limit,
            direction="max",
            unit="×",
            value=machine_median / plain_median,
            runs=ratios(seconds["machine"], seconds["plain"]),
            subject=f"Machine {ms(machine_median)} ({per_epoch('machine')})",
            reference=f"plain loop {ms(plain_median)} ({per_epoch('plain')})",
            notes=(
                f"{n_epochs} epochs, {repeats} interleaved runs, CPU time, minor page faults from getrusage; "
                f"final b, w bit-identical: {identical}"
            ),
            load=load,
            details={
                "epochs": n_epochs,
                "n_train": data.n_train,
                "plain_seconds": seconds["plain"],
                "machine_seconds": seconds["machine"],
                "plain_faults_per_epoch": faults["plain"],
                "machine_faults_per_epoch": faults["machine"],
                "bit_identical": identical,
            },
        )
    ]
    if with_drop:
        drop_median = median(seconds["drop"])
        figures.append(
            Figure(
                key=f"{key}_drop",
                name=(
                    f"engine at N = {config.n_points:,}: the book's loop with `del yhat, error` vs without (no target)"
                ),
                limit=None,
                direction="max",
                unit="×",
                value=drop_median / plain_median,
                runs=ratios(seconds["drop"], seconds["plain"]),
                subject=f"loop with del {ms(drop_median)} ({per_epoch('drop')})",
                reference=f"plain loop {ms(plain_median)} ({per_epoch('plain')})",
                notes=(
                    "the same rotation as the row above; tests whether the Machine's dropping of yhat and error "
                    "at step 5 is what decides its ratio (the Machine's own page faults are in that row)"
                ),
                load=load,
                details={"drop_seconds": seconds["drop"], "drop_faults_per_epoch": faults["drop"]},
            )
        )
    return figures


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


def memory_figure(updates: int, runs: int) -> Figure:
    """The memory figure, each run in a fresh interpreter so nothing else is in the way."""
    load = load_now()
    found_runs = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, str(ROOT / "engine_figures.py"), "memory", "--updates", str(updates)],
            capture_output=True,
            text=True,
            check=True,
        )
        found_runs.append(json.loads(result.stdout))
    measured = [max(f["rss_growth"], f["history_bytes"] + f["checkpoint_bytes"]) / 1e6 for f in found_runs]
    found = found_runs[measured.index(sorted(measured)[(len(measured) - 1) // 2])]
    note = "" if updates == 1_000_000 else "(quick mode: the target is for 1,000,000 updates) "
    return Figure(
        key="history_memory",
        name=f"engine history memory after {found['updates']:,} updates",
        limit=100,
        direction="max",
        unit="MB",
        value=median(measured),
        runs=measured,
        subject=(
            f"resident growth {found['rss_growth'] / 1e6:.1f} MB: history arrays "
            f"{found['history_bytes'] / 1e6:.1f} MB, {found['checkpoints']:,} checkpoints "
            f"{found['checkpoint_bytes'] / 1e6:.1f} MB, the rest allocator slack"
        ),
        reference="—",
        notes=(
            note + f"{runs} runs, each in a fresh interpreter; batch mode on the book data (each update is an "
            "epoch: all four histories grow); the figure is the larger of the resident growth and the arrays "
            "plus checkpoints counted object by object"
        ),
        load=load,
        details={"runs": found_runs},
    )


def engine_figures(quick: bool) -> list[Figure]:
    """The engine figures; `quick` uses tiny sizes (for the smoke test)."""
    if quick:
        book_epochs, big_points, big_epochs, repeats, updates, memory_runs = 300, 20_000, 10, 3, 5_000, 1
    else:
        book_epochs, big_points, big_epochs, repeats, updates, memory_runs = 20_000, 1_000_000, 100, 9, 1_000_000, 2
    warm_up = 0.1 if quick else 1.0
    return [
        *machine_vs_loop(
            "engine_book",
            "engine: E epochs via Machine vs plain NumPy loop, book data (80 training points)",
            Config(),
            book_epochs,
            repeats,
            1.3,
            warm_up=warm_up,
        ),
        *machine_vs_loop(
            "engine_large",
            f"engine: same at N = {big_points:,}",
            Config(n_points=big_points),
            big_epochs,
            repeats,
            1.1,
            warm_up=warm_up,
            with_drop=True,
        ),
        memory_figure(updates, memory_runs),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["memory"])
    parser.add_argument("--updates", type=int, default=1_000_000)
    args = parser.parse_args()
    print(json.dumps(measure_memory(args.updates)))


if __name__ == "__main__":
    main()
