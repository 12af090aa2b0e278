"""CSV input: every bad file gets one line naming the problem; good files in any common dialect load."""

from __future__ import annotations

import codecs
import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from gd_tui import csvfile as data_module
from gd_tui import files as files_module
from gd_tui.csvfile import dataset as make_dataset
from gd_tui.csvfile import load_csv
from gd_tui.csvfile import machine as new_machine
from gd_tui.engine import Config, ConfigError, DataError
from gd_tui.engine.analysis import reference
from gd_tui.engine.breakpoints import epochs
from gd_tui.report import run_record

GOOD = "x,y\n1,2\n3,4\n5,6\n"
X, Y = [1.0, 3.0, 5.0], [2.0, 4.0, 6.0]


def write(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def loads(path: str, **columns: int) -> tuple[list[float], list[float]]:
    x, y = load_csv(path, **columns)
    assert x.shape == y.shape == (len(x), 1)
    assert x.dtype == y.dtype == np.float64
    return x.ravel().tolist(), y.ravel().tolist()


# --- bad files: (text, option, words the message must contain) -------------------

BAD_FILES = {
    "empty": ("", "data", ["is empty", "two numeric columns"]),
    "blank lines only": ("\n   \n\t\n", "data", ["is empty"]),
    "header only": ("x,y\n", "data", ["header (line 1)", "no data rows", "at least 2"]),
    "one data row": ("x,y\n1,2\n", "data", ["only 1 data row", "at least 2"]),
    "one row, no header": ("1,2\n", "data", ["only 1 data row"]),
    "non-numeric cell": ("x,y\n1,2\n3,abc\n", "data", ["line 3, column 2", "'abc' is not a number"]),
    "non-numeric x": ("x,y\n1,2\nfoo,4\n5,6\n", "data", ["line 3, column 1", "'foo'"]),
    "empty cell": ("x,y\n1,\n3,4\n5,6\n", "data", ["line 2, column 2", "empty"]),
    "NaN": ("x,y\n1,2\n3,NaN\n", "data", ["line 3, column 2", "NaN", "finite"]),
    "nan lower case": ("x,y\n1,2\nnan,4\n", "data", ["line 3, column 1", "finite"]),
    "inf": ("x,y\n1,2\n3,inf\n", "data", ["line 3, column 2", "infinite", "finite"]),
    "-Infinity": ("x,y\n-Infinity,2\n3,4\n", "data", ["line 2, column 1", "infinite"]),
    "absurdly large": ("x,y\n1,2\n3,1e300\n", "data", ["line 3, column 2", "too large", "1e100"]),
    "overflows float": ("x,y\n1,2\n1e999,4\n", "data", ["line 3, column 1", "too large"]),
    "ragged: extra cell": ("x,y\n1,2\n3,4,5\n", "data", ["line 3 has 3 columns", "line 1 has 2", "same columns"]),
    "ragged: missing cell": ("x,y\n1,2\n3\n5,6\n", "data", ["line 3 has 1 column ", "same columns"]),
    "three columns": ("a,x,y\n0,1,2\n0,3,4\n", "data", ["3 columns", "--x-col", "--y-col", "count from 1"]),
    "trailing separators": ("1,2,\n3,4,\n", "data", ["3 columns", "last one is empty"]),
    "one column": ("x\n1\n2\n", "data", ["one column", "comma", "semicolon", "tab"]),
    "underscore digits": ("x,y\n1_000,2\n3,4\n", "data", ["line 2, column 1", "not a number"]),
    "text after data": ("x,y\n1,2\n3,4\ntotal,6\n", "data", ["line 4, column 1", "'total'"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_with_one_line(tmp_path: Path, case: str) -> None:
    text, option, words = BAD_FILES[case]
    path = write(tmp_path, text)
    with pytest.raises(DataError) as caught:
        load_csv(path)
    message = str(caught.value)
    assert caught.value.option == option
    assert "\n" not in message
    assert path in message  # the file is named
    for word in words:
        assert word in message, (word, message)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_csv(str(tmp_path / "nope.csv"))


def test_missing_parent_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataError, match="no such file"):
        load_csv(str(tmp_path / "file" / "data.csv"))


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is a directory"):
        load_csv(str(tmp_path))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="not a regular file"):
        load_csv(str(fifo))


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, GOOD)

    # chmod 000 does not stop root (CI containers): make open() refuse as it would for a user.
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files_module, "open", refuse, raising=False)
    with pytest.raises(DataError, match="permission denied"):
        load_csv(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_for_real(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    os.chmod(path, 0)
    with pytest.raises(DataError, match="permission denied"):
        load_csv(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"x,y\n1,2\n\x89PNG\x00\xff\n")
    with pytest.raises(DataError, match=r"line 3: not UTF-8 text"):
        load_csv(str(path))


def test_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data_module, "MAX_CSV_BYTES", 10)
    with pytest.raises(DataError, match="at most 10 bytes"):
        load_csv(write(tmp_path, GOOD))


def test_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data_module, "MAX_POINTS", 2)
    with pytest.raises(DataError, match="more than 2 data rows"):
        load_csv(write(tmp_path, GOOD))


