"""Save → resume → continue gives the same numbers as never stopping: on a Machine, and through the app.

The app case saves with `s` (the dialog, a real file), opens a new GDApp on the loaded
session, presses the same keys in both, and compares the machines bit for bit, the
breakpoints, and what the panes show.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from textual.widgets import Input

from gd_tui.app import GDApp
from gd_tui.app.screens.prompt import PromptScreen
from gd_tui.engine import Config, Machine
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.lessons import load_lesson
from gd_tui.session import capture, load, restore, save

SIZE = (80, 24)
PANES = ("#params", "#loss", "#gradients", "#predictions", "#next")


def assert_same_machines(a: Machine, b: Machine, same: Callable[[Any, Any], bool]) -> None:
    assert a.config == b.config
    assert same(a.state, b.state), (a.state, b.state)
    for name in ("update_loss", "epoch_loss", "val_loss", "path"):
        assert np.array_equal(getattr(a.history, name).values, getattr(b.history, name).values, equal_nan=True), name


# Actions on a Machine: (name, argument).
Action = tuple[str, Any]
BEFORE: list[Action] = [
    ("advance", 7),
    ("lr", 0.3),
    ("advance", 9),
    ("batch_size", 16),
    ("advance", 40),
    ("back", 3),
    ("lr", 0.05),
    ("advance", 2),
]
AFTER: list[Action] = [
    ("advance", 25),
    ("batch_size", 1),
    ("advance", 300),
    ("back", 4),
    ("lr", 0.2),
    ("advance", 31),
]


def act(machine: Machine, actions: list[Action]) -> None:
    for name, argument in actions:
        if name == "advance":
            for _ in range(argument):
                machine.advance()
        elif name == "back":
            for _ in range(argument):
                machine.back()
        elif name == "lr":
            machine.set_lr(argument)
        elif name == "batch_size":
            machine.set_batch_size(argument)
        else:
            raise AssertionError(name)


@pytest.mark.parametrize("config", [Config(), Config(feature="bad", lr=0.01), Config(batch_size=20, seed=7)])
def test_machine_save_resume_continue_twice_equals_never_stopping(
    config: Config, tmp_path: Path, same: Callable[[Any, Any], bool]
) -> None:
    never_stopped = Machine(config)
    act(never_stopped, BEFORE + AFTER + BEFORE)

    first = Machine(config)
    act(first, BEFORE)
    save(capture(first), tmp_path / "first.json")
    second = restore(load(tmp_path / "first.json"))
    assert_same_machines(second, first, same)
    act(second, AFTER)
    save(capture(second), tmp_path / "second.json")  # a resumed session, saved again
    third = restore(load(tmp_path / "second.json"))
    act(third, BEFORE)
    assert_same_machines(third, never_stopped, same)
    assert third.settings_log == never_stopped.settings_log
    # And back from there still retraces the same path.
    for _ in range(60):
        third.back()
        never_stopped.back()
    assert_same_machines(third, never_stopped, same)


def test_machine_resumed_after_reset_keeps_the_chosen_start(tmp_path: Path, same: Callable[[Any, Any], bool]) -> None:
    """r keeps the lr and batch size in force; a session saved after it starts from them."""
    never_stopped = Machine()
    act(never_stopped, [("advance", 12), ("lr", 0.4), ("batch_size", 8), ("advance", 3)])
    never_stopped.reset()
    act(never_stopped, [("advance", 30)])
    save(capture(never_stopped), tmp_path / "s.json")
    resumed = restore(load(tmp_path / "s.json"))
    assert (resumed.state.lr, resumed.state.batch_size) == (0.4, 8)
    act(resumed, AFTER)
    act(never_stopped, AFTER)
    assert_same_machines(resumed, never_stopped, same)


KEYS_BEFORE = ["n", "n", "n", "plus", "n", "m", "u", "e", "minus", "n"]
KEYS_AFTER = ["n", "c", "p", "3", "m", "e", "plus", "c", "n"]
RUNS = {"u", "e", "c", "3"}


async def save_with_s(pilot: Any, path: Path) -> None:
    """Save through the app's own dialog, as a user does."""
    app = pilot.app
    await pilot.press("ctrl+s")
    assert isinstance(app.screen, PromptScreen)
    app.screen.query_one("#value", Input).value = str(path)
    await pilot.press("enter")
    await pilot.pause()
    assert not isinstance(app.screen, PromptScreen)
    assert path.is_file()


@pytest.mark.parametrize("lesson", [None, "sgd"])
async def test_app_save_resume_continue_equals_never_stopping(
    lesson: str | None,
    tmp_path: Path,
    same: Callable[[Any, Any], bool],
    idle: Any,
    pane: Callable[[Any, str], str],
) -> None:
    breakpoints = Breakpoints(epoch_reached=3, loss_went_up=True)
    loaded = load_lesson(lesson) if lesson else None
    path = tmp_path / "session.json"

    def started() -> GDApp:
        app = GDApp(lesson=loaded, show_lesson=False)
        app.view.breakpoints = breakpoints  # the lesson's own ones would be replaced the same way
        return app

    async def press(pilot: Any, keys: list[str]) -> None:
        for key in keys:
            await pilot.press(key)
            if key in RUNS:
                await idle(pilot)

    # Never stopping: the keys before, a save (which changes nothing), the keys after.
    never_stopped = started()
    async with never_stopped.run_test(size=SIZE) as pilot:
        await press(pilot, KEYS_BEFORE)
        await save_with_s(pilot, path)
        await press(pilot, KEYS_AFTER)
        await pilot.pause()
        shown = {selector: pane(never_stopped, selector) for selector in PANES}

    session = load(path)
    assert 0 < session.t < never_stopped.machine.state.t
    assert session.lesson == (lesson or None)
    assert session.breakpoints == breakpoints
    resumed = GDApp(session=session)
    async with resumed.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert resumed.view.breakpoints == breakpoints
        if loaded is not None:
            assert resumed.view.lesson_title and loaded.name in resumed.view.lesson_title
        await press(pilot, KEYS_AFTER)
        await pilot.pause()
        assert_same_machines(resumed.machine, never_stopped.machine, same)
        assert resumed.machine.settings_log == never_stopped.machine.settings_log
        for selector in PANES:
            assert pane(resumed, selector) == shown[selector], selector


async def test_a_resumed_session_says_which_breakpoints_came_with_it(tmp_path: Any, pane: Any) -> None:
    machine = Machine()
    machine.run_until(lambda state: state.t >= 12)
    path = tmp_path / "s.json"
    save(capture(machine, breakpoints=Breakpoints(loss_below=0.5)), path)
    session = load(path)
    app = GDApp(session=session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Breakpoints: loss below 0.5." in pane(app, "#next")


def test_a_session_naming_a_lesson_nested_too_deeply_opens_without_its_notes(tmp_path: Path) -> None:
    # Its lesson used to raise RecursionError in the app's constructor; a lesson that cannot load is skipped.
    deep = tmp_path / "deep.toml"
    deep.write_text('name = "x"\ntitle = "t"\nnote = "n"\na = ' + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")
    machine = Machine(Config())
    machine.goto(9)
    session = capture(machine, lesson=str(deep))
    app = GDApp(session.config, session=session)
    assert app.lesson is None and app.machine.state.t == 9
