"""The dialogs: breakpoints (b), help (? and f1), the lesson note (i), saving (s) and the command palette."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandInput, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Static

from gd_tui.app import GDApp
from gd_tui.app.screens.breakpoints import BreakpointsScreen
from gd_tui.app.screens.help import HelpScreen
from gd_tui.app.screens.lesson import LessonScreen
from gd_tui.app.screens.notes import NotesScreen
from gd_tui.app.screens.prompt import PromptScreen
from gd_tui.engine import Config
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.lessons import load_lesson
from gd_tui.session import load, restore

SIZE = (80, 24)
Text = Callable[[Any, str], str]
Submit = Callable[[Pilot[Any], str, str], Awaitable[Input]]

# How the help names each key: written out here, not taken from the help screen's own table.
KEY_DISPLAY = {
    "space": "space",
    "right": "→",
    "left": "←",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "question_mark": "?",
    "escape": "esc",
    "pagedown": "PgDn",
    "pageup": "PgUp",
}


def dialog_error(app: Any) -> str:
    return str(app.screen.query_one("#error", Static).render())


async def test_breakpoints_dialog_refuses_bad_values_and_applies_good_ones(
    pane: Text, screen: Callable[[Any], str], idle: Any, submit: Submit
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        assert isinstance(app.screen, BreakpointsScreen)
        assert "Breakpoints for c" in screen(app)
        for text, message in (
            ("-1", "epoch reached: must be a whole number from 1 to 10000000, or empty for off (got -1)"),
            ("abc", "epoch reached: must be a whole number from 1 to 10000000, or empty for off (got 'abc')"),
            ("2.5", "epoch reached: must be a whole number from 1"),
        ):
            await submit(pilot, "#epoch-reached", text)
            assert isinstance(app.screen, BreakpointsScreen), f"{text!r} should be refused"
            assert message in dialog_error(app)
        await submit(pilot, "#loss-below", "-0.5")
        assert isinstance(app.screen, BreakpointsScreen)
        assert "loss below: must be a finite number above 0" in dialog_error(app)
        assert "loss below: must be a finite number above 0" in screen(app).replace("\n", " ")
        app.screen.query_one("#loss-below", Input).value = ""
        await submit(pilot, "#epoch-reached", "3")
        assert not isinstance(app.screen, BreakpointsScreen)
        assert app.view.breakpoints == Breakpoints(epoch_reached=3)
        assert "Breakpoints: 3 epochs done." in pane(app, "#next"), "the message lists what is set"
        await pilot.press("c")
        await idle(pilot)
        assert (app.machine.state.epoch, app.machine.state.last_step) == (3, 5)
        assert "Breakpoint: 3 epochs done." in pane(app, "#next")
        # The dialog opens on the breakpoints in force; escape keeps them.
        await pilot.press("b")
        assert app.screen.query_one("#epoch-reached", Input).value == "3"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, BreakpointsScreen)
        assert app.view.breakpoints == Breakpoints(epoch_reached=3)


async def test_breakpoints_dialog_sets_loss_went_up_and_gradient_size(idle: Any, pane: Text, submit: Submit) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        app.screen.query_one("#loss-went-up").focus()
        await pilot.press("space")  # tick the checkbox
        await submit(pilot, "#grad-below", "0.5")
        assert app.view.breakpoints == Breakpoints(loss_went_up=True, grad_below=0.5)
        await pilot.press("c")
        await idle(pilot)
        state = app.machine.state
        assert state.last_step == 3
        assert state.b_grad is not None and state.w_grad is not None
        assert (state.b_grad**2 + state.w_grad**2) ** 0.5 < 0.5
        assert "Breakpoint: gradient size" in pane(app, "#next")


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_every_binding(key: str, widget: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.press(key)
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(widget(static) for static in app.screen.query(Static))
        rows = text.splitlines()
        for binding in GDApp.BINDINGS:
            keys = binding.key.split(",")  # type: ignore[union-attr]
            if keys[0].isdigit():
                assert any(row.lstrip().startswith("0–5") for row in rows)
                continue
            shown = " ".join(KEY_DISPLAY.get(k, k) for k in keys)
            tooltip = binding.tooltip or binding.description  # type: ignore[union-attr]
            assert any(row.lstrip().startswith(shown) and tooltip in row for row in rows), f"{shown}: {tooltip}"
        for step in ("0 initialize", "1 forward", "2 loss", "3 gradients", "4 update", "5 repeat"):
            assert step in text
        # Help is a dialog: the machine did not move, and the same key (or escape) closes it.
        assert app.machine.state.t == 1
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("n")
        assert app.machine.state.t == 2


async def test_i_shows_the_lesson_note(screen: Callable[[Any], str], pane: Text) -> None:
    lesson = load_lesson("lr-too-high")
    app = GDApp(lesson=lesson, show_lesson=False)
    async with app.run_test(size=SIZE) as pilot:
        assert not isinstance(app.screen, LessonScreen)
        await pilot.press("i")
        assert isinstance(app.screen, LessonScreen)
        shown = screen(app)
        assert lesson.name in shown
        assert "Learning rate 1.1 is above the largest stable rate" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LessonScreen)
        assert "lr-too-high" in pane(app, "#params").splitlines()[0] or "lr-too-high" in str(
            app.query_one("#params").border_title
        )


async def test_a_lesson_shows_its_note_when_it_starts() -> None:
    app = GDApp(lesson=load_lesson("lr-too-high"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, LessonScreen)
        await pilot.press("n")
        assert app.machine.state.t == 1


async def test_i_without_a_lesson_says_how_to_load_one(screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        assert "No lesson is loaded: ctrl+p" in " ".join(screen(app).split())
        await pilot.press("i")
        await pilot.pause()
        assert not isinstance(app.screen, NotesScreen)


async def test_ctrl_s_saves_the_session(tmp_path: Path, pane: Text, same: Any, keys: Any, submit: Submit) -> None:
    app = GDApp(Config(batch_size=16))
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "n", "n", "n", "n", "plus", "n", "n", "n")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, PromptScreen)
        await submit(pilot, "#value", "")
        assert isinstance(app.screen, PromptScreen)
        assert "file: type a file name" in dialog_error(app)
        await submit(pilot, "#value", str(tmp_path))
        assert isinstance(app.screen, PromptScreen)
        assert "is a directory" in dialog_error(app)
        target = tmp_path / "session.json"
        await submit(pilot, "#value", str(target))
        assert not isinstance(app.screen, PromptScreen)
        assert target.is_file()
        assert f"Saved to {target}" in pane(app, "#next")
        machine = restore(load(target))
        assert same(machine.state, app.machine.state)
        assert machine.state.lr == 0.2


async def run_command(pilot: Any, screen_text: Callable[[Any], str], query: str, title: str) -> None:
    """Open the command palette, search for `title`, and run it."""
    app = pilot.app
    await pilot.press("ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    app.screen.query_one(CommandInput).value = query
    for _ in range(200):
        await pilot.pause(0.02)
        if title in screen_text(app):
            break
    await pilot.press("enter")
    await pilot.pause()


async def test_palette_set_learning_rate(
    keys: Any, pane: Text, screen: Callable[[Any], str], reference: Any, submit: Submit
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "n", "n", "n", "n")
        await run_command(pilot, screen, "Set learning rate", "Set learning rate…")
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one("#value", Input).value == "0.1"
        for bad, message in (
            ("abc", "lr: must be a number (got 'abc')"),
            ("-1", "lr: must be above 0"),
            ("1000", "lr: must be above 0"),
            ("nan", "lr: must be a finite number"),
        ):
            await submit(pilot, "#value", bad)
            assert isinstance(app.screen, PromptScreen), f"{bad!r} should be refused"
            assert message in dialog_error(app)
            assert app.machine.state.lr == 0.1
        await submit(pilot, "#value", "0.05")
        assert not isinstance(app.screen, PromptScreen)
        assert app.machine.state.lr == 0.05
        assert "Learning rate 0.05 from the next update on." in pane(app, "#next")
        assert "lr 0.05 " in pane(app, "#params")
        before = reference(4).state
        await pilot.press("n")
        assert app.machine.state.b == before.b - 0.05 * before.b_grad


async def test_palette_set_batch_size(pane: Text, screen: Callable[[Any], str], submit: Submit) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, screen, "Set batch size", "Set batch size…")
        assert isinstance(app.screen, PromptScreen)
        for bad, message in (("0", "must be from 1 to 80"), ("x", "whole number"), ("81", "must be from 1 to 80")):
            await submit(pilot, "#value", bad)
            assert isinstance(app.screen, PromptScreen)
            assert message in dialog_error(app)
        await submit(pilot, "#value", "20")
        assert (app.machine.state.batch_size, app.machine.mode, app.machine.updates_per_epoch) == (20, "mini-batch", 4)
        assert "batch 20 (mini-batch)" in pane(app, "#params")


async def test_palette_set_seed(pane: Text, screen: Callable[[Any], str], submit: Submit) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        await run_command(pilot, screen, "Set seed", "Set seed…")
        assert isinstance(app.screen, PromptScreen)
        await submit(pilot, "#value", "abc")
        assert "seed: must be a whole number (got 'abc')" in dialog_error(app)
        await submit(pilot, "#value", "7")
        assert not isinstance(app.screen, PromptScreen)
        assert (app.machine.config.seed, app.machine.state.t) == (7, 0)
        assert "seed 7" in pane(app, "#next")


async def test_palette_loads_a_lesson(pane: Text, screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, screen, "lesson: lr-too-high", "Lesson: lr-too-high")
        assert isinstance(app.screen, LessonScreen)
        assert app.machine.state.lr == 1.1
        await pilot.press("escape")
        await pilot.pause()
        assert "Lesson lr-too-high loaded" in pane(app, "#next")


async def test_breakpoints_set_during_a_run_stop_it(press: Any, until: Any) -> None:
    app = GDApp(Config(lr=0.001), breakpoints=Breakpoints())  # far from convergence: the run is still going
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        await until(pilot, lambda: app.machine.state.epoch > 5)
        await press(pilot, "b")
        field = app.screen.query_one("#epoch-reached", Input)
        field.focus()
        target = app.machine.state.epoch + 200  # ahead of the run: it stops at that epoch's end
        field.value = str(target)
        await press(pilot, "enter")
        # A running continue keeps the app busy: wait for the dialog's answer, not for idle.
        await until(pilot, lambda: app.view.breakpoints == Breakpoints(epoch_reached=target))
        await until(pilot, lambda: app.machine.state.epoch >= target)
        await pilot.pause(0.2)
        first = app.machine.state.t
        await pilot.pause(0.2)
        second = app.machine.state.t
        await press(pilot, "escape")
        assert second == first, "the run went on past the breakpoint just set"
        assert app.machine.state.epoch == target


async def test_an_epoch_already_done_is_refused_as_a_breakpoint(press: Any) -> None:
    app = GDApp(Config())
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "e", "e", "e", "b")
        field = app.screen.query_one("#epoch-reached", Input)
        field.focus()
        field.value = "2"
        await press(pilot, "enter")
        error = str(app.screen.query_one("#error").render())
        assert "epoch 2 is done already (3 epochs done); r resets" in error


async def test_save_prompt_expands_the_home_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pane: Text, submit: Submit
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "ctrl+s")
        await submit(pilot, "#value", "~/saved.json")
        assert not isinstance(app.screen, PromptScreen), dialog_error(app)
        assert (home / "saved.json").is_file()


@pytest.mark.parametrize(("size", "scrolls"), [((120, 40), False), ((80, 24), True)])
async def test_help_fits_one_screen_at_120x40_and_scrolls_at_80x24(
    size: tuple[int, int], scrolls: bool, screen: Callable[[Any], str]
) -> None:
    app = GDApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        scroll = app.screen.query_one("#help")
        assert (scroll.max_scroll_y > 0) is scrolls
        rows = [row for row in screen(app).splitlines() if "│" in row]
        assert "escape, ? or q closes this help" in rows[0], "the close hint comes first"
        if not scrolls:
            shown = screen(app)
            for group in ("Stepping", "Running", "Settings", "Views", "Files", "The six steps"):
                assert group in shown
            assert "ctrl+c  Quit" in shown and "no new low in 100 epochs" in shown


def test_the_palette_describes_each_lesson_by_its_own_title() -> None:
    from gd_tui.app.commands import lesson_titles
    from gd_tui.lessons import builtin_names, load_lesson

    titles = dict(lesson_titles())
    assert list(titles) == list(builtin_names())
    assert titles["adam"] == load_lesson("adam").title and "Adam" in titles["adam"]
    assert len(set(titles.values())) == len(titles)  # no shared stock phrase


async def test_continue_past_an_epoch_breakpoint_stops_at_convergence(press: Any, until: Any) -> None:
    # Epoch 2 reached and passed: that breakpoint cannot hold again, so continue stops where
    # a run with none set does (it had stopped at every epoch's end, then at none).
    app = GDApp(Config(), breakpoints=Breakpoints(epoch_reached=2))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "c")
        await until(pilot, lambda: not app._run_active)
        assert app.machine.state.epoch == 2 and "Breakpoint: 2 epochs done." in app.view.message
        await press(pilot, "c")
        await until(pilot, lambda: not app._run_active, timeout=60)
        message = app.view.message
        assert app.machine.state.epoch > 500 and message.startswith(("Converged", "Levelled off")), message
        assert "No breakpoint set can hold any more" in message
