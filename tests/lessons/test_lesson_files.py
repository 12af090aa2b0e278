"""Lesson files: a valid one gives the flags' Config; each mistake is named with its key and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gd_tui.cli import build_parser, config_from_args
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.lessons import LessonError, load_lesson, parse_lesson
from gd_tui.lessons.lines import line_of

HEAD = 'title = "A test lesson"\nnote = "Watch the loss; the largest stable rate is {critical_lr}."\n'


def write(tmp_path: Path, body: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def refused(tmp_path: Path, body: str) -> LessonError:
    path = write(tmp_path, body)
    with pytest.raises(LessonError) as caught:
        load_lesson(str(path))
    return caught.value


def test_a_full_file_gives_the_same_config_as_the_flags(tmp_path: Path) -> None:
    (tmp_path / "points.csv").write_text("x,y\n" + "".join(f"{i / 10},{1 + i / 5}\n" for i in range(40)))
    path = write(
        tmp_path,
        """
        name = "csv-run"
        title = "A CSV run"
        note = "Watch it."

        [data]
        seed = 7
        n_points = 50
        true_b = -1
        true_w = 3.5
        noise = 0.25
        train_fraction = 0.75
        csv = "points.csv"
        feature = "scaled"

        [training]
        lr = 1
        batch_size = 10
        init_b = 0
        init_w = -0.5
        """,
    )
    flags = [
        "--seed", "7", "--n-points", "50", "--true-b", "-1", "--true-w", "3.5", "--noise", "0.25",
        "--train-fraction", "0.75", "--data", str(tmp_path / "points.csv"), "--feature", "scaled",
        "--lr", "1", "--batch-size", "10", "--init-b", "0", "--init-w", "-0.5",
    ]  # fmt: skip
    lesson = load_lesson(str(path))
    from_flags = config_from_args(build_parser().parse_args(flags))
    assert lesson.config == from_flags
    assert lesson.config.to_dict() == from_flags.to_dict()
    assert [type(v) for v in lesson.config.to_dict().values()] == [type(v) for v in from_flags.to_dict().values()]
    assert (lesson.name, lesson.title) == ("csv-run", "A CSV run")


def test_flags_override_the_lesson() -> None:
    lesson = load_lesson("lr-too-high")
    args = build_parser().parse_args(["--lesson", "lr-too-high", "run", "--lr", "0.5", "--seed", "3"])
    config = config_from_args(args, base=lesson.config)
    assert config == lesson.config.with_changes(lr=0.5, seed=3)


def test_breakpoints_notes_and_placeholders(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        title = "lr {lr} on {n_train} points"
        note = \"\"\"
        First paragraph, written over
        two lines; critical {critical_lr}, condition {condition_number:.1f}.

        Second paragraph with {{literal braces}}, batch {batch_size}, {updates_per_epoch} updates.
        \"\"\"

        [training]
        lr = 0.3
        batch_size = 20

        [breakpoints]
        loss_below = 0.01
        loss_went_up = true
        grad_below = 1e-4
        epoch_reached = 50

        [notes]
        0 = "Start."
        "4" = "Update with lr {lr}."
        """,
    )
    lesson = load_lesson(path)  # a Path works as well as a str
    assert lesson.name == "mine"  # no name key: the file's stem
    assert lesson.title == "lr 0.3 on 80 points"
    assert lesson.note == (
        "First paragraph, written over two lines; critical 0.806, condition 16.4.\n\n"
        "Second paragraph with {literal braces}, batch 20, 4 updates."
    )
    assert lesson.breakpoints == Breakpoints(loss_below=0.01, loss_went_up=True, grad_below=1e-4, epoch_reached=50)
    assert lesson.step_notes == {0: "Start.", 4: "Update with lr 0.3."}


def test_dotted_and_inline_tables_are_toml_too(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + 'training.lr = 0.2\ndata = { feature = "bad" }\n')
    lesson = load_lesson(str(path))
    assert (lesson.config.lr, lesson.config.feature) == (0.2, "bad")


