"""Every bad input issue 5 lists, on the command line: exit 2, one stderr line, no traceback."""

from __future__ import annotations

import codecs
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import gd_tui.app
from gd_tui import files as files_module
from gd_tui import session as session_module
from gd_tui.csvfile import machine as new_machine
from gd_tui.engine import Config
from gd_tui.session import Session, capture, save

Cli = Callable[..., Any]

ROWS = "".join(f"{i / 10!r},{1 + 2 * i / 10 + (-1) ** i * 0.05!r}\n" for i in range(20))

# Files the table refers to by name ({name} in an argv is replaced by the file's path).
DATA_FILES: dict[str, str] = {
    "good.csv": "x,y\n" + ROWS,
    "empty.csv": "",
    "header.csv": "x,y\n",
    "one-row.csv": "x,y\n1,2\n",
    "two-rows.csv": "x,y\n1,2\n3,4\n",
    "text.csv": "x,y\n1,2\n3,abc\n" + ROWS,
    "nan.csv": "x,y\n1,2\n3,nan\n" + ROWS,
    "inf.csv": "x,y\n1,2\ninf,4\n" + ROWS,
    "ragged.csv": "x,y\n1,2\n3,4,5\n" + ROWS,
    "three-columns.csv": "id,x,y\n" + "".join(f"{i},{line}\n" for i, line in enumerate(ROWS.splitlines())),
    "huge.csv": "x,y\n1,2\n1e300,4\n" + ROWS,
    "constant-x.csv": "x,y\n" + "".join(f"2.5,{i}\n" for i in range(20)),
    "bom.csv": "\ufeffx,y\n" + ROWS,
    "semicolons.csv": "x;y\n" + ROWS.replace(",", ";"),
    "decimal-commas.csv": "x;y\n" + ROWS.replace(",", ";").replace(".", ","),
    "tabs.csv": "x\ty\n" + ROWS.replace(",", "\t"),
}

SESSION_TEXTS: dict[str, str] = {
    "empty.json": "",
    "truncated.json": '{"format": "gd-tui session", "version": 1, "config": {"seed": 4',
    "not-json.json": "this is not a session\n",
    "foreign.json": '{"format": "gd-tui session", "version": 99, "config": {}, "position": {"t": 0}}',
    "other-program.json": '{"name": "something else"}',
    "wrong-types.json": '{"format": "gd-tui session", "version": 1, "config": {"lr": "fast"}, "position": {"t": 0}}',
    "bad-position.json": '{"format": "gd-tui session", "version": 1, "config": {}, "position": {"t": -5}}',
    "bad-setting.json": (
        '{"format": "gd-tui session", "version": 1, "config": {}, "position": {"t": 9, "settings": [[3, "lr", -1]]}}'
    ),
}

