"""Bad values typed into the app's dialogs: refused in place with one line naming the problem, nothing moves.

One row per bad value. Each dialog is opened by the method its key or palette command
calls (b, s, "Set learning rate…", ...); each value is typed, enter pressed, and the
dialog must still be open with a one-line message in its #error line, the machine and
the breakpoints exactly as before. Then a good value typed into the same dialog applies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from gd_tui.app import GDApp
from gd_tui.app.screens.breakpoints import BreakpointsScreen
from gd_tui.app.screens.prompt import PromptScreen
from gd_tui.engine import Config
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.session import load, restore

SIZE = (80, 24)
Submit = Callable[[Pilot[Any], str, str], Awaitable[Input]]
STEPS_BEFORE = 7  # the dialogs open mid-update, with numbers on screen that must not move


@dataclass(frozen=True)
class Dialog:
    """How to open one dialog, which field to type into, and a good value with its effect."""

    field: str  # the Input to type into
    open: Callable[[GDApp], None]
    screen: type[Screen[Any]]
    good: str
    applied: Callable[[GDApp], bool]


def _save_applied(app: GDApp) -> bool:
    return "Saved to" in app.view.message


DIALOGS = {
    "lr": Dialog("#value", GDApp._ask_lr, PromptScreen, "0.05", lambda app: app.machine.state.lr == 0.05),
    "batch size": Dialog(
        "#value",
        GDApp._ask_batch_size,
        PromptScreen,
        "20",
        lambda app: (app.machine.state.batch_size, app.machine.mode) == (20, "mini-batch"),
    ),
    "seed": Dialog(
        "#value",
        GDApp._ask_seed,
        PromptScreen,
        "7",
        lambda app: (app.machine.config.seed, app.machine.state.t) == (7, 0),
    ),
    "loss below": Dialog(
        "#loss-below",
        GDApp.action_breakpoints,
        BreakpointsScreen,
        "0.5",
        lambda app: app.view.breakpoints == Breakpoints(loss_below=0.5),
    ),
    "gradient size below": Dialog(
        "#grad-below",
        GDApp.action_breakpoints,
        BreakpointsScreen,
        "0.25",
        lambda app: app.view.breakpoints == Breakpoints(grad_below=0.25),
    ),
    "epoch reached": Dialog(
        "#epoch-reached",
        GDApp.action_breakpoints,
        BreakpointsScreen,
        "3",
        lambda app: app.view.breakpoints == Breakpoints(epoch_reached=3),
    ),
    "save": Dialog("#value", GDApp.action_save, PromptScreen, "{tmp}/session.json", _save_applied),
}

# (dialog, typed text, words the message must hold). {tmp} is the test's own directory.
# A str instead of a tuple of words: the exact message.
BAD_VALUES: list[tuple[str, str, tuple[str, ...] | str]] = [
    ("lr", "0", ("lr:", "above 0")),
    ("lr", "-1", ("lr:", "above 0")),
    ("lr", "-0", ("lr:", "above 0")),
    ("lr", "nan", ("lr:", "finite")),
    ("lr", "inf", ("lr:", "finite")),
    ("lr", "-inf", ("lr:", "finite")),
    ("lr", "1e309", ("lr:", "finite")),
    ("lr", "1e9", ("lr:", "at most 100")),
    ("lr", "abc", ("lr:", "a number", "'abc'")),
    ("lr", "", ("lr:", "a number", "''")),
    ("lr", "0.1.2", ("lr:", "a number", "'0.1.2'")),
    ("batch size", "0", ("batch", "from 1 to 80", "(got 0)")),
    ("batch size", "-3", ("batch", "from 1 to 80")),
    ("batch size", "81", ("batch", "from 1 to 80", "(got 81)")),
    ("batch size", "1000000", ("batch", "from 1 to 80")),
    ("batch size", "1.5", ("batch size:", "whole number", "'1.5'")),
    ("batch size", "x", ("batch size:", "whole number", "'x'")),
    ("batch size", "", ("batch size:", "whole number")),
    ("seed", "-1", ("seed:", "from 0 to 4294967295", "(got -1)")),
    ("seed", str(2**40), ("seed:", "from 0 to 4294967295", str(2**40))),
    ("seed", "x", ("seed:", "whole number", "'x'")),
    ("seed", "4.2", ("seed:", "whole number", "'4.2'")),
    ("seed", "", ("seed:", "whole number")),
    ("loss below", "-1", ("loss below:", "above 0")),
    ("loss below", "0", ("loss below:", "above 0")),
    ("loss below", "abc", ("loss below:", "a number", "'abc'")),
    ("loss below", "nan", ("loss below:", "finite")),
    ("loss below", "inf", ("loss below:", "finite")),
    ("gradient size below", "0", ("gradient size below:", "above 0")),
    ("gradient size below", "-0.5", ("gradient size below:", "above 0")),
    ("gradient size below", "g", ("gradient size below:", "a number")),
    ("epoch reached", "0", ("epoch reached:", "whole number from 1", "(got 0)")),
    ("epoch reached", "-2", ("epoch reached:", "whole number from 1")),
    ("epoch reached", "1.5", ("epoch reached:", "whole number", "'1.5'")),
    ("epoch reached", "abc", ("epoch reached:", "whole number", "'abc'")),
    ("save", "{tmp}", ("is a directory",)),
    ("save", "{tmp}/no-such-directory/session.json", ("cannot write", "No such file or directory")),
    ("save", "{tmp}/a-file.txt/session.json", ("cannot write", "Not a directory")),
    ("save", "", ("file:", "type a file name")),
    # A name longer than the file system allows: is_file() raised OSError and the app crashed.
    ("save", "{tmp}/" + "a" * 300 + ".json", ("cannot write (File name too long)", "…")),
    # Typed text is shown as typed: square brackets are not markup (they once crashed the app).
    ("lr", "[/x]", "lr: must be a number (got '[/x]')"),
    ("lr", "[bold]zz", "lr: must be a number (got '[bold]zz')"),
    ("batch size", "[/x]", "batch size: must be a whole number (got '[/x]')"),
    ("batch size", "[bold]zz", "batch size: must be a whole number (got '[bold]zz')"),
    ("seed", "[/x]", "seed: must be a whole number (got '[/x]')"),
    ("seed", "[bold]zz", "seed: must be a whole number (got '[bold]zz')"),
    ("loss below", "[/x]", "loss below: must be a number above 0, or empty for off (got '[/x]')"),
    (
        "gradient size below",
        "[bold]zz",
        "gradient size below: must be a number above 0, or empty for off (got '[bold]zz')",
    ),
    (
        "epoch reached",
        "[/x]",
        "epoch reached: must be a whole number from 1 to 10000000, or empty for off (got '[/x]')",
    ),
    (
        "epoch reached",
        "[bold]zz",
        "epoch reached: must be a whole number from 1 to 10000000, or empty for off (got '[bold]zz')",
    ),
    # One table of limits: a value the dialog takes is one a session can hold.
    (
        "epoch reached",
        "2000000000",
        "epoch reached: must be a whole number from 1 to 10000000, or empty for off (got 2000000000)",
    ),
    ("save", "/nonexistent/[/x]", "/nonexistent/[/x]: cannot write (No such file or directory)"),
    ("save", "/nonexistent/[bold]zz", "/nonexistent/[bold]zz: cannot write (No such file or directory)"),
    ("save", "~nosuchuser-here/s.json", "~nosuchuser-here/s.json: no such user's home directory"),
    (
        "save",
        "/dev/null",
        "/dev/null: cannot write (is not a regular file (a device, a FIFO or a socket), so it is not replaced)",
    ),
]


def shown_error(app: GDApp) -> str:
    """The characters the terminal shows where the open dialog's #error line is."""
    region = app.screen.query_one("#error", Static).region
    strips = app.screen._compositor.render_strips()
    rows = strips[region.y : region.y + region.height]
    return "\n".join(strip.crop(region.x, region.right).text for strip in rows)


