"""What each pane shows after each step: the engine's numbers, to the book's decimals, changes marked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rich.text import Text as RichText

from gd_tui.app import GDApp
from gd_tui.app.format import short
from gd_tui.engine import Config, Machine
from gd_tui.engine.steps import STEP_NAMES

SIZE = (80, 24)
Text = Callable[[Any, str], str]
STEP_FUNCTIONS = ("initialize", "forward", "loss", "gradients", "update", "repeat")


def marked(app: Any, selector: str) -> list[str]:
    """The pieces of a pane drawn in reverse video: the values that changed in the last step."""
    content = RichText("\n").join(app.query_one(selector).rich_lines)
    return [content.plain[span.start : span.end].strip() for span in content.spans if "reverse" in str(span.style)]


async def test_loss_gradients_and_parameters_after_each_step(keys: Any, pane: Text, reference: Any) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "n", "n", "n")
        state = reference(3).state
        assert "loss     2.74215777" in pane(app, "#loss")
        assert marked(app, "#loss") == ["2.74215777"]
        assert "b_grad = 2·mean(error)   —" in pane(app, "#gradients")

        await keys(pilot, "n")  # step 3: gradients
        state = reference(4).state
        gradients = pane(app, "#gradients")
        assert f"b_grad = 2·mean(error)   {state.b_grad:.8f}" in gradients
        assert f"w_grad = 2·mean(x·error) {state.w_grad:.8f}" in gradients
        assert "-3.04481138" in gradients and "-1.83375372" in gradients  # the book's gradients
        assert gradients.splitlines()[-1].endswith("✓")  # the finite-difference check agrees
        assert marked(app, "#gradients") == [f"{state.b_grad:.8f}", f"{state.w_grad:.8f}"]
        assert marked(app, "#loss") == []  # nothing changed there in this step

        await keys(pilot, "n")  # step 4: update
        params = pane(app, "#params")
        assert "b   0.80119529  Δ +0.30448114" in params  # the book's b after the first update
        assert "w   0.04511107  Δ +0.18337537" in params
        assert marked(app, "#params")[:2] == ["0.80119529", "0.04511107"]
        assert "true   b 1.0000  w 2.0000" in params
        assert "lstsq  b 1.0235  w 1.9690" in params
        assert "stable below lr ≈ 0.806" in params
        assert "epoch 1 · batch 1/1 · 1 update done" in params

        await keys(pilot, "n")  # step 5: the epoch ends, the validation loss is computed
        state = reference(6).state
        assert f"epoch 1 val loss   {state.val_loss:.8f}" in pane(app, "#loss")
        assert f"{state.val_loss:.8f}" in marked(app, "#loss")


@pytest.mark.parametrize("t", range(8))
async def test_source_arrow_marks_the_next_step_and_the_tick_the_last(t: int, keys: Any) -> None:
    app = GDApp()
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, *["n"] * t)
        state = app.machine.state
        lines = [line for line in app.query_one("#source").text.splitlines() if line]
        arrowed = [line for line in lines if "▶" in line[:4]]
        assert any(f"def {STEP_FUNCTIONS[state.cursor]}(" in line for line in arrowed)
        for other in set(STEP_FUNCTIONS) - {STEP_FUNCTIONS[state.cursor]}:
            assert not any(f"def {other}(" in line for line in arrowed)
        ticked = [line for line in lines if "✓" in line[:4]]
        if state.last_step is None:
            assert ticked == []
        else:
            assert ticked, f"no line marked as just run after {STEP_NAMES[state.last_step]}"


async def test_predictions_table_shows_the_batch_in_its_order(keys: Any, screen: Callable[[Any], str]) -> None:
    app = GDApp(Config(batch_size=16))
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "n", "n", "n")  # forward and loss: ŷ and error are filled in
        machine: Machine = app.machine
        state = machine.state
        rows = machine.batch_rows()
        assert state.yhat is not None and state.error is not None
        lines = [line[42:] for line in screen(app).splitlines()]
        header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["i", "x"])
        names = lines[header].split()
        assert names[0] == "i" and "x·error" in names  # the quantity behind w_grad always shows
        values = {"x": state.x_batch, "y": state.y_batch, "ŷ": state.yhat, "error": state.error}
        for k in range(3):
            cells = dict(zip(names, lines[header + 1 + k].split(), strict=True))
            assert cells["i"] == str(rows[k])
            for name, column in values.items():
                if name in cells:
                    assert cells[name] == short(float(column[k, 0])), name  # type: ignore[index]
            assert cells["x·error"] == "·"  # computed at step 3
        assert "─Predictions  rows 1–4 of 16 · batch" in screen(app)


async def test_the_column_a_step_just_filled_in_always_shows(keys: Any, screen: Callable[[Any], str]) -> None:
    # Mini-batch at 80x24: the numbers are wide, and ŷ (the first to give way) had vanished
    # at the one step that computes it. Columns not computed yet give way first.
    app = GDApp(Config(batch_size=16))
    async with app.run_test(size=SIZE) as pilot:
        for press, fresh in (("n", None), ("n", "ŷ"), ("n", "error"), ("n", "x·error")):
            await keys(pilot, press)
            lines = [line[42:] for line in screen(app).splitlines()]
            header = next(line.split() for line in lines if line.split()[:2] == ["i", "x"])
            assert "x·error" in header
            if fresh is not None:
                assert fresh in header, (fresh, header)
