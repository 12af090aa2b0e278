"""The chart tabs: the series each hands plotext match the engine, and every tab draws in every state."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gd_tui.app import GDApp
from gd_tui.app.plots.fit import TRAIN_POINTS, VAL_POINTS, fit_data, fit_lines
from gd_tui.app.plots.geometry import Window, clip_line, window
from gd_tui.app.plots.sections import sections
from gd_tui.app.plots.surface import GRID, LINE_POINTS, PATH_POINTS, level_curves, sample_indices, surface_series
from gd_tui.app.view import View
from gd_tui.app.widgets.chart_pane import TABS, chart_class
from gd_tui.app.widgets.fit_chart import FitChart
from gd_tui.app.widgets.sections_chart import SectionsChart
from gd_tui.app.widgets.surface_chart import SurfaceChart
from gd_tui.engine import Config, Machine
from gd_tui.engine.analysis import gradients_at, least_squares, mse, reference
from gd_tui.engine.breakpoints import end_of_epoch
from gd_tui.lessons import load_lesson

SIZES = [(80, 24), (120, 40)]


def run_epochs(machine: Machine, epochs: int) -> Machine:
    for _ in range(epochs):
        machine.run_until(end_of_epoch(machine.state))
    return machine


def run_updates(machine: Machine, updates: int) -> Machine:
    machine.run_until(lambda state: state.update >= updates and state.cursor == 1)
    return machine


def view_of(machine: Machine) -> View:
    return View(machine, reference(machine.data.x_train, machine.data.y_train))


def start_of(machine: Machine) -> tuple[float, float]:
    b, w = machine.history.path.values[0]
    return float(b), float(w)


# --- the loss surface ----------------------------------------------------------


def test_loss_grid_equals_the_engines_mse_at_sampled_points() -> None:
    machine = run_epochs(Machine(), 1)
    view = view_of(machine)
    series = surface_series(view.reference, machine.history.path.values)
    levels = level_curves(view.reference.surface, series.window)
    assert levels.losses.shape == (GRID, GRID)
    data = machine.data
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, GRID, size=(40, 2)):
        b, w = levels.b_values[j], levels.w_values[i]
        assert levels.losses[i, j] == pytest.approx(mse(b, w, data.x_train, data.y_train), rel=1e-9, abs=1e-12)
    # The grid spans the window the chart draws.
    assert (levels.b_values[0], levels.b_values[-1]) == pytest.approx(series.window.b_range)
    assert (levels.w_values[0], levels.w_values[-1]) == pytest.approx(series.window.w_range)


def test_level_curves_cross_their_levels() -> None:
    machine = run_epochs(Machine(), 1)
    view = view_of(machine)
    area = surface_series(view.reference, machine.history.path.values).window
    levels = level_curves(view.reference.surface, area)
    assert len(levels.b) > 0 and len(levels.levels) >= 3
    # Every marked cell has corners on both sides of some level.
    step = levels.b_values[1] - levels.b_values[0]
    for b, w in zip(levels.b[::25], levels.w[::25], strict=False):
        corners = view.reference.surface(
            np.array([b - step / 2, b + step / 2])[:, None], np.array([w - step / 2, w + step / 2])
        )
        assert any(corners.min() <= level <= corners.max() for level in levels.levels)


@pytest.mark.parametrize("lesson", ["book", "scaled", "bad-feature"])
def test_marked_minimum_is_least_squares(lesson: str) -> None:
    machine = run_epochs(Machine(load_lesson(lesson).config), 1)
    view = view_of(machine)
    series = surface_series(view.reference, machine.history.path.values)
    data = machine.data
    expected = least_squares(data.x_train, data.y_train)
    assert series.minimum == expected
    solution = np.linalg.lstsq(np.hstack([np.ones_like(data.x_train), data.x_train]), data.y_train, rcond=None)[0]
    assert series.minimum == pytest.approx((solution[0, 0], solution[1, 0]))
    assert series.window.contains(np.array(expected[0]), np.array(expected[1]))


def test_drawn_path_is_the_machines_path() -> None:
    machine = run_epochs(Machine(), 20)
    path = machine.history.path.values
    series = surface_series(view_of(machine).reference, path)
    assert len(path) == 21  # the start and 20 updates
    np.testing.assert_array_equal(series.path_rows, np.arange(21))
    np.testing.assert_array_equal(series.path_b, path[:, 0])
    np.testing.assert_array_equal(series.path_w, path[:, 1])
    assert series.start == tuple(path[0])
    assert series.now == (float(machine.state.b[0]), float(machine.state.w[0]))
    assert series.note == ""
    # The first updates are also joined by a line, through the same points.
    np.testing.assert_array_equal(series.line_b, path[:, 0])
    np.testing.assert_array_equal(series.line_w, path[:, 1])


def test_path_line_never_leaves_the_window() -> None:
    # plotext fills every pixel of a line: one end far outside would never finish drawing.
    machine = Machine(load_lesson("lr-too-high").config)
    machine.advance()
    machine.run_until(lambda state: False)  # stops where the run diverges
    path = machine.history.path.values
    series = surface_series(view_of(machine).reference, path)
    assert 1 < len(series.line_b) < len(path) and "diverging" in series.note
    np.testing.assert_array_equal(series.line_b, path[: len(series.line_b), 0])
    assert series.window.contains(series.line_b, series.line_w).all()
    assert series.window.contains(series.path_b, series.path_w).all()


def test_long_path_is_sampled_from_the_machines_path() -> None:
    machine = run_updates(Machine(Config(batch_size=1)), 5000)
    path = machine.history.path.values
    assert len(path) == 5001
    series = surface_series(view_of(machine).reference, path)
    rows = series.path_rows
    assert len(rows) <= PATH_POINTS
    assert rows[0] == 0 and rows[-1] == len(path) - 1
    inside = series.window.contains(path[rows, 0], path[rows, 1])
    np.testing.assert_array_equal(series.path_b, path[rows, 0][inside])
    np.testing.assert_array_equal(series.line_b, path[: len(series.line_b), 0])
    assert 1 < len(series.line_b) <= LINE_POINTS
    np.testing.assert_array_equal(series.path_w, path[rows, 1][inside])
    assert inside.all()


@pytest.mark.parametrize("count", [0, 1, 2, 199, 200, 201, 1000, 10**6, 10**9])
def test_sample_indices_are_bounded_sorted_and_keep_the_ends(count: int) -> None:
    rows = sample_indices(count)
    assert len(rows) == min(count, PATH_POINTS) or (count > PATH_POINTS and len(rows) <= PATH_POINTS)
    assert np.all(np.diff(rows) > 0)
    if count:
        assert rows[0] == 0 and rows[-1] == count - 1
    if count > PATH_POINTS:
        # The first updates, where gradient descent moves most, are kept one by one.
        assert list(rows[:5]) == [0, 1, 2, 3, 4]


def test_window_holds_start_minimum_and_path_and_grows_in_doublings() -> None:
    machine = run_epochs(Machine(load_lesson("lr-too-high").config), 4)
    view = view_of(machine)
    path = machine.history.path.values
    start = start_of(machine)
    first = window(view.reference, start, path[:1, 0], path[:1, 1])
    later = window(view.reference, start, path[:, 0], path[:, 1])
    assert first.contains(np.array(start[0]), np.array(start[1]))
    assert later.contains(path[:, 0], path[:, 1]).all()
    ratio = later.half / first.half
    assert ratio > 1 and float(np.log2(ratio)).is_integer()
    # However far a diverging run goes, the window stops growing (at 64 times).
    huge = window(view.reference, start, np.array([1e200]), np.array([0.0]))
    assert huge.half == first.half * 64


def test_surface_is_computed_once_per_window_not_per_frame() -> None:
    machine = Machine()
    view = view_of(machine)
    chart = SurfaceChart()
    machine.advance()
    areas = set()
    for _ in range(30):
        run_updates(machine, machine.state.update + 1)
        levels, series = chart.prepared(view)
        areas.add(series.window)
        assert levels.window == series.window
    assert chart._levels is not None
    assert len(chart._levels[1]) == len(areas) == 1  # the book's run never leaves its first window


# --- the cross-sections ---------------------------------------------------------


@pytest.mark.parametrize("lesson", ["book", "bad-feature", "scaled"])
def test_cross_sections_follow_the_engine(lesson: str) -> None:
    machine = Machine(load_lesson(lesson).config)
    machine.advance()
    machine.run_until(lambda state: state.update == 2 and state.cursor == 1)
    data = machine.data
    b, w = float(machine.state.b[0]), float(machine.state.w[0])
    drawn = sections(view_of(machine).reference, start_of(machine), b, w)
    assert not isinstance(drawn, str)
    along_w, along_b = drawn
    b_grad, w_grad = gradients_at(b, w, data.x_train, data.y_train)
    loss = mse(b, w, data.x_train, data.y_train)
    assert (along_w.axis, along_w.fixed, along_b.axis, along_b.fixed) == ("w", b, "b", w)
    assert along_w.slope == pytest.approx(w_grad, rel=1e-9, abs=1e-12)
    assert along_b.slope == pytest.approx(b_grad, rel=1e-9, abs=1e-12)
    assert along_w.point == pytest.approx((w, loss)) and along_b.point == pytest.approx((b, loss))
    for section, at in (
        (along_w, lambda v: mse(b, v, data.x_train, data.y_train)),
        (along_b, lambda v: mse(v, w, data.x_train, data.y_train)),
    ):
        for i in (0, 17, 40, 80):
            assert section.losses[i] == pytest.approx(at(section.values[i]), rel=1e-9, abs=1e-12)
        # The tangent goes through the point with the gradient's slope, inside the plot.
        assert section.tangent is not None
        (x0, x1), (y0, y1) = section.tangent
        assert (y1 - y0) / (x1 - x0) == pytest.approx(section.slope, rel=1e-6, abs=1e-9)
        assert y0 + section.slope * (section.point[0] - x0) == pytest.approx(section.point[1], rel=1e-6, abs=1e-9)
        low, high = section.y_range
        assert low <= min(y0, y1) and max(y0, y1) <= high


def test_surface_gradient_equals_the_steps_over_the_whole_training_set() -> None:
    machine = Machine(Config(n_points=1000, seed=3))
    data = machine.data
    surface = view_of(machine).reference.surface
    for b, w in [(0.0, 0.0), (0.5, -0.14), (3.0, 7.0), (-2.0, 1.5)]:
        b_grad, w_grad = surface.gradient(b, w)
        assert (float(b_grad), float(w_grad)) == pytest.approx(gradients_at(b, w, data.x_train, data.y_train), rel=1e-9)
    # Batch gradient descent's own step 3 is the same gradient.
    machine.advance()
    machine.run_until(lambda state: state.cursor == 4)
    b, w = float(machine.state.b[0]), float(machine.state.w[0])
    assert (machine.state.b_grad, machine.state.w_grad) == pytest.approx(gradients_at(b, w, data.x_train, data.y_train))


def test_cross_sections_explain_a_diverged_or_far_point() -> None:
    machine = Machine()
    machine.advance()
    ref = view_of(machine).reference
    start = start_of(machine)
    assert "Diverged" in str(sections(ref, start, float("nan"), 1.0))
    assert "diverging" in str(sections(ref, start, 1e150, -1e150))


# --- the data and fit -------------------------------------------------------------


def test_fit_draws_a_bounded_stride_of_the_points() -> None:
    small = fit_data(Machine().data)
    assert len(small.train[0]) == 80 and len(small.val[0]) == 20
    machine = Machine(Config(n_points=1_000_000))
    data = machine.data
    drawn = fit_data(data)
    assert len(drawn.train[0]) <= TRAIN_POINTS and len(drawn.val[0]) <= VAL_POINTS
    step = -(-data.n_train // TRAIN_POINTS)
    np.testing.assert_array_equal(drawn.train[0], data.x_train[::step, 0])
    np.testing.assert_array_equal(drawn.train[1], data.y_train[::step, 0])
    assert drawn.x_range == (
        float(min(data.x_train.min(), data.x_val.min())),
        float(max(data.x_train.max(), data.x_val.max())),
    )


def test_fit_lines_are_the_current_true_and_least_squares_lines() -> None:
    machine = run_epochs(Machine(), 1)
    view = view_of(machine)
    data = machine.data
    drawn = fit_data(data)
    b, w = float(machine.state.b[0]), float(machine.state.w[0])
    lines = fit_lines(drawn, view.reference, (data.true_b, data.true_w), b, w)
    assert lines.note == ""
    for segment, (intercept, slope) in (
        (lines.now, (b, w)),
        (lines.true, (data.true_b, data.true_w)),
        (lines.lstsq, view.reference.least_squares),
    ):
        assert segment is not None
        for x, y in zip(*segment, strict=True):
            assert y == pytest.approx(intercept + slope * x)
    # Before step 0 there is no current line, and CSV data (no true line) draws without one.
    before = fit_lines(drawn, view.reference, (None, None), None, None)
    assert before.now is None and before.true is None and before.lstsq is not None
    assert "step 0" in before.note
    assert "not finite" in fit_lines(drawn, view.reference, (1.0, 2.0), float("inf"), 1.0).note
    assert "off the chart" in fit_lines(drawn, view.reference, (1.0, 2.0), 1e9, 0.0).note


@pytest.mark.parametrize(
    ("intercept", "slope"), [(0.0, 1.0), (1e300, -1e300), (0.5, 1e308), (-1e200, 1e-200), (0.5, 0.0)]
)
def test_clip_line_keeps_end_points_in_the_box(intercept: float, slope: float) -> None:
    # plotext fills every pixel between end points: an unclipped diverging line would never finish drawing.
    clipped = clip_line(intercept, slope, (0.0, 1.0), (0.0, 1.0))
    if clipped is None:
        return
    xs, ys = clipped
    assert all(0.0 <= v <= 1.0 for v in (*xs, *ys))


def test_clip_line_misses_and_non_finite() -> None:
    assert clip_line(5.0, 0.0, (0, 1), (0, 1)) is None
    assert clip_line(float("nan"), 1.0, (0, 1), (0, 1)) is None
    assert clip_line(1.0, float("inf"), (0, 1), (0, 1)) is None


# --- the widgets in the app -----------------------------------------------------------


def test_tabs_are_in_the_issues_order() -> None:
    assert [title for _, title, _ in TABS] == ["Loss history", "Data and fit", "Loss surface", "Cross-sections"]


async def show_every_tab(app: GDApp, pilot: Any) -> dict[str, str]:
    """Press t through the tabs; each tab's text as the screen shows it."""
    texts = {}
    for tab_id, title, _ in TABS[1:]:
        await pilot.press("t")
        await pilot.pause()
        chart = app.query_one(f"#{tab_id}")
        assert chart.display and chart.size.width > 0
        pane = app.query_one("#chart")
        lines = app.screen._compositor.render_strips()
        region = pane.region
        top = lines[region.y].text[region.x : region.right]
        assert top.startswith((f"─{title}  t: next chart─", f"━{title}  t: next chart━")), top  # ━: it has focus
        texts[tab_id] = "\n".join(strip.text[region.x : region.right] for strip in lines[region.y : region.bottom])
    await pilot.press("t")  # back to the loss history
    return texts


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_every_tab_draws_before_step_0(size: tuple[int, int]) -> None:
    app = GDApp()
    async with app.run_test(size=size) as pilot:
        texts = await show_every_tab(app, pilot)
        fit_key = app.query_one(FitChart).key_text
    assert "step 0" in texts["data-fit"] and "lstsq" in fit_key and "now" not in fit_key
    assert "step 0 draws the start" in texts["loss-surface"] and "+" in texts["loss-surface"]
    assert "step 0 (n) draws them" in " ".join(texts["cross-sections"].split())


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_every_tab_draws_after_one_epoch(size: tuple[int, int]) -> None:
    app = GDApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("n", "e")
        await app.workers.wait_for_complete()
        texts = await show_every_tab(app, pilot)
    assert app.machine.state.epoch == 1
    assert "• now" in texts["data-fit"] and "•" in texts["data-fit"].split("\n", 2)[2]
    surface = texts["loss-surface"].split("\n", 2)[2]  # below the title and the key line
    for marker in ("@", "o", "+"):  # told apart by character, so they read in NO_COLOR too
        assert marker in surface
    assert "@ now" in texts["cross-sections"] and texts["cross-sections"].count("@") >= 3


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_every_tab_draws_when_diverged(size: tuple[int, int]) -> None:
    app = GDApp(load_lesson("lr-too-high").config)
    async with app.run_test(size=size) as pilot:
        machine = app.machine
        machine.advance()
        assert machine.run_until(lambda state: False) == "diverged"
        # Go on until b and w themselves overflow.
        machine.run_until(lambda state: not np.isfinite(state.b[0]) or not np.isfinite(state.w[0]))
        app.show_state()
        await pilot.pause()
        texts = await show_every_tab(app, pilot)
    assert "not finite" in texts["data-fit"]
    assert "not finite" in texts["loss-surface"]
    assert "Diverged" in texts["cross-sections"]


