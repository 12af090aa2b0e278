"""Bad input: exit code 2, one line on stderr naming the problem, nothing on stdout, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Cli = Callable[..., Any]

# (argv, text the one line must contain: the flag or value at fault)
BAD_INPUT = [
    (["run", "--bogus"], "--bogus"),
    (["trace", "--lr", "abc"], "--lr"),
    (["run", "--lr", "0"], "--lr"),
    (["run", "--lr", "-0.5"], "--lr"),
    (["run", "--lr", "nan"], "--lr"),
    (["run", "--lr", "inf"], "--lr"),
    (["run", "--lr"], "--lr"),
    (["run", "--batch-size", "0"], "--batch-size"),
    (["run", "--batch-size", "81"], "--batch-size"),
    (["trace", "--batch-size", "2.5"], "--batch-size"),
    (["run", "--train-fraction", "0"], "--train-fraction"),
    (["run", "--train-fraction", "1.5"], "--train-fraction"),
    (["run", "--data", "/no/such/dir/points.csv"], "--data"),
    (["run", "--feature", "good"], "--feature"),
    (["trace", "--steps", "-1"], "--steps"),
    (["trace", "--steps", "many"], "--steps"),
    (["run", "--epochs", "-3"], "--epochs"),
    (["run", "--seed", "-1"], "--seed"),
    (["run", "--n-points", "1"], "--n-points"),
    (["run", "--noise", "-1"], "--noise"),
    (["run", "--init-w", "1e400"], "--init-w"),
    (["--lr", "0", "trace"], "--lr"),  # a flag before the command is checked the same way
    (["frobnicate"], "frobnicate"),
]


@pytest.mark.parametrize(("argv", "names"), BAD_INPUT, ids=[" ".join(argv) for argv, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_line(cli: Cli, argv: list[str], names: str) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert result.out == ""
    assert result.err.endswith("\n") and result.err.count("\n") == 1, result.err
    assert result.err.startswith("gd-tui: error: ")
    assert names in result.err
    assert "Traceback" not in result.err and "usage:" not in result.err


def test_a_data_file_that_is_a_directory_is_one_line_too(cli: Cli, tmp_path: Any) -> None:
    result = cli("run", "--data", str(tmp_path))
    assert result.code == 2 and result.err.count("\n") == 1 and "--data" in result.err


def test_help_is_not_an_error(cli: Cli) -> None:
    with pytest.raises(SystemExit) as caught:
        cli("run", "--help")
    assert caught.value.code == 0
