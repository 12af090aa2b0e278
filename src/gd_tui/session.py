"""Sessions: save the position a learner reached, and bring it back bit for bit.

A session file is JSON, never pickle: it records what to replay, not the arrays.

    {
      "format": "gd-tui session",
      "version": 1,
      "lesson": "book",                      # or null
      "config": {...},                       # Config.to_dict(); a CSV path is stored absolute
      "breakpoints": {...},                  # Breakpoints fields
      "position": {
        "t": 1234,                           # steps executed since step 0
        "line": 0,                           # lines of step 4 stepped into (optional; 0 outside)
        "start": {"lr": 0.1, "batch_size": 80, "optimizer": "sgd"},
        "settings": [[120, "lr", 0.05], [130, "optimizer", "adam"]]  # Machine.settings_log: (t, name, value)
      },
      "data_sha256": "...",                  # of the CSV file's bytes, or null
      "check": {"epoch": 3, "update": 240, "b": "0.81...", "w": "1.93..."},
      "record": {...}                        # engine/record.py: checkpoints and history rows
    }

Restoring builds the config's machine (NumPy, or the torch backend), replays the
settings log (goto(t_e), then the change), and goes to t: the same steps in the same
order, so the state is the one the learner left (an optimizer's buffers included: they
are a function of the steps replayed). `check` holds the saved b and w (as repr strings, so NaN and inf
survive JSON) to prove it.

A long run is not replayed: `record` carries some of the machine's checkpoints and
the history rows it holds, floats as exact hex text, and restoring adopts them and
replays from the last checkpoint only (engine/record.py). `check` proves it too.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from gd_tui.backends import make_machine
from gd_tui.csvfile import dataset
from gd_tui.engine import Config, ConfigError, Machine
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.engine.config import OPTIMIZERS
from gd_tui.engine.data import Dataset
from gd_tui.engine.limits import LIMITS, MAX_EPOCHS, MAX_LR, MAX_POINTS, MAX_SETTINGS, MAX_T
from gd_tui.engine.record import adopt, record_of
from gd_tui.files import FileProblem, atomic_write_text, read_limited, sweep_temporary
from gd_tui.text import one_line

FORMAT = "gd-tui session"
VERSION = 1
# A setting change takes about 30 bytes (one per line), so MAX_SETTINGS of them fit.
MAX_SESSION_BYTES = 64_000_000
SETTINGS = ("lr", "batch_size", "optimizer")
AUTOSAVE_GLOB = "autosave*.json"  # autosave-20261130-051200-4242.json, and the older autosave.json
KEEP_AUTOSAVES = 20
_TOP_KEYS = ("format", "version", "lesson", "config", "breakpoints", "position", "data_sha256", "check", "record")
_FLOAT_OPTIONS = frozenset({"true_b", "true_w", "noise", "train_fraction", "lr", "init_b", "init_w"})
_CONFIG_FIELDS = tuple(f.name for f in fields(Config))
_BREAKPOINT_FIELDS = tuple(f.name for f in fields(Breakpoints))

Setting = tuple[int, str, float | int | str]


class SessionError(ValueError):
    """A session cannot be saved, loaded or restored; the message is one line."""


@dataclass(frozen=True)
class Check:
    """Where the saved session stood, to verify that a replay reached the same place."""

    epoch: int
    update: int
    b: str | None  # repr of the float: exact, and NaN and inf stay readable
    w: str | None
    # SHA-256 of the data the run trained on (its four arrays): a record's checkpoints carry
    # b and w, so a converged run replays to the same b and w on other data; this does not.
    data: str | None = None


@dataclass(frozen=True)
class Session:
    """Everything needed to rebuild a Machine at the exact position a learner left it."""

    config: Config
    t: int = 0
    settings: tuple[Setting, ...] = ()
    start_lr: float | None = None  # None: config.lr
    start_batch_size: int | None = None  # None: what the config gives
    start_optimizer: str | None = None  # None: config.optimizer
    line: int = 0  # inside step 4: State.line
    lesson: str | None = None
    breakpoints: Breakpoints = field(default_factory=Breakpoints)
    data_sha256: str | None = None
    check: Check | None = None
    record: dict[str, Any] | None = field(default=None, compare=False)  # engine/record.py; None: replay


# --- where sessions live ----------------------------------------------------


def state_dir() -> Path:
    """$XDG_STATE_HOME/gd-tui, or ~/.local/state/gd-tui when it is unset."""
    base = os.environ.get("XDG_STATE_HOME", "")
    # The XDG spec says to ignore a relative path here.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "gd-tui"


def autosave_path(when: float | None = None, pid: int | None = None) -> Path:
    """A session's own autosave file: the time and the process in its name, so none overwrites another."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if when is None else when))
    return state_dir() / f"autosave-{stamp}-{os.getpid() if pid is None else pid}.json"


