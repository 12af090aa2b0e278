"""Random key presses and terminal resizes, with invariants checked after each one.

A hypothesis RuleBasedStateMachine drives one GDApp through its pilot, started on raw
or bad features, batch, mini-batch or stochastic, at learning rates up to 50 (so some
runs diverge): any key in BINDINGS but the quitting ones, escape (which closes whatever
dialog a key opened), and resizes from 20x8 to 160x50. After every rule: nothing raised, the app still
runs, the screen drew, the screen on top is the main screen or a known dialog, and the
machine's state is the one a fresh Machine reaches by plain advance() calls with the
same settings changes at the same positions (so back, reset, runs, lr and batch size
changes never leave the engine somewhere it cannot reach by stepping forward).

And the screen never lies: whenever the main screen is on top, the live app's screen
equals, character for character, that of a new app resumed from its session at the
same size with the same UI state (chart tab, log scale, table page, message line).
No pane may show a value left over from an earlier state.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import numpy as np
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from textual.command import CommandPalette
from textual.pilot import Pilot

from gd_tui.app import GDApp
from gd_tui.app.app import MIN_SIZE
from gd_tui.app.screens.breakpoints import BreakpointsScreen
from gd_tui.app.screens.help import HelpScreen
from gd_tui.app.screens.lesson import LessonScreen
from gd_tui.app.screens.prompt import PromptScreen
from gd_tui.engine import Config, Machine
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.engine.machine import State
from gd_tui.session import capture

T = TypeVar("T")

START_SIZE = (80, 24)
BOUND_KEYS = {key for binding in GDApp.BINDINGS for key in binding.key.split(",")}  # type: ignore[union-attr]
STEP_KEYS = ["n", "space", "right", "s", "p", "left"]
RUN_KEYS = ["u", "e", "c", "0", "1", "2", "3", "4", "5"]
SETTING_KEYS = [
    "r",
    "plus",
    "equals_sign",
    "minus",
    "m",
    "l",
    "t",
    "pagedown",
    "pageup",
    "i",
    "x",
    "tab",
    "shift+tab",
    "z",
]
SIZES = [(80, 24), (120, 40)]  # where learners are: SSH's default, and a roomier terminal
# Dialogs stay open across rules: keys and resizes reach them until escape closes them.
# enter is never pressed: in the save dialog it writes a file.
DIALOG_KEYS = ["b", "ctrl+s", "g", "question_mark", "f1", "ctrl+p"]
NOT_PRESSED = {"q", "ctrl+c"}  # they quit
DIALOGS = (BreakpointsScreen, PromptScreen, HelpScreen, LessonScreen, CommandPalette)
# With an epoch breakpoint every run (c, e, u, digits) ends within two epochs, whatever
# the timing: the machine never runs on while the test looks at it.
BREAKPOINTS = Breakpoints(epoch_reached=2)
BREAKPOINT_CHOICES = [
    BREAKPOINTS,
    Breakpoints(loss_below=0.5, epoch_reached=2),
    Breakpoints(grad_below=0.2, epoch_reached=2),
    Breakpoints(loss_went_up=True, epoch_reached=2),
]


def same_history(a: Machine, b: Machine) -> str | None:
    for name in ("update_loss", "epoch_loss", "val_loss", "path"):
        left, right = getattr(a.history, name).values, getattr(b.history, name).values
        if not np.array_equal(left, right, equal_nan=True):
            return name
    return None


class Replay:
    """A fresh Machine moved only by advance(), with the app's settings changes applied where they were made.

    Kept between checks and only advanced while the app's position and settings log
    extend what it has replayed; anything else (back, reset, a rewritten log) starts it afresh.
    """

    def __init__(self) -> None:
        self.machine: Machine | None = None
        self.start: tuple[float, int] | None = None
        self.applied: list[tuple[int, str, float]] = []

    def catch_up(self, target: Machine) -> Machine:
        session = capture(target)
        start = (session.start_lr, session.start_batch_size)
        log = target.settings_log
        t = target.state.t
        machine = self.machine
        if (
            machine is None
            or machine.config != target.config
            or start != self.start
            or t < machine.state.t
            or log[: len(self.applied)] != self.applied
            or any(s < machine.state.t for s, _, _ in log[len(self.applied) :])
        ):
            machine = self.machine = Machine(target.config)
            self.start = start
            self.applied = []
            lr, batch_size = start
            assert lr is not None and batch_size is not None
            # r keeps the lr and batch size in force: the run then starts from them.
            if lr != machine.state.lr:
                machine.set_lr(lr)
            if batch_size != machine.state.batch_size:
                machine.set_batch_size(batch_size)
        pending = log[len(self.applied) :]
        while True:
            while pending and pending[0][0] == machine.state.t:
                s, name, value = pending.pop(0)
                if name == "lr":
                    machine.set_lr(value)
                else:
                    machine.set_batch_size(int(value))
                self.applied.append((s, name, value))
            if machine.state.t == t:
                break
            machine.advance()
        assert not pending, f"settings logged beyond the position: {pending}"
        return machine


class KeysAndResizes(RuleBasedStateMachine):
    """One app per example; every rule runs on the app's own event loop, in one context."""

    def __init__(
        self, differing_field: Callable[[State, State], str | None], screen_text: Callable[[Any], str]
    ) -> None:
        super().__init__()
        self.differing_field = differing_field
        self.screen_text = screen_text
        self.loop = asyncio.new_event_loop()
        self.context = contextvars.copy_context()
        self.size = START_SIZE
        self.replay = Replay()

    @initialize(
        lr=st.sampled_from([0.1, 0.5, 2.0, 50.0]),
        feature=st.sampled_from(["raw", "bad"]),
        batch_size=st.sampled_from([None, 16, 1]),
    )
    def start(self, lr: float, feature: str, batch_size: int | None) -> None:
        self.app = GDApp(Config(lr=lr, feature=feature, batch_size=batch_size), breakpoints=BREAKPOINTS)
        self.test = self.app.run_test(size=START_SIZE)
        self.pilot: Pilot[None] = self.run(self.test.__aenter__())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(self.loop.create_task(coroutine, context=self.context))

    def teardown(self) -> None:
        try:
            if hasattr(self, "test"):
                self.run(self.test.__aexit__(None, None, None))
        finally:
            self.loop.close()

    async def _press(self, key: str) -> None:
        await self.pilot.press(key)
        # Every run ends by itself (the epoch breakpoint, divergence, or its target).
        for _ in range(1000):
            if not any(worker.is_running for worker in self.app.workers):
                break
            await self.pilot.pause(0.01)
        else:
            raise AssertionError(f"a run started by {key!r} is still going after 10 s")
        await self.pilot.pause()

    @rule(key=st.sampled_from(STEP_KEYS))
    def step(self, key: str) -> None:
        self.run(self._press(key))

    @rule(key=st.sampled_from(RUN_KEYS))
    def run_to(self, key: str) -> None:
        self.run(self._press(key))

    @rule(key=st.sampled_from(SETTING_KEYS))
    def setting(self, key: str) -> None:
        self.run(self._press(key))

    @rule(key=st.sampled_from(DIALOG_KEYS))
    def dialog(self, key: str) -> None:
        self.run(self._press(key))

    @rule()
    def escape(self) -> None:
        self.run(self._press("escape"))

    @rule(width=st.integers(20, 160), height=st.integers(8, 50))
    def resize(self, width: int, height: int) -> None:
        self.size = (width, height)
        self.run(self.pilot.resize_terminal(width, height))

    @rule(size=st.sampled_from(SIZES))
    def usual_size(self, size: tuple[int, int]) -> None:
        self.resize(*size)

    @rule(breakpoints=st.sampled_from(BREAKPOINT_CHOICES))
    def set_breakpoints(self, breakpoints: Breakpoints) -> None:
        self.app.view.breakpoints = breakpoints

    @rule()
    def save_and_resume(self) -> None:
        """Carry on in a new app resumed from this one's session (as `gd-tui --resume` does)."""
        if len(self.app.screen_stack) > 1:
            return
        session = self.app.session()
        self.run(self.test.__aexit__(None, None, None))
        self.app = GDApp(session=session)
        self.test = self.app.run_test(size=self.size)
        self.pilot = self.run(self.test.__aenter__())
        self.run(self.pilot.pause())  # laid out for its size (the -tall breakpoint) before anything looks
        self.replay = Replay()

    async def _resumed_screen(self) -> str:
        """What a new app resumed from this app's session shows with the same UI state."""
        live = self.app
        fresh = GDApp(session=live.session())
        async with fresh.run_test(size=self.size) as pilot:
            await pilot.pause()
            fresh._chart.select(live._chart.shown)
            fresh.view.log_scale = live.view.log_scale
            fresh._table.top = live._table.top
            fresh.view.message = live.view.message
            # Focus and zoom are UI state too: the same pane, by its id (the panes' focus is a class).
            focused = next((pane.id for pane in live.query(".-focus")), None)
            zoomed = live.screen_stack[0].maximized
            if focused is not None:
                fresh.query(".-focus").remove_class("-focus")
                fresh.query_one(f"#{focused}").add_class("-focus")
            if zoomed is not None and zoomed.id:
                fresh.screen.maximized = fresh.query_one(f"#{zoomed.id}")
            fresh.show_state()
            await pilot.pause()
            return self.screen_text(fresh)

    @invariant()
    def nothing_raised_and_still_running(self) -> None:
        assert self.app._exception is None, repr(self.app._exception)
        assert self.app.is_running
        assert self.app.return_code is None

    @invariant()
    def the_screen_drew(self) -> None:
        app = self.app
        main, *dialogs = app.screen_stack
        assert not isinstance(main, DIALOGS) and main.query("#params")
        assert all(isinstance(dialog, DIALOGS) for dialog in dialogs), dialogs
        assert tuple(app.size) == self.size
        svg = app.export_screenshot()
        assert svg.startswith("<svg") and "</svg>" in svg

    @invariant()
    def the_screen_equals_a_resumed_apps(self) -> None:
        app = self.app
        width, height = self.size
        if len(app.screen_stack) > 1 or width < MIN_SIZE[0] or height < MIN_SIZE[1]:
            return  # a dialog on top, or the too-small notice
        live = self.screen_text(app)
        resumed = self.run(self._resumed_screen())
        assert live == resumed, f"the live screen differs from a resumed app's:\n{live}\n---\n{resumed}"

    @invariant()
    def state_is_reachable_by_advancing(self) -> None:
        machine = self.app.machine
        reference = self.replay.catch_up(machine)
        field = self.differing_field(reference.state, machine.state)
        assert field is None, field
        assert same_history(reference, machine) is None, same_history(reference, machine)