# (id, argv, words the one line must contain)
BAD_INPUT: list[tuple[str, list[str], list[str]]] = [
    # CSV files
    ("missing file", ["run", "--data", "{missing.csv}"], ["--data", "no such file"]),
    ("a directory", ["run", "--data", "{dir}"], ["--data", "is a directory"]),
    ("empty file", ["run", "--data", "{empty.csv}"], ["--data", "is empty"]),
    ("header only", ["run", "--data", "{header.csv}"], ["--data", "no data rows"]),
    ("one data row", ["run", "--data", "{one-row.csv}"], ["--data", "only 1 data row"]),
    ("too few rows for the split", ["run", "--data", "{two-rows.csv}"], ["--data", "leave 1 for training"]),
    ("non-numeric cell", ["run", "--data", "{text.csv}"], ["--data", "line 3, column 2", "'abc'"]),
    ("NaN value", ["run", "--data", "{nan.csv}"], ["--data", "line 3, column 2", "NaN"]),
    ("infinite value", ["run", "--data", "{inf.csv}"], ["--data", "line 3, column 1", "infinite"]),
    ("ragged rows", ["run", "--data", "{ragged.csv}"], ["--data", "line 3 has 3 columns"]),
    ("more than two columns", ["run", "--data", "{three-columns.csv}"], ["--data", "--x-col", "--y-col"]),
    ("column out of range", ["run", "--data", "{good.csv}", "--x-col", "3"], ["--x-col", "from 1 to 2"]),
    ("column zero", ["run", "--data", "{good.csv}", "--y-col", "0"], ["--y-col", "from 1 to"]),
    ("same column twice", ["run", "--data", "{three-columns.csv}", "--x-col", "2", "--y-col", "2"], ["--y-col"]),
    ("column without data", ["run", "--x-col", "1"], ["--x-col", "no data file"]),
    ("one column chosen of three", ["run", "--data", "{three-columns.csv}", "--x-col", "2"], ["--y-col"]),
    ("absurdly large value", ["run", "--data", "{huge.csv}"], ["--data", "too large"]),
    ("constant x, scaled", ["run", "--data", "{constant-x.csv}", "--feature", "scaled"], ["--feature", "constant"]),
    ("unreadable file", ["run", "--data", "{unreadable.csv}"], ["--data", "permission denied"]),
    ("not UTF-8", ["run", "--data", "{binary.csv}"], ["--data", "not UTF-8"]),
    # training settings
    ("lr zero", ["run", "--lr", "0"], ["--lr", "above 0"]),
    ("lr negative", ["run", "--lr", "-1"], ["--lr", "above 0"]),
    ("lr NaN", ["run", "--lr", "nan"], ["--lr", "finite"]),
    ("lr infinite", ["run", "--lr", "inf"], ["--lr", "finite"]),
    ("lr absurd", ["run", "--lr", "1e9"], ["--lr", "at most"]),
    ("lr not a number", ["run", "--lr", "fast"], ["--lr"]),
    ("batch size 0", ["run", "--batch-size", "0"], ["--batch-size"]),
    ("batch size above the training set", ["run", "--batch-size", "81"], ["--batch-size", "from 1 to 80"]),
    ("batch size above a CSV training set", ["run", "--data", "{good.csv}", "--batch-size", "17"], ["--batch-size"]),
    ("train fraction 0", ["run", "--train-fraction", "0"], ["--train-fraction"]),
    ("train fraction negative", ["run", "--train-fraction", "-0.5"], ["--train-fraction"]),
    ("train fraction above 1", ["run", "--train-fraction", "1.01"], ["--train-fraction"]),
    ("fewer than 2 training points", ["run", "--n-points", "2"], ["--train-fraction", "at least 2"]),
    ("unknown lesson", ["run", "--lesson", "no-such-lesson"], ["--lesson", "no such lesson"]),
    # history export
    ("history in a missing directory", ["run", "--history", "{missing-dir}/h.csv"], ["--history", "does not exist"]),
    ("history is a directory", ["run", "--history", "{dir}"], ["--history", "is a directory"]),
    # sessions
    ("resume: missing file", ["--resume", "{missing.json}"], ["--resume", "no such file"]),
    ("resume: a directory", ["--resume", "{dir}"], ["--resume", "is a directory"]),
    ("resume: empty", ["--resume", "{empty.json}"], ["--resume", "is empty"]),
    ("resume: truncated", ["--resume", "{truncated.json}"], ["--resume", "truncated"]),
    ("resume: not JSON", ["--resume", "{not-json.json}"], ["--resume", "not valid JSON"]),
    ("resume: foreign version", ["--resume", "{foreign.json}"], ["--resume", "newer gd-tui"]),
    ("resume: another program's file", ["--resume", "{other-program.json}"], ["--resume", "not a gd-tui session"]),
    ("resume: wrong types", ["--resume", "{wrong-types.json}"], ["--resume", "config.lr"]),
    ("resume: bad position", ["--resume", "{bad-position.json}"], ["--resume", "position.t"]),
    ("resume: bad setting", ["--resume", "{bad-setting.json}"], ["--resume", "position.settings[0][2]"]),
    ("resume: oversized", ["--resume", "{oversized.json}"], ["--resume", "larger than 1000000 bytes"]),
    ("resume: data changed", ["--resume", "{changed-data.json}"], ["--resume", "has changed"]),
    ("resume: data gone", ["--resume", "{gone-data.json}"], ["--resume", "no such file"]),
    ("resume: nothing saved yet", ["--resume"], ["--resume", "no saved session"]),
    ("resume with a flag", ["--resume", "{good.json}", "--lr", "0.5"], ["--resume", "--lr"]),
    ("resume with a lesson", ["--resume", "{good.json}", "--lesson", "book"], ["--resume", "--lesson"]),
    ("resume with a command", ["--resume", "{good.json}", "run"], ["--resume", "run"]),
]


