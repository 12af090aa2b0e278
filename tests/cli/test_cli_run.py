"""`gd-tui run`: whole epochs from step 0, then one result with the reference answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gd_tui.engine import Config, Machine
from gd_tui.engine.analysis import least_squares, mse
from gd_tui.engine.breakpoints import epochs

Cli = Callable[..., Any]

RUN_FIELDS = [
    "epochs_done", "updates_done", "b", "w", "train_loss", "val_loss", "ols_b", "ols_w",
    "critical_lr", "condition_number", "diverged", "diverged_at", "diverging_from",
    "optimizer", "optimizer_settings",
]  # fmt: skip


def strict_json(text: str) -> dict[str, Any]:
    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not valid JSON")

    record: dict[str, Any] = json.loads(text, parse_constant=refuse)
    return record


def run_json(cli: Cli, *flags: str) -> dict[str, Any]:
    result = cli("run", "--json", *flags)
    assert result.code == 0 and result.err == ""
    assert result.out.count("\n") == 1, "one JSON object on one line"
    record: dict[str, Any] = json.loads(result.out)
    return record


def test_run_json_has_exactly_the_documented_fields_and_types(cli: Cli) -> None:
    record = strict_json(cli("run", "--json", "--epochs", "50").out)
    assert list(record) == RUN_FIELDS
    assert type(record["epochs_done"]) is int and type(record["updates_done"]) is int
    for key in ("b", "w", "train_loss", "val_loss", "ols_b", "ols_w", "critical_lr", "condition_number"):
        assert type(record[key]) is float, key
    assert record["diverged"] is False and record["diverged_at"] is None


def test_run_reproduces_the_book_after_1000_epochs(cli: Cli) -> None:
    record = run_json(cli, "--epochs", "1000")
    assert (record["epochs_done"], record["updates_done"]) == (1000, 1000)
    assert record["b"] == pytest.approx(1.02354094, abs=5e-9)
    assert record["w"] == pytest.approx(1.96896411, abs=5e-9)
    assert (record["ols_b"], record["ols_w"]) == pytest.approx((1.02354075, 1.96896447), abs=5e-9)
    assert record["critical_lr"] == pytest.approx(0.8055, abs=5e-5)
    assert record["condition_number"] == pytest.approx(16.435, abs=5e-4)


def test_run_values_are_the_engines_bit_for_bit(cli: Cli) -> None:
    record = run_json(cli, "--epochs", "37", "--batch-size", "16", "--feature", "scaled", "--seed", "5")
    machine = Machine(Config(batch_size=16, feature="scaled", seed=5))
    machine.run_until(epochs(37))
    state = machine.state
    assert state.b is not None and state.w is not None
    assert (record["epochs_done"], record["updates_done"]) == (37, 37 * 5)
    assert (record["b"], record["w"]) == (state.b[0], state.w[0])
    assert record["val_loss"] == state.val_loss
    data = machine.data
    # train_loss is on the whole training set at the final parameters, not the last batch's loss.
    assert record["train_loss"] == mse(record["b"], record["w"], data.x_train, data.y_train)
    assert record["train_loss"] != state.loss
    assert (record["ols_b"], record["ols_w"]) == least_squares(data.x_train, data.y_train)


def test_flags_before_or_after_the_command_mean_the_same(cli: Cli) -> None:
    after = run_json(cli, "--epochs", "20", "--lr", "0.05", "--batch-size", "8")
    before = cli("--lr", "0.05", "--batch-size", "8", "run", "--epochs", "20", "--json")
    assert before.code == 0
    assert json.loads(before.out) == after


def test_a_diverging_run_reports_where(cli: Cli) -> None:
    record = run_json(cli, "--epochs", "3000", "--lr", "1.1")
    assert record["diverged"] is True
    where = record["diverged_at"]
    assert list(where) == ["epoch", "update", "step"]
    assert all(type(value) is int for value in where.values())
    assert where["step"] in (2, 3, 4, 5)
    assert record["epochs_done"] < 3000  # the run stops where it diverged
    machine = Machine(Config(lr=1.1))
    machine.run_until(epochs(3000))
    assert tuple(where.values()) == machine.state.diverged_in  # counted from 1, as on screen


def test_run_on_a_csv_file(cli: Cli, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 40)
    y = 0.5 - 3 * x + rng.normal(0, 0.05, 40)
    csv = tmp_path / "points.csv"
    csv.write_text("x,y\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(x.tolist(), y.tolist(), strict=True)))
    record = run_json(cli, "--data", str(csv), "--epochs", "2000", "--lr", "0.3")
    assert record["epochs_done"] == 2000 and not record["diverged"]
    assert (record["b"], record["w"]) == pytest.approx((record["ols_b"], record["ols_w"]), abs=1e-9)
    assert (record["ols_b"], record["ols_w"]) == pytest.approx((0.5, -3.0), abs=0.1)


def test_human_run_output_lists_every_field_with_full_precision(cli: Cli) -> None:
    record = run_json(cli, "--epochs", "10")
    result = cli("run", "--epochs", "10")
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert [line.split()[0] for line in lines] == RUN_FIELDS
    shown = {line.split()[0]: line.split(None, 1)[1] for line in lines}
    assert shown["b"] == repr(record["b"]) and shown["train_loss"] == repr(record["train_loss"])
    assert shown["epochs_done"] == "10" and shown["diverged"] == "False" and shown["diverged_at"] == "None"
