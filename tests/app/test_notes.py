"""No sentence lost: the next-step line says where it was cut, and `i` shows everything, with a log of messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from gd_tui.app import GDApp
from gd_tui.app.messages import LOG_SIZE, MessageLog
from gd_tui.app.screens.notes import NotesScreen
from gd_tui.engine import Config, Machine
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.lessons import load_lesson

SIZE = (80, 24)


def next_rows(app: GDApp) -> list[str]:
    """The next-step line's rows as drawn."""
    return [line.plain for line in app.query_one("#next").rich_lines]  # type: ignore[attr-defined]


def flat(text: str) -> str:
    """Text with the dialog's frame and wrapping taken out."""
    return " ".join(text.replace("│", " ").split())


async def test_a_cut_sentence_ends_with_the_key_that_shows_it_all(screen: Callable[[Any], str]) -> None:
    lesson = load_lesson("book")
    app = GDApp(lesson=lesson, show_lesson=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"nnnnn")
        await pilot.pause()
        note = lesson.step_notes[5]
        rows = next_rows(app)
        assert len(rows) == 2 and rows[-1].endswith("… i: all"), rows
        assert note.split()[-1] not in " ".join(rows), "the note's end should be cut at 80x24"
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        shown = flat(screen(app))
        assert " ".join(note.split()) in shown
        assert "Next: step 5, repeat" in shown
        # Escape closes it; stepping goes on.
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        assert app.machine.state.t == 6


async def test_a_sentence_that_fits_is_not_cut() -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert not any("…" in row for row in next_rows(app))


async def test_the_log_holds_every_message_newest_first_with_epoch_and_update(
    tmp_path: Path, idle: Any, submit: Any, widget: Callable[[Any], str]
) -> None:
    app = GDApp(Config(lr=1.1), breakpoints=Breakpoints(epoch_reached=2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "plus")  # already at the start; lr up
        await pilot.press("c")
        await idle(pilot)
        await pilot.press("ctrl+s")
        await submit(pilot, "#value", str(tmp_path / "session.json"))
        app.view.breakpoints = Breakpoints()
        await pilot.press("c")  # on to the divergence
        await idle(pilot)
        await pilot.pause()
        assert app.machine.state.diverged
        texts = [entry.text for entry in app.message_log.newest_first()]
        expected = [
            "DIVERGED in update",
            "Saved to",
            "Breakpoint: 2 epochs done.",
            "Learning rate 1.5 from the next update on.",
            "Already at the start",
        ]
        positions = [next(i for i, text in enumerate(texts) if text.startswith(start)) for start in expected]
        assert positions == sorted(positions), texts
        breakpoint_entry = app.message_log.newest_first()[positions[2]]
        assert (breakpoint_entry.epoch, breakpoint_entry.update) == (2, 2)
        await pilot.press("i")
        await pilot.pause()
        shown = flat("\n".join(widget(static) for static in app.screen.query(Static)))  # scrolled or not
        assert "Messages, newest first" in shown
        # Stamped as the screen counts: epoch 3 in progress, 2 updates done.
        assert shown.index("DIVERGED in update") < shown.index("epoch 3 · 2 updates done Breakpoint: 2 epochs done.")


async def test_export_messages_go_to_the_log(tmp_path: Path, submit: Any) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        app._ask_export()
        await pilot.pause()
        await submit(pilot, "#value", str(tmp_path / "history.csv"))
        assert not app.screen.query(Input)
        assert app.message_log.newest_first()[0].text.startswith("History written to")


def test_the_log_keeps_the_last_500() -> None:
    log = MessageLog()
    machine = Machine()
    for k in range(LOG_SIZE + 100):
        log.add(machine, f"message {k}")
    entries = log.newest_first()
    assert len(entries) == LOG_SIZE == 500
    assert (entries[0].text, entries[-1].text) == (f"message {LOG_SIZE + 99}", "message 100")
