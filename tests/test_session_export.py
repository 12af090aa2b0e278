"""History export: the CSV files hold exactly the machine's history, in the documented layout."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from gd_tui.cli import main
from gd_tui.engine import Config, Machine
from gd_tui.engine.breakpoints import epochs
from gd_tui.export import epochs_path, write_history


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as file:
        header, *rows = list(csv.reader(file))
    return header, rows


def number(cell: str) -> float:
    return math.nan if cell == "" else float(cell)


@pytest.mark.parametrize("batch_size", [None, 16])
def test_files_hold_the_history_exactly(tmp_path: Path, batch_size: int | None) -> None:
    machine = Machine(Config(batch_size=batch_size))
    machine.run_until(epochs(7))
    updates, per_epoch = write_history(machine, tmp_path / "run.csv")
    assert per_epoch == tmp_path / "run-epochs.csv" == epochs_path(updates)

    header, rows = read(updates)
    assert header == ["update", "loss", "b", "w"]
    assert [int(r[0]) for r in rows] == list(range(machine.state.update + 1))
    assert rows[0][1] == ""  # no loss before the first update
    losses = np.array([float(r[1]) for r in rows[1:]])
    path = np.array([[float(r[2]), float(r[3])] for r in rows])
    assert np.array_equal(losses, machine.history.update_loss.values)  # repr round-trips: bit for bit
    assert np.array_equal(path, machine.history.path.values)
    assert path[-1].tolist() == [machine.state.b[0], machine.state.w[0]]  # type: ignore[index]

    header, rows = read(per_epoch)
    assert header == ["epoch", "train_loss", "val_loss"]
    assert [int(r[0]) for r in rows] == list(range(1, 8))
    assert np.array_equal([float(r[1]) for r in rows], machine.history.epoch_loss.values)
    assert np.array_equal([float(r[2]) for r in rows], machine.history.val_loss.values)


def test_no_validation_set_leaves_val_loss_empty(tmp_path: Path) -> None:
    machine = Machine(Config(train_fraction=1.0))
    machine.run_until(epochs(3))
    _, rows = read(write_history(machine, tmp_path / "h.csv")[1])
    assert [r[2] for r in rows] == ["", "", ""]


def test_diverged_history_writes_nan_and_inf(tmp_path: Path) -> None:
    machine = Machine(Config(lr=50.0))
    machine.run_until(epochs(400))  # stops where it diverges
    assert machine.state.diverged
    machine.run_until(epochs(400))  # and goes on past it when asked
    _, rows = read(write_history(machine, tmp_path / "h.csv")[0])
    values = np.array([[number(c) for c in r[1:]] for r in rows[1:]])
    assert not np.isfinite(values).all()
    assert np.array_equal(values[:, 0], machine.history.update_loss.values, equal_nan=True)


def test_before_step_zero_writes_headers_only(tmp_path: Path) -> None:
    updates, per_epoch = write_history(Machine(), tmp_path / "h.csv")
    assert updates.read_text() == "update,loss,b,w\n"
    assert per_epoch.read_text() == "epoch,train_loss,val_loss\n"


def test_cli_run_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "hist.csv"
    assert main(["run", "--epochs", "25", "--batch-size", "16", "--json", "--history", str(target)]) == 0
    record = json.loads(capsys.readouterr().out)
    _, rows = read(target)
    assert len(rows) == record["updates_done"] + 1
    assert [float(rows[-1][2]), float(rows[-1][3])] == [record["b"], record["w"]]
    _, epoch_rows = read(tmp_path / "hist-epochs.csv")
    assert len(epoch_rows) == 25 and float(epoch_rows[-1][2]) == record["val_loss"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hist-epochs.csv", "hist.csv"]  # no temporary files left
