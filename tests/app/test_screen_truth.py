"""The screen never lies: the nine stale or impossible screens found at 80x24, one test each.

Each test presses the keys that showed the bug and checks what a learner reads: the
number on screen against the engine, and the whole screen against a new app resumed
from the same session (a resumed app has nothing left over to show).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from gd_tui.app import GDApp
from gd_tui.cli import main
from gd_tui.engine import Config, steps
from gd_tui.engine.breakpoints import Breakpoints

SIZE = (80, 24)
Keys = Callable[..., Awaitable[None]]


async def resumed_screen(app: GDApp, screen: Callable[[Any], str]) -> str:
    fresh = GDApp(session=app.session())
    async with fresh.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fresh.view.message = app.view.message
        fresh.show_state()
        await pilot.pause()
        return screen(fresh)


def batch_notes(text: str) -> set[tuple[int, int]]:
    """(k, K) of every 'batch k/K' on screen."""
    return {(int(k), int(total)) for k, total in re.findall(r"batch (\d+)/(\d+)", text)}


async def test_1_the_gradient_check_belongs_to_the_batch_on_screen(
    keys: Keys, pane: Callable[[Any, str], str], screen: Callable[[Any], str]
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, *"nnnnrmnnnn")
        gradients = pane(app, "#gradients")
        assert "✓" in gradients and "✗" not in gradients, gradients
        assert screen(app) == await resumed_screen(app, screen)


async def test_2_the_table_title_follows_a_batch_size_change_before_step_1(
    keys: Keys, screen: Callable[[Any], str]
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, *"nnnnrm", "r", "0", "m")
        shown = screen(app)
        assert app.machine.state.batch_size == 1 and len(app.machine.state.x_batch) == 1  # type: ignore[arg-type]
        assert "for the 1 point of" in shown.replace("\n", " ")
        assert "row 1 of 1" in shown and "16 rows" not in shown
        assert shown == await resumed_screen(app, screen)


async def test_3_batch_k_of_k_never_exceeds_and_the_epoch_ends_when_every_point_is_used(
    keys: Keys, screen: Callable[[Any], str]
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        pressed = "mnnnnnmnnnnmnn"
        for key in pressed:
            await keys(pilot, key)
            notes = batch_notes(" ".join(screen(app).split()))
            assert notes and all(k <= total for k, total in notes), (key, notes)
            assert len({total for _, total in notes}) == 1, notes  # one count of the epoch's batches
        state = app.machine.state
        # 16 rows, then 1, then the 63 left at the full size: three batches, and the epoch ends with them.
        assert (state.batch, len(state.x_batch), app.machine.batch_position()) == (2, 63, (3, 3))  # type: ignore[arg-type]
        assert app.machine.epoch_ends_with_batch()
        await keys(pilot, *"nnnnn")  # steps 1 to 5: the epoch ends
        assert (app.machine.state.epoch, app.machine.history.epoch_end.values.tolist()) == (1, [3.0])


async def test_4_validation_points_sit_at_the_update_that_ended_their_epoch(keys: Keys) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        for key in "eeeeemme":  # each run to its end before the next key
            await keys(pilot, key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        machine = app.machine
        ends = machine.history.epoch_end.values
        assert ends.tolist() == [1, 2, 3, 4, 5, 5 + 80]  # five batch epochs, then one stochastic
        chart = app.query_one("#loss-history")
        last_tick = max(int(t) for t in re.findall(r"\b\d+\b", chart.text.splitlines()[-1]))
        assert last_tick <= machine.state.update == 85


async def test_5_one_count_on_screen_in_messages_and_json(
    keys: Keys, pane: Callable[[Any, str], str], capsys: Any
) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, *"nnnnn")  # after step 4: the first epoch's first update is done
        params, sentence = pane(app, "#params"), pane(app, "#next")
        assert "epoch 1 · batch 1/1 · 1 update done" in params
        assert "batch 1/1 of epoch 1" in sentence
    diverging = GDApp(Config(lr=1.1), breakpoints=Breakpoints())
    async with diverging.run_test(size=SIZE) as pilot:
        await keys(pilot, "c")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        epoch, update, _ = diverging.machine.state.diverged_in  # type: ignore[misc]
        assert f"DIVERGED in update {update} (epoch {epoch})" in pane(diverging, "#next")
        # The parameters pane counts the same epoch, and the updates finished before it.
        assert f"epoch {epoch} " in pane(diverging, "#params")
        assert f"{update - 1} " in pane(diverging, "#params")
    assert main(["trace", "--steps", "6", "--json"]) == 0
    last = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (last["epoch"], last["batch"], last["batches"], last["epochs_done"], last["updates_done"]) == (2, 1, 1, 1, 1)


async def test_6_a_breakpoint_message_shows_the_digits_that_make_it_true(
    keys: Keys, pane: Callable[[Any, str], str]
) -> None:
    app = GDApp(breakpoints=Breakpoints(grad_below=0.001))
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "c")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        line = " ".join(pane(app, "#next").split())
        shown = float(re.search(r"gradient size (\S+) is below 0.001", line).group(1))  # type: ignore[union-attr]
        assert shown < 0.001, line


async def test_7_one_arrow_and_the_tick_stays_on_the_page(keys: Keys, pane: Callable[[Any, str], str]) -> None:
    app = GDApp(Config(batch_size=16))
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, *"nnnnn")  # cursor on step 5 of batch 1 of 5: the epoch goes on
        source = app.query_one("#source")
        assert "".join(line.plain for line in source.rich_lines).count("▶") == 1
        assert "▶def repeat" in pane(app, "#source") and "▶def validation_loss" not in source.text
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        for step in range(6):
            await keys(pilot, "n")
            await pilot.pause()
            shown = "\n".join(line.plain for line in app.query_one("#source").rich_lines)
            if step < 5:  # after step 5 the arrow goes back to the top: repeat's ✓ is a page away
                assert f"✓def {steps.STEP_NAMES[step]}" in shown, (step, shown)
            assert "▶" in shown


def test_8_the_source_pane_shows_steps_py_verbatim() -> None:
    from gd_tui.app.widgets.source import source_lines

    file_lines = inspect.getsource(steps).splitlines()
    for line in source_lines():
        assert line.code == file_lines[line.number - 1], line


async def test_9_the_cross_sections_slope_is_labelled_apart_from_step_3s_gradient(keys: Keys) -> None:
    app = GDApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await keys(pilot, *"nnnnn", "t", "t", "t")
        chart = app.query_one("#cross-sections")
        assert "slope now" in chart.text and "∂L/∂" not in chart.text