async def test_every_tab_draws_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = GDApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "e")
        await app.workers.wait_for_complete()
        texts = await show_every_tab(app, pilot)
    assert "@" in texts["loss-surface"] and "o" in texts["loss-surface"]


async def test_charts_replot_only_when_what_they_draw_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    counts: dict[str, int] = {}
    for _, _, where in TABS[1:]:  # the charts are built when first shown: count by class
        widget = chart_class(where)
        original = widget.draw

        def counted(chart: Any, view: View, original: Any = original) -> None:
            counts[chart.id] = counts.get(chart.id, 0) + 1
            original(chart, view)

        monkeypatch.setattr(widget, "draw", counted)
    app = GDApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        for _ in TABS[1:]:
            await pilot.press("t")
            await pilot.pause()
            before = dict(counts)
            # Steps 1 to 3 change neither b nor w: nothing these charts draw.
            await pilot.press("n", "n", "n")
            await pilot.pause()
            assert counts == before
            await pilot.press("n")  # step 4, the update: the visible chart replots once
            await pilot.pause()
            current = app.query_one("#chart").current  # type: ignore[attr-defined]
            assert counts[current] == before.get(current, 0) + 1
            await pilot.press("n")  # step 5 moves on to the next batch, then back to step 1
            await pilot.pause()


