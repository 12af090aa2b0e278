"""The command line: the TUI (default), `trace` and `run`, sharing one set of config flags."""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import re
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from gd_tui.backends import BackendMissing, check_backend, make_machine
from gd_tui.csvfile import dataset
from gd_tui.engine import Config, ConfigError, Dataset, Machine
from gd_tui.engine.breakpoints import epochs
from gd_tui.engine.config import BACKENDS, DTYPES, FEATURES, INITS, MODELS, OPTIMIZERS
from gd_tui.engine.limits import MAX_EPOCHS, MAX_STEPS
from gd_tui.export import write_history
from gd_tui.files import remove_temporary_files, sweep_temporary, writable_target
from gd_tui.lessons import LessonError, builtin_names, load_lesson
from gd_tui.report import human, run_record, to_json, trace_record
from gd_tui.session import Session, SessionError, autosaves, check, load, state_dir
from gd_tui.text import ascii_fallback, one_line

PROG = "gd-tui"
LAST_SESSION = "\x00last"  # --resume with no FILE (no file name can hold a NUL)
# A value such as -1e6 or -inf starts with "-", and argparse would take it for a flag.
NEGATIVE_NUMBER = re.compile(r"-(\d|\.\d|inf|infinity|nan)", re.IGNORECASE)
MAX_SESSIONS = 10_000  # browser tabs `serve` takes at once
SERVE_INSTALL = "pip install '.[serve]' in the gd-tui folder (or 'gd-tui[serve]')"


