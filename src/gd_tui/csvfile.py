"""CSV files of x, y: read, checked line by line, and handed to the engine as arrays.

Every problem is one line naming the file, the line, the column and what is allowed.
"""

from __future__ import annotations

import codecs
import math
import warnings

import numpy as np

from gd_tui.engine import Config, Dataset, Machine
from gd_tui.engine.data import DataError, Source, make_dataset
from gd_tui.engine.limits import MAX_POINTS
from gd_tui.files import FileProblem, read_limited

MAX_CSV_BYTES = 512 * 1024 * 1024
# Beyond this the squares of x * 10 (the bad feature), summed over MAX_POINTS rows,
# overflow float64 and the Hessian and loss surface turn into inf and NaN.
MAX_DATA_VALUE = 1e100
MAX_DATA_TEXT = "1e100"
# Files with at least this many rows first try NumPy's C parser; smaller ones (and
# any file the C parser rejects) go through the line-by-line reader, which is the
# one that decides what is accepted and words every error.
FAST_PATH_ROWS = 1000
ENCODINGS = "UTF-8 (with or without a BOM) and UTF-16 with a BOM"
CSV_KIND = "a CSV file with two numeric columns x, y"  # what --data and a lesson's data.csv expect


def _read_text(path: str) -> tuple[str, str]:
    """The file's text and the SHA-256 of its bytes, or a DataError saying why not."""
    try:
        raw = read_limited(path, MAX_CSV_BYTES, CSV_KIND)
    except FileProblem as problem:
        raise DataError(f"{path}: {problem}") from None
    # Spreadsheets save "Unicode text" as UTF-16 with a BOM, and "CSV UTF-8" with a UTF-8 BOM.
    encoding = "utf-16" if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(
            f"{path}: line {line}: not UTF-8 text; gd-tui reads {ENCODINGS}; save the file as CSV (UTF-8)"
        ) from None
    if "\x00" in text:
        # NUL is valid UTF-8, but no CSV holds one: UTF-16 without its byte-order mark does.
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError(
            f"{path}: line {line}: holds NUL bytes (UTF-16 without a byte-order mark?); gd-tui reads {ENCODINGS}; "
            "save the file as CSV (UTF-8)"
        )
    import hashlib  # here: only a CSV file needs it, and a start without one should not wait for it

    return text, hashlib.sha256(raw).hexdigest()


def _delimiter(line: str) -> str | None:
    """The separator the first line uses: ; or tab before comma, which may be a decimal comma."""
    for candidate in (";", "\t", ","):
        if candidate in line:
            return candidate
    return None  # runs of spaces


def _columns_text(count: int) -> str:
    return "1 column" if count == 1 else f"{count} columns"


def _split(line: str, delimiter: str | None) -> list[str]:
    return line.split(delimiter) if delimiter is not None else line.split()


def _unquote(cell: str) -> str:
    text = cell.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text


def _number(text: str, decimal_comma: bool) -> float | None:
    """The cell's value, or None when it is not a number at all."""
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    # float() also takes "1_000" and non-ASCII digits; a CSV number is plain ASCII.
    if not text or "_" in text or not text.isascii():
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _cell(path: str, cell: str, line: int, column: int, decimal_comma: bool) -> float:
    """One x or y value, or a DataError naming the line, the column and what is allowed."""
    text = _unquote(cell)
    where = f"{path}: line {line}, column {column}"
    value = _number(text, decimal_comma)
    if value is None:
        if not text:
            raise DataError(f"{where}: the cell is empty; every x and y must be a number")
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise DataError(f"{where}: {shown!r} is not a number; every x and y must be a number")
    if math.isnan(value):
        raise DataError(f"{where}: {text!r} is a missing value (NaN); every x and y must be a finite number")
    if math.isinf(value) and "inf" in text.lower():
        raise DataError(f"{where}: {text!r} is infinite; every x and y must be a finite number")
    if not abs(value) <= MAX_DATA_VALUE:  # `not <=` also catches overflow to inf ("1e999")
        raise DataError(f"{where}: {text} is too large; values must lie within ±{MAX_DATA_TEXT} (rescale the column)")
    return value


def _columns(path: str, count: int, line: int, x_col: int | None, y_col: int | None, hint: str = "") -> tuple[int, int]:
    """The 0-based positions of x and y, from the 1-based choices (None: the file must have two)."""
    if count < 2:
        raise DataError(
            f"{path}: line {line} has one column; expected two columns x, y separated by a comma, "
            "a semicolon, a tab or spaces"
        )
    for option, column in (("x_col", x_col), ("y_col", y_col)):
        if column is not None and column > count:
            raise DataError(
                f"{path} has {count} columns; choose a column from 1 to {count} (got {column})", option=option
            )
    if x_col is None and y_col is None:
        if count != 2:
            raise DataError(
                f"{path}: line {line} has {count} columns{hint}; expected two (x, y), "
                "or choose them with --x-col and --y-col (columns count from 1)"
            )
        return 0, 1
    if x_col is not None and y_col is not None:
        return x_col - 1, y_col - 1
    if count != 2:
        missing = "y" if y_col is None else "x"
        raise DataError(
            f"{path} has {count} columns; choose the {missing} column too (columns count from 1)",
            option=f"{missing}_col",
        )
    # Two columns and one of them chosen: the other one is the other column.
    if x_col is not None:
        return x_col - 1, 2 - x_col
    assert y_col is not None
    return 2 - y_col, y_col - 1


