"""GDApp: the step-debugger. Keys call actions; each action makes one call on the Machine."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import sys
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TypeVar

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

# The dialogs (gd_tui.app.screens) are imported where they are opened: none is needed
# for the first screen, and start-up is paid on every launch.
from gd_tui.app.view import View
from gd_tui.app.widgets.chart_pane import TABS, ChartPane, tabs_for
from gd_tui.app.widgets.frame import CachedScreen, Column, Row
from gd_tui.app.widgets.gradients import GradientsPane
from gd_tui.app.widgets.keybar import KeyBar
from gd_tui.app.widgets.loss import LossPane
from gd_tui.app.widgets.nextstep import NextStepLine
from gd_tui.app.widgets.params import ParamsPane
from gd_tui.app.widgets.predictions import PredictionsTable
from gd_tui.app.widgets.source import SourcePane
from gd_tui.backends import BackendMissing, make_machine
from gd_tui.engine import Config, ConfigError, Machine
from gd_tui.engine.analysis import reference
from gd_tui.engine.breakpoints import Breakpoints, Predicate, end_of_epoch, end_of_update, step_done
from gd_tui.export import write_history
from gd_tui.lessons import Lesson, LessonError, builtin_names, load_lesson
from gd_tui.session import Session, SessionError, autosave, capture, restore, save

T = TypeVar("T")

LR_LADDER = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.8, 1.0, 1.1, 1.5, 2.0, 5.0)
MINI_BATCH = 16  # the book's mini-batch size (chapter 2)
MIN_SIZE = (76, 20)  # below this the parameters pane cannot show every number on its line
SLICE = 1 / 120  # a long run yields to keys this often (escape pauses within a slice)
FRAME = 1 / 30  # ... redraws the panes at most this often
CHART_FRAME = 1 / 5  # ... and the chart at most this often


class GDApp(App[None]):
    """A terminal step-debugger for gradient descent on y = b + w·x + ε."""

    TITLE = "gd-tui"
    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses live elsewhere
    ENABLE_COMMAND_PALETTE = True
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    # The one list of keys: the key bar, the help screen and the palette are built from it.
    BINDINGS = [
        Binding("n,space,right", "next", "Step", tooltip="Execute exactly one step"),
        Binding("p,left", "back", "Back", tooltip="Undo exactly one step"),
        Binding(
            "u", "run_update", "Update", show=False, tooltip="Run to the end of the current update (through step 5)"
        ),
        Binding("e", "run_epoch", "Epoch", tooltip="Run to the end of the current epoch"),
        Binding("c", "continue", "Continue", tooltip="Run until a breakpoint fires; c or escape pauses"),
        Binding("escape", "pause", "Pause", show=False, tooltip="Pause a running continue"),
        *(
            Binding(
                str(k), f"run_to_step({k})", f"To step {k}", show=False, tooltip=f"Run until step {k} has just executed"
            )
            for k in range(6)
        ),
        Binding("r", "reset", "Reset", tooltip="Reset to before step 0"),
        Binding("plus,equals_sign", "lr_up", "lr+", show=False, tooltip="Learning rate up the ladder"),
        Binding("minus", "lr_down", "lr-", show=False, tooltip="Learning rate down the ladder"),
        Binding("m", "cycle_mode", "Mode", show=False, tooltip="Cycle batch → mini-batch → stochastic"),
        Binding("b", "breakpoints", "Breaks", show=False, tooltip="Breakpoints dialog"),
        Binding("l", "log_scale", "Log", show=False, tooltip="Log scale on the chart"),
        Binding(
            "t", "next_chart", "Chart", show=False, tooltip="Cycle the charts: " + ", ".join(t for _, t, _ in TABS)
        ),
        Binding("i", "lesson", "Lesson", show=False, tooltip="The lesson's note: what to watch for"),
        Binding("s", "save", "Save", show=False, tooltip="Save the session to a file (gd-tui --resume FILE)"),
        Binding("pagedown", "table_page(1)", "Table ↓", show=False, tooltip="Page the predictions table down"),
        Binding("pageup", "table_page(-1)", "Table ↑", show=False, tooltip="Page the predictions table up"),
        Binding("question_mark,f1", "help", "Help", tooltip="Every key, and what each of the six steps does"),
        Binding("q", "quit", "Quit", tooltip="Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, tooltip="Quit"),
    ]

    def __init__(
        self,
        config: Config | None = None,
        *,
        lesson: Lesson | None = None,
        breakpoints: Breakpoints | None = None,
        session: Session | None = None,
        show_lesson: bool = True,
    ) -> None:
        super().__init__()
        if session is not None and lesson is None and session.lesson is not None:
            # The notes come with the lesson's name; the numbers come from the session.
            with contextlib.suppress(LessonError, ConfigError):
                lesson = load_lesson(session.lesson)
        self.lesson = lesson
        if config is None and lesson is not None:
            config = lesson.config
        # A resumed session is replayed to the exact state it was saved in.
        self.machine = restore(session) if session is not None else make_machine(config)
        self.view = View(self.machine, reference(self.machine.data.x_train, self.machine.data.y_train))
        if lesson is not None:
            self._use_lesson_notes(lesson)
        if session is not None:
            breakpoints = session.breakpoints
        if breakpoints is not None:
            self.view.breakpoints = breakpoints
        self._show_lesson = show_lesson and session is None and lesson is not None and lesson.name != "book"
        self._run_active = False
        self._drawn_at = self._chart_drawn_at = 0.0  # when a run last redrew (perf_counter)
        self._show_pending = False
        self.autosaved: Path | None = None
        self.autosave_error: str | None = None
        self.hung_up = False  # a signal came before the app could handle it

    def _use_lesson_notes(self, lesson: Lesson) -> None:
        self.view.breakpoints = lesson.breakpoints
        self.view.lesson_title = f"{lesson.name}: {lesson.title}"
        self.view.lesson_note = lesson.note
        self.view.step_notes = dict(lesson.step_notes)

    # --- layout -----------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept, not queried: show_state runs on every key press and a query walks the DOM.
        self._table = PredictionsTable(id="predictions")
        self._next_step = NextStepLine(id="next")
        self._chart = ChartPane(id="chart")
        source, loss, gradients, params = (
            SourcePane(id="source"),
            LossPane(id="loss"),
            GradientsPane(id="gradients"),
            ParamsPane(id="params"),
        )
        self._panes = (source, params, loss, gradients, self._table, self._next_step)
        with Row(id="main"):
            with Column(id="left"):
                yield source
                yield loss
                yield gradients
            with Column(id="right"):
                yield params
                yield self._table
                yield self._chart
        yield self._next_step
        yield Static(id="too-small")
        yield KeyBar()

    def get_default_screen(self) -> Screen[None]:
        return CachedScreen(id="_default")

    def on_mount(self) -> None:
        self.show_state()
        loop = asyncio.get_running_loop()
        # A dropped SSH connection sends SIGHUP; a kill sends SIGTERM. Both save the
        # session and exit through Textual, which restores the terminal.
        for signal_number in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signal_number, self._hang_up)
        if self.hung_up:  # the connection dropped while the app was starting
            self._hang_up()
            return
        if self._show_lesson:
            self.action_lesson()
        self.call_after_refresh(self._collector_on)  # see on_load

    # Building the first screen allocates a great many objects that all live as long as
    # the app: a full garbage collection among them (about 20 ms, in the middle of
    # start-up) would find nothing to free, so the collector waits for the first screen.
    # In a terminal it then leaves them out of its sweeps for good: each key press
    # collects less. A headless app (a test) shares its process with hundreds more,
    # whose garbage a freeze would keep.

    def on_load(self) -> None:
        gc.disable()

    def _collector_on(self) -> None:
        if not self.is_headless:
            gc.freeze()
        gc.enable()

    def on_unmount(self) -> None:
        gc.enable()  # an app that stops before its first screen leaves the collector on

    @on(Resize)
    def _check_size(self, event: Resize) -> None:
        width, height = event.size
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        # On the app, not self.screen: a dialog may be on top when the terminal resizes.
        self.set_class(small, "too-small")
        if small:
            self.query_one("#too-small", Static).update(
                f"The terminal is {width}x{height}; gd-tui needs at least {MIN_SIZE[0]}x{MIN_SIZE[1]}. "
                "Enlarge it to go on (nothing is lost)."
            )

    # --- state → panes ------------------------------------------------------

    def show_state(self, chart: bool = True) -> None:
        """Push the machine's state into every pane; each redraws only what changed."""
        view = self.view
        view.running = self._run_active
        for pane in self._panes:
            pane.show(view)
        if chart:
            self._chart.show(view)
        view.fresh = False

    def say(self, message: str) -> None:
        """Put a one-line message before the next-step sentence."""
        self.view.message = message
        self._next_step.show(self.view)

    def _act(self, message: str = "") -> None:
        """After an action: the panes catch up once the queued key presses are handled.

        A held key queues presses faster than a terminal can draw; each still makes
        its one call on the machine, but the panes redraw once for the whole burst.
        """
        self.view.message = message
        if not self._show_pending:
            self._show_pending = True
            self.call_later(self._show_now)

    def _show_now(self) -> None:
        self._show_pending = False
        self.show_state()

    # --- stepping -------------------------------------------------------------

    def action_next(self) -> None:
        self._stop()
        self.machine.advance()
        self._act()

    def action_back(self) -> None:
        self._stop()
        if self.machine.state.t == 0:
            self._act("Already at the start: nothing to step back over.")
            return
        self.machine.back()
        self._act()

    def action_run_update(self) -> None:
        predicate = end_of_update()
        self._start(lambda: predicate, "end of update")

    def action_run_epoch(self) -> None:
        predicate = end_of_epoch(self.machine.state)
        self._start(lambda: predicate, "end of epoch")

    def action_run_to_step(self, step: int) -> None:
        if step == 0 and self.machine.state.t > 0:
            self._act("Step 0 runs once per session: r resets to before it.")
            return
        predicate = step_done(step)
        self._start(lambda: predicate, f"step {step} done")

    def action_continue(self) -> None:
        if self._run_active:
            self._stop("Paused.")
            return
        # Built again each time slice, so breakpoints changed mid-run apply to this run.
        self._start(lambda: self.view.breakpoints.predicate(self._previous_loss), None)

    def _previous_loss(self) -> float | None:
        """The loss of the last completed update ("loss went up" compares with it)."""
        losses = self.machine.history.update_loss
        return float(losses.values[-1]) if len(losses) else None

    def action_pause(self) -> None:
        if self._run_active:
            self._stop("Paused.")

    def action_reset(self) -> None:
        self._stop()
        self.machine.reset()
        self.view.fresh = True
        self._act("Reset: back to before step 0.")

    def _start(self, predicate: Callable[[], Predicate], target: str | None) -> None:
        """Run toward `target`; short runs finish within this key press, long ones go on in a worker."""
        self._stop()
        if self.machine.state.diverged:
            self._act("The run has diverged: step back (p), lower the learning rate (-) or reset (r).")
            return
        self._run_active = True
        # A key press that finishes at once must not wait for a worker: the next press
        # (a held key, fast typing) would otherwise cancel it before it ran.
        if not self._slice(predicate, target):
            self.say("Running… (c or escape pauses)" if target is None else f"Running to {target}… (escape stops)")
            # A partial, not a coroutine: a run cancelled before it starts leaves nothing unawaited.
            self.run_worker(partial(self._run, predicate, target), exclusive=True, group="run")

    def _stop(self, message: str | None = None) -> None:
        if self._run_active:
            self._run_active = False
            self.workers.cancel_group(self, "run")
            self._act(message or "")

    def _slice(self, make_predicate: Callable[[], Predicate], target: str | None) -> bool:
        """Run for one frame's time; True when the run is over (target, breakpoint or divergence)."""
        machine = self.machine
        predicate = make_predicate()
        deadline = time.perf_counter() + SLICE
        hit = False

        def stop_here(state: object) -> bool:
            nonlocal hit
            hit = predicate(state)  # type: ignore[arg-type]
            return hit or time.perf_counter() > deadline

        reason = machine.run_until(stop_here)
        if reason != "diverged" and not hit:
            now = time.perf_counter()
            if now - self._drawn_at >= FRAME:
                chart = now - self._chart_drawn_at >= CHART_FRAME
                self.show_state(chart=chart)
                self._drawn_at = now
                if chart:
                    self._chart_drawn_at = now
            return False
        self._run_active = False
        message = ""
        if hit and target is None:
            message = f"Breakpoint: {self.view.breakpoints.which(machine.state, self._previous_loss)}."
        self._act(message)
        return True

    async def _run(self, predicate: Callable[[], Predicate], target: str | None) -> None:
        """Go on in time slices so keys and redraws get their turn."""
        while self._run_active and not self._slice(predicate, target):
            await asyncio.sleep(0)

    # --- settings ----------------------------------------------------------------

    def _set_lr(self, lr: float) -> None:
        try:
            self.machine.set_lr(lr)
        except ConfigError as error:
            self._act(f"Refused: {error}")
            return
        self._act(f"Learning rate {lr:g} from the next update on.")

    def action_lr_up(self) -> None:
        lr = self.machine.state.lr
        higher = [value for value in LR_LADDER if value > lr * (1 + 1e-9)]
        if not higher:
            self._act(f"lr {lr:g} is the top of the ladder.")
            return
        self._set_lr(higher[0])

    def action_lr_down(self) -> None:
        lr = self.machine.state.lr
        lower = [value for value in LR_LADDER if value < lr * (1 - 1e-9)]
        if not lower:
            self._act(f"lr {lr:g} is the bottom of the ladder.")
            return
        self._set_lr(lower[-1])

    def _set_batch_size(self, batch_size: int) -> None:
        try:
            self.machine.set_batch_size(batch_size)
        except ConfigError as error:
            self._act(f"Refused: {error}")
            return
        self._act(f"Batch size {batch_size} ({self.machine.mode}) from the next batch on.")

    def action_cycle_mode(self) -> None:
        n_train = self.machine.data.n_train
        sizes = {"batch": min(MINI_BATCH, n_train - 1), "mini-batch": 1, "stochastic": n_train}
        self._set_batch_size(max(1, sizes[self.machine.mode]))

    def action_log_scale(self) -> None:
        self.view.log_scale = not self.view.log_scale
        self._chart.show(self.view)

    def action_next_chart(self) -> None:
        title = self._chart.next_tab()
        self.say(f"Chart: {title}.")

    def _show_chart(self, tab_id: str) -> None:
        self.say(f"Chart: {self._chart.select(tab_id)}.")

    def action_table_page(self, direction: int) -> None:
        self._table.page(direction)

    def action_breakpoints(self) -> None:
        def apply(breakpoints: Breakpoints | None) -> None:
            if breakpoints is not None:
                self.view.breakpoints = breakpoints
                self._act("Breakpoints set.")

        from gd_tui.app.screens.breakpoints import BreakpointsScreen

        self.push_screen(BreakpointsScreen(self.view.breakpoints), apply)

    def action_lesson(self) -> None:
        view = self.view
        if view.lesson_note is None:
            self.say("No lesson is loaded: ctrl+p and type 'lesson' to pick one.")
            return
        from gd_tui.app.screens.lesson import LessonScreen

        self.push_screen(LessonScreen(view.lesson_title or "Lesson", view.lesson_note))

    def _use_machine(self, machine: Machine, message: str) -> None:
        """Switch to a new machine (new data or settings): its reference answers, fresh panes."""
        self._stop()
        self.machine = machine
        self.view.machine = machine
        self.view.reference = reference(machine.data.x_train, machine.data.y_train)
        self.view.fresh = True
        self._act(message)

    def load_lesson(self, lesson: Lesson) -> None:
        """Start the lesson's run from before step 0, with its breakpoints and notes."""
        self.lesson = lesson
        self._use_lesson_notes(lesson)
        try:
            machine = make_machine(lesson.config)
        except BackendMissing as error:
            self._act(f"Refused: lesson {lesson.name}: {error}")
            return
        self._use_machine(machine, f"Lesson {lesson.name} loaded: i shows its note.")
        self.action_lesson()

    def session(self) -> Session:
        """Everything needed to come back to this exact state."""
        return capture(
            self.machine, lesson=self.lesson.name if self.lesson else None, breakpoints=self.view.breakpoints
        )

    def _hang_up(self) -> None:
        self._stop()
        try:
            self.autosaved = autosave(self.session())
        except SessionError as error:
            self.autosave_error = str(error)
        self.exit()

    def action_save(self) -> None:
        def check(text: str) -> str | None:
            if not text:
                return "file: type a file name, such as gd-tui-session.json"
            try:
                save(self.session(), _typed_path(text))
            except SessionError as error:
                return str(error)
            return None

        def saved(text: str | None) -> None:
            if text is not None:
                self._act(f"Saved to {text}: gd-tui --resume {text} comes back here.")

        from gd_tui.app.screens.prompt import PromptScreen

        self._stop()
        self.push_screen(PromptScreen("Save the session to", "gd-tui-session.json", check), saved)

    def action_help(self) -> None:
        from gd_tui.app.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.BINDINGS))

    # --- the command palette --------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from gd_tui.app.screens.help import key_label

        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action not in ("quit",):
                yield SystemCommand(
                    f"{binding.tooltip or binding.description} ({key_label(binding.key)})",
                    binding.description,
                    lambda action=binding.action: self.run_action(action),
                )
        yield SystemCommand("Set learning rate…", "Type an exact learning rate", self._ask_lr)
        yield SystemCommand("Set batch size…", "Type an exact batch size", self._ask_batch_size)
        yield SystemCommand("Set seed…", "New data and a new random start", self._ask_seed)
        yield SystemCommand("Export history…", "Loss per update, the (b, w) path, losses per epoch", self._ask_export)
        for tab_id, title, _ in tabs_for(self.view):
            yield SystemCommand(f"Chart: {title}", "Show this chart (t cycles them)", partial(self._show_chart, tab_id))
        yield from self._torch_commands()
        for name in builtin_names():
            yield SystemCommand(
                f"Lesson: {name}", "Load this chapter 0 experiment", lambda name=name: self._pick_lesson(name)
            )

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
        config = self.machine.config.with_changes(**changes)
        try:
            machine = make_machine(config)
        except BackendMissing as error:
            self._act(f"Refused: {error}")
            return
        said = ", ".join(f"{key} {value}" for key, value in changes.items())
        self._use_machine(machine, f"Now {said}; reset to before step 0.")

    def _graph(self, name: str | None) -> None:
        self.view.graph_experiment = name
        self._show_chart("autograd-graph")

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
            return f"Learning rate {self.machine.state.lr:g} from the next update on."

        self._ask("Learning rate", self.machine.state.lr, apply)

    def _ask_batch_size(self) -> None:
        def apply(text: str) -> str:
            self.machine.set_batch_size(_parse(int, "batch size", text))
            return f"Batch size {self.machine.state.batch_size} ({self.machine.mode}) from the next batch on."

        self._ask("Batch size", self.machine.state.batch_size, apply)

    def _ask_seed(self) -> None:
        def apply(text: str) -> str:
            config = self.machine.config.with_changes(seed=_parse(int, "seed", text))
            self._use_machine(make_machine(config), f"New data with seed {config.seed}; reset to before step 0.")
            return self.view.message

        self._ask("Seed", self.machine.config.seed, apply)

    def _ask_export(self) -> None:
        def apply(text: str) -> str:
            path = _typed_path(text)
            if not text or path.is_dir():
                raise ValueError(f"file: give a file name such as history.csv (got {text!r})")
            try:
                updates, epochs = write_history(self.machine, path)
            except OSError as error:
                raise ValueError(f"{text}: cannot write ({error.strerror or error})") from None
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


def _parse(kind: Callable[[str], T], name: str, text: str) -> T:
    """int or float from typed text, with a message that names the value."""
    try:
        return kind(text)
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name}: must be {noun} (got {text!r})") from None


def run_app(config: Config | None = None, *, lesson: Lesson | None = None, session: Session | None = None) -> int:
    """Run the app in this terminal; returns the exit code."""
    app = GDApp(config, lesson=lesson, session=session)

    def early(signal_number: int, frame: object) -> None:
        # Until on_mount installs the real handlers, a signal only leaves a note: dying
        # here would leave the terminal in raw mode on the alternate screen.
        app.hung_up = True

    for signal_number in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signal_number, early)
    app.run()
    if app.autosaved is not None:
        print(f"gd-tui: the session was saved to {app.autosaved}; gd-tui --resume brings it back", file=sys.stderr)
    if app.autosave_error is not None:
        print(f"gd-tui: the session could not be saved: {app.autosave_error}", file=sys.stderr)
        return 1
    return app.return_code or 0


__all__ = ["GDApp", "run_app"]