async def surface_after_an_epoch(app: GDApp, pilot: Any) -> SurfaceChart:
    """Step 0, one epoch, then the loss surface tab; the chart as shown."""
    await pilot.press("n", "e", "t", "t")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.query_one(SurfaceChart)


async def test_tabs_follow_a_new_machine() -> None:
    app = GDApp()
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await surface_after_an_epoch(app, pilot)
        first = chart._levels
        app.load_lesson(load_lesson("scaled"))
        await pilot.pause()
        await pilot.press("escape", "n")
        await pilot.pause()
        assert chart._levels is not None and first is not None and chart._levels[0] is not first[0]
        assert chart._levels[0] is app.view.reference
        await pilot.press("t")  # the one chart not shown yet joins the new machine when first shown
        await pilot.pause()
        assert app.query_one("#chart").current == "cross-sections"  # type: ignore[attr-defined]
        assert app.query_one(SectionsChart).text.strip()


def test_window_is_square() -> None:
    area = Window(1.0, 2.0, 0.5)
    assert area.b_range == (0.5, 1.5) and area.w_range == (1.5, 2.5)


async def test_resizing_past_the_small_size_redraws_with_a_frame() -> None:
    app = GDApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chart = await surface_after_an_epoch(app, pilot)
        assert chart.small and "┌" not in chart.text
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not chart.small and "┌" in chart.text


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("feature", ["raw", "bad"])
async def test_huge_csv_values_draw_without_warnings(tmp_path: Any, feature: str) -> None:
    # Values near the data limit overflow the loss surface's squares: the charts say so, and
    # no NumPy warning reaches the terminal.
    path = tmp_path / "huge.csv"
    path.write_text("x,y\n1e90,2e90\n2e90,3e90\n3e90,5e90\n4e90,1e90\n5e90,2e90\n")
    app = GDApp(Config(data=str(path), feature=feature))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "e", "e")
        await app.workers.wait_for_complete()
        texts = await show_every_tab(app, pilot)
    assert "diverging" in texts["loss-surface"] or "not finite" in texts["loss-surface"]
    assert "Diverged" in texts["cross-sections"] or "diverging" in texts["cross-sections"]