def everything(app: GDApp, state_of: Callable[[Any], dict[str, Any]]) -> tuple[object, ...]:
    """What a refused value must leave alone: the machine (the same object, same numbers), settings, breakpoints."""
    return (
        id(app.machine),
        state_of(app.machine),
        app.machine.settings_log,
        app.machine.config,
        app.view.breakpoints,
    )


@pytest.mark.parametrize("dialog_name", list(DIALOGS))
async def test_bad_values_are_refused_in_place_then_a_good_one_applies(
    dialog_name: str,
    tmp_path: Path,
    state_of: Callable[[Any], dict[str, Any]],
    screen: Callable[[Any], str],
    pane: Callable[[Any, str], str],
    submit: Submit,
) -> None:
    dialog = DIALOGS[dialog_name]
    (tmp_path / "a-file.txt").write_text("not a directory\n")
    app = GDApp(Config())
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(STEPS_BEFORE):
            app.machine.advance()
        app.show_state()
        await pilot.pause()
        before = everything(app, state_of)
        shown_before = pane(app, "#params")
        dialog.open(app)
        await pilot.pause()
        opened = app.screen
        assert isinstance(opened, dialog.screen)
        cases = [(text, words) for name, text, words in BAD_VALUES if name == dialog_name]
        assert cases
        for template, words in cases:
            text = template.replace("{tmp}", str(tmp_path))
            await submit(pilot, dialog.field, text)

            # Refused in place: the same dialog, one line naming the field and what is allowed.
            assert app.screen is opened, f"{text!r} closed the {dialog_name} dialog"
            message = str(opened.query_one("#error", Static).render())
            assert message, f"{text!r} was refused without a word"
            assert "\n" not in message and "Traceback" not in message, message
            if isinstance(words, str):
                assert message == words
            for word in (words,) if isinstance(words, str) else words:
                assert word in message, f"{text!r}: {word!r} not in {message!r}"
            assert len(message) <= 200, message
            # The user sees it, whole, in the dialog (a long path may wrap mid-word).
            assert "".join(message.split()) == "".join(shown_error(app).split()), screen(app)
            # Nothing moved.
            assert everything(app, state_of) == before, text
            assert not list(tmp_path.glob("*.json")) and not list(tmp_path.glob(".*.tmp")), text
            assert pane(app, "#params") == shown_before, text

        # The same dialog takes a good value, and it applies.
        await submit(pilot, dialog.field, dialog.good.replace("{tmp}", str(tmp_path)))
        assert not isinstance(app.screen, dialog.screen), f"{dialog.good!r} was refused"
        assert dialog.applied(app), app.view.message
        if dialog_name == "save":
            saved = restore(load(tmp_path / "session.json"))
            assert state_of(saved) == state_of(app.machine)
        # The app goes on.
        t = app.machine.state.t
        await pilot.press("n")
        assert app.machine.state.t == t + 1