# (file body, key named, line named, words in the message)
BAD_FILES = {
    "unknown key": (HEAD + "[training]\nlr = 0.1\nlerning_rate = 0.2\n", "training.lerning_rate", 5, "unknown key"),
    "key in the wrong table": (HEAD + "[data]\nseed = 1\nlr = 0.5\n", "data.lr", 5, "belongs in [training]"),
    "key at the top level": (HEAD + "batch_size = 4\n", "batch_size", 3, "belongs in [training]"),
    "unknown table": (HEAD + "\n[train]\nlr = 0.1\n", "train", 4, "unknown key"),
    "unknown breakpoint": (HEAD + "[breakpoints]\nloss_above = 3\n", "breakpoints.loss_above", 4, "loss_below"),
    "wrong type: text for a number": (HEAD + '[training]\nlr = "fast"\n', "training.lr", 4, "must be a number"),
    "wrong type: float for a count": (HEAD + "[training]\nbatch_size = 16.0\n", "training.batch_size", 4, "whole"),
    "wrong type: feature": (HEAD + "[data]\nfeature = 1\n", "data.feature", 4, "raw, bad, scaled"),
    "wrong type: csv": (HEAD + "[data]\ncsv = 5\n", "data.csv", 4, "path of a CSV file"),
    "wrong type: flag": (HEAD + '[breakpoints]\nloss_went_up = "y"\n', "breakpoints.loss_went_up", 4, "true or false"),
    "wrong type: table": (HEAD + "data = 3\n", "data", 3, "must be a table"),
    "wrong type: title": ('title = 3\nnote = "n"\n', "title", 1, "text in quotes"),
    "wrong type: note": ('title = "t"\n\nnote = ["n"]\n', "note", 3, "text in quotes"),
    "title on two lines": ('title = """a\nb"""\nnote = "n"\n', "title", 1, "one line"),
    "missing title": ('note = "n"\n', "title", None, "missing"),
    "out of range: lr": (HEAD + "[training]\n# lr = 0.1 was the book's\nlr = 0\n", "training.lr", 5, "above 0"),
    "out of range: fraction": (HEAD + "[data]\ntrain_fraction = 1.5\n", "data.train_fraction", 4, "at most 1"),
    "out of range: seed": (HEAD + "[data]\nseed = -1\n", "data.seed", 4, "from 0"),
    "out of range: noise": (HEAD + "[data]\nnoise = -0.1\n", "data.noise", 4, "from 0"),
    "out of range: huge int": (HEAD + "[data]\ntrue_b = 123456789012345678\n", "data.true_b", 4, "out of range"),
    "out of range: batch size": (HEAD + "[training]\nbatch_size = 81\n", "training.batch_size", 4, "from 1 to 80"),
    "out of range: too few points": (HEAD + "[data]\nn_points = 2\n", "data.n_points", 4, "for training"),
    "out of range: step note": (HEAD + '[notes]\n6 = "no such step"\n', "notes.6", 4, "from 0 to 5"),
    "out of range: epoch": (HEAD + "[breakpoints]\nepoch_reached = 0\n", "breakpoints.epoch_reached", 4, "from 1"),
    "out of range: threshold": (HEAD + "[breakpoints]\n\ngrad_below = -1\n", "breakpoints.grad_below", 5, "above 0"),
    "unknown placeholder": ('title = "t"\nnote = "past {critcal_lr}"\n', "note", 2, "unknown placeholder {critcal_lr}"),
    "stray brace": ('title = "t"\nnote = "a } here"\n', "note", 2, "literal braces"),
    "placeholder in a step note": (HEAD + '[notes]\n3 = "{b_grad}"\n', "notes.3", 4, "unknown placeholder"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_each_mistake_names_file_key_and_line(tmp_path: Path, case: str) -> None:
    body, key, line, words = BAD_FILES[case]
    error = refused(tmp_path, body)
    path = str(tmp_path / "mine.toml")
    assert (error.source, error.key, error.line) == (path, key, line)
    assert words in error.message
    where = path if line is None else f"{path}:{line}"
    assert str(error) == f"{where}: {key}: {error.message}"
    assert "\n" not in str(error)


def test_bad_toml_syntax_names_the_line(tmp_path: Path) -> None:
    error = refused(tmp_path, HEAD + "[training]\nlr = = 0.1\n")
    assert error.line == 4
    assert str(error).startswith(f"{tmp_path / 'mine.toml'}:4: invalid TOML: ")


def test_duplicate_key_is_a_toml_error(tmp_path: Path) -> None:
    error = refused(tmp_path, HEAD + "[training]\nlr = 0.1\nlr = 0.2\n")
    assert error.line == 5 and "invalid TOML" in error.message


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nowhere.toml")
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    assert str(caught.value) == f"{path}: no such file"


def test_not_a_lesson_file(tmp_path: Path) -> None:
    with pytest.raises(LessonError, match="is a directory"):
        load_lesson(str(tmp_path) + "/")
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00title")
    with pytest.raises(LessonError, match="not a UTF-8 text file"):
        load_lesson(str(tmp_path / "binary.toml"))


def test_unknown_name_lists_the_built_in_lessons() -> None:
    with pytest.raises(LessonError) as caught:
        load_lesson("lr-medium")
    assert str(caught.value).startswith("lr-medium: no such lesson; built-in lessons are book, lr-low,")


def test_csv_path_missing_is_named_relative_to_the_lesson(tmp_path: Path) -> None:
    error = refused(tmp_path, HEAD + '[data]\nseed = 1\ncsv = "points.csv"\n')
    assert (error.key, error.line) == ("data.csv", 5)
    assert "points.csv: no such file" in error.message and str(tmp_path / "points.csv") in error.message


def test_csv_path_is_relative_to_the_lesson_file_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "points.csv").write_text("1,3\n2,5\n3,7\n4,9\n5,11\n")
    path = write(folder, HEAD + '[data]\ncsv = "points.csv"\n')
    monkeypatch.chdir(tmp_path)
    assert load_lesson(str(path)).config.data == str(folder / "points.csv")


def test_bad_csv_contents_point_at_the_csv_key(tmp_path: Path) -> None:
    (tmp_path / "points.csv").write_text("x,y\n1,2\n3,oops\n4,5\n")
    error = refused(tmp_path, HEAD + '[data]\n\ncsv = "points.csv"\n')
    assert (error.key, error.line) == ("data.csv", 5)
    assert "'oops' is not a number" in error.message


def test_parse_lesson_from_text() -> None:
    lesson = parse_lesson(HEAD + "[training]\nlr = 0.4\n", source="inline", name="inline")
    assert (lesson.name, lesson.config.lr) == ("inline", 0.4)
    with pytest.raises(LessonError, match=r"^inline:4: training.lr: "):
        parse_lesson(HEAD + "[training]\nlr = -1\n", source="inline")


def test_lines_skip_text_inside_multi_line_strings() -> None:
    text = textwrap.dedent(
        '''
        note = """
        [training]
        lr = 3   # this is text, not a key
        \\"""
        still text: lr = 4
        """
        literal = \'\'\'
        lr = 5
        \'\'\'
        ["training"]
        "lr" = 0.1
        [data]
        seed = 1
        '''
    ).lstrip("\n")
    assert line_of(text, "training", "lr") == 11
    assert line_of(text, "training") == 10
    assert line_of(text, "data", "seed") == 13
    assert line_of(text, "data", "feature") == 12  # missing key: its table's line
    assert line_of(text, "notes", "1") is None


def test_arrays_nested_2000_deep_are_one_line(tmp_path: Path) -> None:
    # tomllib recurses once per level: this used to be a RecursionError traceback.
    path = write(tmp_path, 'name = "x"\n' + HEAD + "a = " + "[" * 2000 + "]" * 2000 + "\n")
    with pytest.raises(LessonError) as caught:
        load_lesson(str(path))
    assert str(caught.value) == f"{path}: invalid TOML: arrays or inline tables are nested too deeply"


@pytest.mark.parametrize(
    ("csv", "reason"),
    [
        ("/dev/zero", "/dev/zero: is not a regular file; expected a CSV file with two numeric columns x, y"),
        (".", ".: is a directory; expected a CSV file with two numeric columns x, y"),
        ("a" * 300 + ".csv", "a" * 300 + ".csv: cannot be read (File name too long)"),
    ],
    ids=["a device", "a directory", "a name too long"],
)
def test_csv_path_that_is_no_csv_file_gives_the_real_reason(tmp_path: Path, csv: str, reason: str) -> None:
    # The reasons --data gives for the same paths, not "no such file".
    error = refused(tmp_path, HEAD + f'[data]\ncsv = "{csv}"\n')
    assert (error.key, error.line, error.message) == ("data.csv", 4, reason)