# --- the loss history ------------------------------------------------------------


def test_the_loss_history_key_moves_whenever_what_it_draws_does() -> None:
    """It keys on row counts, not the history's version: a change that keeps the counts must still move it."""
    from gd_tui.app.widgets.charts import LossChart, complete_updates

    def drawn(view: View) -> tuple[object, ...]:
        history = view.machine.history
        updates = complete_updates(view)
        series = (history.val_loss, history.epoch_loss, history.epoch_end)
        return (history.update_loss.values[:updates].tobytes(), *(s.values.tobytes() for s in series), updates)

    machine = Machine(Config(batch_size=16))
    view = view_of(machine)
    chart = LossChart()
    rng = np.random.default_rng(5)
    # The key must name what is drawn: a key seen again (after going back and on) draws the same.
    drawn_at = {chart.state_key(view): drawn(view)}
    for _ in range(600):
        action = rng.integers(8)
        if action <= 3:
            machine.advance()
        elif action == 4:
            machine.back()
        elif action == 5:
            machine.set_batch_size(int(rng.choice([1, 16, 80])))
        elif action == 6:
            machine.set_lr(float(rng.choice([0.05, 0.1, 0.2])))
        else:
            machine.goto(int(rng.integers(0, machine.state.t + 8)))
        key = chart.state_key(view)
        assert drawn_at.setdefault(key, drawn(view)) == drawn(view), "one key, two different drawings"

    # Stepping on alone, it replots once per update: not at both step 4 and step 5.
    machine = Machine()
    view = view_of(machine)
    keys = set()
    for _ in range(5 * 40 + 1):
        machine.advance()
        keys.add(chart.state_key(view))
    # Two sentences (no update yet; the first point comes at step 5), then a point per update.
    assert len(keys) == 2 + 40