def autosaves() -> list[Path]:
    """Every autosave in the state directory, newest first."""
    found: list[tuple[int, str, Path]] = []
    try:
        for path in state_dir().glob(AUTOSAVE_GLOB):
            with contextlib.suppress(OSError):
                info = path.stat()
                if stat.S_ISREG(info.st_mode):
                    found.append((info.st_mtime_ns, path.name, path))
    except OSError:
        return []
    return [path for _, _, path in sorted(found, reverse=True)]


def last_session_path() -> Path | None:
    """The newest autosave, which `--resume` with no file reads; None when there is none."""
    found = autosaves()
    return found[0] if found else None


def autosave(session: Session) -> Path:
    """Save to a new autosave file of its own, creating the state directory (private to the user)."""
    directory = state_dir()
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise SessionError(f"{directory}: cannot create the state directory ({error.strerror})") from None
    path = autosave_path()
    while path.exists():  # the same process, twice in one second
        path = path.with_name(path.stem + "-1.json")
    return save(session, path)


def prune_autosaves(keep: int = KEEP_AUTOSAVES) -> list[Path]:
    """Remove all but the newest `keep` autosaves; returns those removed."""
    removed = []
    for path in autosaves()[keep:]:
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    sweep_temporary(state_dir())
    return removed


def autosave_report(saved: Path | None, error: str | None) -> list[str]:
    """The lines the app prints after a dropped connection: where it saved, and which old autosaves went."""
    lines = []
    if saved is not None:
        lines.append(f"gd-tui: the session was saved to {saved}; gd-tui --resume brings it back")
        for removed in prune_autosaves():
            lines.append(f"gd-tui: removed the oldest autosave {removed} (the newest {KEEP_AUTOSAVES} are kept)")
    if error is not None:
        lines.append(f"gd-tui: the session could not be saved: {error}")
    return [one_line(line) for line in lines]


# --- capture and restore ----------------------------------------------------


def _float_text(value: np.ndarray | None) -> str | None:
    return None if value is None else repr(float(value[0]))


def capture(machine: Machine, *, lesson: str | None = None, breakpoints: Breakpoints | None = None) -> Session:
    """A Session that restores `machine` to its current position."""
    config = machine.config
    if config.data is not None:
        # The app may be resumed from another directory.
        config = config.with_changes(data=os.path.abspath(config.data))
    state = machine.state
    start_lr, start_batch_size, start_optimizer = machine.start_settings
    return Session(
        config=config,
        t=state.t,
        settings=tuple(machine.settings_log),
        start_lr=start_lr,
        start_batch_size=start_batch_size,
        start_optimizer=start_optimizer,
        line=state.line,
        lesson=lesson,
        breakpoints=breakpoints if breakpoints is not None else Breakpoints(),
        data_sha256=machine.data.source_sha256,
        check=Check(state.epoch, state.update, _float_text(state.b), _float_text(state.w), data_digest(machine.data)),
        record=record_of(machine),
    )


def check(session: Session) -> Dataset:
    """The session's data, after checking that the session can be replayed on it."""
    config = session.config
    try:
        data = dataset(config)
    except ConfigError as error:
        raise SessionError(f"the session's {error.option.replace('_', ' ')}: {error.message}") from None
    if session.data_sha256 is not None and data.source_sha256 != session.data_sha256:
        raise SessionError(
            f"{config.data} has changed since the session was saved, so its position cannot be "
            "replayed; start afresh with --data"
        )
    sizes = [size for _, name, size in session.settings if name == "batch_size"]
    if session.start_batch_size is not None:
        sizes.append(session.start_batch_size)
    for size in sizes:
        if size > data.n_train:
            raise SessionError(
                f"position: a saved batch size of {size} is larger than the training set ({data.n_train} points)"
            )
    return data