# --- good files in the dialects spreadsheets and scripts write ---------------------

GOOD_FILES = {
    "comma with header": GOOD,
    "no header": "1,2\n3,4\n5,6\n",
    "CRLF line ends": "x,y\r\n1,2\r\n3,4\r\n5,6\r\n",
    "UTF-8 BOM": "\ufeffx,y\n1,2\n3,4\n5,6\n",
    "semicolons": "x;y\n1;2\n3;4\n5;6\n",
    "semicolons and decimal commas": "x;y\n1,0;2,0\n3;4\n5,0;6\n",
    "tabs": "x\ty\n1\t2\n3\t4\n5\t6\n",
    "tabs and decimal commas": "x\ty\n1,0\t2\n3\t4,0\n5\t6\n",
    "spaces": "x y\n1   2\n 3 4\n5 6  \n",
    "quoted cells": '"x","y"\n"1","2"\n"3", "4"\n\'5\',6\n',
    "blank lines and spaces": "\n\nx , y\n\n 1 , 2 \n3,4\n\n5,6\n\n",
    "exponents and signs": "x,y\n1e0,+2\n0.3e1,4.\n+5,6e0\n",
}


@pytest.mark.parametrize("case", list(GOOD_FILES))
def test_good_file_loads(tmp_path: Path, case: str) -> None:
    assert loads(write(tmp_path, GOOD_FILES[case])) == (X, Y)


def test_utf16_with_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"))
    assert loads(str(path)) == (X, Y)


def test_values_keep_full_precision(tmp_path: Path) -> None:
    values = [0.1, 1 / 3, -2.5e-300, 1e100, -1e100, 123456789.123456789]
    text = "x,y\n" + "".join(f"{v!r},{-v!r}\n" for v in values)
    x, y = loads(write(tmp_path, text))
    assert x == values and y == [-v for v in values]


# --- choosing columns ----------------------------------------------------------------


def test_columns_chosen_from_a_wider_file(tmp_path: Path) -> None:
    path = write(tmp_path, "name,x,y,z\na,1,2,9\nb,3,4,9\nc,5,6,9\n")
    assert loads(path, x_col=2, y_col=3) == (X, Y)
    assert loads(path, x_col=3, y_col=2) == (Y, X)
    # Columns not chosen may hold anything: only x and y must be numbers.
    assert loads(path, x_col=2, y_col=4)[1] == [9.0, 9.0, 9.0]


def test_one_column_chosen_in_a_two_column_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert loads(path, y_col=1) == (Y, X)
    assert loads(path, x_col=2) == (Y, X)
    assert loads(path, x_col=1) == (X, Y)


