"""Divergence in the app at extreme learning rates, on raw and bad features, with warnings as errors.

Every case runs with `warnings.simplefilter("error")`, so a NumPy (or any other) warning
anywhere in the engine or the panes fails the test, and checks that nothing at all
reached the terminal's file descriptors. The run diverges on `c`; the banner says where;
every chart draws the overflowed history; `c` and `e` refuse to go on; `p` steps back to the
last finite state (and `n` diverges again at the same place, bit for bit); `-` lowers the
learning rate; `r` resets, and from there the run converges.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from gd_tui.app import GDApp
from gd_tui.app.app import LR_LADDER
from gd_tui.app.widgets.chart_pane import TABS
from gd_tui.engine import Config, Machine
from gd_tui.engine.breakpoints import Breakpoints

SIZE = (80, 24)
Text = Callable[[Any, str], str]
CASES = [(feature, lr) for feature in ("raw", "bad") for lr in (2.0, 10.0, 100.0)]


@pytest.fixture
def warnings_are_errors() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="warn"):  # NumPy's own default, whatever a plugin set
            yield


def diverged_reference(config: Config) -> Machine:
    """A plain machine run until it diverges: where the app must stop."""
    machine = Machine(config)
    assert machine.run_until(lambda state: False, max_steps=10**6) == "diverged"
    return machine


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize(("feature", "lr"), CASES, ids=[f"{f}-lr{lr:g}" for f, lr in CASES])
async def test_diverges_says_so_and_p_minus_r_recover(
    feature: str,
    lr: float,
    capfd: pytest.CaptureFixture[str],
    pane: Text,
    idle: Any,
    same: Callable[[Any, Any], bool],
) -> None:
    config = Config(lr=lr, feature=feature)
    expected = diverged_reference(config)
    epoch, update, step = expected.state.diverged_at  # type: ignore[misc]
    # The epoch breakpoint lies beyond the divergence: c stops there, not at the epoch.
    app = GDApp(config, breakpoints=Breakpoints(epoch_reached=10**6))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await idle(pilot)
        state = app.machine.state
        assert state.diverged_at == (epoch, update, step)
        assert same(state, expected.state)
        banner = " ".join(pane(app, "#next").split())
        # Counted from 1, as people count; step 5 closes the update step 4 already counted.
        number = update if step == 5 else update + 1
        assert banner.startswith(f"DIVERGED in update {number} (epoch {epoch + 1}), step {step} "), banner
        assert f"lr {lr:g} is above the largest stable rate" in banner
        assert "Press p to step back, - to lower lr, r to reset." in banner
        # Overflowed numbers are shown as numbers, never as a crash.
        shown = pane(app, "#params") + pane(app, "#loss") + pane(app, "#gradients")
        assert re.search(r"\binf\b|\bnan\b|e\+\d{3}", shown), shown

        # c and e refuse to run on from a diverged state; the banner stays and says what to do.
        for key in ("c", "e"):
            await pilot.press(key)
            await idle(pilot)
            assert app.machine.state.t == state.t
            assert " ".join(pane(app, "#next").split()) == banner

        # p: back to the last finite state; the banner goes.
        await pilot.press("p")
        back = app.machine.state
        assert not back.diverged and back.t == state.t - 1
        before = Machine(config)
        before.goto(state.t - 1)
        assert same(back, before.state)
        assert "DIVERGED" not in pane(app, "#next")
        # ... and forward again diverges at the same step, bit for bit.
        await pilot.press("n")
        assert app.machine.state.diverged_at == (epoch, update, step)
        assert same(app.machine.state, expected.state)
        await pilot.press("p")

        # -: one rung down the ladder per press, until below the largest stable rate (with a margin).
        limit = app.view.reference.stability.critical_lr
        await pilot.press("minus")
        assert app.machine.state.lr == max(rung for rung in LR_LADDER if rung < lr)
        assert f"Learning rate {app.machine.state.lr:g} from the next update on." in pane(app, "#next")
        while app.machine.state.lr >= limit / 2:
            app.action_lr_down()  # the same action, without a key's round trip each time
        await pilot.pause()

        # r: before step 0, keeping the lowered rate; from there the run converges.
        await pilot.press("r")
        low = app.machine.state.lr
        assert (app.machine.state.t, app.machine.state.diverged) == (0, False)
        assert low < limit / 2
        assert "DIVERGED" not in pane(app, "#next")
        app.view.breakpoints = Breakpoints(epoch_reached=100)
        await pilot.press("c")
        await idle(pilot)
        state = app.machine.state
        assert (state.epoch, state.diverged) == (100, False)
        losses = app.machine.history.epoch_loss.values
        assert np.all(np.isfinite(losses))
        assert losses[-1] < losses[0] / 5
        assert np.all(np.diff(losses) <= 0), "batch descent below the stable rate lowers the loss every epoch"
        reference = Machine(config.with_changes(lr=low))
        reference.run_until(lambda s: s.epoch == 100 and s.last_step == 5)
        assert same(state, reference.state)
        ols_b, ols_w = app.view.reference.least_squares  # type: ignore[misc]
        start_b, start_w = app.machine.history.path.values[0]
        assert math.hypot(state.b[0] - ols_b, state.w[0] - ols_w) < math.hypot(start_b - ols_b, start_w - ols_w) / 2  # type: ignore[index]
        assert "DIVERGED" not in pane(app, "#next")

    out, err = capfd.readouterr()
    assert out == "" and err == "", (out, err)


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize("feature", ["raw", "bad"])
async def test_every_chart_draws_a_diverged_history(
    feature: str, capfd: pytest.CaptureFixture[str], idle: Any, pane: Text
) -> None:
    """Overflowed losses and (b, w) in every chart, linear and log scale: no warning, no crash."""
    app = GDApp(Config(lr=100.0, feature=feature, batch_size=16))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("c")
        await idle(pilot)
        t = app.machine.state.t
        assert app.machine.state.diverged
        for _ in TABS:
            await pilot.press("t")
            await pilot.press("l")
            await pilot.press("l")
        await pilot.press("p")  # and back on the finite side of the overflow
        await pilot.press("l")
        assert app.machine.state.t == t - 1
        assert "DIVERGED" not in pane(app, "#next")
    out, err = capfd.readouterr()
    assert out == "" and err == "", (out, err)