def restore(session: Session, data: Dataset | None = None) -> Machine:
    """A Machine at the session's position: replayed, so bit-identical to never stopping."""
    machine = make_machine(session.config, data if data is not None else check(session))
    if session.record is not None:
        return _adopt(session, machine)
    try:
        if session.start_lr is not None and session.start_lr != machine.state.lr:
            machine.set_lr(session.start_lr)
        if session.start_batch_size is not None and session.start_batch_size != machine.state.batch_size:
            machine.set_batch_size(session.start_batch_size)
        if session.start_optimizer is not None:
            machine.set_optimizer(session.start_optimizer)
        for t, name, value in session.settings:
            machine.goto(t)
            if name == "lr":
                machine.set_lr(float(value))
            elif name == "optimizer":
                machine.set_optimizer(str(value))
            else:
                machine.set_batch_size(int(value))
    except ConfigError as error:
        raise SessionError(f"position: a saved {error.option.replace('_', ' ')} {error.message}") from None
    machine.goto(session.t)
    for _ in range(session.line):
        machine.step_into()
    _verify(session, machine)
    return machine


def _adopt(session: Session, machine: Machine) -> Machine:
    """The machine at the session's position from its record: no replay of the run."""
    start_lr, start_batch_size, start_optimizer = machine.start_settings
    machine.start_settings = (
        start_lr if session.start_lr is None else session.start_lr,
        start_batch_size if session.start_batch_size is None else session.start_batch_size,
        start_optimizer if session.start_optimizer is None else session.start_optimizer,
    )
    machine._settings = list(session.settings)
    try:
        adopt(machine, session.record, session.t)  # type: ignore[arg-type]
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, OverflowError) as error:
        reason = type(error).__name__  # not the message: it could echo the file's text
        raise SessionError(
            f"record: is malformed ({reason}); the file was edited or comes from another version"
        ) from None
    for _ in range(session.line):  # inside step 4 (step into): the lines already run
        machine.step_into()
    _verify(session, machine)
    return machine


def data_digest(data: Dataset) -> str:
    """SHA-256 of the training and validation arrays, as float64 bytes."""
    import hashlib  # only where a session is saved or checked (start-up stays lighter)

    digest = hashlib.sha256()
    for array in (data.x_train, data.y_train, data.x_val, data.y_val):
        digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    return digest.hexdigest()


def _verify(session: Session, machine: Machine) -> None:
    check = session.check
    if check is None:
        return
    if check.data is not None and data_digest(machine.data) != check.data:
        raise SessionError(
            "the data differs from the data the session was saved on (its config was edited, or it "
            "comes from another version); start afresh with the same flags"
        )
    state = machine.state
    reached = Check(state.epoch, state.update, _float_text(state.b), _float_text(state.w), check.data)
    if reached != check:
        raise SessionError(
            f"replaying the session reached epoch {reached.epoch}, update {reached.update}, b={reached.b}, "
            f"w={reached.w} instead of the saved epoch {check.epoch}, update {check.update}, b={check.b}, "
            f"w={check.w}; the file was edited or comes from another version"
        )


# --- JSON -------------------------------------------------------------------


def to_dict(session: Session) -> dict[str, Any]:
    """The session as plain JSON values (the layout in this module's docstring)."""
    start: dict[str, Any] = {}
    if session.start_lr is not None:
        start["lr"] = session.start_lr
    if session.start_batch_size is not None:
        start["batch_size"] = session.start_batch_size
    if session.start_optimizer is not None:
        start["optimizer"] = session.start_optimizer
    return {
        "format": FORMAT,
        "version": VERSION,
        "lesson": session.lesson,
        "config": session.config.to_dict(),
        "breakpoints": asdict(session.breakpoints),
        "position": {
            "t": session.t,
            **({"line": session.line} if session.line else {}),
            "start": start,
            "settings": [list(s) for s in session.settings],
        },
        "data_sha256": session.data_sha256,
        "check": None if session.check is None else asdict(session.check),
        **({} if session.record is None else {"record": session.record}),
    }


