"""The optimizer flags on trace and run, their JSON, lesson keys, and session files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gd_tui.engine import Machine
from gd_tui.engine.breakpoints import epochs
from gd_tui.lessons import LessonError, parse_lesson
from gd_tui.session import capture, dumps, loads, restore

Cli = Callable[..., Any]


def test_trace_carries_the_optimizer_state_after_each_step(cli: Cli) -> None:
    records = cli("trace", "--steps", "11", "--json", "--optimizer", "adam", "--betas", "0.8,0.99").json_lines()
    assert {r["optimizer"] for r in records} == {"adam"}
    first, second = records[4], records[9]  # after each update's step 4
    assert first["step"] == second["step"] == 4
    assert first["optimizer_state"]["t"] == 1 and second["optimizer_state"]["t"] == 2
    g = [first["b_grad"], first["w_grad"]]
    assert first["optimizer_state"]["m"] == pytest.approx([0.2 * v for v in g], rel=1e-12)
    assert first["optimizer_state"]["v"] == pytest.approx([0.01 * v * v for v in g], rel=1e-12)
    assert records[0]["optimizer_state"] == {"m": [0.0, 0.0], "v": [0.0, 0.0], "t": 0}


def test_run_names_the_optimizer_and_its_settings(cli: Cli) -> None:
    result = cli("run", "--json", "--epochs", "5", "--optimizer", "rmsprop", "--alpha", "0.9", "--eps", "1e-6")
    record = result.json_lines()[0]
    assert record["optimizer"] == "rmsprop"
    assert record["optimizer_settings"] == {"alpha": 0.9, "eps": 1e-6}
    assert cli("run", "--json", "--epochs", "5").json_lines()[0]["optimizer"] == "sgd"


def test_run_reports_diverging_before_anything_overflows(cli: Cli) -> None:
    record = cli("run", "--json", "--epochs", "300", "--lr", "0.9").json_lines()[0]
    assert record["diverged"] is False and record["diverged_at"] is None
    growing = record["diverging_from"]
    assert growing["update"] >= 0 and growing["growth"] > 1
    assert growing["growth"] == pytest.approx(growing["predicted_growth"], rel=1e-6)
    assert cli("run", "--json", "--epochs", "300").json_lines()[0]["diverging_from"] is None


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--optimizer", "lbfgs"], "argument --optimizer: invalid choice: 'lbfgs'"),
        (["--momentum", "1"], "--momentum: must be at least 0 and below 1 (got 1.0)"),
        (["--betas", "0.9"], "--betas: must be two numbers B1,B2"),
        (["--betas", "0.9,1.5"], "--betas: must be at least 0 and below 1 (got 1.5)"),
        (["--betas", "0.9,x"], "--betas: must be a number (got 'x')"),
        (["--alpha", "-0.5"], "--alpha: must be at least 0 and below 1"),
        (["--eps", "0"], "--eps: must be above 0"),
    ],
)
@pytest.mark.parametrize("command", ["run", "trace"])
def test_bad_optimizer_flags_get_one_line_and_exit_2(cli: Cli, command: str, argv: list[str], words: str) -> None:
    result = cli(command, *argv)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and words in result.err, result.err


def test_a_lesson_sets_the_optimizer_under_training() -> None:
    lesson = parse_lesson(
        'name = "x"\ntitle = "t"\nnote = "n"\n[training]\noptimizer = "adam"\nbetas = [0.8, 0.9]\neps = 1e-6\n'
    )
    assert lesson.config.optimizer == "adam" and lesson.config.betas == (0.8, 0.9) and lesson.config.eps == 1e-6


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("momentum = 1.0", "<lesson>:5: training.momentum: must be at least 0 and below 1"),
        ("betas = [0.9]", "<lesson>:5: training.betas: must be two numbers in brackets"),
        ("eps = -1.0", "<lesson>:5: training.eps: must be above 0"),
        ('optimizer = "Adam"', "<lesson>:5: training.optimizer: must be one of sgd"),
    ],
)
def test_a_lesson_with_an_out_of_range_setting_names_the_key_and_line(line: str, words: str) -> None:
    with pytest.raises(LessonError) as caught:
        parse_lesson(f'name = "x"\ntitle = "t"\nnote = "n"\n[training]\n{line}\n')
    assert str(caught.value).startswith(words), str(caught.value)


def test_a_saved_session_brings_back_an_optimizer_changed_mid_run(tmp_path: Path) -> None:
    machine = Machine()
    machine.run_until(epochs(3))
    machine.set_optimizer("nesterov")
    machine.run_until(epochs(6))
    machine.set_optimizer("adam")
    machine.run_until(epochs(9))
    machine.advance()
    back = restore(loads(dumps(capture(machine))))
    assert back.state.optimizer == "adam" and back.state.t == machine.state.t
    assert back.settings_log == machine.settings_log
    for ours, theirs in zip(back.state.buffers, machine.state.buffers, strict=True):
        assert (ours == theirs).all() if hasattr(ours, "all") else ours == theirs  # type: ignore[union-attr]
