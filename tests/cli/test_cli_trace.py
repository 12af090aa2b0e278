"""`gd-tui trace`: one record per executed step, values as they are after the step."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest

from gd_tui.engine import STEP_NAMES, Config, Machine

Cli = Callable[..., Any]

TRACE_FIELDS = [
    "step", "name", "epoch", "batch", "batches", "epochs_done", "updates_done", "b", "w", "loss",
    "b_grad", "w_grad", "val_loss", "lr", "batch_size", "diverged", "optimizer", "optimizer_state",
]  # fmt: skip
INT_FIELDS = ("step", "epoch", "batch", "batches", "epochs_done", "updates_done", "batch_size")
FLOAT_FIELDS = ("b", "w", "lr")
MAYBE_FLOAT_FIELDS = ("loss", "b_grad", "w_grad", "val_loss")


def strict_json(line: str) -> dict[str, Any]:
    """Parse as standard JSON: NaN and Infinity are not JSON, so refuse them."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not valid JSON")

    record: dict[str, Any] = json.loads(line, parse_constant=refuse)
    return record


def check_types(record: dict[str, Any]) -> None:
    assert list(record) == TRACE_FIELDS
    for key in INT_FIELDS:
        assert type(record[key]) is int, key
    for key in FLOAT_FIELDS:
        assert type(record[key]) is float, key
    for key in MAYBE_FLOAT_FIELDS:
        assert record[key] is None or type(record[key]) is float, key
    assert type(record["name"]) is str
    assert type(record["diverged"]) is bool
    assert type(record["optimizer"]) is str and type(record["optimizer_state"]) is dict


def test_trace_json_has_exactly_the_documented_fields_and_types(cli: Cli) -> None:
    result = cli("trace", "--steps", "30", "--json", "--batch-size", "16")
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert len(lines) == 30
    for line in lines:
        check_types(strict_json(line))


def test_trace_follows_the_six_steps_and_counts_epochs_updates_batches(cli: Cli) -> None:
    records = cli("trace", "--steps", "31", "--json", "--batch-size", "16").json_lines()
    assert [r["step"] for r in records] == [0] + [1, 2, 3, 4, 5] * 6
    assert [r["name"] for r in records] == [STEP_NAMES[r["step"]] for r in records]
    after_repeat = [r for r in records if r["step"] == 5]
    # 5 batches of 16 per epoch: the sixth repeat starts epoch 2's second batch. Counted
    # as on screen: the epoch and batch in progress from 1, finished work as "_done".
    assert [(r["epoch"], r["batch"], r["batches"], r["epochs_done"], r["updates_done"]) for r in after_repeat] == [
        (1, 2, 5, 0, 1), (1, 3, 5, 0, 2), (1, 4, 5, 0, 3), (1, 5, 5, 0, 4), (2, 1, 5, 1, 5), (2, 2, 5, 1, 6),
    ]  # fmt: skip
    assert all(r["lr"] == 0.1 and r["batch_size"] == 16 and r["diverged"] is False for r in records)


def test_values_are_null_until_first_computed_and_then_stay(cli: Cli) -> None:
    records = cli("trace", "--steps", "30", "--json", "--batch-size", "16").json_lines()
    first_computed = {"loss": 2, "b_grad": 3, "w_grad": 3, "val_loss": 25}  # index of the record
    for key, index in first_computed.items():
        assert all(r[key] is None for r in records[:index]), key
        assert all(r[key] is not None for r in records[index:]), key
    assert records[0]["b"] is not None and records[0]["w"] is not None


def test_trace_reproduces_the_books_first_update(cli: Cli) -> None:
    records = cli("trace", "--json").json_lines()  # 6 steps by default: step 0 and one update
    assert len(records) == 6
    assert records[0]["b"] == 0.4967141530112327 and records[0]["w"] == -0.13826430117118466
    assert records[2]["loss"] == 2.7421577700550976
    assert (records[3]["b_grad"], records[3]["w_grad"]) == (-3.044811379650508, -1.8337537171510832)
    assert records[4]["b"] == pytest.approx(0.80119529, abs=5e-9)
    assert records[4]["w"] == pytest.approx(0.04511107, abs=5e-9)
    assert records[5]["val_loss"] is not None and records[5]["epochs_done"] == 1 and records[5]["epoch"] == 2


