"""Every key in GDApp.BINDINGS, pressed through the pilot: the machine's state and what the screen shows."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from gd_tui.app import GDApp
from gd_tui.app.app import LR_LADDER
from gd_tui.app.widgets.chart_pane import TABS, ChartPane
from gd_tui.app.widgets.predictions import PredictionsTable
from gd_tui.engine import Config, Machine
from gd_tui.engine.breakpoints import Breakpoints, apart
from gd_tui.lessons import load_lesson

SIZE = (80, 24)
Text = Callable[[Any, str], str]

# Which test presses which key: a key added to BINDINGS without a test fails test_every_binding_has_a_test.
KEY_TESTS = {
    "n": "test_next_three_steps_show_the_trace_loss",
    "space": "test_space_and_right_step_like_n",
    "right": "test_space_and_right_step_like_n",
    "p": "test_back_undoes_exactly_one_step",
    "left": "test_left_steps_back_like_p",
    "u": "test_u_runs_to_the_end_of_the_update",
    "e": "test_e_completes_an_epoch",
    "c": "test_continue_stops_at_epoch_breakpoint",
    "escape": "test_continue_then_escape_pauses",
    **{str(k): "test_digits_run_until_that_step" for k in range(6)},
    "r": "test_r_resets_to_before_step_0",
    "plus": "test_lr_up_applies_from_the_next_update_and_back_works",
    "equals_sign": "test_equals_sign_is_lr_up",
    "minus": "test_lr_down_walks_the_ladder",
    "m": "test_m_cycles_batch_mini_batch_stochastic",
    "b": "test_dialogs.py::test_breakpoints_dialog_refuses_bad_values_and_applies_good_ones",
    "l": "test_l_toggles_log_scale",
    "t": "test_t_cycles_the_charts",
    "i": "test_dialogs.py::test_i_shows_the_lesson_note",
    "s": "test_step_into.py::test_s_steps_into_adam_line_by_line_and_back_undoes_a_line",
    "ctrl+s": "test_dialogs.py::test_ctrl_s_saves_the_session",
    "pagedown": "test_page_keys_scroll_the_predictions_table",
    "pageup": "test_page_keys_scroll_the_predictions_table",
    "g": "test_goto.py::test_g_runs_to_an_epoch_or_an_update",
    "z": "test_zoom.py::test_z_zooms_the_chart_to_18_rows_and_stepping_goes_on",
    "tab": "test_zoom.py::test_the_chart_has_focus_at_start_and_tab_visits_every_pane",
    "shift+tab": "test_zoom.py::test_the_chart_has_focus_at_start_and_tab_visits_every_pane",
    "question_mark": "test_dialogs.py::test_help_lists_every_binding",
    "f1": "test_dialogs.py::test_help_lists_every_binding",
    "q": "test_q_quits",
    "ctrl+c": "test_ctrl_c_quits",
}


def binding_keys() -> set[str]:
    return {key for binding in GDApp.BINDINGS for key in binding.key.split(",")}  # type: ignore[union-attr]


def test_every_binding_has_a_test() -> None:
    assert binding_keys() == set(KEY_TESTS)


def trace(steps: int) -> list[dict[str, Any]]:
    """What `gd-tui trace --steps K --json` prints, one dict per step."""
    out = subprocess.run(
        [sys.executable, "-m", "gd_tui", "trace", "--steps", str(steps), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


async def test_next_three_steps_show_the_trace_loss(keys: Any, pane: Text, screen: Callable[[Any], str]) -> None:
    expected = trace(3)[-1]
    assert expected["name"] == "loss"
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        assert app.machine.state.t == 0
        assert "—" in pane(app, "#loss")
        await keys(pilot, "n", "n", "n")
        await pilot.pause()
        state = app.machine.state
        assert (state.t, state.last_step, state.cursor) == (3, 2, 3)
        assert state.loss == expected["loss"]
        assert f"{expected['loss']:.8f}" == "2.74215777"
        assert "loss     2.74215777" in pane(app, "#loss")
        assert "2.74215777" in screen(app)
        # b and w as step 0 drew them, to the book's 8 decimals.
        params = pane(app, "#params")
        assert f"{expected['b']:.8f}" in params and f"{expected['w']:.8f}" in params
        assert "Next: step 3, gradients" in pane(app, "#next")


async def test_space_and_right_step_like_n(keys: Any, reference: Callable[[int], Machine], same: Any) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "space", "right", "space", "right")
        await pilot.pause()
        assert same(app.machine.state, reference(4).state)


@pytest.mark.parametrize("presses", [1, 6, 8])
async def test_back_undoes_exactly_one_step(
    keys: Any, presses: int, reference: Callable[[int], Machine], same: Any, pane: Text
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, *["n"] * presses)
        await pilot.pause()
        await keys(pilot, "p")
        await pilot.pause()
        expected = reference(presses - 1).state
        assert same(app.machine.state, expected)
        assert app.machine.state.t == presses - 1
        assert f"Next: step {expected.cursor}," in pane(app, "#next")
        # Forward again lands on the same bits.
        await keys(pilot, "n")
        await pilot.pause()
        assert same(app.machine.state, reference(presses).state)


async def test_back_at_the_start_says_so(keys: Any, pane: Text) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "p")
        await pilot.pause()
        assert app.machine.state.t == 0
        assert "Already at the start" in pane(app, "#next")


async def test_left_steps_back_like_p(keys: Any, reference: Callable[[int], Machine], same: Any) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "n", "n", "n", "n", "left", "left")
        await pilot.pause()
        assert same(app.machine.state, reference(2).state)


async def test_u_runs_to_the_end_of_the_update(
    keys: Any, idle: Any, reference: Callable[[int], Machine], same: Any, pane: Text
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "u")
        await idle(pilot)
        state = app.machine.state
        assert (state.last_step, state.cursor, state.update, state.t) == (5, 1, 1, 6)
        assert same(state, reference(6).state)
        # From mid-update, u goes on to step 5 of the same update.
        await keys(pilot, "n", "n", "u")
        await idle(pilot)
        state = app.machine.state
        assert (state.last_step, state.update, state.t) == (5, 2, 11)
        assert "2 updates done" in pane(app, "#params")
        assert "Next: step 1, forward" in pane(app, "#next")


async def test_e_completes_an_epoch(
    keys: Any, idle: Any, reference: Callable[[int, Config], Machine], same: Any, pane: Text
) -> None:
    config = Config(batch_size=16)  # 5 updates per epoch: e has to cross batches
    app = GDApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "n", "n")
        await pilot.pause()
        await keys(pilot, "e")
        await idle(pilot)
        state = app.machine.state
        assert (state.epoch, state.update, state.last_step, state.cursor) == (1, 5, 5, 1)
        assert state.t == 1 + 5 * 5
        assert same(state, reference(26, config).state)
        assert state.val_loss is not None
        assert f"{state.val_loss:.8f}" in pane(app, "#loss")
        assert "epoch 2 · batch 1/5 · 5 updates done" in pane(app, "#params")  # one epoch done: the second begins
        await keys(pilot, "e")
        await idle(pilot)
        assert (app.machine.state.epoch, app.machine.state.update) == (2, 10)


async def test_digits_run_until_that_step(
    keys: Any, idle: Any, reference: Callable[[int], Machine], same: Any, pane: Text
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        # (key, t after it): each digit runs until that step has just executed, crossing updates if needed.
        for digit, t in (("0", 1), ("3", 4), ("5", 6), ("2", 8), ("1", 12), ("4", 15), ("4", 20)):
            await keys(pilot, digit)
            await idle(pilot)
            state = app.machine.state
            assert (state.last_step, state.t) == (int(digit), t), f"after {digit}"
            assert same(state, reference(t).state)
        assert f"Next: step {app.machine.state.cursor}," in pane(app, "#next")


async def test_digit_0_after_initialize_does_not_run_for_ever(press: Any) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        await press(pilot, "0")
        await pilot.pause(0.2)
        first = app.machine.state.t
        await pilot.pause(0.2)
        second = app.machine.state.t
        await press(pilot, "escape")
        await pilot.pause()
        assert second == first, "the run toward a second step 0 is still going"


async def test_continue_stops_at_epoch_breakpoint(idle: Any, pane: Text, reference: Any, same: Any) -> None:
    app = GDApp(breakpoints=Breakpoints(epoch_reached=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await idle(pilot)
        state = app.machine.state
        assert (state.epoch, state.last_step, state.cursor) == (3, 5, 1)
        assert state.t == 1 + 3 * 5
        assert same(state, reference(16).state)
        assert "Breakpoint: 3 epochs done." in pane(app, "#next")
        # c again goes on from there: the breakpoint held once, at the end of epoch 3; with none
        # left that can hold, continue stops where the run converges.
        await pilot.press("c")
        await idle(pilot)
        assert app.machine.state.epoch > 100 and "Converged" in pane(app, "#next")


async def test_continue_stops_where_the_loss_went_up(idle: Any, pane: Text) -> None:
    lesson = load_lesson("lr-too-high")
    app = GDApp(lesson=lesson, show_lesson=False)
    async with app.run_test(size=SIZE) as pilot:
        assert app.machine.state.lr == 1.1
        await pilot.press("c")
        await idle(pilot)
        state = app.machine.state
        previous = float(app.machine.history.update_loss.values[-1])
        # The first loss of the second update is above the first update's: the breakpoint stops there.
        assert (state.update, state.last_step, state.t) == (1, 2, 8)
        assert state.loss is not None and state.loss > previous
        line = pane(app, "#next")
        assert f"Breakpoint: loss went up: {apart(previous, state.loss)} → {apart(state.loss, previous)}." in line
        assert f"{state.loss:.8f}" in pane(app, "#loss")


async def test_continue_then_escape_pauses(until: Any, press: Any, pane: Text) -> None:
    # No breakpoint: only convergence or divergence stops it, and at lr 0.001 convergence is far off.
    app = GDApp(Config(lr=0.001), breakpoints=Breakpoints())
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        await pilot.pause(0.2)
        await until(pilot, lambda: app.machine.state.epoch > 2)
        running_t = app.machine.state.t
        await pilot.pause(0.1)
        assert app.machine.state.t > running_t, "the run should still be going"
        assert "Running… (c or escape pauses)" in pane(app, "#next")
        await press(pilot, "escape")
        stopped_t = app.machine.state.t
        await pilot.pause(0.2)
        assert app.machine.state.t == stopped_t, "escape should stop the run"
        await pilot.pause()
        assert "Paused." in pane(app, "#next")
        assert f"epoch {app.machine.state.epoch + 1} " in pane(app, "#params")  # the epoch in progress
        # The paused run steps on with n like any other position.
        await pilot.press("n")
        assert app.machine.state.t == stopped_t + 1


async def test_c_twice_pauses(until: Any, press: Any, pane: Text) -> None:
    app = GDApp(Config(lr=0.001), breakpoints=Breakpoints())  # far from convergence: the run is still going
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        await until(pilot, lambda: app.machine.state.epoch > 2)
        await press(pilot, "c")
        stopped_t = app.machine.state.t
        await pilot.pause(0.2)
        assert app.machine.state.t == stopped_t
        await pilot.pause()
        assert "Paused." in pane(app, "#next")


async def test_diverged_run_shows_the_banner(idle: Any, pane: Text, screen: Any) -> None:
    app = GDApp(Config(lr=50.0), breakpoints=Breakpoints())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await idle(pilot)
        state = app.machine.state
        assert state.diverged_at is not None
        _epoch, _update, step = state.diverged_at
        banner = pane(app, "#next")
        assert banner.startswith("DIVERGED") and f"step {step}" in banner
        assert "lr 50 is above the largest stable rate" in banner
        assert "DIVERGED" in screen(app)
        # c refuses to go on from a diverged state.
        t = state.t
        await pilot.press("c")
        await idle(pilot)
        assert app.machine.state.t == t
        # p steps back out of the divergence and the banner goes.
        while app.machine.state.diverged:
            await pilot.press("p")
        await pilot.pause()
        assert "DIVERGED" not in pane(app, "#next")
        assert "DIVERGED" not in screen(app)


async def test_r_resets_to_before_step_0(
    keys: Any, idle: Any, pane: Text, reference: Callable[[int], Machine], same: Any
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "e", "n", "n")
        await idle(pilot)
        assert app.machine.state.t > 0
        await keys(pilot, "r")
        await pilot.pause()
        state = app.machine.state
        assert (state.t, state.cursor, state.epoch, state.update) == (0, 0, 0, 0)
        assert same(state, reference(0).state)
        assert len(app.machine.history.update_loss) == 0
        assert "Reset: back to before step 0." in pane(app, "#next")
        assert "Next: step 0, initialize" in pane(app, "#next")
        assert "loss     —" in pane(app, "#loss")


async def test_lr_up_applies_from_the_next_update_and_back_works(
    keys: Any, pane: Text, reference: Any, same: Any
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "n", "n", "n", "n")  # cursor on step 4, the update
        await pilot.pause()
        before = reference(4).state
        await keys(pilot, "plus")
        await pilot.pause()
        assert app.machine.state.lr == 0.2
        assert "Learning rate 0.2 from the next update on." in pane(app, "#next")
        assert "lr 0.2" in pane(app, "#params")
        await keys(pilot, "n")  # the update runs with the new rate
        await pilot.pause()
        state = app.machine.state
        assert np.array_equal(state.b, before.b - 0.2 * before.b_grad)
        assert np.array_equal(state.w, before.w - 0.2 * before.w_grad)
        # Back undoes the update; forward again gives the same bits with the new lr kept.
        await keys(pilot, "p")
        await pilot.pause()
        assert app.machine.state.t == 4
        assert app.machine.state.lr == 0.2
        assert np.array_equal(app.machine.state.b, before.b)
        await keys(pilot, "n")
        await pilot.pause()
        assert np.array_equal(app.machine.state.b, state.b)
        # Going back past the change restores the old rate: the change was recorded at t = 4.
        await keys(pilot, "p", "p", "p")
        await pilot.pause()
        assert app.machine.state.t == 2
        await keys(pilot, "n", "n", "n")
        await pilot.pause()
        assert np.array_equal(app.machine.state.b, state.b)
        expected = Machine()
        expected.goto(4)
        expected.set_lr(0.2)
        expected.goto(5)
        assert same(app.machine.state, expected.state)


async def test_equals_sign_is_lr_up(keys: Any, pane: Text) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "equals_sign")
        await pilot.pause()
        assert app.machine.state.lr == 0.2
        await keys(pilot, "equals_sign")
        await pilot.pause()
        assert app.machine.state.lr == 0.5
        assert "lr 0.5" in pane(app, "#params")


async def test_lr_down_walks_the_ladder(keys: Any, pane: Text) -> None:
    app = GDApp(Config(lr=0.02))
    async with app.run_test(size=SIZE) as pilot:
        seen = []
        for _ in range(4):
            await keys(pilot, "minus")
            seen.append(app.machine.state.lr)
        assert seen == [0.01, 0.005, 0.001, 0.001]
        await pilot.pause()
        assert "lr 0.001 is the bottom of the ladder." in pane(app, "#next")
        assert "lr 0.001 " in pane(app, "#params")


async def test_lr_up_stops_at_the_top_of_the_ladder(keys: Any, pane: Text) -> None:
    app = GDApp(Config(lr=2.0))
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "plus", "plus")
        await pilot.pause()
        assert app.machine.state.lr == LR_LADDER[-1] == 5.0
        assert "lr 5 is the top of the ladder." in pane(app, "#next")


async def test_m_cycles_batch_mini_batch_stochastic(keys: Any, pane: Text, idle: Any) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        assert (app.machine.state.batch_size, app.machine.mode) == (80, "batch")
        shown = []
        for _ in range(3):
            await keys(pilot, "m")
            await pilot.pause()
            shown.append((app.machine.state.batch_size, app.machine.mode))
            assert f"batch {app.machine.state.batch_size} ({app.machine.mode})" in pane(app, "#params")
        assert shown == [(16, "mini-batch"), (1, "stochastic"), (80, "batch")]
        # A mini-batch epoch is 5 updates of 16 points.
        await keys(pilot, "m", "e")
        await idle(pilot)
        state = app.machine.state
        assert (state.epoch, state.update) == (1, 5)
        assert "batch 1/5" in pane(app, "#params")


async def test_l_toggles_log_scale(screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e", "e", "e")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.view.log_scale is False
        assert "log10 loss" not in screen(app)
        await pilot.press("l")
        await pilot.pause()
        assert app.view.log_scale is True
        assert "log10 loss" in screen(app)
        await pilot.press("l")
        await pilot.pause()
        assert app.view.log_scale is False
        assert "log10 loss" not in screen(app)


async def test_t_cycles_the_charts(pane: Text, screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        chart = app.query_one(ChartPane)
        expected = [title for _, title, _ in TABS]
        assert f"━{expected[0]}  t: next chart━" in screen(app)  # the focused pane's heavy line
        for title in [*expected[1:], expected[0]]:
            await pilot.press("t")
            await pilot.pause()
            assert f"━{title}  t: next chart━" in screen(app)
            assert f"Chart: {title}." in pane(app, "#next")
        assert chart.current == TABS[0][0]


async def test_page_keys_scroll_the_predictions_table(screen: Callable[[Any], str]) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        await pilot.pause()
        table = app.query_one(PredictionsTable)
        assert table.top == 0
        await pilot.press("pagedown")
        await pilot.pause()
        down = table.top
        assert down > 0
        rows = app.machine.batch_rows()
        first_visible = int(rows[int(down)])
        assert any(line.lstrip().startswith(f"{first_visible} ") for line in _right_column(screen(app)))
        await pilot.press("pageup")
        await pilot.pause()
        assert table.top == 0


def _right_column(text: str) -> list[str]:
    """The right half of the 80-column screen, where the predictions table sits."""
    return [line[42:] for line in text.splitlines()]


async def test_q_quits() -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_ctrl_c_quits() -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_ctrl_c_quits_during_a_long_run(press: Any) -> None:
    app = GDApp(breakpoints=Breakpoints())
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        await pilot.pause(0.1)
        assert app.machine.state.t > 0
        await press(pilot, "ctrl+c")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_a_key_right_after_c_leaves_no_unawaited_run(press: Any) -> None:
    app = GDApp(breakpoints=Breakpoints())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "c", "n")  # n arrives before the run's worker has started
            await pilot.pause()
            assert app.machine.state.t > 1
        gc.collect()
    assert not [str(w.message) for w in caught if "never awaited" in str(w.message)]


async def test_mode_change_mid_update_applies_from_the_next_batch_and_back_works(
    keys: Any, same: Any, pane: Text
) -> None:
    app = GDApp()
    expected = Machine()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "n", "n", "n", "m")  # the loss of the full batch is computed; then mini-batch
        expected.goto(3)
        expected.set_batch_size(16)
        assert "Batch size 16 (mini-batch) from the next batch on." in pane(app, "#next")
        assert len(app.machine.state.x_batch) == 80  # type: ignore[arg-type]
        await keys(pilot, "n", "n", "n")  # gradients and update on all 80 points, then the epoch ends
        expected.goto(6)
        state = app.machine.state
        assert same(state, expected.state)
        assert (state.epoch, state.update, len(state.x_batch)) == (1, 1, 16)  # type: ignore[arg-type]
        assert "batch 1/5" in pane(app, "#params")
        after = [state.b.copy(), state.w.copy()]  # type: ignore[union-attr]
        await keys(pilot, "p", "p", "p")
        assert app.machine.state.t == 3
        assert len(app.machine.state.x_batch) == 80  # type: ignore[arg-type]
        await keys(pilot, "n", "n", "n")
        assert [app.machine.state.b, app.machine.state.w] == after
        assert same(app.machine.state, state)


async def test_continue_stops_at_the_step_limit_a_session_can_record(
    monkeypatch: pytest.MonkeyPatch, until: Any, pane: Text
) -> None:
    import gd_tui.app.runner as runner

    monkeypatch.setattr(runner, "MAX_T", 500)  # 10^9 in earnest: hours of running
    app = GDApp(Config(lr=0.001), breakpoints=Breakpoints())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await until(pilot, lambda: not app._run_active)
        await pilot.pause()
        assert app.machine.state.t == 500
        assert "Stopped at the step limit (500 steps)" in pane(app, "#next")