def _parse_lines(
    path: str, lines: list[str], start: int, layout: tuple[str | None, int, int, int, int], decimal_comma: bool
) -> np.ndarray:
    """Every data row from `start` on, checked line by line; returns (n, 2) x, y."""
    delimiter, count, first_line, x_at, y_at = layout
    rows: list[tuple[float, float]] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        cells = _split(line, delimiter)
        if len(cells) != count:
            raise DataError(
                f"{path}: line {index + 1} has {_columns_text(len(cells))} but line {first_line} has {count}; "
                "every row needs the same columns"
            )
        number = index + 1
        x = _cell(path, cells[x_at], number, x_at + 1, decimal_comma)
        y = _cell(path, cells[y_at], number, y_at + 1, decimal_comma)
        rows.append((x, y))
    return np.array(rows, dtype=np.float64).reshape(-1, 2)


def _parse_fast(
    body: list[str], layout: tuple[str | None, int, int, int, int], decimal_comma: bool
) -> np.ndarray | None:
    """NumPy's C parser on a clean file: (n, 2) x, y, or None to let the line reader decide."""
    delimiter, count, _, x_at, y_at = layout
    if decimal_comma and "," in body[0]:
        body = [line.replace(",", ".") for line in body]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = np.loadtxt(body, dtype=np.float64, delimiter=delimiter, comments=None, quotechar='"', ndmin=2)
    except ValueError:
        return None
    if table.shape[1] != count:
        return None
    xy = table[:, [x_at, y_at]]
    with np.errstate(invalid="ignore"):
        if not (np.abs(xy) <= MAX_DATA_VALUE).all():  # also False for NaN and inf
            return None
    return xy


def _read_csv(path: str, x_col: int | None = None, y_col: int | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    text, sha256 = _read_text(path)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise DataError(f"{path}: the file is empty; expected two numeric columns x, y (a header row is allowed)")
    delimiter = _delimiter(lines[first])
    # In a ;- or tab-separated file a comma can only be a decimal comma ("1,5").
    decimal_comma = delimiter != ","
    cells = _split(lines[first], delimiter)
    # Spreadsheets sometimes end every row with a separator: say so, it explains the extra column.
    hint = " (the last one is empty: a separator at the end of the line?)" if not cells[-1].strip() else ""
    x_at, y_at = _columns(path, len(cells), first + 1, x_col, y_col, hint)
    layout = (delimiter, len(cells), first + 1, x_at, y_at)
    # The first line is a header when x or y there is not a number.
    header = any(_number(_unquote(cells[at]), decimal_comma) is None for at in (x_at, y_at))
    start = first + 1 if header else first
    if len(lines) - start > MAX_POINTS and sum(1 for line in lines[start:] if line.strip()) > MAX_POINTS:
        raise DataError(f"{path}: has more than {MAX_POINTS} data rows, the most allowed")
    xy = None
    if len(lines) - start >= FAST_PATH_ROWS:
        xy = _parse_fast(lines[start:], layout, decimal_comma)
    if xy is None:
        xy = _parse_lines(path, lines, start, layout, decimal_comma)
    if len(xy) == 0:
        raise DataError(f"{path}: has a header (line {first + 1}) but no data rows; at least 2 rows of x, y are needed")
    if len(xy) == 1:
        # The header guess may have taken a mistyped first row: name the line it took.
        read_as = f" (line {first + 1} is read as a header)" if header else ""
        raise DataError(f"{path}: has only 1 data row{read_as}; at least 2 rows of x, y are needed")
    return xy[:, :1].copy(), xy[:, 1:].copy(), sha256


def read_csv(path: str, x_col: int | None = None, y_col: int | None = None) -> Source:
    """x and y as (N, 1) arrays and the SHA-256 of the file's bytes; DataError says what is wrong."""
    x, y, sha256 = _read_csv(path, x_col, y_col)
    return Source(x, y, sha256)


def load_csv(path: str, x_col: int | None = None, y_col: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """x and y as (N, 1) arrays from a CSV file (header row allowed; columns count from 1)."""
    x, y, _ = _read_csv(path, x_col, y_col)
    return x, y


def dataset(config: Config) -> Dataset:
    """The training and validation sets `config` describes, reading its CSV file if it names one."""
    source = None if config.data is None else read_csv(config.data, config.x_col, config.y_col)
    return make_dataset(config, source)


def machine(config: Config) -> Machine:
    """A Machine on the data `config` describes (its CSV file read here, not in the engine)."""
    return Machine(config, dataset(config))