_SETTINGS_MARK = "\x00settings"  # no other string in a session can hold a NUL


def dumps(session: Session) -> str:
    """The session file's text."""
    document = to_dict(session)
    settings = document["position"]["settings"]
    document["position"]["settings"] = _SETTINGS_MARK
    # allow_nan=False: the file stays standard JSON that any reader accepts.
    text = json.dumps(document, indent=2, allow_nan=False)
    # One setting change a line: a long session stays small (about 30 bytes a change) and readable.
    rows = ",\n".join("      " + json.dumps(entry, allow_nan=False) for entry in settings)
    listed = f"[\n{rows}\n    ]" if settings else "[]"
    return text.replace(json.dumps(_SETTINGS_MARK), listed, 1) + "\n"


def checked_text(session: Session) -> str:
    """The session file's text, or a SessionError when `load` would refuse it for its size."""
    if len(session.settings) > MAX_SETTINGS:
        raise SessionError(
            f"the session holds {len(session.settings)} setting changes, more than the {MAX_SETTINGS} "
            "a session file takes; reset to start a shorter one"
        )
    text = dumps(session)
    if len(text.encode("utf-8")) > MAX_SESSION_BYTES:
        raise SessionError(
            f"the session is larger than {MAX_SESSION_BYTES} bytes (too many setting changes); "
            "reset to start a shorter one"
        )
    return text


def save(session: Session, path: str | os.PathLike[str], mode: int = 0o600) -> Path:
    """Write the session to `path` atomically; raises SessionError naming the problem.

    A new file is private to the user (0600: it can name a private data file); an
    existing one keeps its mode.
    """
    text = checked_text(session)
    name = os.fspath(path)
    if not name:
        raise SessionError("no file name given; give a file name such as session.json")
    if "\x00" in name:
        raise SessionError(f"{name!r}: a file name cannot hold a NUL character")
    target = Path(path)
    try:  # is_dir() raises too: a name longer than the file system allows (ENAMETOOLONG)
        if target.is_dir():
            raise SessionError(f"{target}: is a directory; give a file name such as session.json")
        return atomic_write_text(target, text, mode)
    except OSError as error:
        raise SessionError(f"{target}: cannot write ({error.strerror or error})") from None


