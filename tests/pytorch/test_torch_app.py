"""The app on the torch backend: the code that runs, the parity line, the graph tab, the palette."""

from __future__ import annotations

import inspect
from typing import Any

from gd_tui.app import GDApp
from gd_tui.engine import Config
from gd_tui.lessons import load_lesson


def screen_text(app: Any) -> str:
    """The characters on the terminal, row by row."""
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


def pane_text(app: Any, selector: str) -> str:
    """Every line of a pane drawn line by line."""
    return str(app.query_one(selector).text)


SIZE = (80, 24)
WIDE = (160, 50)


def body_lines(function: Any) -> list[str]:
    """A function's code lines as written, without its def line (the pane drops annotations there)."""
    return [line.strip() for line in inspect.getsource(function).splitlines()[1:] if line.strip()]


async def test_the_source_pane_shows_the_torch_steps_that_run() -> None:
    from gd_tui.pytorch import steps

    app = GDApp(Config(backend="torch"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        source = app.query_one("#source")
        text = source.text
        for function in (steps.initialize, steps.forward, steps.loss, steps.gradients, steps.update):
            for line in body_lines(function):
                assert line in text, line
        assert "optimizer.zero_grad()" in text and "loss.backward()" in text
        assert "pytorch/steps.py" in source.border_title


async def test_the_parity_line_and_the_parameters_as_pytorch_prints_them() -> None:
    app = GDApp(Config(backend="torch"))
    async with app.run_test(size=SIZE) as pilot:
        for key in "nnnnn":
            await pilot.press(key)
        await pilot.pause()
        gap = app.machine.parity()
        params = pane_text(app, "#params")
        assert f"|Δb| {gap[0]:.2g}  |Δw| {gap[1]:.2g}  float32 vs NumPy" in params
        assert gap[0] > 0  # float32 already differs from float64 after one update
        assert "b = tensor([0.6479])" in params


async def test_the_graph_tab_shows_the_nodes_of_the_real_loss_in_order() -> None:
    app = GDApp(Config(backend="torch"))
    async with app.run_test(size=WIDE) as pilot:
        for key in "nnn":
            await pilot.press(key)
        app._graph(None)
        await pilot.pause()
        names: list[str] = []
        node = app.machine._loss_tensor.grad_fn
        stack = [node]
        while stack:  # depth first, first child first
            node = stack.pop()
            if node is None:
                continue
            names.append(type(node).__name__)
            stack.extend(reversed([child for child, _ in node.next_functions]))
        shown = pane_text(app, "#autograd-graph").splitlines()
        rows = []
        at = 0
        for name in names:
            at = next(i for i, line in enumerate(shown) if i > at and line.strip().startswith(f"└ {name}"))
            rows.append(at)
        assert rows == sorted(rows) and len(rows) == len(names)
        assert "b.grad" not in "\n".join(shown)
        await pilot.press("n")  # step 3: loss.backward()
        await pilot.pause()
        shown_text = pane_text(app, "#autograd-graph")
        b_grad, w_grad = app.machine.grads()
        assert f"b.grad = {b_grad:.8g}" in shown_text and f"w.grad = {w_grad:.8g}" in shown_text


async def test_the_books_experiments_are_a_palette_entry_away() -> None:
    app = GDApp(Config(backend="torch"))
    async with app.run_test(size=WIDE) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Graph: b with requires_grad=False" in titles and "Graph: a branch on the loss" in titles
        app._graph("no-grad-b")
        await pilot.pause()
        text = pane_text(app, "#autograd-graph")
        assert "b_nograd = torch.randn(1, requires_grad=False" in text
        assert "AccumulateGrad (w)" in text and "AccumulateGrad (b" not in text


async def test_model_variants_from_the_palette_show_their_code_and_state_dict() -> None:
    app = GDApp(Config(backend="torch"))
    async with app.run_test(size=WIDE) as pilot:
        app._switch(model="module")
        await pilot.press("n")
        await pilot.pause()
        assert "class ManualLinearRegression(nn.Module):" in app.query_one("#source").text
        assert "self.b = nn.Parameter(torch.randn(1, requires_grad=True, dtype=dtype))" in app.query_one("#source").text
        assert "'b': tensor([0.3367])" in pane_text(app, "#params")
        app._switch(model="linear")
        await pilot.press("n")
        await pilot.pause()
        assert "model = nn.Sequential(nn.Linear(1, 1, dtype=dtype))" in app.query_one("#source").text
        assert "'0.weight': tensor([[0.7645]])" in pane_text(app, "#params")
        app._switch(backend="numpy")
        await pilot.press("n")
        await pilot.pause()
        assert "engine/steps.py" in app.query_one("#source").border_title
        assert app.machine.state.b[0] == 0.4967141530112327  # the NumPy engine's book start


async def test_the_no_zero_grad_lesson_shows_the_running_sum() -> None:
    app = GDApp(lesson=load_lesson("no-zero-grad"), show_lesson=False)
    async with app.run_test(size=SIZE) as pilot:
        for key in "nnnnnnnnn":  # two updates' step 3
            await pilot.press(key)
        await pilot.pause()
        text = pane_text(app, "#gradients")
        assert "no zero_grad(): sums of 2 updates' gradients" in text
        assert "optimizer.zero_grad()" not in app.query_one("#source").text


async def test_stepping_on_torch_draws_what_a_fresh_app_draws() -> None:
    keys = ["n"] * 13 + ["p"] * 3 + ["n"] * 2
    seen = []
    app = GDApp(Config(backend="torch", batch_size=40))
    async with app.run_test(size=SIZE) as pilot:
        app._show_chart("autograd-graph")
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            seen.append((screen_text(app).splitlines()[:21], app.session()))
    for number, (shown, session) in enumerate(seen):
        fresh = GDApp(session=session)
        async with fresh.run_test(size=SIZE) as pilot:
            fresh._show_chart("autograd-graph")
            await pilot.pause()
            assert screen_text(fresh).splitlines()[:21] == shown, f"press {number + 1}"


async def test_continue_stops_at_the_lessons_breakpoint_on_torch() -> None:
    app = GDApp(lesson=load_lesson("no-zero-grad"), show_lesson=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        for _ in range(200):
            await pilot.pause(0.05)
            if not app._run_active:
                break
        machine = app.machine
        assert not app._run_active and "Breakpoint" in pane_text(app, "#next")
        # The loss went up: the summed gradients carried b and w past the minimum.
        assert machine.state.loss > machine.history.update_loss.values[-1]
        assert machine.twin.state.t == machine.state.t  # the NumPy twin kept in step


async def test_every_chart_draws_a_torch_run_and_export_writes_it(tmp_path: Any) -> None:
    from gd_tui.app.widgets.chart_pane import TABS, TORCH_TABS
    from gd_tui.export import write_history

    app = GDApp(Config(backend="torch", batch_size=16))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "e", "1")
        await pilot.pause()
        for tab_id, title, _ in TABS + TORCH_TABS:
            app._show_chart(tab_id)
            await pilot.pause()
            assert title in screen_text(app)
        assert app.machine.state.epoch == 2
        write_history(app.machine, tmp_path / "run.csv")
        rows = (tmp_path / "run.csv").read_text().splitlines()
        assert len(rows) == 1 + 1 + app.machine.state.update  # header, the start, one row per update
