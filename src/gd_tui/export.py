"""Exporting a run's history as CSV: one file per update, one per epoch.

`write_history(machine, "run.csv")` writes two files, each atomically:

run.csv, one row per parameter update (row 0 is the start, after step 0):

    update,loss,b,w
    0,,0.4967141530112327,-0.13826430117118466
    1,2.7421577700550976,0.5801...,0.0465...

    loss is the batch loss that update was computed from; b and w are the
    parameters after it.

run-epochs.csv, one row per completed epoch:

    epoch,train_loss,val_loss
    1,2.7421577700550976,2.1779...

    train_loss is the mean of the epoch's update losses; val_loss is the
    validation loss after the epoch (empty when there is no validation set).

Numbers are written in full precision (Python's repr), so they read back
exactly; a diverged run writes nan and inf as such.
"""

from __future__ import annotations

import os
from pathlib import Path

from gd_tui.engine import Machine
from gd_tui.files import atomic_write_text

UPDATE_COLUMNS = ("update", "loss", "b", "w")
EPOCH_COLUMNS = ("epoch", "train_loss", "val_loss")


def epochs_path(path: str | os.PathLike[str]) -> Path:
    """The per-epoch file that goes with `path`: run.csv -> run-epochs.csv."""
    target = Path(path)
    return target.with_name(f"{target.stem}-epochs{target.suffix}")


def updates_csv(machine: Machine) -> str:
    """The per-update history as CSV text."""
    history = machine.history
    path = history.path.values.tolist()  # Python floats: their repr is the shortest exact text
    losses = history.update_loss.values.tolist()
    lines = [",".join(UPDATE_COLUMNS)]
    if path:
        b, w = path[0]
        lines.append(f"0,,{b!r},{w!r}")
    rows = zip(losses, path[1:], strict=True)  # path has one more row: the start
    lines.extend(f"{u},{loss!r},{b!r},{w!r}" for u, (loss, (b, w)) in enumerate(rows, start=1))
    return "\n".join(lines) + "\n"


def epochs_csv(machine: Machine) -> str:
    """The per-epoch history as CSV text."""
    history = machine.history
    has_validation = machine.data.n_val > 0
    lines = [",".join(EPOCH_COLUMNS)]
    for epoch, (train, val) in enumerate(
        zip(history.epoch_loss.values.tolist(), history.val_loss.values.tolist(), strict=True), start=1
    ):
        lines.append(f"{epoch},{train!r},{val!r}" if has_validation else f"{epoch},{train!r},")
    return "\n".join(lines) + "\n"


def write_history(machine: Machine, path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write the per-update file at `path` and the per-epoch file beside it; returns both paths."""
    updates = atomic_write_text(path, updates_csv(machine))
    epochs = atomic_write_text(epochs_path(path), epochs_csv(machine))
    return updates, epochs