def load(path: str | os.PathLike[str]) -> Session:
    """Read and check a session file; raises SessionError with a one-line message."""
    name = os.fspath(path)
    try:
        raw = read_limited(name, MAX_SESSION_BYTES, "a session file (.json)")
    except FileProblem as problem:
        raise SessionError(f"{name}: {problem}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SessionError(f"{name}: is not a gd-tui session file (not UTF-8 text)") from None
    return loads(text, name)


def _unclosed(text: str) -> bool:
    """Whether a JSON text opens more brackets than it closes: the sign of a write cut short."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return depth > 0 or in_string


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a session file")


def loads(text: str, source: str = "<session>") -> Session:
    """A Session from a session file's text; `source` names it in errors."""
    if not text.strip():
        raise SessionError(f"{source}: is empty; not a gd-tui session file")
    try:
        document = json.loads(text, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        if _unclosed(text):
            raise SessionError(f"{source}: ends early (truncated?): {error.msg}") from None
        raise SessionError(
            f"{source}: is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except (ValueError, RecursionError) as error:
        raise SessionError(f"{source}: is not valid JSON ({error})") from None
    return _Reader(source).session(document)


class _Reader:
    """Checks one decoded document, naming the key of the first problem."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, message: str) -> SessionError:
        return SessionError(f"{self.source}: {key}: {message}")

    def table(self, value: object, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be an object {{...}} (got {_kind(value)})")
        for name in value:
            if name not in allowed:
                where = f"{key}.{name}" if key else str(name)
                raise self.fail(where, f"unknown key; allowed are {', '.join(allowed)}")
        return value

    def whole(self, value: object, key: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be a whole number (got {_kind(value)})")
        if not low <= value <= high:
            raise self.fail(key, f"must be from {low} to {high} (got {value})")
        return value

    def int_as_float(self, value: object, key: str) -> object:
        """A whole number as its float (anything else as it is); one beyond any float is refused here.

        JSON integers have no size limit: float(10**400) raises OverflowError.
        """
        if not isinstance(value, int) or isinstance(value, bool):
            return value
        try:
            return float(value)
        except OverflowError:
            raise self.fail(key, f"must be a finite number (got {_kind(value)})") from None

    def number(self, value: object, key: str) -> float:
        value = self.int_as_float(value, key)
        if not isinstance(value, float) or not math.isfinite(value):
            raise self.fail(key, f"must be a finite number (got {_kind(value)})")
        return value

    def digest(self, value: object, key: str) -> str | None:
        """A SHA-256 digest as 64 lowercase hexadecimal digits, or None."""
        if value is not None and (
            not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value)
        ):
            raise self.fail(key, "must be 64 lowercase hexadecimal digits or null")
        return value

    def text(self, value: object, key: str, limit: int = 1000) -> str:
        if not isinstance(value, str) or len(value) > limit or not value.isprintable():
            raise self.fail(
                key,
                f"must be one line of text of at most {limit} characters, no control characters (got {_kind(value)})",
            )
        return value

    def session(self, document: object) -> Session:
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise SessionError(f'{self.source}: is not a gd-tui session file (no "format": "{FORMAT}")')
        version = document.get("version")
        if isinstance(version, bool) or not isinstance(version, int):
            raise self.fail("version", f"must be a whole number (got {_kind(version)})")
        if version > VERSION:
            raise SessionError(
                f"{self.source}: was saved by a newer gd-tui (session format {version}; "
                f"this one reads format {VERSION}); upgrade gd-tui to resume it"
            )
        if version < 1:
            raise self.fail("version", f"{version} is not a session format (this gd-tui reads format {VERSION})")
        self.table(document, "", _TOP_KEYS)
        for required in ("config", "position"):
            if required not in document:
                raise self.fail(required, "is missing")
        config = self.config(document["config"])
        position = self.table(document["position"], "position", ("t", "line", "start", "settings"))
        if "t" not in position:
            raise self.fail("position.t", "is missing")
        t = self.whole(position["t"], "position.t", 0, MAX_T)
        start = self.table(position.get("start", {}), "position.start", SETTINGS)
        start_lr = None if "lr" not in start else self.lr(start["lr"], "position.start.lr")
        start_batch_size = None
        if "batch_size" in start:
            start_batch_size = self.whole(start["batch_size"], "position.start.batch_size", 1, MAX_POINTS)
        start_optimizer = None
        if "optimizer" in start:
            start_optimizer = self.optimizer(start["optimizer"], "position.start.optimizer")
        lesson = document.get("lesson")
        sha256 = self.digest(document.get("data_sha256"), "data_sha256")
        return Session(
            config=config,
            t=t,
            settings=self.settings(position.get("settings", []), t),
            start_lr=start_lr,
            start_batch_size=start_batch_size,
            start_optimizer=start_optimizer,
            line=self.whole(position.get("line", 0), "position.line", 0, 10),
            lesson=None if lesson is None else self.text(lesson, "lesson", 200),
            breakpoints=self.breakpoints(document.get("breakpoints", {})),
            data_sha256=sha256,
            check=self.check(document.get("check")),
            record=self.record(document.get("record")),
        )

    def record(self, value: object) -> dict[str, Any] | None:
        # Its contents are checked when it is adopted (engine/record.py), with a one-line error.
        if value is not None and not isinstance(value, dict):
            raise self.fail("record", f"must be an object {{...}} or null (got {_kind(value)})")
        return value

    def config(self, value: object) -> Config:
        options = dict(self.table(value, "config", _CONFIG_FIELDS))
        for name in (*_FLOAT_OPTIONS, "momentum", "alpha", "eps"):
            # JSON writes 1.0 as 1.0, but a hand-edited file may say 1: the same Config either way.
            if name in options:
                options[name] = self.int_as_float(options[name], f"config.{name}")
        if "betas" in options:
            betas = options["betas"]
            if not isinstance(betas, list) or len(betas) != 2:
                raise self.fail("config.betas", f"must be a list of two numbers (got {_kind(betas)})")
            options["betas"] = tuple(self.int_as_float(b, "config.betas") for b in betas)
        try:
            return Config(**options)
        except ConfigError as error:
            raise self.fail(f"config.{error.option}", error.message) from None

    def lr(self, value: object, key: str) -> float:
        lr = self.number(value, key)
        if not 0 < lr <= MAX_LR:
            raise self.fail(key, f"must be above 0 and at most {MAX_LR:g} (got {lr!r})")
        return lr

    def optimizer(self, value: object, key: str) -> str:
        if not isinstance(value, str) or value not in OPTIMIZERS:
            raise self.fail(key, f"must be one of {', '.join(OPTIMIZERS)} (got {_kind(value)})")
        return value

    def settings(self, value: object, t: int) -> tuple[Setting, ...]:
        if not isinstance(value, list):
            raise self.fail("position.settings", f"must be a list (got {_kind(value)})")
        if len(value) > MAX_SETTINGS:
            raise self.fail("position.settings", f"holds {len(value)} changes; at most {MAX_SETTINGS} are allowed")
        settings: list[Setting] = []
        previous = 0
        for index, entry in enumerate(value):
            key = f"position.settings[{index}]"
            if not isinstance(entry, list) or len(entry) != 3:
                raise self.fail(key, f'must be [t, "lr", "batch_size" or "optimizer", value] (got {_kind(entry)})')
            at = self.whole(entry[0], f"{key}[0]", previous, t)  # in order, and not past the position
            name = entry[1]
            if name == "lr":
                settings.append((at, name, self.lr(entry[2], f"{key}[2]")))
            elif name == "batch_size":
                settings.append((at, name, self.whole(entry[2], f"{key}[2]", 1, MAX_POINTS)))
            elif name == "optimizer":
                settings.append((at, name, self.optimizer(entry[2], f"{key}[2]")))
            else:
                raise self.fail(f"{key}[1]", f'must be "lr", "batch_size" or "optimizer" (got {_kind(name)})')
            previous = at
        return tuple(settings)

    def breakpoints(self, value: object) -> Breakpoints:
        table = self.table(value, "breakpoints", _BREAKPOINT_FIELDS)
        options: dict[str, Any] = {}
        for name in ("loss_below", "grad_below"):
            if table.get(name) is not None:
                options[name] = self.number(table[name], f"breakpoints.{name}")
                if not options[name] > LIMITS[name].low:
                    raise self.fail(f"breakpoints.{name}", f"must be above 0 (got {options[name]!r})")
        if "loss_went_up" in table:
            if not isinstance(table["loss_went_up"], bool):
                raise self.fail(
                    "breakpoints.loss_went_up", f"must be true or false (got {_kind(table['loss_went_up'])})"
                )
            options["loss_went_up"] = table["loss_went_up"]
        if table.get("epoch_reached") is not None:
            options["epoch_reached"] = self.whole(table["epoch_reached"], "breakpoints.epoch_reached", 1, MAX_EPOCHS)
        return Breakpoints(**options)

    def check(self, value: object) -> Check | None:
        if value is None:
            return None
        table = self.table(value, "check", ("epoch", "update", "b", "w", "data"))
        for name in ("epoch", "update", "b", "w"):
            if name not in table:
                raise self.fail(f"check.{name}", "is missing")
        parameters: list[str | None] = []
        for name in ("b", "w"):
            text = table[name]
            if text is not None:
                text = self.text(text, f"check.{name}", 40)
                try:
                    float(text)
                except ValueError:
                    raise self.fail(f"check.{name}", f"must be a number written as text (got {text!r})") from None
            parameters.append(text)
        data = self.digest(table.get("data"), "check.data")
        return Check(
            self.whole(table["epoch"], "check.epoch", 0, MAX_T),
            self.whole(table["update"], "check.update", 0, MAX_T),
            *parameters,
            data,
        )


def _kind(value: object) -> str:
    """A short description of a JSON value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) > 10**20:
        # 401 digits would fill the terminal; the JSON reader keeps them to 4300 (sys.int_info).
        return f"a whole number of {len(str(abs(value)))} digits"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 30 else repr(value[:27] + "...")
    return "a list" if isinstance(value, list) else "an object"
