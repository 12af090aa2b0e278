"""GDApp: the step-debugger. Keys call actions; each action makes one call on the Machine.

Running many steps (runner.py) and the palette and its dialogs (commands.py) are mixed in.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import sys
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

# The dialogs (gd_tui.app.screens) are imported where they are opened: none is needed
# for the first screen, and start-up is paid on every launch.
from gd_tui.app.commands import Commands
from gd_tui.app.keys import bindings, key_for
from gd_tui.app.messages import batch_size_message, lr_message
from gd_tui.app.runner import Runner
from gd_tui.app.view import View
from gd_tui.app.widgets.chart_pane import ChartPane
from gd_tui.app.widgets.frame import CachedScreen, Column, Row
from gd_tui.app.widgets.gradients import GradientsPane
from gd_tui.app.widgets.keybar import KeyBar
from gd_tui.app.widgets.loss import LossPane
from gd_tui.app.widgets.nextstep import NextStepLine
from gd_tui.app.widgets.params import ParamsPane
from gd_tui.app.widgets.predictions import PredictionsTable
from gd_tui.app.widgets.source import SourcePane
from gd_tui.app.widgets.status import StatusLine
from gd_tui.backends import BackendMissing, make_machine
from gd_tui.engine import Config, ConfigError, Machine
from gd_tui.engine.analysis import reference
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.lessons import Lesson, LessonError, load_lesson
from gd_tui.session import Session, SessionError, autosave, capture, restore

LR_LADDER = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.8, 1.0, 1.1, 1.5, 2.0, 5.0)
MINI_BATCH = 16  # the book's mini-batch size (chapter 2)
MIN_SIZE = (76, 20)  # below this the parameters pane cannot show every number on its line


class GDApp(Commands, Runner, App[None]):
    """A terminal step-debugger for gradient descent on y = b + w·x + ε."""

    TITLE = "gd-tui"
    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses live elsewhere
    ENABLE_COMMAND_PALETTE = True
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    # A zoomed pane keeps, under it, where the run stands, the next step and the keys.
    ALLOW_IN_MAXIMIZED_VIEW = "StatusLine, NextStepLine, KeyBar"
    # Escape pauses a run first (action_pause), then restores a zoomed pane.
    ESCAPE_TO_MINIMIZE = False

    # From the one table of keys (keys.py), as are the key bar, the help and the palette.
    BINDINGS = bindings()

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
        self._focus_before_small: Widget | None = None
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
        self._status = StatusLine(id="status")
        self._panes = (source, params, loss, gradients, self._table, self._next_step, self._status)
        # The panes take focus: tab moves it, z zooms the one that has it.
        for pane in (source, loss, gradients, params, self._table, self._chart):
            pane.can_focus = True
        with Row(id="main"):
            with Column(id="left"):
                yield source
                yield loss
                yield gradients
            with Column(id="right"):
                yield params
                yield self._table
                yield self._chart
        yield self._status
        yield self._next_step
        yield Static(id="too-small")
        yield KeyBar()

    def get_default_screen(self) -> Screen[None]:
        return CachedScreen(id="_default")

    def on_mount(self) -> None:
        self._chart.focus()
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
        main = self.screen_stack[0]
        if not small and main.focused is None:
            # The hidden panes lost the focus to the notice: the pane that had it gets it back.
            main.set_focus(self._focus_before_small or self._chart)
        if small:
            if main.focused is not None:
                self._focus_before_small = main.focused
            main.minimize()  # the notice, not a pane cut to pieces
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

    def action_reset(self) -> None:
        self._stop()
        self.machine.reset()
        self.view.fresh = True
        self._act("Reset: back to before step 0.")

    # --- settings ----------------------------------------------------------------

    def _set_lr(self, lr: float) -> None:
        try:
            self.machine.set_lr(lr)
        except ConfigError as error:
            self._act(f"Refused: {error}")
            return
        self._act(lr_message(self.machine))

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
        self._act(batch_size_message(self.machine))

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

    def action_zoom(self) -> None:
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
            return
        screen.maximize(screen.focused or self._chart)
        self._status.show(self.view)

    def action_lesson(self) -> None:
        view = self.view
        if view.lesson_note is None:
            self.say(f"No lesson is loaded: {key_for('command_palette')} and type 'lesson' to pick one.")
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
        self._use_machine(machine, f"Lesson {lesson.name} loaded: {key_for('lesson')} shows its note.")
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

    def action_help(self) -> None:
        from gd_tui.app.screens.help import HelpScreen

        self.push_screen(HelpScreen())


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
