"""`g` runs to an epoch or an update; `c` with no breakpoint set stops once the run has converged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gd_tui.app import GDApp
from gd_tui.app.runner import converged
from gd_tui.app.screens.prompt import PromptScreen
from gd_tui.engine import Config, Machine
from gd_tui.engine.breakpoints import Breakpoints

SIZE = (80, 24)
Text = Callable[[Any, str], str]


@pytest.mark.parametrize(("typed", "epoch", "update"), [("30", 30, 30), ("u12", 12, 12), ("U 7", 7, 7)])
async def test_g_runs_to_an_epoch_or_an_update(typed: str, epoch: int, update: int, idle: Any, submit: Any) -> None:
    app = GDApp(breakpoints=Breakpoints(epoch_reached=2))  # g runs past breakpoints, to its target
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        assert isinstance(app.screen, PromptScreen)
        await submit(pilot, "#value", typed)
        await idle(pilot)
        state = app.machine.state
        assert (state.epoch, state.update, state.last_step) == (epoch, update, 5)
        params = " ".join(app.query_one("#params").text.split("\n"))  # type: ignore[attr-defined]
        assert f"epoch {epoch + 1}" in params and f" {update} " in params  # in progress, and done


async def test_g_mini_batch_update(idle: Any, submit: Any) -> None:
    app = GDApp(Config(batch_size=16))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await submit(pilot, "#value", "u12")
        await idle(pilot)
        state = app.machine.state
        assert (state.epoch, state.update, state.last_step, state.batch) == (2, 12, 5, 2)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "go to: type an epoch such as 1000, or u and an update such as u250 (got 'abc')"),
        ("-3", "go to: type an epoch such as 1000"),
        ("0", "go to: epoch 0 is done already (0 epochs done); r resets"),
        ("u0", "go to: update 0 is done already (0 updates done); r resets"),
        # Python's int() refuses 4300+ digits in its own words; the limits' table says what is allowed.
        ("9" * 5000, "go to: the epoch is too large (got a number of 5000 digits); the largest allowed is 10000000"),
        ("u" + "9" * 5000, "go to: the update is too large (got a number of 5000 digits); the largest allowed is"),
        ("10000001", "go to: the epoch is too large (got 10000001); the largest allowed is 10000000"),
    ],
)
async def test_g_refuses_what_it_cannot_reach(typed: str, message: str, submit: Any) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await submit(pilot, "#value", typed)
        assert isinstance(app.screen, PromptScreen)
        assert message in str(app.screen.query_one("#error").render())
        assert app.machine.state.t == 0


async def test_g_to_a_far_epoch_shows_progress_and_pauses(until: Any, press: Any, pane: Text, submit: Any) -> None:
    app = GDApp(Config(batch_size=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await submit(pilot, "#value", "100000")
        await until(pilot, lambda: app.machine.state.epoch > 1)
        assert "Running to epoch 100000… (escape stops)" in pane(app, "#next")
        await press(pilot, "escape")
        stopped = app.machine.state.t
        await pilot.pause(0.2)
        assert app.machine.state.t == stopped
        assert "Paused." in pane(app, "#next")


async def test_c_with_no_breakpoint_stops_once_converged_and_says_why(idle: Any, pane: Text) -> None:
    app = GDApp(breakpoints=Breakpoints())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await idle(pilot)
        state = app.machine.state
        assert not state.diverged and state.last_step == 5
        message = pane(app, "#next")
        assert "Converged: the epoch's mean loss" in message and "changed by less than 1e-12" in message
        losses = app.machine.history.epoch_loss.values
        assert abs(losses[-1] - losses[-2]) <= 1e-12 * losses[-2]
        assert abs(losses[-2] - losses[-3]) > 1e-12 * losses[-3], "it should stop at the first such epoch"


def test_a_single_point_run_converges_when_its_loss_makes_no_new_low() -> None:
    machine = Machine(Config(batch_size=1))
    machine.run_until(lambda state: converged(machine) is not None or state.epoch > 2000)
    why = converged(machine)
    assert why is not None and "has not gone below" in why
    losses = machine.history.epoch_loss.values
    assert losses[-100:].min() >= losses[:-100].min()