@pytest.mark.parametrize(
    ("columns", "option", "words"),
    [
        ({"x_col": 2}, "y_col", ["3 columns", "choose the y column too"]),
        ({"y_col": 1}, "x_col", ["choose the x column too"]),
        ({"x_col": 4, "y_col": 1}, "x_col", ["from 1 to 3", "got 4"]),
        ({"x_col": 1, "y_col": 7}, "y_col", ["from 1 to 3", "got 7"]),
    ],
)
def test_bad_column_choices(tmp_path: Path, columns: dict[str, int], option: str, words: list[str]) -> None:
    path = write(tmp_path, "a,b,c\n1,2,3\n4,5,6\n")
    with pytest.raises(DataError) as caught:
        load_csv(path, **columns)
    assert caught.value.option == option
    for word in words:
        assert word in caught.value.message


@pytest.mark.parametrize(
    ("changes", "option", "text"),
    [
        ({"x_col": 0}, "x_col", "from 1 to"),
        ({"y_col": -1}, "y_col", "from 1 to"),
        ({"x_col": True}, "x_col", "whole number"),
        ({"x_col": 1.5}, "x_col", "whole number"),
        ({"x_col": 1, "y_col": 1}, "y_col", "must differ"),
    ],
)
def test_config_validates_columns(tmp_path: Path, changes: dict[str, object], option: str, text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config(data=write(tmp_path, GOOD), **changes)  # type: ignore[arg-type]
    assert caught.value.option == option
    assert text in caught.value.message


def test_columns_need_a_data_file() -> None:
    with pytest.raises(ConfigError, match="no data file") as caught:
        Config(x_col=1)
    assert caught.value.option == "x_col"


def test_config_columns_reach_the_dataset(tmp_path: Path) -> None:
    path = write(tmp_path, "id,y,x\n" + "".join(f"{i},{2 * i + 1},{i}\n" for i in range(10)))
    data = make_dataset(Config(data=path, x_col=3, y_col=2, train_fraction=1.0))
    assert np.array_equal(data.y_train, 2 * data.x_train + 1)


# --- the split, constant x, huge values -------------------------------------------


def test_too_few_rows_for_the_split(tmp_path: Path) -> None:
    path = write(tmp_path, "x,y\n1,2\n3,4\n")
    with pytest.raises(DataError) as caught:
        make_dataset(Config(data=path))  # 0.8 of 2 rows is 1 training point
    assert caught.value.option == "data"
    assert "leave 1 for training" in caught.value.message and "at least 2" in caught.value.message
    assert make_dataset(Config(data=path, train_fraction=1.0)).n_train == 2


def test_fewer_than_two_training_points_synthetic() -> None:
    with pytest.raises(ConfigError) as caught:
        make_dataset(Config(n_points=5, train_fraction=0.2))
    assert caught.value.option == "train_fraction"
    assert "at least 2" in caught.value.message


def constant_x(tmp_path: Path) -> str:
    return write(tmp_path, "x,y\n" + "".join(f"3,{i}\n" for i in range(10)))


def test_constant_x_refuses_the_scaled_feature(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        make_dataset(Config(data=constant_x(tmp_path), feature="scaled"))
    assert caught.value.option == "feature"
    assert "every training x is 3" in caught.value.message
    assert "raw or bad" in caught.value.message


@pytest.mark.parametrize("feature", ["raw", "bad"])
def test_constant_x_runs_and_the_analysis_says_undefined(tmp_path: Path, feature: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any NumPy warning fails the test
        with np.errstate(all="raise"):
            machine = new_machine(Config(data=constant_x(tmp_path), feature=feature))
            machine.run_until(epochs(20))
            found = reference(machine.data.x_train, machine.data.y_train)
            record = run_record(machine)
    assert found.least_squares is None
    assert np.isinf(found.stability.condition_number)
    assert np.isfinite(found.stability.critical_lr) and found.stability.critical_lr > 0
    assert record["ols_b"] is None and record["ols_w"] is None and record["condition_number"] is None


def test_largest_allowed_values_do_not_break_the_analysis(tmp_path: Path) -> None:
    rows = [(1e100, 1.0), (-1e100, 2.0), (5e99, -1e100), (1.0, 1e100), (2.0, 3.0)]
    path = write(tmp_path, "x,y\n" + "".join(f"{x!r},{y!r}\n" for x, y in rows))
    for feature in ("raw", "bad", "scaled"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            machine = new_machine(Config(data=path, feature=feature, train_fraction=1.0))
            machine.run_until(epochs(3))
            found = reference(machine.data.x_train, machine.data.y_train)
            run_record(machine)
        assert np.all(np.isfinite(found.stability.eigenvalues))
    assert machine.state.epoch == 3


def test_one_past_the_largest_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="too large"):
        load_csv(write(tmp_path, "x,y\n1,2\n3,1.0000000000000001e100\n5,1e101\n"))


# --- large files: the fast path agrees with the line reader -----------------------


def random_rows(count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.standard_normal(count) * 10.0 ** rng.integers(-5, 5, count), rng.random(count)])


def csv_text(rows: np.ndarray, separator: str = ",", header: str = "x,y\n") -> str:
    return header + "".join(f"{x!r}{separator}{y!r}\n" for x, y in rows.tolist())


@pytest.mark.parametrize("separator", [",", ";", "\t", " "])
def test_fast_path_is_exact(tmp_path: Path, separator: str) -> None:
    rows = random_rows(3000)
    path = write(tmp_path, csv_text(rows, separator, header=f"x{separator}y\n"))
    x, y = load_csv(path)
    assert np.array_equal(np.hstack([x, y]), rows)  # bit for bit


def test_fast_path_with_decimal_commas_is_exact(tmp_path: Path) -> None:
    rows = random_rows(3000)
    text = csv_text(rows, ";", header="x;y\n").replace(".", ",")
    x, y = load_csv(write(tmp_path, text))
    assert np.array_equal(np.hstack([x, y]), rows)


@pytest.mark.parametrize(
    ("bad_line", "words"),
    [
        ("1.5,oops", ["line 2002, column 2", "'oops'"]),
        ("nan,1", ["line 2002, column 1", "NaN"]),
        ("1,2,3", ["line 2002 has 3 columns"]),
        ("1e200,1", ["line 2002, column 1", "too large"]),
    ],
)
def test_errors_deep_in_a_large_file_name_the_line(tmp_path: Path, bad_line: str, words: list[str]) -> None:
    rows = random_rows(3000)
    lines = csv_text(rows).splitlines()
    lines[2001] = bad_line  # line 2002 of the file
    with pytest.raises(DataError) as caught:
        load_csv(write(tmp_path, "\n".join(lines) + "\n"))
    for word in words:
        assert word in caught.value.message


def test_a_million_rows_load(tmp_path: Path) -> None:
    # A 1,000-row block repeated: the file is built in milliseconds and every value is known.
    block = random_rows(1000, seed=1)
    block[:, 1] = 1 + 2 * block[:, 0] + 0.1 * block[:, 1]
    path = tmp_path / "big.csv"
    path.write_text(csv_text(block, header="") * 1000, encoding="utf-8")
    x, y = load_csv(str(path))
    assert x.shape == y.shape == (1_000_000, 1)
    assert np.array_equal(np.hstack([x, y]), np.tile(block, (1000, 1)))
    machine = new_machine(Config(data=str(path)))
    assert machine.data.n_train == 800_000
    machine.run_until(epochs(2))
    assert machine.state.epoch == 2


def test_dataset_records_the_file_fingerprint(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    first = make_dataset(Config(data=path, train_fraction=1.0)).source_sha256
    assert first is not None and len(first) == 64
    write(tmp_path, GOOD + "7,8\n")
    assert make_dataset(Config(data=path, train_fraction=1.0)).source_sha256 != first
    assert make_dataset(Config()).source_sha256 is None