@pytest.mark.parametrize(
    "flags",
    [
        [],
        ["--batch-size", "1", "--feature", "scaled"],
        ["--seed", "7", "--n-points", "33", "--batch-size", "5", "--lr", "0.05", "--true-b", "-1", "--true-w", "3"],
        ["--noise", "0.5", "--train-fraction", "0.6", "--init-b", "2.5", "--init-w", "-1e-3", "--feature", "bad"],
    ],
    ids=["defaults", "stochastic-scaled", "seeded-minibatch", "noisy-bad-init"],
)
def test_floats_round_trip_exactly_to_the_engines_values(cli: Cli, flags: list[str]) -> None:
    records = cli("trace", "--steps", "40", "--json", *flags).json_lines()
    options = dict(zip(flags[::2], flags[1::2], strict=True))
    config = Config(
        seed=int(options.get("--seed", 42)),
        n_points=int(options.get("--n-points", 100)),
        true_b=float(options.get("--true-b", 1)),
        true_w=float(options.get("--true-w", 2)),
        noise=float(options.get("--noise", 0.1)),
        train_fraction=float(options.get("--train-fraction", 0.8)),
        lr=float(options.get("--lr", 0.1)),
        batch_size=int(options["--batch-size"]) if "--batch-size" in options else None,
        feature=options.get("--feature", "raw"),
        init_b=float(options["--init-b"]) if "--init-b" in options else None,
        init_w=float(options["--init-w"]) if "--init-w" in options else None,
    )
    machine = Machine(config)
    for record in records:
        state = machine.advance()
        assert state.b is not None and state.w is not None
        # `==`, not approx: the printed digits are the engine's float, bit for bit.
        assert record["b"] == state.b[0] and record["w"] == state.w[0]
        for key in MAYBE_FLOAT_FIELDS:
            value = getattr(state, key)
            assert record[key] == (None if value is None else float(value)), key
        assert (record["epoch"], record["batch"]) == (state.epoch + 1, state.batch + 1)
        assert (record["epochs_done"], record["updates_done"]) == (state.epoch, state.update)


def test_whole_number_learning_rates_are_still_json_floats(cli: Cli) -> None:
    records = cli("trace", "--steps", "2", "--json", "--lr", "1").json_lines()
    assert type(records[0]["lr"]) is float and records[0]["lr"] == 1.0


def test_zero_steps_prints_nothing(cli: Cli) -> None:
    result = cli("trace", "--steps", "0", "--json")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_a_diverging_trace_says_so_and_raises_nothing(cli: Cli) -> None:
    result = cli("trace", "--steps", "600", "--json", "--feature", "bad", "--lr", "100")
    assert result.code == 0 and result.err == ""
    records = [strict_json(line) for line in result.out.splitlines()]
    assert len(records) == 600
    assert records[-1]["diverged"] is True
    # Non-finite values are spelled as strings that float() reads back.
    assert records[-1]["loss"] in ("inf", "nan")
    assert not math.isfinite(float(records[-1]["loss"]))
    assert records[0]["diverged"] is False


def test_human_trace_prints_one_line_per_step_with_full_precision(cli: Cli) -> None:
    result = cli("trace", "--steps", "6")
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert len(lines) == 6
    assert lines[0].startswith("step=0  name=initialize  ")
    assert "b=0.4967141530112327" in lines[0] and "loss=None" in lines[0]
    assert "loss=2.7421577700550976" in lines[2]
    assert "b_grad=-3.044811379650508" in lines[3] and "w_grad=-1.8337537171510832" in lines[3]
    for line in lines:
        keys = [pair.split("=", 1)[0] for pair in line.split("  ")]
        assert keys == TRACE_FIELDS
