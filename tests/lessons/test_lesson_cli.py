"""`gd-tui lessons` and `--lesson` on the TUI, trace and run."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from gd_tui.cli import main
from gd_tui.engine import Config
from gd_tui.lessons import builtin_names, load_lesson


def test_lessons_lists_name_and_title_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lessons"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(builtin_names())
    for line, name in zip(lines, builtin_names(), strict=True):
        assert line.endswith("  " + load_lesson(name).title)
        assert len(line) <= 80
    # Names padded to the longest (no-zero-grad), titles in one column.
    assert lines[0] == "book          The book's run: lr 0.1, batch gradient descent"


@pytest.mark.parametrize(
    "argv",
    [["--lesson", "lr-medium"], ["run", "--lesson", "lr-medium"], ["--lesson", "lr-medium", "trace", "--json"]],
)
def test_unknown_lesson_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("gd-tui: error: --lesson: lr-medium: no such lesson; built-in lessons are book")


def test_bad_lesson_file_exits_2_naming_file_key_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('title = "t"\nnote = "n"\n[training]\nlr = "fast"\n')
    assert main(["run", "--lesson", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"gd-tui: error: --lesson: {path}:4: training.lr: must be a number (got 'fast')\n"


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_run_with_a_lesson_and_with_flags_over_it(capsys: pytest.CaptureFixture[str]) -> None:
    diverged = run_json(["run", "--lesson", "lr-too-high", "--json"], capsys)
    assert diverged["diverged"] is True and diverged["critical_lr"] < 1.1
    calmer = run_json(["--lesson", "lr-too-high", "run", "--lr", "0.5", "--epochs", "500", "--json"], capsys)
    assert calmer["diverged"] is False
    assert calmer == run_json(["run", "--lr", "0.5", "--epochs", "500", "--json"], capsys)


def test_trace_with_a_lesson(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "--lesson", "sgd", "--steps", "2", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [record["batch_size"] for record in records] == [1, 1]


def test_the_tui_gets_the_lesson_and_its_config(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Config, Any]] = []
    fake = types.ModuleType("gd_tui.app")
    fake.run_app = lambda config, lesson=None, **_: calls.append((config, lesson)) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gd_tui.app", fake)
    assert main(["--lesson", "scaled", "--lr", "0.5"]) == 0
    assert main([]) == 0
    (config, lesson), (plain, no_lesson) = calls
    assert lesson == load_lesson("scaled")
    assert config == lesson.config.with_changes(lr=0.5)
    assert (plain, no_lesson) == (Config(), None)