async def test_escape_after_a_refused_value_changes_nothing(
    state_of: Callable[[Any], dict[str, Any]], submit: Submit
) -> None:
    app = GDApp(Config())
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            app.machine.advance()
        before = everything(app, state_of)
        for opener in (GDApp._ask_lr, GDApp._ask_batch_size, GDApp._ask_seed, GDApp.action_save):
            opener(app)
            await pilot.pause()
            await submit(pilot, "#value", "")
            assert isinstance(app.screen, PromptScreen), opener.__name__
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, PromptScreen), opener.__name__
            assert everything(app, state_of) == before, opener.__name__
        await pilot.press("n")
        assert app.machine.state.t == 4


async def test_breakpoint_fields_are_checked_together_and_good_ones_kept(
    state_of: Callable[[Any], dict[str, Any]], submit: Submit
) -> None:
    """One bad field refuses the whole dialog (the good fields are not half-applied); fixing it applies all."""
    app = GDApp(Config())
    async with app.run_test(size=SIZE) as pilot:
        app.action_breakpoints()
        await pilot.pause()
        opened = app.screen
        assert isinstance(opened, BreakpointsScreen)
        opened.query_one("#loss-below", Input).value = "0.5"
        opened.query_one("#grad-below", Input).value = "0.01"
        await submit(pilot, "#epoch-reached", "1.5")
        assert app.screen is opened
        assert "epoch reached:" in str(opened.query_one("#error", Static).render())
        assert app.view.breakpoints == Breakpoints()
        await submit(pilot, "#epoch-reached", "2")
        assert app.view.breakpoints == Breakpoints(loss_below=0.5, grad_below=0.01, epoch_reached=2)
        assert state_of(app.machine)["t"] == 0


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            "~no-such-user-here/session.json",
            id="unknown-user-home",
        ),
    ],
)
async def test_save_dialog_refuses_names_no_file_can_have(
    name: str, tmp_path: Path, state_of: Callable[[Any], dict[str, Any]], submit: Submit
) -> None:
    app = GDApp(Config())
    async with app.run_test(size=SIZE) as pilot:
        app.machine.advance()
        before = everything(app, state_of)
        app.action_save()
        await pilot.pause()
        opened = app.screen
        await submit(pilot, "#value", name.replace("{tmp}", str(tmp_path)))
        assert app.screen is opened
        message = str(opened.query_one("#error", Static).render())
        assert message and "\n" not in message
        assert everything(app, state_of) == before
        assert not list(tmp_path.iterdir())