def session_file(path: Path, data: Path) -> Path:
    machine = new_machine(Config(data=str(data), batch_size=4))
    machine.goto(77)
    return save(capture(machine), path)


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every file the table names, and a state directory with no autosave in it."""
    paths: dict[str, str] = {"dir": str(tmp_path), "missing-dir": str(tmp_path / "missing")}
    for name, text in {**DATA_FILES, **SESSION_TEXTS}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths[name] = str(tmp_path / name)
    for name in ("missing.csv", "missing.json"):
        paths[name] = str(tmp_path / name)
    (tmp_path / "binary.csv").write_bytes(b"x,y\n1,2\n\xff\xfe\x00\x89\n")
    paths["binary.csv"] = str(tmp_path / "binary.csv")
    (tmp_path / "unreadable.csv").write_text(DATA_FILES["good.csv"])
    paths["unreadable.csv"] = str(tmp_path / "unreadable.csv")
    real_open = open

    def refuse_one(file: Any, *args: Any, **kwargs: Any) -> Any:
        # chmod 000 does not stop root (CI containers); refuse this one file as the OS would a user.
        if str(file) == paths["unreadable.csv"]:
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(files_module, "open", refuse_one, raising=False)
    paths["good.json"] = str(session_file(tmp_path / "good.json", tmp_path / "good.csv"))
    monkeypatch.setattr(session_module, "MAX_SESSION_BYTES", 1_000_000)  # 64 MB is too big to write per test
    oversized = tmp_path / "oversized.json"
    oversized.write_text(Path(paths["good.json"]).read_text() + " " * 1_000_001)
    paths["oversized.json"] = str(oversized)
    for name in ("changed", "gone"):
        data = tmp_path / f"{name}.csv"
        data.write_text(DATA_FILES["good.csv"])
        paths[f"{name}-data.json"] = str(session_file(tmp_path / f"{name}-data.json", data))
    (tmp_path / "changed.csv").write_text(DATA_FILES["good.csv"] + "9,9\n")
    (tmp_path / "gone.csv").unlink()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return paths


@pytest.fixture(autouse=True)
def no_app(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    """Stand in for the TUI: a case that wrongly got through must not take over the terminal."""
    calls: list[tuple[Any, dict[str, Any]]] = []

    def run_app(config: Any = None, **options: Any) -> int:
        calls.append((config, options))
        return 0

    monkeypatch.setattr(gd_tui.app, "run_app", run_app)
    return calls


def expand(argv: list[str], files: dict[str, str]) -> list[str]:
    """Replace a leading {name} by that file's path (file names hold dots, so no str.format)."""
    expanded = []
    for arg in argv:
        if arg.startswith("{"):
            name, rest = arg[1:].split("}", 1)
            arg = files[name] + rest
        expanded.append(arg)
    return expanded


@pytest.mark.parametrize(("argv", "words"), [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT])
def test_bad_input_exits_2_with_one_line(cli: Cli, files: dict[str, str], argv: list[str], words: list[str]) -> None:
    result = cli(*expand(argv, files))
    assert result.code == 2, result
    assert result.out == ""
    assert result.err.startswith("gd-tui: error: ")
    assert result.err.endswith("\n") and result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, (word, result.err)


GOOD_DATA = ["bom.csv", "semicolons.csv", "decimal-commas.csv", "tabs.csv", "good.csv"]


@pytest.mark.parametrize("name", GOOD_DATA)
def test_good_dialects_give_the_same_run(cli: Cli, files: dict[str, str], name: str) -> None:
    result = cli("run", "--epochs", "20", "--json", "--data", files[name])
    assert result.code == 0 and result.err == ""
    reference = cli("run", "--epochs", "20", "--json", "--data", files["good.csv"])
    assert json.loads(result.out) == json.loads(reference.out)


def test_chosen_columns_give_the_same_run(cli: Cli, files: dict[str, str]) -> None:
    chosen = cli("run", "--json", "--data", files["three-columns.csv"], "--x-col", "2", "--y-col", "3")
    assert chosen.code == 0
    assert json.loads(chosen.out) == json.loads(cli("run", "--json", "--data", files["good.csv"]).out)


def test_constant_x_runs_and_says_least_squares_is_undefined(cli: Cli, files: dict[str, str]) -> None:
    result = cli("run", "--epochs", "5", "--data", files["constant-x.csv"])
    assert result.code == 0 and result.err == ""
    assert "least squares is undefined" in result.out
    record = json.loads(cli("run", "--epochs", "5", "--json", "--data", files["constant-x.csv"]).out)
    assert record["ols_b"] is None and record["condition_number"] is None


