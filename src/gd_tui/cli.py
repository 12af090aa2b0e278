"""The command line: the TUI (default), `trace` and `run`, sharing one set of config flags."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from gd_tui.backends import BackendMissing, check_backend, make_machine
from gd_tui.engine import Config, ConfigError, Machine
from gd_tui.engine.breakpoints import epochs
from gd_tui.engine.config import BACKENDS, DTYPES, FEATURES, INITS, MODELS
from gd_tui.export import write_history
from gd_tui.lessons import LessonError, builtin_names, load_lesson
from gd_tui.report import human, run_record, to_json, trace_record
from gd_tui.session import Session, SessionError, check, last_session_path, load

PROG = "gd-tui"
MAX_STEPS = 10_000_000
MAX_EPOCHS = 10_000_000
LAST_SESSION = ""  # --resume with no FILE


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
    torch = parser.add_argument_group(
        "the PyTorch mirror (pip install 'gd-tui[torch]')", argument_default=argparse.SUPPRESS
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
    commands = parser.add_subparsers(dest="command", metavar="{trace,run,lessons}", parser_class=_Parser)
    trace = commands.add_parser("trace", help="print each executed step, from step 0")
    trace.add_argument("--steps", type=_whole(0, MAX_STEPS), default=6, help="steps to execute (default 6)")
    trace.add_argument("--json", action="store_true", help="one JSON object per line")
    add_config_flags(trace)
    run = commands.add_parser("run", help="run whole epochs from step 0 and print the result")
    run.add_argument("--epochs", type=_whole(0, MAX_EPOCHS), default=1000, help="epochs to run (default 1000)")
    run.add_argument("--json", action="store_true", help="one JSON object")
    run.add_argument(
        "--history",
        metavar="FILE.csv",
        help="also write the history: FILE.csv per update (update,loss,b,w), FILE-epochs.csv per epoch",
    )
    add_config_flags(run)
    commands.add_parser("lessons", help="list the built-in lessons, one line each")
    return parser


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
            print(f"{'note':<{width}}  least squares is undefined: x does not vary on the training set")


def _lessons() -> None:
    lessons = [load_lesson(name) for name in builtin_names()]
    width = max(len(lesson.name) for lesson in lessons)
    for lesson in lessons:
        print(f"{lesson.name:<{width}}  {lesson.title}")


def _resumed_session(args: argparse.Namespace) -> Session:
    """The session `--resume [FILE]` names, checked so that any problem is one line here, not in the app."""
    if args.command is not None:
        raise UsageError(f"--resume: reopens the app; it cannot be combined with `{args.command}`")
    for name in ("lesson", *CONFIG_FLAGS):
        if getattr(args, name, None) is not None:
            flag = "--" + name.replace("_", "-")
            raise UsageError(f"--resume: cannot be combined with {flag}; the session carries its own settings")
    path = Path(args.resume) if args.resume != LAST_SESSION else last_session_path()
    if args.resume == LAST_SESSION and not path.exists():
        raise UsageError(f"--resume: no saved session in {path.parent}; give a session FILE")
    session = load(path)
    check(session)
    return session


def _history_target(name: str) -> Path:
    """Refuse a --history path that cannot be written before spending time on the run."""
    path = Path(name)
    if path.is_dir():
        raise UsageError(f"--history: {name}: is a directory; give a file name such as history.csv")
    if not path.parent.is_dir():
        raise UsageError(f"--history: {name}: the directory {path.parent} does not exist")
    return path


def _write_history(machine: Machine, path: Path) -> None:
    try:
        write_history(machine, path)
    except OSError as error:
        raise UsageError(f"--history: {path}: cannot write ({error.strerror or error})") from None


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the gd-tui command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "resume", None) is not None:
            session = _resumed_session(args)
            check_backend(session.config)
            from gd_tui.app import run_app  # the UI loads only when it is needed

            return run_app(session.config, session=session)
        if args.command == "lessons":
            _lessons()
            return 0
        lesson = load_lesson(args.lesson) if getattr(args, "lesson", None) is not None else None
        config = config_from_args(args, base=None if lesson is None else lesson.config)
        if args.command is None:
            check_backend(config)
            from gd_tui.app import run_app  # the UI loads only when it is needed

            return run_app(config, lesson=lesson)
        machine = make_machine(config)
        if args.command == "trace":
            _trace(machine, args.steps, args.json)
        else:
            history = None if args.history is None else _history_target(args.history)
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
    return 0
