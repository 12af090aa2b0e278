"""Lesson files: TOML with the command line's options, checked key by key."""

from __future__ import annotations

import math
import os
import re
import string
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from gd_tui.csvfile import CSV_KIND, dataset
from gd_tui.engine import Config, ConfigError
from gd_tui.engine.analysis import stability
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.engine.limits import MAX_EPOCHS, MAX_FORMAT_WIDTH
from gd_tui.files import FileProblem, check_regular_file, read_limited, user_path
from gd_tui.lessons.lesson import Lesson, LessonError
from gd_tui.lessons.lines import line_of
from gd_tui.text import visible

PACKAGE = "gd_tui.lessons"
# Chapter 0's order of experiments; `gd-tui lessons` lists them so.
# Then the optimizer lab's, then chapter 1's PyTorch lesson (it needs the torch extra).
BUILTIN_ORDER = (
    "book", "lr-low", "lr-high", "lr-too-high", "bad-feature", "scaled", "mini-batch", "sgd",
    "momentum", "nesterov", "adagrad", "rmsprop", "adam", "race", "no-zero-grad",
)  # fmt: skip

TOP_KEYS = ("name", "title", "note")
# Per table: the key in the file -> the Config field it sets.
CONFIG_KEYS: dict[str, dict[str, str]] = {
    "data": {
        "seed": "seed",
        "n_points": "n_points",
        "true_b": "true_b",
        "true_w": "true_w",
        "noise": "noise",
        "train_fraction": "train_fraction",
        "csv": "data",
        "feature": "feature",
    },
    "training": {
        "lr": "lr",
        "batch_size": "batch_size",
        "init_b": "init_b",
        "init_w": "init_w",
        "optimizer": "optimizer",
        "momentum": "momentum",
        "betas": "betas",
        "alpha": "alpha",
        "eps": "eps",
    },
    "pytorch": {"backend": "backend", "dtype": "dtype", "init": "init", "model": "model", "zero_grad": "zero_grad"},
}
BREAKPOINT_KEYS = ("loss_below", "loss_went_up", "grad_below", "epoch_reached")
TABLES = ("data", "training", "pytorch", "breakpoints", "notes")
# The flags parse these as floats; TOML's `lr = 1` must give the same Config as `--lr 1`.
FLOAT_FIELDS = frozenset(
    {"true_b", "true_w", "noise", "train_fraction", "lr", "init_b", "init_w", "momentum", "alpha", "eps"}
)
STEP_KEYS = tuple(str(step) for step in range(6))
MAX_EPOCH = MAX_EPOCHS
# A format spec's width and precision: {lr:>12.3f} has 12 and 3; each at most MAX_FORMAT_WIDTH.
_SPEC_NUMBERS = re.compile(r"\d+")
MAX_FILE_BYTES = 1024 * 1024  # a lesson is a page of text; anything larger is the wrong file
# Synthetic data fails only in the feature transform; too small a split comes from too few points.
_CAUSED_BY = {"data": "feature", "train_fraction": "n_points"}
PLACEHOLDERS = (
    "lr", "batch_size", "n_train", "updates_per_epoch", "critical_lr", "condition_number", "optimizer",
)  # fmt: skip


class _Shown(float):
    """A number that notes show with three significant digits unless the note asks otherwise."""

    def __format__(self, spec: str) -> str:
        return super().__format__(spec or ".3g")


class _Reader:
    """One lesson file's text, for pointing errors at the line they are on."""

    def __init__(self, text: str, source: str, base_dir: Path) -> None:
        self.text = text
        self.source = source
        self.base_dir = base_dir

    def fail(self, message: str, *path: str, near: str | None = None) -> NoReturn:
        """Raise naming the key at `path` and its line, or the line of `near` (text) after it."""
        line = line_of(self.text, *path) if path else None
        if near is not None:
            lines = self.text.splitlines()
            start = (line or 1) - 1
            line = next((i + 1 for i in range(start, len(lines)) if near in lines[i]), line)
        raise LessonError(self.source, message, ".".join(path) or None, line)


