"""A terminal too small to draw in, and keys arriving faster than the screen can follow."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from gd_tui.app import GDApp
from gd_tui.app.app import MIN_SIZE
from gd_tui.engine import Machine
from gd_tui.engine.breakpoints import end_of_epoch, step_done

Text = Callable[[Any, str], str]


async def test_too_small_terminal_says_so_and_recovers(screen: Callable[[Any], str], pane: Text) -> None:
    app = GDApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n")
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        shown = " ".join(screen(app).split())
        assert "The terminal is 50x15" in shown
        assert f"needs at least {MIN_SIZE[0]}x{MIN_SIZE[1]}" in shown
        assert "2.74215777" not in shown
        # Keys still work while it is small; nothing is lost.
        await pilot.press("n")
        assert app.machine.state.t == 4
        # Just below the minimum in one direction is still too small.
        await pilot.resize_terminal(MIN_SIZE[0] - 1, 30)
        await pilot.pause()
        assert "gd-tui needs at least" in " ".join(screen(app).split())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        shown = screen(app)
        assert "needs at least" not in shown
        assert "2.74215777" in shown
        assert "Next: step 4, update" in shown
        # Exactly the minimum is enough.
        await pilot.resize_terminal(*MIN_SIZE)
        await pilot.pause()
        assert "needs at least" not in screen(app)
        assert "Next: step 4" in pane(app, "#next")


async def test_a_burst_of_2000_presses(press: Any, until: Any, reference: Any, same: Any, pane: Text) -> None:
    app = GDApp()
    async with app.run_test(size=(80, 24)) as pilot:
        # Posted as a terminal would deliver a held key: all queued before the app handles the first.
        await press(pilot, *["n"] * 2000)
        await until(pilot, lambda: app.machine.state.t >= 2000, 30.0)
        await pilot.pause()
        assert app.machine.state.t == 2000
        expected = reference(2000).state
        assert same(app.machine.state, expected)
        # 2000 steps from t = 0: step 0, then 399 full updates and steps 1-4 of the 400th.
        assert (expected.update, expected.cursor) == (400, 5)
        assert re.search(rf"\b{expected.update} (updates )?done", pane(app, "#params"))
        assert f"{expected.loss:.8f}" in pane(app, "#loss")
        # The app still answers: one more key, one more step.
        await pilot.press("p")
        assert app.machine.state.t == 1999


async def test_a_burst_of_mixed_keys_with_runs_in_it(press: Any, until: Any, same: Any) -> None:
    app = GDApp()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = ["n", "n", "p", "u", "n", "e", "p", "3", "n", "n"] * 50
        # The same keys, one at a time, on a machine of their own.
        machine = Machine()
        for key in keys:
            if key == "n":
                machine.advance()
            elif key == "p":
                machine.back()
            elif key == "u":
                machine.run_until(step_done(5))
            elif key == "e":
                machine.run_until(end_of_epoch(machine.state))
            else:
                machine.run_until(step_done(int(key)))
        await press(pilot, *keys)
        await until(pilot, lambda: app.machine.state.t == machine.state.t and len(app.workers) == 0, 30.0)
        await pilot.pause()
        assert same(app.machine.state, machine.state)


@pytest.mark.parametrize("dialog", ["question_mark", "b"])
async def test_resize_while_a_dialog_is_open(dialog: str, screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert "needs at least" in " ".join(screen(app).split())
        await pilot.press(dialog)
        await pilot.resize_terminal(80, 24)
        await pilot.press("escape")
        await pilot.pause()
        shown = screen(app)
        assert "needs at least" not in " ".join(shown.split())
        assert "Next: step 0" in shown


async def test_the_smallest_accepted_size_shows_every_parameter(keys: Any, screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=MIN_SIZE) as pilot:
        await keys(pilot, "n", "n", "n", "n", "n")
        shown = screen(app)
        assert "needs at least" not in shown
        for text in ("0.80119529", "0.04511107", "2.74215777", "-3.04481138", "lr 0.1", "epoch 1  batch 1/1  1 done"):
            assert text in shown, f"{text!r} is not on the screen at {MIN_SIZE[0]}x{MIN_SIZE[1]}"
