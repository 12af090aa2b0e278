"""s steps into step 4: the optimizer's update one line per press, ▶ on the line that runs next."""

from __future__ import annotations

from typing import Any

import numpy as np

from gd_tui.app import GDApp
from gd_tui.app.format import short
from gd_tui.engine import Config, Machine
from gd_tui.engine.step_into import statements
from gd_tui.session import capture, restore

SIZE = (80, 24)


def arrow_line(app: GDApp) -> str:
    """The source line the ▶ marks, without its gutter."""
    marked = [line for line in app.query_one("#source").text.splitlines() if "▶" in line[:4]]  # type: ignore[attr-defined]
    assert len(marked) == 1, marked
    return marked[0][3:].strip()


async def test_s_steps_into_adam_line_by_line_and_back_undoes_a_line(pane: Any) -> None:
    app = GDApp(Config(optimizer="adam"))
    lines = statements("adam")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "n", "n")  # steps 0-3: step 4 is next
        await pilot.pause()
        assert arrow_line(app).startswith("def adam(")
        await pilot.press("s")  # into the update: its first line next, nothing run yet
        await pilot.pause()
        assert app.machine.state.cursor == 4 and arrow_line(app) == lines[0].text == "t = t + 1"
        await pilot.press("s", "s")  # t, then m
        await pilot.pause()
        assert arrow_line(app) == lines[2].text
        g = np.array([app.machine.state.b_grad, app.machine.state.w_grad])
        gradients = pane(app, "#gradients")
        m_row = next(row for row in gradients.splitlines() if row.startswith("m ="))
        assert f"b {short(0.1 * g[0])} w {short(0.1 * g[1])}" in m_row  # m holds the new value
        v_row = next(row for row in gradients.splitlines() if row.startswith("v ="))
        assert v_row.endswith("b 0 w 0")  # v's line has not run
        assert "line 3/6 of adam" in pane(app, "#next")
        await pilot.press("p")  # back one line, not one step
        await pilot.pause()
        assert app.machine.state.cursor == 4 and arrow_line(app) == lines[1].text
        await pilot.press(*["s"] * (len(lines) - 2))  # from line 2 to the last line
        await pilot.pause()
        assert arrow_line(app) == lines[-1].text and app.machine.state.update == 0
        await pilot.press("s")  # the last line completes step 4, as n would have
        await pilot.pause()
        reference = Machine(Config(optimizer="adam"))
        for _ in range(5):
            reference.advance()
        assert app.machine.state.cursor == 5 and app.machine.state.line == 0
        assert np.array_equal(app.machine.state.b, reference.state.b)  # type: ignore[arg-type]
        assert all(
            np.array_equal(a, b) for a, b in zip(app.machine.state.buffers, reference.state.buffers, strict=True)
        )  # type: ignore[arg-type]


def test_the_lines_run_one_by_one_give_exactly_what_the_update_gives() -> None:
    for optimizer in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"):
        machine = Machine(Config(optimizer=optimizer, batch_size=16))
        machine.goto(1 + 5 * 7 + 3)  # step 4 of the eighth update: the state is not zeros any more
        for _ in statements(optimizer):
            machine.step_into()
        scope = machine.update_scope()  # after every line but the last
        machine.step_into()  # the last: step 4 runs whole
        assert machine.state.line == 0 and machine.state.cursor == 5
        if optimizer == "sgd":
            assert scope["b"][0] == machine.state.b[0]  # type: ignore[index]
        # Every buffer the lines computed is the one step 4 kept, bit for bit.
        kept = dict(zip(machine.state.buffer_names, machine.state.buffers, strict=True))
        for name, value in kept.items():
            assert np.array_equal(scope[name], value), (optimizer, name)


def test_a_session_saved_inside_step_4_comes_back_on_the_same_line() -> None:
    machine = Machine(Config(optimizer="rmsprop"))
    machine.goto(4)
    machine.step_into()
    machine.step_into()
    back = restore(capture(machine))
    assert back.state.line == machine.state.line == 2 and back.state.cursor == 4
