"""Lesson files: TOML with the command line's options, checked key by key."""

from __future__ import annotations

import math
import os
import re
import string
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from gd_tui.engine import Config, ConfigError, make_dataset
from gd_tui.engine.analysis import stability
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.files import FileProblem, read_limited
from gd_tui.lessons.lesson import Lesson, LessonError
from gd_tui.lessons.lines import line_of

PACKAGE = "gd_tui.lessons"
# Chapter 0's order of experiments; `gd-tui lessons` lists them so.
# Then chapter 1's PyTorch lesson (it needs the torch extra).
BUILTIN_ORDER = (
    "book", "lr-low", "lr-high", "lr-too-high", "bad-feature", "scaled", "mini-batch", "sgd", "no-zero-grad",
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
    "training": {"lr": "lr", "batch_size": "batch_size", "init_b": "init_b", "init_w": "init_w"},
    "pytorch": {"backend": "backend", "dtype": "dtype", "init": "init", "model": "model", "zero_grad": "zero_grad"},
}
BREAKPOINT_KEYS = ("loss_below", "loss_went_up", "grad_below", "epoch_reached")
TABLES = ("data", "training", "pytorch", "breakpoints", "notes")
# The flags parse these as floats; TOML's `lr = 1` must give the same Config as `--lr 1`.
FLOAT_FIELDS = frozenset({"true_b", "true_w", "noise", "train_fraction", "lr", "init_b", "init_w"})
STEP_KEYS = tuple(str(step) for step in range(6))
MAX_EPOCH = 10_000_000
MAX_FILE_BYTES = 1024 * 1024  # a lesson is a page of text; anything larger is the wrong file
# Synthetic data fails only in the feature transform; too small a split comes from too few points.
_CAUSED_BY = {"data": "feature", "train_fraction": "n_points"}
PLACEHOLDERS = ("lr", "batch_size", "n_train", "updates_per_epoch", "critical_lr", "condition_number")


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

    def fail(self, message: str, *path: str) -> NoReturn:
        raise LessonError(self.source, message, ".".join(path) or None, line_of(self.text, *path) if path else None)


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
    if location and (not isinstance(name_or_path, str) or looks_like_path or Path(location).exists()):
        path = Path(location).expanduser()
        return parse_lesson(_read(path, location), location, path.parent, path.stem)
    raise LessonError(
        location or "''", f"no such lesson; built-in lessons are {', '.join(builtin_names())} (or give a .toml file)"
    )


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
    reader = _Reader(text, source, base_dir if base_dir is not None else Path.cwd())
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line = _decode_error(str(error))
        raise LessonError(source, f"invalid TOML: {message}", line=line) from None
    for key in document:
        if key not in TOP_KEYS and key not in TABLES:
            reader.fail(_unknown(key, None), key)
    config, origins = _config(document, reader)
    breakpoints = _breakpoints(_table(document, "breakpoints", reader), reader)
    raw_notes = _step_notes(_table(document, "notes", reader), reader)
    values = _placeholders(config, origins, reader)
    lesson_name = _text(document, "name", reader, default=name, one_line=True)
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
    return value.strip()


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
            elif option in FLOAT_FIELDS and isinstance(value, int) and not isinstance(value, bool):
                if abs(value) > 2**53:
                    reader.fail(f"is out of range (got {value})", table, key)
                value = float(value)
            changes[option] = value
    try:
        return Config(**changes), origins
    except ConfigError as error:
        reader.fail(error.message, *origins[error.option])


def _csv_path(value: object, reader: _Reader) -> str:
    """The CSV's path, relative to the lesson file's folder unless absolute."""
    if not isinstance(value, str) or not value.strip():
        reader.fail(f"must be the path of a CSV file, in quotes (got {value!r})", "data", "csv")
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = reader.base_dir / path
    if not path.is_file():
        reader.fail(f"{value}: no such file (looked for {path})", "data", "csv")
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
        notes[key] = value
    return notes


def _placeholders(config: Config, origins: dict[str, tuple[str, str]], reader: _Reader) -> dict[str, Any]:
    """The numbers a note may quote, computed from the lesson's own data so they cannot drift."""
    try:
        data = make_dataset(config)
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
    }


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
            reader.fail(f"unknown placeholder {{{name}}}; notes may use {allowed}", *path)
        if spec and "{" in spec:
            reader.fail(f"placeholder {{{name}}} has a nested placeholder in its format", *path)
    try:
        return text.format_map(values)
    except (ValueError, TypeError) as error:
        reader.fail(f"bad format in a placeholder: {error}", *path)