def test_every_key_but_quitting_is_pressed() -> None:
    pressed = {*STEP_KEYS, *RUN_KEYS, *SETTING_KEYS, *DIALOG_KEYS, "escape"}
    assert pressed >= BOUND_KEYS - NOT_PRESSED, BOUND_KEYS - NOT_PRESSED - pressed


KEYS_AND_RESIZES = settings(
    max_examples=6,
    stateful_step_count=20,
    deadline=None,
    derandomize=True,
    database=None,
    # A failure prints its steps; shrinking them through a live app would take minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)


def test_keys_and_resizes(differing: Callable[[State, State], str | None], screen: Callable[[Any], str]) -> None:
    run_state_machine_as_test(lambda: KeysAndResizes(differing, screen), settings=KEYS_AND_RESIZES)


# Found by the state machine: the notice followed the screen on top at the time of the resize.


async def test_enlarging_while_a_dialog_is_open_clears_the_too_small_notice(screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=START_SIZE) as pilot:
        await pilot.resize_terminal(40, 12)
        assert "needs at least" in " ".join(screen(app).split())
        await pilot.press("question_mark")
        await pilot.resize_terminal(100, 30)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        shown = " ".join(screen(app).split())
        assert "needs at least" not in shown, "100x30 still says the terminal is 40x12"
        assert "Parameters" in shown


async def test_shrinking_while_a_dialog_is_open_shows_the_too_small_notice(screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=START_SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.resize_terminal(40, 12)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        shown = " ".join(screen(app).split())
        assert "The terminal is 40x12" in shown, "40x12 draws the panes squashed instead of the notice"
        assert "Parameters" not in shown