class UsageError(Exception):
    """Bad command-line input; the message is one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the whole usage; one line naming the problem is kinder.
        raise UsageError(message)


def _whole(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high} (got {value})")
        return value

    return parse


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number (got {text!r})") from None


def _betas(text: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"must be two numbers B1,B2 such as 0.9,0.999 (got {text!r})")
    first, second = (_number(part.strip()) for part in parts)
    return first, second


def _whole_any(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """The flags that build a Config; every command takes the same ones."""
    # SUPPRESS: a flag given before the command must not be reset by the command's own default.
    group = parser.add_argument_group("data and training", argument_default=argparse.SUPPRESS)
    group.add_argument(
        "--lesson", metavar="NAME|FILE.toml", help="start from a lesson (see `gd-tui lessons`); other flags override it"
    )
    group.add_argument("--seed", type=_whole_any, help="random seed (default 42)")
    group.add_argument("--n-points", type=_whole_any, help="synthetic points N (default 100)")
    group.add_argument("--true-b", type=_number, help="synthetic data's true b (default 1)")
    group.add_argument("--true-w", type=_number, help="synthetic data's true w (default 2)")
    group.add_argument("--noise", type=_number, help="noise standard deviation (default 0.1)")
    group.add_argument("--train-fraction", type=_number, help="share of points for training (default 0.8)")
    group.add_argument("--data", metavar="FILE.csv", help="CSV with two numeric columns x, y instead of synthetic data")
    group.add_argument("--x-col", type=_whole_any, metavar="N", help="the --data column holding x, counting from 1")
    group.add_argument("--y-col", type=_whole_any, metavar="N", help="the --data column holding y, counting from 1")
    group.add_argument("--feature", choices=FEATURES, help="raw x, bad (x*10), or scaled (standardized)")
    group.add_argument("--lr", type=_number, help="learning rate (default 0.1)")
    group.add_argument("--batch-size", type=_whole_any, help="points per update (default: whole training set)")
    group.add_argument("--init-b", type=_number, help="start from this b instead of a random one")
    group.add_argument("--init-w", type=_number, help="start from this w instead of a random one")
    group.add_argument(
        "--optimizer", choices=OPTIMIZERS, help="step 4's update, as torch.optim computes it (default sgd)"
    )
    group.add_argument("--momentum", type=_number, help="momentum and nesterov: the buffer's decay beta (default 0.9)")
    group.add_argument("--betas", type=_betas, metavar="B1,B2", help="adam: the moments' decays (default 0.9,0.999)")
    group.add_argument("--alpha", type=_number, help="rmsprop: the squared gradients' decay (default 0.99)")
    group.add_argument(
        "--eps", type=_number, help="adagrad, rmsprop, adam: added to the root (default 1e-10 adagrad, else 1e-8)"
    )
    torch = parser.add_argument_group(
        "the PyTorch mirror (pip install '.[torch]' in the gd-tui folder)", argument_default=argparse.SUPPRESS
    )
    torch.add_argument("--backend", choices=BACKENDS, help="numpy (default) or torch: the same six steps in PyTorch")
    torch.add_argument("--dtype", choices=DTYPES, help="the torch backend's precision (default float32, the book's)")
    torch.add_argument(
        "--init", choices=INITS, help="torch: step 0 draws with torch.randn (default); numpy: the NumPy engine's start"
    )
    torch.add_argument(
        "--model",
        choices=MODELS,
        help="torch: tensors b and w (manual, default), ManualLinearRegression (module) or nn.Linear(1, 1) (linear)",
    )
    torch.add_argument(
        "--no-zero-grad",
        dest="zero_grad",
        action="store_false",
        help="torch: leave out optimizer.zero_grad(), so gradients accumulate (the no-zero-grad lesson)",
    )


CONFIG_FLAGS = (
    "seed", "n_points", "true_b", "true_w", "noise", "train_fraction",
    "data", "feature", "lr", "batch_size", "init_b", "init_w", "x_col", "y_col",
    "optimizer", "momentum", "betas", "alpha", "eps",
    "backend", "dtype", "init", "model", "zero_grad",
)  # fmt: skip


def config_from_args(args: argparse.Namespace, base: Config | None = None) -> Config:
    """The Config the flags describe, on top of `base` (the book's run by default)."""
    changes = {name: getattr(args, name) for name in CONFIG_FLAGS if getattr(args, name, None) is not None}
    return (base or Config()).with_changes(**changes)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="A terminal step-debugger for gradient descent on y = b + w·x + ε.",
    )
    add_config_flags(parser)
    parser.add_argument(
        "--resume",
        nargs="?",
        const=LAST_SESSION,
        default=argparse.SUPPRESS,
        metavar="FILE",
        help="reopen a saved session (no FILE: the one saved when the app last lost its terminal)",
    )
    commands = parser.add_subparsers(dest="command", metavar="{trace,run,lessons,sessions,serve}", parser_class=_Parser)
    trace = commands.add_parser(
        "trace",
        help="print each executed step, from step 0",
        description="Execute steps from step 0 without the app and print one line per step "
        "(--json: one JSON object per line).",
    )
    trace.add_argument("--steps", type=_whole(0, MAX_STEPS), default=6, help="steps to execute (default 6)")
    trace.add_argument("--json", action="store_true", help="one JSON object per line")
    add_config_flags(trace)
    run = commands.add_parser(
        "run",
        help="run whole epochs from step 0 and print the result",
        description="Run whole epochs from step 0 without the app and print where they end: "
        "epochs and updates done, b, w and the losses (--json for one JSON object).",
    )
    run.add_argument("--epochs", type=_whole(0, MAX_EPOCHS), default=1000, help="epochs to run (default 1000)")
    run.add_argument("--json", action="store_true", help="one JSON object")
    run.add_argument(
        "--history",
        metavar="FILE.csv",
        help="also write the history: FILE.csv per update (update,loss,b,w), FILE-epochs.csv per epoch",
    )
    add_config_flags(run)
    commands.add_parser("lessons", help="list the built-in lessons, one line each")
    commands.add_parser("sessions", help="list the autosaved sessions, newest first (gd-tui --resume FILE opens one)")
    serve = commands.add_parser(
        "serve",
        help="serve gd-tui to web browsers, one session per tab (needs the serve extra)",
        description="Every browser tab gets its own gd-tui with these settings. Save and export "
        "download the file to the browser; --resume is not offered in a served session.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)")
    serve.add_argument("--port", type=_whole(0, 65535), default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument(
        "--max-sessions",
        type=_whole(1, MAX_SESSIONS),
        metavar="N",
        default=40,
        help="browser tabs served at once; past it a tab is told the class is full (default 40)",
    )
    add_config_flags(serve)
    return parser


def _number_flags() -> frozenset[str]:
    numeric = (name for name in CONFIG_FLAGS if name not in ("data", "feature"))
    return frozenset({*("--" + name.replace("_", "-") for name in numeric), "--steps", "--epochs"})


def numbers_as_values(argv: Sequence[str]) -> list[str]:
    """`--true-w -1e6` as `--true-w=-1e6`: a negative number after a number flag is its value."""
    flags = _number_flags()
    joined: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            joined.extend(argv[index:])
            break
        following = argv[index + 1] if index + 1 < len(argv) else None
        if arg in flags and following is not None and NEGATIVE_NUMBER.match(following):
            joined.append(f"{arg}={following}")
            index += 2
            continue
        joined.append(arg)
        index += 1
    return joined


def _trace(machine: Machine, count: int, as_json: bool) -> None:
    out = sys.stdout
    for _ in range(count):
        machine.advance()
        record = trace_record(machine)
        out.write((to_json(record) if as_json else human(record)) + "\n")


def _run(machine: Machine, count: int, as_json: bool) -> None:
    machine.run_until(epochs(count), max_steps=10**9)
    record = run_record(machine)
    if as_json:
        print(to_json(record))
    else:
        width = max(len(key) for key in record)
        for key, value in record.items():
            print(f"{key:<{width}}  {value!r}" if isinstance(value, float) else f"{key:<{width}}  {value}")
        if record["ols_b"] is None:
            # None alone reads like a bug; with x (nearly) constant there is no unique answer.
            x = machine.data.x_train
            low, high = float(x.min()), float(x.max())
            spread = f"every training x is {low!r}" if low == high else f"x only goes from {low!r} to {high!r}"
            print(f"{'note':<{width}}  least squares is undefined: x does not vary on the training set ({spread})")


def _lessons() -> None:
    lessons = [load_lesson(name) for name in builtin_names()]
    width = max(len(lesson.name) for lesson in lessons)
    for lesson in lessons:
        print(f"{lesson.name:<{width}}  {lesson.title}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def session_line(path: Path) -> str:
    """One autosave, as `gd-tui sessions` lists it: when, lesson, how far, where."""
    try:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(path.stat().st_mtime))
    except OSError:
        when = "?"
    try:
        session = load(path)
    except SessionError as error:
        return one_line(f"{when}  (cannot be resumed: {error})")
    lesson = session.lesson or "-"
    if session.check is None:
        where = f"{session.t} steps"
    else:
        where = f"{_count(session.check.epoch, 'epoch')} and {_count(session.check.update, 'update')} done"
    return one_line(f"{when}  {lesson}  {where}  {path}")


def _sessions() -> None:
    found = autosaves()
    if not found:
        print(f"no autosaved sessions in {one_line(str(state_dir()))}")
        return
    for path in found:
        print(session_line(path))


# A session without a record (saved by an older gd-tui) is replayed step by step, about
# 300,000 steps a second: past this many steps, a line says so before the screen opens.
REPLAY_NOTICE_STEPS = 50_000


def _resumed_session(args: argparse.Namespace) -> tuple[Session, Dataset]:
    """The session `--resume [FILE]` names, checked so that any problem is one line here, not in the app."""
    if args.command is not None:
        raise UsageError(f"--resume: reopens the app; it cannot be combined with `{args.command}`")
    for name in ("lesson", *CONFIG_FLAGS):
        if getattr(args, name, None) is not None:
            flag = "--" + name.replace("_", "-")
            raise UsageError(f"--resume: cannot be combined with {flag}; the session carries its own settings")
    if args.resume == LAST_SESSION:
        found = autosaves()
        if not found:
            raise UsageError(f"--resume: no saved session in {state_dir()}; give a session FILE")
        # The newest that can be read: one cut short (a full disk) must not hide the others.
        for path in found:
            try:
                session = load(path)
                break
            except SessionError as error:
                print(one_line(f"{PROG}: skipping {path}: {error}"), file=sys.stderr)
        else:
            raise UsageError(f"--resume: none of the {len(found)} autosaves in {state_dir()} can be read")
        others = "autosaved"
        if len(found) > 1:
            newest = "the newest" if path == found[0] else "the newest readable"
            others = f"{newest} of {len(found)} autosaves; `gd-tui sessions` lists them"
        print(one_line(f"{PROG}: resuming {path} ({others})"), file=sys.stderr)
    else:
        session = load(Path(args.resume))
    data = check(session)  # parsed once: the app restores from this very dataset
    if session.record is None and session.t > REPLAY_NOTICE_STEPS:
        print(f"{PROG}: replaying {session.t:,} steps to restore the session…", file=sys.stderr, flush=True)
    return session, data


def _app_args(args: argparse.Namespace) -> tuple[str, ...]:
    """The flags of this command line that every served session's gd-tui gets, as command-line text."""
    argv: list[str] = []
    for name in ("lesson", *CONFIG_FLAGS):
        value = getattr(args, name, None)
        if value is None:
            continue
        if name in ("lesson", "data") and Path(value).exists():
            value = str(Path(value).resolve())  # the same file whatever directory a session starts in
        argv += ["--" + name.replace("_", "-"), repr(value) if isinstance(value, float) else str(value)]
    return tuple(argv)


def _serve(args: argparse.Namespace, config: Config) -> int:
    try:
        from gd_tui.serve import Options, ServeError, serve
    except ImportError:
        raise UsageError(f"serve: needs the serve extra: {SERVE_INSTALL}") from None
    Machine(config, dataset(config))  # a bad --data file is refused here, not in every student's tab
    try:
        return serve(Options(args.host, args.port, args.max_sessions, _app_args(args)))
    except ServeError as error:
        raise UsageError(str(error)) from None


def _history_target(name: str) -> Path:
    """Refuse a --history path that cannot be written before spending time on the run."""
    if not name:
        raise UsageError("--history: no file name given; give a file name such as history.csv")
    path = Path(name)
    try:
        is_dir = path.is_dir()
    except OSError as error:  # a name longer than the file system allows (ENAMETOOLONG)
        raise UsageError(f"--history: {name}: cannot write ({error.strerror or error})") from None
    if is_dir:
        raise UsageError(f"--history: {name}: is a directory; give a file name such as history.csv")
    from gd_tui.export import epochs_path

    for target in (path, epochs_path(path)):
        try:
            resolved = writable_target(target)
        except OSError as error:
            raise UsageError(f"--history: {target}: cannot write ({error.strerror or error})") from None
        if not resolved.parent.is_dir():
            raise UsageError(f"--history: {target}: the directory {resolved.parent} does not exist")
        _probe(resolved.parent, target)
    return path


def _probe(directory: Path, target: Path) -> None:
    """Create and remove a file in `directory`: a read-only directory fails here, not after the run."""
    probe = directory / f".gd-tui-{os.getpid()}-probe.tmp"
    try:
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise UsageError(f"--history: {target}: cannot write in {directory} ({error.strerror or error})") from None
    os.close(descriptor)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def _write_history(machine: Machine, path: Path) -> None:
    try:
        write_history(machine, path)
    except OSError as error:
        raise UsageError(f"--history: {path}: cannot write ({error.strerror or error})") from None


@contextlib.contextmanager
def _writing_output() -> Iterator[None]:
    """Around a command's printing: a write to stdout that fails (a full disk) is one line, not a traceback.

    A closed pipe (`| head`) is main's BrokenPipeError and passes through.
    """
    try:
        yield
        sys.stdout.flush()  # output to a file is buffered: a full disk shows here, not at exit
    except BrokenPipeError:
        raise
    except OSError as error:
        # What could not be written stays buffered, and the flush at exit would fail again with
        # Python's own message: send it to /dev/null instead.
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        raise UsageError(f"cannot write the output: {error.strerror or error}") from None


def _fail(message: str) -> int:
    # One line, and nothing a file or a flag held can drive the terminal (ESC shows as ␛).
    print(one_line(f"{PROG}: error: {message}"), file=sys.stderr)
    return 2


class _Signalled(BaseException):
    """SIGTERM or SIGHUP arrived during a command: unwind, so that temporary files are removed."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.code = 128 + signal_number


@contextlib.contextmanager
def _exit_cleanly_on_signals() -> Iterator[None]:
    """During trace and run: a kill or a hang-up ends the command without leaving half-written files."""

    def raise_signalled(signal_number: int, frame: object) -> None:
        raise _Signalled(signal_number)

    previous = {}
    for signal_number in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            previous[signal_number] = signal.signal(signal_number, raise_signalled)
    try:
        yield
    finally:
        remove_temporary_files()
        for signal_number, handler in previous.items():
            signal.signal(signal_number, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the gd-tui command; returns the exit code."""
    # LC_ALL=C: write ASCII look-alikes (- for ─) instead of failing on the first one.
    ascii_fallback(sys.stdout, sys.stderr)
    with contextlib.suppress(OSError):
        sweep_temporary(state_dir())  # what a killed gd-tui left behind
    parser = build_parser()
    try:
        args = parser.parse_args(numbers_as_values(sys.argv[1:] if argv is None else argv))
        if args.command is not None:
            gc.enable()  # the app turns it on after its first screen; the other commands work now (command.py)
        if getattr(args, "resume", None) is not None:
            session, data = _resumed_session(args)
            check_backend(session.config)
            from gd_tui.app import run_app  # the UI loads only when it is needed

            return run_app(session.config, session=session, data=data)
        if args.command == "lessons":
            with _writing_output():
                _lessons()
            return 0
        if args.command == "sessions":
            with _writing_output():
                _sessions()
            return 0
        lesson = load_lesson(args.lesson) if getattr(args, "lesson", None) is not None else None
        config = config_from_args(args, base=None if lesson is None else lesson.config)
        if args.command is None:
            check_backend(config)
            from gd_tui.app import run_app  # the UI loads only when it is needed

            return run_app(config, lesson=lesson)
        if args.command == "serve":
            check_backend(config)
            return _serve(args, config)
        history = None if args.command != "run" or args.history is None else _history_target(args.history)
        machine = make_machine(config)
        with _exit_cleanly_on_signals():
            if args.command == "trace":
                with _writing_output():
                    _trace(machine, args.steps, args.json)
            else:
                with _writing_output():
                    _run(machine, args.epochs, args.json)
                if history is not None:
                    _write_history(machine, history)
    except UsageError as error:
        return _fail(str(error))
    except BackendMissing as error:
        return _fail(f"--backend torch: {error}")
    except SessionError as error:
        return _fail(f"--resume: {error}")
    except LessonError as error:
        return _fail(f"--lesson: {error}".replace("\n", " "))
    except ConfigError as error:
        option = "--" + error.option.replace("_", "-")
        return _fail(f"{option}: {error.message}")
    except BrokenPipeError:
        # `gd-tui trace | head`: the reader left; stay quiet as other CLI tools do.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except _Signalled as signalled:
        return signalled.code
    return 0