def builtin_names() -> tuple[str, ...]:
    """Names of the lessons shipped with gd-tui, in chapter 0's order."""
    found = {
        entry.name.removesuffix(".toml") for entry in resources.files(PACKAGE).iterdir() if entry.name.endswith(".toml")
    }
    return tuple(name for name in BUILTIN_ORDER if name in found) + tuple(sorted(found - set(BUILTIN_ORDER)))


def load_lesson(name_or_path: str | os.PathLike[str]) -> Lesson:
    """A built-in lesson by name, or a lesson file by path; raises LessonError."""
    if isinstance(name_or_path, str) and name_or_path in builtin_names():
        text = resources.files(PACKAGE).joinpath(f"{name_or_path}.toml").read_text(encoding="utf-8")
        return parse_lesson(text, f"{name_or_path}.toml", Path(__file__).parent, name_or_path)
    location = os.fspath(name_or_path)
    looks_like_path = location.endswith(".toml") or "/" in location or os.sep in location
    if location and (not isinstance(name_or_path, str) or looks_like_path or _exists(location)):
        try:
            path = user_path(location)
        except FileProblem as problem:
            raise LessonError(location, str(problem)) from None
        return parse_lesson(_read(path, location), location, path.parent, path.stem)
    raise LessonError(
        location or "''", f"no such lesson; built-in lessons are {', '.join(builtin_names())} (or give a .toml file)"
    )


def _exists(location: str) -> bool:
    try:
        return Path(location).exists()
    except (OSError, ValueError):  # a NUL byte, a name too long
        return False