def test_a_million_rows_work(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("x,y\n" + ROWS * 50_000, encoding="utf-8")
    result = cli("run", "--epochs", "2", "--json", "--data", str(path))
    assert result.code == 0, result.err
    assert json.loads(result.out)["epochs_done"] == 2


def test_resume_passes_the_checked_session_to_the_app(
    cli: Cli, files: dict[str, str], no_app: list[tuple[Any, dict[str, Any]]]
) -> None:
    result = cli("--resume", files["good.json"])
    assert result.code == 0 and result.err == ""
    (config, options), *_ = no_app
    session = options["session"]
    assert isinstance(session, Session) and session.t == 77 and config == session.config


def test_resume_without_a_file_opens_the_autosave(
    cli: Cli, files: dict[str, str], no_app: list[tuple[Any, dict[str, Any]]]
) -> None:
    last = session_module.autosave_path()
    last.parent.mkdir(parents=True)
    last.write_bytes(Path(files["good.json"]).read_bytes())
    assert cli("--resume").code == 0
    assert no_app[0][1]["session"].t == 77


def test_utf16_data(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + DATA_FILES["good.csv"].encode("utf-16-le"))
    assert cli("run", "--epochs", "3", "--data", str(path)).code == 0


@pytest.mark.parametrize(
    "argv",
    [["run", "--data", "{text.csv}"], ["--resume", "{truncated.json}"], ["run", "--lr", "nan"]],
    ids=["csv", "session", "lr"],
)
def test_real_process_prints_one_line_and_no_traceback(files: dict[str, str], argv: list[str]) -> None:
    # A real interpreter: nothing the in-process tests could mask (warnings, exit paths) slips through.
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    done = subprocess.run(
        [sys.executable, "-m", "gd_tui", *expand(argv, files)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("gd-tui: error: "), done.stderr


# --- issue 13: one line, the exact words, nothing that drives the terminal ------------------

ESC = "\x1b"
LESSON_TEXTS: dict[str, str] = {
    "home-csv.toml": 'name = "x"\ntitle = "t"\nnote = "n"\n[data]\ncsv = "~nosuchuser-here/d.csv"\n',
    "wide.toml": 'name = "x"\ntitle = "t"\nnote = """\nThe rate\nis {lr:.999999999f} here.\n"""\n',
    "many-wide.toml": 'name = "x"\ntitle = "t"\nnote = "' + "{lr:>999999999}" * 12 + '"\n',
    "osc-placeholder.toml": 'name = "x"\ntitle = "t"\nnote = "{\\u001b]2;TITLE\\u001b\\\\}"\n',
    "osc-key.toml": 'name = "x"\ntitle = "t"\nnote = "n"\n"\\u001b]52;c;cm0gLXJmIH4K\\u001b\\\\" = 1\n',
}

# (id, argv, the exact stderr line; {name} is that file's path)
EXACT: list[tuple[str, list[str], str]] = [
    (
        "lesson in an unknown user's home",
        ["run", "--lesson", "~nosuchuser-here/x.toml"],
        "--lesson: ~nosuchuser-here/x.toml: no such user's home directory (~nosuchuser-here)",
    ),
    (
        "lesson data in an unknown user's home",
        ["run", "--lesson", "{home-csv.toml}"],
        "--lesson: {home-csv.toml}:5: data.csv: ~nosuchuser-here/d.csv: no such user's home directory "
        "(~nosuchuser-here)",
    ),
    (
        "placeholder precision of a billion",
        ["run", "--lesson", "{wide.toml}"],
        "--lesson: {wide.toml}:5: note: placeholder {lr:.999999999f} asks for a width or precision above 40; "
        "at most 40 is allowed",
    ),
    (
        "placeholder width of a billion",
        ["run", "--lesson", "{many-wide.toml}"],
        "--lesson: {many-wide.toml}:3: note: placeholder {lr:>999999999} asks for a width or precision above 40; "
        "at most 40 is allowed",
    ),
    (
        "escape sequence in a placeholder",
        ["run", "--lesson", "{osc-placeholder.toml}"],
        "--lesson: {osc-placeholder.toml}:3: note: unknown placeholder {␛]2;TITLE␛\\}; notes may use {lr}, "
        "{batch_size}, {n_train}, {updates_per_epoch}, {critical_lr}, {condition_number}, {optimizer}",
    ),
    (
        "escape sequence in a key",
        ["run", "--lesson", "{osc-key.toml}"],
        "--lesson: {osc-key.toml}: ␛]52;c;cm0gLXJmIH4K␛\\: unknown key; the top level takes name, title, note "
        "and the tables [data], [training], [pytorch], [breakpoints], [notes]",
    ),
    (
        "a negative value out of range",
        ["run", "--true-w", "-2e6"],
        "--true-w: must be between -1e+06 and 1e+06 (got -2000000.0)",
    ),
    (
        "a negative learning rate as a value",
        ["run", "--lr", "-0.5"],
        "--lr: must be above 0 and at most 100 (got -0.5)",
    ),
    (
        "UTF-16 without a byte-order mark",
        ["run", "--data", "{utf16-no-bom.csv}"],
        "--data: {utf16-no-bom.csv}: line 1: holds NUL bytes (UTF-16 without a byte-order mark?); gd-tui reads "
        "UTF-8 (with or without a BOM) and UTF-16 with a BOM; save the file as CSV (UTF-8)",
    ),
    (
        "not UTF-8 names the encodings read",
        ["run", "--data", "{binary.csv}"],
        "--data: {binary.csv}: line 3: not UTF-8 text; gd-tui reads UTF-8 (with or without a BOM) and UTF-16 "
        "with a BOM; save the file as CSV (UTF-8)",
    ),
    (
        "latin-1 names the encodings read",
        ["run", "--data", "{latin1.csv}"],
        "--data: {latin1.csv}: line 3: not UTF-8 text; gd-tui reads UTF-8 (with or without a BOM) and UTF-16 "
        "with a BOM; save the file as CSV (UTF-8)",
    ),
    (
        "a file name with a newline",
        ["run", "--data", "{dir}/two\nlines.csv"],
        "--data: {dir}/two␤lines.csv: no such file",
    ),
    (
        "a file name with an escape sequence",
        ["run", "--data", "{dir}/\x1b]2;TITLE\x07.csv"],
        "--data: {dir}/␛]2;TITLE␇.csv: no such file",
    ),
    (
        "history with no name",
        ["run", "--history", ""],
        "--history: no file name given; give a file name such as history.csv",
    ),
    (
        "history with a name too long",
        ["run", "--history", "a" * 300],
        "--history: " + "a" * 300 + ": cannot write (File name too long)",
    ),
    (
        "history to a FIFO",
        ["run", "--history", "{fifo}"],
        "--history: {fifo}: cannot write (is not a regular file (a device, a FIFO or a socket), so it is not replaced)",
    ),
    (
        "history to a device",
        ["run", "--history", "/dev/null"],
        "--history: /dev/null: cannot write (is not a regular file (a device, a FIFO or a socket), so it is not "
        "replaced)",
    ),
    (
        "resume: a breakpoint beyond the limit",
        ["--resume", "{far-epoch.json}"],
        "--resume: {far-epoch.json}: breakpoints.epoch_reached: must be from 1 to 10000000 (got 2000000000)",
    ),
    (
        "resume: a NUL byte in the lesson",
        ["--resume", "{nul-lesson.json}"],
        "--resume: {nul-lesson.json}: lesson: must be one line of text of at most 200 characters, no control "
        "characters (got 'a\\x00b')",
    ),
    (
        "resume: a NUL byte in the data path",
        ["--resume", "{nul-data.json}"],
        "--resume: {nul-data.json}: config.data: 'a\\x00b.csv': a file name cannot hold a NUL character",
    ),
    (
        "resume: a learning rate of 401 digits",
        ["--resume", "{huge-lr.json}"],
        "--resume: {huge-lr.json}: config.lr: must be a finite number (got a whole number of 401 digits)",
    ),
]


@pytest.fixture
def more_files(files: dict[str, str], tmp_path: Path) -> dict[str, str]:
    paths = dict(files)
    for name, text in LESSON_TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths[name] = str(tmp_path / name)
    (tmp_path / "utf16-no-bom.csv").write_bytes(DATA_FILES["good.csv"].encode("utf-16-le"))
    (tmp_path / "latin1.csv").write_bytes("x,y\n1,2\n3,4 \xb0C\n".encode("latin-1"))
    os.mkfifo(tmp_path / "fifo")
    for name in ("utf16-no-bom.csv", "latin1.csv", "fifo"):
        paths[name] = str(tmp_path / name)
    good = json.loads(Path(files["good.json"]).read_text())
    for name, change in {
        "far-epoch.json": lambda d: d["breakpoints"].update(epoch_reached=2_000_000_000),
        "nul-lesson.json": lambda d: d.update(lesson="a\x00b"),
        "nul-data.json": lambda d: d["config"].update(data="a\x00b.csv"),
        "huge-lr.json": lambda d: d["config"].update(lr=10**400),
    }.items():
        document = json.loads(json.dumps(good))
        change(document)
        (tmp_path / name).write_text(json.dumps(document))
        paths[name] = str(tmp_path / name)
    return paths


def fill(template: str, paths: dict[str, str]) -> str:
    for name, path in paths.items():
        template = template.replace("{" + name + "}", path)
    return template


@pytest.mark.parametrize(("argv", "expected"), [case[1:] for case in EXACT], ids=[case[0] for case in EXACT])
def test_bad_input_gives_exactly_this_line(
    cli: Cli, more_files: dict[str, str], argv: list[str], expected: str
) -> None:
    result = cli(*[fill(arg, more_files) for arg in argv])
    assert (result.code, result.out) == (2, ""), result
    assert result.err == f"gd-tui: error: {fill(expected, more_files)}\n"
    assert ESC not in result.err and "\r" not in result.err
    assert stat.S_ISFIFO(os.lstat(more_files["fifo"]).st_mode)  # never replaced by a regular file


def test_history_into_a_read_only_directory_fails_before_the_run(cli: Cli, tmp_path: Path) -> None:
    directory = tmp_path / "read-only"
    directory.mkdir()
    directory.chmod(0o555)
    try:
        probe = os.open(directory / "probe", os.O_WRONLY | os.O_CREAT, 0o600)
    except PermissionError as error:
        reason = error.strerror
    else:  # root writes anywhere: /sys refuses even root
        os.close(probe)
        os.unlink(directory / "probe")
        directory = Path("/sys")
        reason = "Permission denied"
        if os.access(directory, os.W_OK) and directory.is_dir():
            try:
                os.close(os.open(directory / "probe", os.O_WRONLY | os.O_CREAT, 0o600))
                pytest.skip("no directory here refuses a new file")
            except OSError as error:
                reason = error.strerror
    started = time.perf_counter()
    result = cli("run", "--epochs", "10000000", "--history", str(directory / "h.csv"))
    assert time.perf_counter() - started < 5, "the run went ahead"
    assert (result.code, result.out) == (2, "")
    assert result.err == f"gd-tui: error: --history: {directory}/h.csv: cannot write in {directory} ({reason})\n"


@pytest.mark.parametrize("argv", [["--true-w", "-1e6"], ["--true-b", "-3"], ["--init-w", "-.5"], ["--init-b=-inf"]])
def test_negative_numbers_are_values(cli: Cli, argv: list[str]) -> None:
    result = cli("run", "--epochs", "1", "--json", *argv)
    if argv[-1].endswith("inf"):
        assert result.err == "gd-tui: error: --init-b: must be a finite number (got -inf)\n"
        return
    assert result.code == 0, result.err
    assert json.loads(result.out)["epochs_done"] == 1


def test_data_that_varies_on_a_tiny_scale_trains_and_is_standardized(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text("x,y\n" + "".join(f"{i}e-200,{2 + i}\n" for i in range(1, 6)) * 4)
    record = json.loads(cli("run", "--epochs", "2", "--json", "--data", str(path), "--train-fraction", "1").out)
    assert record["ols_b"] is not None and record["ols_w"] is not None
    scaled = cli("run", "--epochs", "2", "--json", "--data", str(path), "--feature", "scaled")
    assert scaled.code == 0 and scaled.err == "", scaled.err


def test_constant_x_quotes_the_real_value(cli: Cli, files: dict[str, str]) -> None:
    result = cli("run", "--data", files["constant-x.csv"], "--feature", "scaled")
    assert result.err == (
        "gd-tui: error: --feature: scaled needs x to vary, but x is constant (every training x is 2.5), "
        "so standardizing would divide by zero; use raw or bad\n"
    )
    note = cli("run", "--epochs", "1", "--data", files["constant-x.csv"]).out.splitlines()[-1]
    assert note.startswith("note ")
    assert note.endswith("  least squares is undefined: x does not vary on the training set (every training x is 2.5)")
