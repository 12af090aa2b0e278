"""The command palette and the dialogs its commands (and the keys b and s) open."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from textual.app import SystemCommand
from textual.screen import Screen

from gd_tui.app.keys import key_for, palette_entries
from gd_tui.app.messages import batch_size_message, breakpoints_message, lr_message
from gd_tui.app.runner import goto_target
from gd_tui.app.widgets.chart_pane import tabs_for
from gd_tui.backends import BackendMissing, make_machine
from gd_tui.engine import ConfigError, Machine
from gd_tui.engine.breakpoints import Breakpoints, Predicate
from gd_tui.engine.config import OPTIMIZERS
from gd_tui.export import write_history
from gd_tui.lessons import Lesson, LessonError, builtin_names, load_lesson
from gd_tui.session import Session, SessionError, save

if TYPE_CHECKING:
    from textual.app import App

    from gd_tui.app.view import View

    _AppBase = App[None]
else:
    _AppBase = object

T = TypeVar("T")



@cache
def lesson_titles() -> tuple[tuple[str, str], ...]:
    """(name, title) of each lesson shipped, as `gd-tui lessons` lists them (read once, when first asked)."""
    titles = []
    for name in builtin_names():
        try:
            titles.append((name, load_lesson(name).title))
        except LessonError as error:  # e.g. a torch lesson without torch: say why here
            titles.append((name, str(error).splitlines()[0]))
    return tuple(titles)

class Commands(_AppBase):
    """Mixed into GDApp: the palette's commands and the dialogs."""

    machine: Machine
    view: View

    if TYPE_CHECKING:  # GDApp's own, for the type checker

        def say(self, message: str) -> None: ...
        def _act(self, message: str = "") -> None: ...
        def _stop(self, message: str | None = None) -> None: ...
        def _start(self, predicate: Callable[[], Predicate], target: str | None) -> None: ...
        def _show_chart(self, tab_id: str) -> None: ...
        def _use_machine(self, machine: Machine, message: str) -> None: ...
        def load_lesson(self, lesson: Lesson) -> None: ...
        def session(self) -> Session: ...

    def action_breakpoints(self) -> None:
        def apply(breakpoints: Breakpoints | None) -> None:
            if breakpoints is not None:
                self.view.breakpoints = breakpoints
                self._act(breakpoints_message(breakpoints))

        from gd_tui.app.screens.breakpoints import BreakpointsScreen

        self.push_screen(BreakpointsScreen(self.view.breakpoints, self.machine.state.epoch), apply)

    def action_goto(self) -> None:
        def apply(text: str) -> str:
            state = self.machine.state
            predicate, target = goto_target(text, state.epoch, state.update)
            # After the dialog has gone: the run's own messages and its pause are continue's.
            self.call_later(self._start, lambda: predicate, target)
            return ""

        self._stop()
        state = self.machine.state
        self._ask("Go to epoch N or update uN", str(state.epoch + 1), apply)

    def action_save(self) -> None:
        asked: list[Path] = []  # the existing file the user was warned about
        message = ""

        def check(text: str) -> str | None:
            nonlocal message
            if not text:
                return "file: type a file name, such as gd-tui-session.json"
            try:
                if self.is_web:  # served (gd-tui serve): the file goes to the student's browser
                    from gd_tui.app.delivery import send_session

                    message = send_session(self, self.session(), text)
                else:
                    path = _typed_path(text)
                    if path.is_file() and path not in asked:
                        asked.append(path)
                        # A link is written through: name the file that would be replaced.
                        target = f" (a link to {_shortened(str(path.resolve()))})" if path.is_symlink() else ""
                        return f"{text} exists{target}: Enter again replaces it, or type another name"
                    save(self.session(), path)
                    message = f"Saved to {text}: gd-tui --resume {text} comes back here."
            except (SessionError, ValueError) as error:
                return str(error)
            except OSError as error:  # is_file() on a name too long for the file system (ENAMETOOLONG)
                return f"{_shortened(text)}: cannot write ({error.strerror or error})"
            return None

        def saved(text: str | None) -> None:
            if text is not None:
                self._act(message)

        from gd_tui.app.screens.prompt import PromptScreen

        self._stop()
        self.push_screen(PromptScreen("Save the session to", "gd-tui-session.json", check), saved)

    # --- the command palette --------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key in palette_entries():
            yield SystemCommand(
                key.title, f"{key.help} ({key.shown})", lambda action=key.action: self.run_action(action)
            )
        yield SystemCommand("Set learning rate…", "Type an exact learning rate", self._ask_lr)
        yield SystemCommand("Set batch size…", "Type an exact batch size", self._ask_batch_size)
        yield SystemCommand("Set seed…", "New data and a new random start", self._ask_seed)
        yield SystemCommand(
            "Race: all optimizers",
            "Every other optimizer's path from the same start, as ghosts on the loss surface",
            partial(self._set_race, OPTIMIZERS),
        )
        yield SystemCommand("Race: off", "No ghost paths on the loss surface", partial(self._set_race, ()))
        for name in OPTIMIZERS:
            yield SystemCommand(
                f"Optimizer: {name}",
                "Step 4 with this optimizer from the next update, its state from zero (torch.optim's formulas)",
                partial(self._set_optimizer, name),
            )
        yield SystemCommand("Export history…", "Loss per update, the (b, w) path, losses per epoch", self._ask_export)
        for tab_id, title, _ in tabs_for(self.view):
            yield SystemCommand(
                f"Chart: {title}",
                f"Show this chart ({key_for('next_chart')} cycles them)",
                partial(self._show_chart, tab_id),
            )
        yield from self._torch_commands()
        for name, title in lesson_titles():
            yield SystemCommand(f"Lesson: {name}", title, lambda name=name: self._pick_lesson(name))

    def _torch_commands(self) -> Iterable[SystemCommand]:
        """The PyTorch mirror: the backend, the model variants, the precision, the graph experiments."""
        config = self.machine.config
        other = "numpy" if config.backend == "torch" else "torch"
        yield SystemCommand(
            f"Backend: {other}",
            "The same six steps in PyTorch (chapter 1)" if other == "torch" else "Back to the NumPy engine",
            partial(self._switch, backend=other),
        )
        if config.backend != "torch":
            return
        from gd_tui.pytorch import VARIANTS
        from gd_tui.pytorch.experiments import EXPERIMENTS

        for name, variant in VARIANTS.items():
            if name != config.model:
                yield SystemCommand(
                    f"Model: {variant.title}", "Its code in the source pane", partial(self._switch, model=name)
                )
        dtype = "float64" if config.dtype == "float32" else "float32"
        yield SystemCommand(
            f"Precision: {dtype}",
            "torch's dtype; the parity line compares with NumPy",
            partial(self._switch, dtype=dtype),
        )
        for name, (title, _, _) in EXPERIMENTS.items():
            yield SystemCommand(
                f"Graph: {title}", "The book's experiment, on the graph tab", partial(self._graph, name)
            )
        yield SystemCommand("Graph: the run", "The graph behind the run's loss", partial(self._graph, None))

    def _switch(self, **changes: str) -> None:
        """A new machine with other torch settings, from before step 0 (the code on screen changes)."""
        try:
            machine = make_machine(self.machine.config.with_changes(**changes))
        except (BackendMissing, ConfigError) as error:
            self._act(f"Refused: {error}")
            return
        said = ", ".join(f"{key} {value}" for key, value in changes.items())
        self._use_machine(machine, f"Now {said}; reset to before step 0.")

    def _graph(self, name: str | None) -> None:
        self.view.graph_experiment = name
        self._show_chart("autograd-graph")

    def _set_race(self, names: tuple[str, ...]) -> None:
        self.view.race = names
        if names:
            self._show_chart("loss-surface")
            self._act("Racing every optimizer from the same start (ghosts on the loss surface).")
        else:
            self._act("Race off.")

    def _set_optimizer(self, name: str) -> None:
        state = self.machine.state
        previous, inside = state.optimizer, state.cursor == 4 and state.line > 0
        try:
            self.machine.set_optimizer(name)
        except ConfigError as error:  # a choice the torch backend cannot run
            self._act(f"Refused: {error}")
            return
        if name == previous:
            self._act(f"The optimizer is {name} already.")
        elif inside:  # the lines run so far changed nothing yet: the update starts again
            self._act(f"Optimizer {name} ({previous} before), its state from zero: the update starts again.")
        else:
            self._act(f"Optimizer {name} from the next update ({previous} before), its state from zero.")

    def _pick_lesson(self, name: str) -> None:
        try:
            lesson = load_lesson(name)
        except (LessonError, ConfigError) as error:
            self._act(f"Refused: {error}")
            return
        self.load_lesson(lesson)

    def _ask(self, title: str, value: object, apply: Callable[[str], str]) -> None:
        """A dialog for one value; `apply` acts on it or raises ValueError, which refuses it in place."""

        def check(text: str) -> str | None:
            try:
                self._act(apply(text))
            except ValueError as error:
                return str(error)
            return None

        from gd_tui.app.screens.prompt import PromptScreen

        self.push_screen(PromptScreen(title, str(value), check))

    def _ask_lr(self) -> None:
        def apply(text: str) -> str:
            self.machine.set_lr(_parse(float, "lr", text))
            return lr_message(self.machine)

        self._ask("Learning rate", self.machine.state.lr, apply)

    def _ask_batch_size(self) -> None:
        def apply(text: str) -> str:
            self.machine.set_batch_size(_parse(int, "batch size", text))
            return batch_size_message(self.machine)

        self._ask("Batch size", self.machine.state.batch_size, apply)

    def _ask_seed(self) -> None:
        def apply(text: str) -> str:
            config = self.machine.config.with_changes(seed=_parse(int, "seed", text))
            self._use_machine(make_machine(config), f"New data with seed {config.seed}; reset to before step 0.")
            return self.view.message

        self._ask("Seed", self.machine.config.seed, apply)

    def _ask_export(self) -> None:
        def apply(text: str) -> str:
            if self.is_web:  # served: the files go to the student's browser
                from gd_tui.app.delivery import send_history

                return send_history(self, self.machine, text)
            path = _typed_path(text)
            try:  # is_dir() raises on a name too long for the file system, as the write would
                if not text or path.is_dir():
                    raise ValueError(f"file: give a file name such as history.csv (got {text!r})")
                updates, epochs = write_history(self.machine, path)
            except OSError as error:
                raise ValueError(f"{_shortened(text)}: cannot write ({error.strerror or error})") from None
            return f"History written to {updates} and {epochs}."

        self._stop()
        self._ask("Export the history to", "gd-tui-history.csv", apply)


def _typed_path(text: str) -> Path:
    """A file name typed in a dialog, not a shell: expand ~ as the shell would have."""
    if "\x00" in text:
        raise SessionError(f"{text!r}: a file name cannot hold a NUL character")
    try:
        return Path(text).expanduser()
    except RuntimeError:  # ~user for a user that does not exist
        raise SessionError(f"{text}: no such user's home directory") from None


def _shortened(text: str, keep: int = 60) -> str:
    """A typed name for a one-line message: a 300-character one keeps its two ends, so the dialog stays small."""
    if len(text) <= keep:
        return text
    half = (keep - 1) // 2
    return f"{text[:half]}…{text[-half:]}"


def _parse(kind: Callable[[str], T], name: str, text: str) -> T:
    """int or float from typed text, with a message that names the value."""
    try:
        return kind(text)
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name}: must be {noun} (got {text!r})") from None