def _read(path: Path, source: str) -> str:
    try:
        raw = read_limited(path, MAX_FILE_BYTES, "a lesson file (.toml), a page of TOML")
    except FileProblem as problem:
        raise LessonError(source, str(problem)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LessonError(source, "not a UTF-8 text file") from None


def parse_lesson(text: str, source: str = "<lesson>", base_dir: Path | None = None, name: str = "lesson") -> Lesson:
    """A Lesson from TOML text; `source` names it in errors, `base_dir` anchors a relative csv path."""
    import tomllib  # here: a start with no lesson should not wait for it

    reader = _Reader(text, source, base_dir if base_dir is not None else Path.cwd())
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line = _decode_error(str(error))
        raise LessonError(source, f"invalid TOML: {message}", line=line) from None
    except RecursionError:  # tomllib recurses once per level: `a = [[[[...]]]]` 2000 deep exhausts the stack
        raise LessonError(source, "invalid TOML: arrays or inline tables are nested too deeply") from None
    for key in document:
        if key not in TOP_KEYS and key not in TABLES:
            reader.fail(_unknown(key, None), key)
    config, origins = _config(document, reader)
    breakpoints = _breakpoints(_table(document, "breakpoints", reader), reader)
    raw_notes = _step_notes(_table(document, "notes", reader), reader)
    values = _placeholders(config, origins, reader)
    lesson_name = _text(document, "name", reader, default=visible(name), one_line=True)
    title = _format(_text(document, "title", reader, one_line=True), values, reader, "title")
    note = _format(_text(document, "note", reader), values, reader, "note")
    step_notes = {int(key): _format(value, values, reader, "notes", key) for key, value in raw_notes.items()}
    return Lesson(lesson_name, title, config, breakpoints, note, step_notes)


def _decode_error(message: str) -> tuple[str, int | None]:
    """tomllib's message without its position, and the line it names."""
    match = re.search(r"\s*\(at line (\d+), column \d+\)\s*$", message)
    if match:
        return message[: match.start()], int(match.group(1))
    match = re.search(r"\s*\(at end of document\)\s*$", message)
    if match:
        return message[: match.start()] + " at the end of the file", None
    return message, None


def _unknown(key: str, table: str | None) -> str:
    """Say where a misplaced key belongs, since that is the usual mistake."""
    homes = [name for name, keys in CONFIG_KEYS.items() if key in keys]
    if key in BREAKPOINT_KEYS:
        homes.append("breakpoints")
    where = "at the top level" if table is None else f"in [{table}]"
    if homes and homes[0] != table:
        return f"unknown key {where}; it belongs in [{homes[0]}]"
    if table is None:
        return f"unknown key; the top level takes {', '.join(TOP_KEYS)} and the tables [{'], ['.join(TABLES)}]"
    allowed = CONFIG_KEYS.get(table, BREAKPOINT_KEYS)
    return f"unknown key {where}; it takes {', '.join(allowed)}"


def _table(document: dict[str, Any], name: str, reader: _Reader) -> dict[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        reader.fail(f"must be a table: [{name}] on a line of its own, its keys below it", name)
    return value


def _text(
    document: dict[str, Any], key: str, reader: _Reader, default: str | None = None, one_line: bool = False
) -> str:
    if key not in document:
        if default is not None:
            return default
        reader.fail(f'missing: add a line {key} = "..." at the top of the file', key)
    value = document[key]
    if not isinstance(value, str):
        reader.fail(f"must be text in quotes (got {value!r})", key)
    if not value.strip():
        reader.fail("must not be empty", key)
    if one_line and "\n" in value.strip():
        reader.fail("must fit on one line", key)
    # Shown on screen: a control character (ESC) must not reach the terminal.
    return visible(value.strip())


def _config(document: dict[str, Any], reader: _Reader) -> tuple[Config, dict[str, tuple[str, str]]]:
    """The Config the [data] and [training] tables describe, and where each field came from."""
    changes: dict[str, Any] = {}
    origins: dict[str, tuple[str, str]] = {}
    for table, keys in CONFIG_KEYS.items():
        for key, value in _table(document, table, reader).items():
            if key not in keys:
                reader.fail(_unknown(key, table), table, key)
            option = keys[key]
            origins[option] = (table, key)
            if option == "data":
                value = _csv_path(value, reader)
            elif option == "betas":
                value = _betas(value, reader)
            elif option in FLOAT_FIELDS and isinstance(value, int) and not isinstance(value, bool):
                if abs(value) > 2**53:
                    reader.fail(f"is out of range (got {value})", table, key)
                value = float(value)
            changes[option] = value
    try:
        return Config(**changes), origins
    except ConfigError as error:
        reader.fail(error.message, *origins[error.option])


def _betas(value: object, reader: _Reader) -> tuple[float, float]:
    """Adam's betas from a TOML array of two numbers."""
    if (
        not isinstance(value, list)
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value)
    ):
        reader.fail(f"must be two numbers in brackets, such as [0.9, 0.999] (got {value!r})", "training", "betas")
    return float(value[0]), float(value[1])


def _csv_path(value: object, reader: _Reader) -> str:
    """The CSV's path, relative to the lesson file's folder unless absolute."""
    if not isinstance(value, str) or not value.strip():
        reader.fail(f"must be the path of a CSV file, in quotes (got {value!r})", "data", "csv")
    try:
        path = user_path(value)
    except FileProblem as problem:
        reader.fail(f"{value}: {problem}", "data", "csv")
    if not path.is_absolute():
        path = reader.base_dir / path
    try:
        # The reason --data gives too: a directory, a device (/dev/zero) or a name too long is not "no such file".
        check_regular_file(path, CSV_KIND)
    except FileProblem as problem:
        looked = f" (looked for {path})" if str(problem) == "no such file" else ""
        reader.fail(f"{value}: {problem}{looked}", "data", "csv")
    return str(path)


def _number(value: object, reader: _Reader, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        reader.fail(f"must be a number (got {value!r})", "breakpoints", key)
    if isinstance(value, int) and abs(value) > 2**53:
        reader.fail(f"is out of range (got {value})", "breakpoints", key)
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        reader.fail(f"must be a number above 0 (got {value!r})", "breakpoints", key)
    return number


def _breakpoints(table: dict[str, Any], reader: _Reader) -> Breakpoints:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in BREAKPOINT_KEYS:
            reader.fail(_unknown(key, "breakpoints"), "breakpoints", key)
        if key == "loss_went_up":
            if not isinstance(value, bool):
                reader.fail(f"must be true or false (got {value!r})", "breakpoints", key)
            values[key] = value
        elif key == "epoch_reached":
            if isinstance(value, bool) or not isinstance(value, int):
                reader.fail(f"must be a whole number from 1 to {MAX_EPOCH} (got {value!r})", "breakpoints", key)
            if not 1 <= value <= MAX_EPOCH:
                reader.fail(f"must be from 1 to {MAX_EPOCH} (got {value})", "breakpoints", key)
            values[key] = value
        else:
            values[key] = _number(value, reader, key)
    return Breakpoints(**values)


def _step_notes(table: dict[str, Any], reader: _Reader) -> dict[str, str]:
    notes: dict[str, str] = {}
    for key, value in table.items():
        if key not in STEP_KEYS:
            reader.fail("must be a step number from 0 to 5", "notes", key)
        if not isinstance(value, str) or not value.strip():
            reader.fail(f"must be text in quotes (got {value!r})", "notes", key)
        notes[key] = visible(value)
    return notes


def _placeholders(config: Config, origins: dict[str, tuple[str, str]], reader: _Reader) -> dict[str, Any]:
    """The numbers a note may quote, computed from the lesson's own data so they cannot drift."""
    try:
        data = dataset(config)
    except ConfigError as error:
        # The dataset checks what Config alone cannot: the CSV's contents, sizes against the split.
        # An option the file left at its default failed because of one the file did set.
        where = origins.get(error.option) or origins.get(_CAUSED_BY.get(error.option, ""))
        reader.fail(error.message, *(where or ("data",)))
    stable = stability(data.x_train)
    batch_size = config.batch_size if config.batch_size is not None else data.n_train
    return {
        "lr": _Shown(config.lr),
        "batch_size": batch_size,
        "n_train": data.n_train,
        "updates_per_epoch": -(-data.n_train // batch_size),
        "critical_lr": _Shown(stable.critical_lr),
        "condition_number": _Shown(stable.condition_number),
        "optimizer": config.optimizer,
    }


def _too_wide(digits: str) -> bool:
    # Compared by length first: int() of thousands of digits is itself refused by Python.
    significant = digits.lstrip("0")
    return len(significant) > len(str(MAX_FORMAT_WIDTH)) or int(significant or "0") > MAX_FORMAT_WIDTH


def _format(template: str, values: dict[str, Any], reader: _Reader, *path: str) -> str:
    """Fill a note's {placeholders}; single line breaks become spaces, blank lines stay paragraphs."""
    paragraphs = re.split(r"\n\s*\n", template.strip())
    text = "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)
    allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    try:
        fields = [(name, spec) for _, name, spec, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        reader.fail(f"{error}; write {{{{ and }}}} for literal braces", *path)
    for name, spec in fields:
        if name not in values:
            reader.fail(f"unknown placeholder {{{name}}}; notes may use {allowed}", *path, near="{" + name)
        if spec and "{" in spec:
            reader.fail(f"placeholder {{{name}}} has a nested placeholder in its format", *path)
        if any(_too_wide(number) for number in _SPEC_NUMBERS.findall(spec or "")):
            shown = spec if len(spec) <= 20 else spec[:17] + "..."
            reader.fail(
                f"placeholder {{{name}:{shown}}} asks for a width or precision above {MAX_FORMAT_WIDTH}; "
                f"at most {MAX_FORMAT_WIDTH} is allowed",
                *path,
                near="{" + name + ":" + spec + "}",
            )
    try:
        return text.format_map(values)
    except (ValueError, TypeError) as error:
        reader.fail(f"bad format in a placeholder: {error}", *path)
