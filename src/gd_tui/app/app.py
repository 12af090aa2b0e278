"""GDApp: the step-debugger. Keys call actions; each action makes one call on the Machine.

Running many steps (runner.py) and the palette and its dialogs (commands.py) are mixed in.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

# The dialogs (gd_tui.app.screens) are imported where they are opened: none is needed
# for the first screen, and start-up is paid on every launch.
from gd_tui.app.commands import Commands
from gd_tui.app.hangup import HangUp, HangUpApp
from gd_tui.app.keys import bindings, key_for
from gd_tui.app.messages import MessageLog, batch_size_message, breakpoints_message, lr_message
from gd_tui.app.runner import Runner
from gd_tui.app.view import View
from gd_tui.app.widgets.chart_pane import ChartPane
from gd_tui.app.widgets.frame import CachedScreen
from gd_tui.app.widgets.gradients import GradientsPane
from gd_tui.app.widgets.keybar import KeyBar
from gd_tui.app.widgets.loss import LossPane
from gd_tui.app.widgets.nextstep import NextStepLine, divergence_banner, next_sentence
from gd_tui.app.widgets.params import ParamsPane
from gd_tui.app.widgets.predictions import PredictionsTable
from gd_tui.app.widgets.source import SourcePane
from gd_tui.app.widgets.status import StatusLine
from gd_tui.backends import BackendMissing, make_machine
from gd_tui.engine import Config, ConfigError, Dataset, Machine
from gd_tui.engine.analysis import reference
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.engine.config import OPTIMIZERS
from gd_tui.lessons import Lesson, LessonError, load_lesson
from gd_tui.session import Session, SessionError, autosave, capture, restore

LR_LADDER = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.8, 1.0, 1.1, 1.5, 2.0, 5.0)
MINI_BATCH = 16  # the book's mini-batch size (chapter 2)
MIN_SIZE = (76, 20)  # below this the parameters pane cannot show every number on its line


class GDApp(Commands, Runner, HangUpApp):
    """A terminal step-debugger for gradient descent on y = b + w·x + ε."""

    TITLE = "gd-tui"
    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses live elsewhere
    ENABLE_COMMAND_PALETTE = True
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # the help's one or two columns
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
        data: Dataset | None = None,
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
        self.machine = restore(session, data) if session is not None else make_machine(config)
        self.view = View(self.machine, reference(self.machine.data.x_train, self.machine.data.y_train))
        if lesson is not None:
            self._use_lesson_notes(lesson)
        if session is not None:
            breakpoints = session.breakpoints
        if breakpoints is not None:
            self.view.breakpoints = breakpoints
        self._show_lesson = show_lesson and session is None and lesson is not None and lesson.name != "book"
        self._resumed = session is not None
        self._run_active = False
        self._drawn_at = self._chart_drawn_at = 0.0  # when a run last redrew (perf_counter)
        self._show_pending = False
        self.message_log = MessageLog()
        self._logged_divergence: tuple[int, int, int] | None = None
        self.autosaved: Path | None = None
        self.autosave_error: str | None = None
        self.hung_up = False  # a hang-up has come (hangup.py)
        self._zoom_while_small: Widget | None = None  # the pane zoomed when the terminal became too small

    def _use_lesson_notes(self, lesson: Lesson) -> None:
        self.view.breakpoints = lesson.breakpoints
        self.view.lesson_title = f"{lesson.name}: {lesson.title}"
        self.view.lesson_note = lesson.note
        self.view.step_notes = dict(lesson.step_notes)
        # The race lesson races every optimizer; the palette turns the race on and off for any run.
        self.view.race = OPTIMIZERS if lesson.name == "race" else ()

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
        # The panes tab visits, in order; z zooms the one it is on (the chart at start).
        self._zoomable = (source, loss, gradients, params, self._table, self._chart)
        self._chart.add_class("-focus")
        # The containers only lay the panes out and draw nothing (app.tcss keeps them out of the compositor).
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield source
                yield loss
                yield gradients
            with Vertical(id="right"):
                yield params
                yield self._table
                yield self._chart
        yield self._status
        yield self._next_step
        yield Static(id="too-small")
        yield KeyBar()

    def get_default_screen(self) -> Screen[None]:
        # The breakpoint classes for the terminal's size from the start: found only at the
        # first Resize (Textual's way), they restyle every widget once more during start-up.
        width, height = self.size
        found = [
            max(((edge, name) for edge, name in breakpoints if dimension >= edge), default=(0, ""))[1]
            for dimension, breakpoints in ((width, self.HORIZONTAL_BREAKPOINTS), (height, self.VERTICAL_BREAKPOINTS))
        ]
        return CachedScreen(id="_default", classes=" ".join(found))

    def on_mount(self) -> None:
        self.show_state()
        # A dropped SSH connection sends SIGHUP; a kill sends SIGTERM: see hangup.py.
        if self.hung_up:  # the connection dropped while the app was starting
            self._hang_up()
            return
        if self._show_lesson:
            self.show_lesson_note()
        elif self._resumed and self.view.breakpoints.enabled:  # they came with the session
            self.say(breakpoints_message(self.view.breakpoints))
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

    # While the terminal is too small only the notice shows: a key that changed the state
    # unseen would surprise a learner who enlarges it again. Quitting and saving still work.
    WHILE_TOO_SMALL = frozenset({"quit", "save"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.has_class("too-small") or action in self.WHILE_TOO_SMALL

    @on(Resize)
    def _check_size(self, event: Resize) -> None:
        width, height = event.size
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        # On the app, not self.screen: a dialog may be on top when the terminal resizes.
        self.set_class(small, "too-small")
        # The panes' focus is a class (see _move_pane_focus): the notice leaves it where it was.
        main = self.screen_stack[0]
        if small:
            # The notice, not a pane cut to pieces; a zoomed pane comes back with the room.
            self._zoom_while_small = self._zoom_while_small or main.maximized
            main.minimize()
            self.query_one("#too-small", Static).update(
                f"The terminal is {width}x{height}; gd-tui needs at least {MIN_SIZE[0]}x{MIN_SIZE[1]}. "
                "Enlarge it to go on (nothing is lost)."
            )
        elif self._zoom_while_small is not None:
            main.maximized, self._zoom_while_small = self._zoom_while_small, None

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
        diverged_at = view.machine.state.diverged_at
        if diverged_at != self._logged_divergence:
            self._logged_divergence = diverged_at
            banner = divergence_banner(view)
            if banner:
                self.message_log.add(view.machine, banner)

    def say(self, message: str) -> None:
        """Put a one-line message before the next-step sentence."""
        self.view.message = message
        self.message_log.add(self.machine, message)
        self._next_step.show(self.view)

    def _act(self, message: str = "") -> None:
        """After an action: the panes catch up once the queued key presses are handled.

        A held key queues presses faster than a terminal can draw; each still makes
        its one call on the machine, but the panes redraw once for the whole burst.
        """
        self.view.message = message
        self.message_log.add(self.machine, message)
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

    def action_step_into(self) -> None:
        self._stop()
        self.machine.step_into()
        self._act()

    def action_back(self) -> None:
        self._stop()
        if self.machine.state.t == 0 and self.machine.state.line == 0:
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
        view = self.view
        view.log_scale = not view.log_scale
        self._chart.show(view)
        if self._chart.shown != "loss-history":
            state = "on" if view.log_scale else "off"
            self.say(f"Log scale {state}: it applies to the loss history ({key_for('next_chart')} shows it).")
        elif self._chart.log_forced():
            self.say("Log scale stays: the losses span too many powers of ten for a linear axis.")
        elif view.message.startswith("Log scale"):
            self.say("")

    def action_next_chart(self) -> None:
        title = self._chart.next_tab()
        self.say(f"Chart: {title}.")

    def _show_chart(self, tab_id: str) -> None:
        self.say(f"Chart: {self._chart.select(tab_id)}.")

    def action_table_page(self, direction: int) -> None:
        self._table.page(direction)

    # The panes' focus is a class, not Textual's focus: a key goes to the focused widget
    # and bubbles up through each of its containers' message queues before it reaches
    # the app's bindings, and during a run every queue waits for a time slice. A pane
    # handles no key itself, so its focus only needs to show and to say what z zooms.

    def _focused_pane(self) -> int:
        return next(i for i, pane in enumerate(self._zoomable) if pane.has_class("-focus"))

    def _move_pane_focus(self, step: int) -> None:
        panes = self._zoomable
        now = self._focused_pane()
        panes[now].remove_class("-focus")
        panes[(now + step) % len(panes)].add_class("-focus")

    def action_focus_next(self) -> None:
        # Dialogs keep Textual's focus: tab moves between their fields.
        if self.screen is self.screen_stack[0]:
            if self.screen.maximized is None:
                self._move_pane_focus(1)
        else:
            super().action_focus_next()

    def action_focus_previous(self) -> None:
        if self.screen is self.screen_stack[0]:
            if self.screen.maximized is None:
                self._move_pane_focus(-1)
        else:
            super().action_focus_previous()

    def action_zoom(self) -> None:
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
            return
        screen.maximized = self._zoomable[self._focused_pane()]
        self._status.show(self.view)

    def show_lesson_note(self) -> None:
        """The lesson's note, as it opens: what to watch for."""
        view = self.view
        if view.lesson_note is None:
            return
        from gd_tui.app.screens.lesson import LessonScreen

        self.push_screen(LessonScreen(view.lesson_title or "Lesson", view.lesson_note))

    def action_notes(self) -> None:
        view = self.view
        note = view.lesson_note or f"No lesson is loaded: {key_for('command_palette')} and type 'lesson' to pick one."
        now = [divergence_banner(view) or "", view.message, next_sentence(view)]
        step_note = view.step_notes.get(view.machine.state.cursor)
        if step_note:
            now.append(step_note)
        from gd_tui.app.screens.notes import NotesScreen

        title = view.lesson_title or "Notes"
        self.push_screen(NotesScreen(title, note, [line for line in now if line], self.message_log.newest_first()))

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
        try:
            machine = make_machine(lesson.config)
        except BackendMissing as error:
            self._act(f"Refused: lesson {lesson.name}: {error}")
            return
        self.lesson = lesson
        self._use_lesson_notes(lesson)
        message = f"Lesson {lesson.name} loaded: {key_for('notes')} shows its note."
        self._use_machine(machine, message)
        self.show_lesson_note()

    def session(self) -> Session:
        """Everything needed to come back to this exact state."""
        return capture(
            self.machine, lesson=self.lesson.name if self.lesson else None, breakpoints=self.view.breakpoints
        )

    def _hang_up(self) -> None:
        if self.autosaved is not None or self.autosave_error is not None:
            return  # once: the signal, on_mount and input queued behind it can all get here
        self._stop()
        self._autosave()
        self.exit()

    def _autosave(self) -> None:
        try:
            self.autosaved = autosave(self.session())
        except SessionError as error:
            self.autosave_error = str(error)

    def action_help(self) -> None:
        from gd_tui.app.screens.help import HelpScreen

        self.push_screen(HelpScreen())


def run_app(
    config: Config | None = None,
    *,
    lesson: Lesson | None = None,
    session: Session | None = None,
    data: Dataset | None = None,
) -> int:
    """Run the app in this terminal; returns the exit code (`data`: the session's, already read)."""
    app = GDApp(config, lesson=lesson, session=session, data=data)
    # Without a terminal the app would draw into a pipe or a file and wait for keys that never
    # come. (A browser session of `gd-tui serve` brings its own driver: TEXTUAL_DRIVER.)
    if "TEXTUAL_DRIVER" not in os.environ and not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "gd-tui: error: the app needs a terminal to draw in and read keys from "
            "(`gd-tui run` and `gd-tui trace` work without one)",
            file=sys.stderr,
        )
        return 2
    hang_up = HangUp(app)  # SIGHUP, SIGTERM, a dead terminal: saved, and gone within seconds
    hang_up.install()
    app.run()
    return hang_up.finish()


__all__ = ["GDApp", "run_app"]