async def test_save_dialog_takes_the_longest_name_the_file_system_allows(tmp_path: Path, submit: Submit) -> None:
    target = tmp_path / ("s" * 250 + ".json")
    target.write_text("{}\n")  # the file system takes the name
    target.unlink()
    app = GDApp(Config())
    async with app.run_test(size=SIZE) as pilot:
        app.action_save()
        await pilot.pause()
        await submit(pilot, "#value", str(target))
        assert not isinstance(app.screen, PromptScreen), str(app.screen.query_one("#error", Static).render())
        assert target.is_file()


@pytest.mark.parametrize(
    "breakpoints",
    [
        pytest.param(Breakpoints(loss_below=0.5, grad_below=1e-12, epoch_reached=3, loss_went_up=True), id="short"),
        pytest.param(
            Breakpoints(epoch_reached=1234567),
            id="epoch-1234567",
        ),
        pytest.param(
            Breakpoints(loss_below=0.123456789),
            id="loss-below-9-digits",
        ),
    ],
)
async def test_breakpoints_dialog_opened_and_applied_as_is_keeps_them_exactly(breakpoints: Breakpoints) -> None:
    """The dialog opens on the breakpoints in force (set by a lesson, a session or an earlier visit)."""
    app = GDApp(Config(), breakpoints=breakpoints)
    async with app.run_test(size=SIZE) as pilot:
        app.action_breakpoints()
        await pilot.pause()
        opened = app.screen
        assert isinstance(opened, BreakpointsScreen)
        opened.query_one("#loss-below", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not opened, str(opened.query_one("#error", Static).render())
        assert app.view.breakpoints == breakpoints


CONTROLS = "\x1b]2;TITLE\x07\x1b[5m\x00\x9b\r"


async def test_control_characters_typed_or_pasted_into_a_dialog_are_removed(tmp_path: Path) -> None:
    """A paste can carry ESC (retitle the terminal, blink, hide) or NUL: the field keeps the rest."""
    app = GDApp(Config())
    async with app.run_test(size=SIZE) as pilot:
        for opener, field in ((GDApp._ask_lr, "#value"), (GDApp.action_breakpoints, "#loss-below")):
            opener(app)
            await pilot.pause()
            typed = app.screen.query_one(field, Input)
            typed.value = ""
            typed.insert_text_at_cursor(f"0.{CONTROLS}5")
            assert typed.value == "0.]2;TITLE[5m5"
            await pilot.press("escape")
            await pilot.pause()
        app.action_save()
        await pilot.pause()
        typed = app.screen.query_one("#value", Input)
        typed.value = ""
        typed.insert_text_at_cursor(f"{tmp_path}/a{CONTROLS}b.json")
        await pilot.press("enter")
        await pilot.pause()
        assert [path.name for path in tmp_path.iterdir()] == ["a]2;TITLE[5mb.json"]


async def test_a_lesson_holding_escape_sequences_shows_them_as_pictures(
    tmp_path: Path, screen: Callable[[Any], str]
) -> None:
    """A note could retitle the terminal (OSC 2), fill the clipboard (OSC 52), blink or hide text."""
    from gd_tui.lessons import load_lesson

    lesson = tmp_path / "evil.toml"
    lesson.write_text(
        'name = "evil\\u001b[8m"\ntitle = "t\\u001b]2;TITLE\\u001b\\\\"\n'
        'note = "copy \\u001b]52;c;cm0gLXJmIH4K\\u001b\\\\ now \\u001b[5mblink"\n'
        '[notes]\n0 = "step \\u009b31m zero"\n',
        encoding="utf-8",
    )
    app = GDApp(lesson=load_lesson(lesson))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = screen(app)
        assert "copy ␛]52;c;cm0gLXJmIH4K␛\\ now ␛[5mblink" in shown
        assert "evil␛[8m: t␛]2;TITLE␛\\" in shown
        await pilot.press("escape")
        await pilot.pause()
        shown = screen(app)
        assert "step �31m zero" in " ".join(shown.split())
        assert "Parameters · evil␛[8m" in shown
        for char in ("\x1b", "\x9b", "\x07"):
            assert char not in shown
