"""Invalid options are refused up front, with a message naming the option and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest

from gd_tui.engine import Config, ConfigError, DataError, Machine, make_dataset

INVALID = [
    ("lr", 0.0, "above 0"),
    ("lr", -0.1, "above 0"),
    ("lr", float("nan"), "finite"),
    ("lr", float("inf"), "finite"),
    ("lr", "0.1", "number"),
    ("lr", True, "number"),
    ("batch_size", 0, "from 1"),
    ("batch_size", 2.5, "whole number"),
    ("train_fraction", 0.0, "above 0"),
    ("train_fraction", 1.5, "at most 1"),
    ("n_points", 1, "from 2"),
    ("seed", -1, "from 0"),
    ("noise", -0.1, "from 0"),
    ("feature", "good", "raw, bad, scaled"),
    ("init_b", float("nan"), "finite"),
    ("true_w", 1e300, "between"),
    ("data", "", "path"),
]


@pytest.mark.parametrize(("option", "value", "allowed"), INVALID, ids=[f"{o}={v!r}" for o, v, _ in INVALID])
def test_invalid_option_is_refused_by_name(option: str, value: Any, allowed: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config(**{option: value})
    assert caught.value.option == option
    assert str(caught.value).startswith(f"{option}: ")
    assert allowed in caught.value.message


def test_with_changes_validates_too_and_leaves_the_original_alone() -> None:
    config = Config()
    assert config.with_changes(lr=0.5).lr == 0.5
    with pytest.raises(ConfigError, match="lr"):
        config.with_changes(lr=-1.0)
    assert config.lr == 0.1
    assert config.to_dict()["lr"] == 0.1 and set(config.to_dict()) >= {"seed", "batch_size", "feature", "data"}


def test_batch_size_larger_than_the_training_set_is_refused_with_the_limit() -> None:
    with pytest.raises(ConfigError) as caught:
        Machine(Config(batch_size=81))
    assert caught.value.option == "batch_size"
    assert "80" in caught.value.message
    assert Machine(Config(batch_size=80)).mode == "batch"


def test_a_split_leaving_fewer_than_two_training_points_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        make_dataset(Config(n_points=10, train_fraction=0.1))
    assert caught.value.option == "train_fraction"


def test_the_engine_reads_no_files(tmp_path: Any) -> None:
    """A CSV file is read outside the engine (gd_tui.csvfile); the engine takes its arrays."""
    path = tmp_path / "data.csv"
    path.write_text("x,y\n1,2\n2,4\n3,6\n")
    with pytest.raises(DataError) as caught:
        make_dataset(Config(data=str(path)))
    assert caught.value.option == "data" and "reads no files" in caught.value.message


def test_train_fraction_of_one_has_no_validation_set_and_still_trains() -> None:
    machine = Machine(Config(train_fraction=1.0))
    assert machine.data.n_val == 0
    for _ in range(6):
        machine.advance()
    assert machine.state.epoch == 1 and machine.state.val_loss is None
    assert len(machine.history.val_loss) == 1  # a NaN placeholder keeps epochs aligned
