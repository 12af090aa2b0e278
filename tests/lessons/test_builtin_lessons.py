"""Every built-in lesson loads, and what its note says happens does happen."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from gd_tui.engine import Config, Machine
from gd_tui.engine.analysis import least_squares, stability
from gd_tui.engine.breakpoints import epochs, step_done
from gd_tui.lessons import Lesson, builtin_names, load_lesson

EXPECTED = {
    "book": {},
    "lr-low": {"lr": 0.2},
    "lr-high": {"lr": 0.8},
    "lr-too-high": {"lr": 1.1},
    "bad-feature": {"feature": "bad", "lr": 0.1},
    "scaled": {"feature": "scaled"},
    "mini-batch": {"batch_size": 16},
    "sgd": {"batch_size": 1},
    "momentum": {"optimizer": "momentum", "momentum": 0.9},
    "nesterov": {"optimizer": "nesterov", "momentum": 0.9},
    "adagrad": {"optimizer": "adagrad"},
    "rmsprop": {"optimizer": "rmsprop"},
    "adam": {"optimizer": "adam"},
    "race": {},
    "no-zero-grad": {"backend": "torch", "zero_grad": False},  # chapter 1's PyTorch lesson
}


def machine_of(name: str) -> Machine:
    return Machine(load_lesson(name).config)


def updates_until_breakpoint(lesson: Lesson) -> int:
    """Updates a `continue` runs before the lesson's own breakpoints stop it."""
    machine = Machine(lesson.config)
    predicate = lesson.breakpoints.predicate(lambda: None)
    assert machine.run_until(predicate, max_steps=10**6) == "reached"
    return machine.state.update


def per_update(machine: Machine, updates: int, step: int, read: object) -> list[object]:
    """`read(state)` right after `step` of each of the next `updates` updates."""
    values = []
    for _ in range(updates):
        machine.run_until(step_done(step))
        values.append(read(machine.state))  # type: ignore[operator]
        machine.run_until(step_done(5))
    return values


def test_the_lessons_in_chapter_order_then_the_optimizers_then_pytorch() -> None:
    assert builtin_names() == tuple(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_builtin_lesson_loads(name: str) -> None:
    lesson = load_lesson(name)
    assert lesson.name == name
    assert lesson.config == Config(**EXPECTED[name])
    # `gd-tui lessons` prints name and title on one 80-column line.
    assert "\n" not in lesson.title and len(f"{'lr-too-high'}  {lesson.title}") <= 80
    assert len(lesson.note.split()) >= 20
    assert "{" not in lesson.note and "}" not in lesson.note  # every placeholder was filled
    assert set(lesson.step_notes) <= set(range(6))
    assert all(note.strip() for note in lesson.step_notes.values())


def test_book_lesson_is_the_default_run() -> None:
    assert load_lesson("book").config == Config()


def test_book_step_0_note_quotes_the_drawn_parameters() -> None:
    machine = machine_of("book")
    machine.advance()
    note = load_lesson("book").step_notes[0]
    assert f"b = {machine.state.b[0]:.4f}" in note and f"w = {machine.state.w[0]:.4f}" in note


def test_book_b_overshoots_then_crawls_back_while_w_grows() -> None:
    machine = machine_of("book")
    machine.run_until(epochs(1000))
    path = machine.history.path.values  # (updates + 1, 2)
    ols_b, ols_w = least_squares(machine.data.x_train, machine.data.y_train)  # type: ignore[misc]
    assert path[:, 0].max() > ols_b + 0.3
    assert np.all(np.diff(path[:300, 1]) > 0)
    assert abs(path[-1, 0] - ols_b) < 1e-5 and abs(path[-1, 1] - ols_w) < 1e-5


@pytest.mark.parametrize("name", ["lr-too-high", "bad-feature"])
def test_unstable_lessons_diverge_and_say_why(name: str) -> None:
    lesson = load_lesson(name)
    machine = Machine(lesson.config)
    assert machine.run_until(epochs(1000)) == "diverged"
    assert machine.state.diverged
    critical_lr = stability(machine.data.x_train).critical_lr
    assert critical_lr < lesson.config.lr
    assert f"above the largest stable rate {critical_lr:.3g}" in lesson.note or (
        f"largest stable rate falls to {critical_lr:.3g}" in lesson.note and "far above" in lesson.note
    )


@pytest.mark.parametrize("name", ["lr-too-high", "bad-feature"])
def test_unstable_lessons_loss_goes_up_every_update_and_the_breakpoint_stops_at_the_first(name: str) -> None:
    lesson = load_lesson(name)
    machine = Machine(lesson.config)
    losses = per_update(machine, 150, 2, lambda state: state.loss)
    assert np.all(np.diff(losses) > 0)
    stopper = Machine(lesson.config)
    previous = stopper.history.update_loss
    predicate = lesson.breakpoints.predicate(lambda: float(previous.values[-1]) if len(previous) else None)
    assert stopper.run_until(predicate) == "reached"
    assert (stopper.state.update, stopper.state.last_step) == (1, 2)


def test_scaled_surface_is_round() -> None:
    machine = machine_of("scaled")
    stable = stability(machine.data.x_train)
    assert abs(stable.condition_number - 1) < 1e-9
    assert abs(stable.critical_lr - 1) < 1e-9


def test_scaled_path_is_straight_and_half_the_critical_lr_lands_in_one_update() -> None:
    machine = machine_of("scaled")
    machine.run_until(epochs(20))
    ols = np.array(least_squares(machine.data.x_train, machine.data.y_train))
    offsets = machine.history.path.values - ols  # (updates + 1, 2)
    directions = offsets / np.linalg.norm(offsets, axis=1, keepdims=True)
    assert np.allclose(directions, directions[0], atol=1e-9)
    half = Machine(load_lesson("scaled").config.with_changes(lr=0.5))
    half.run_until(epochs(1))
    assert np.allclose([half.state.b[0], half.state.w[0]], ols, atol=1e-12)


def test_speed_claims_against_the_book() -> None:
    book = updates_until_breakpoint(load_lesson("book"))
    assert 0.4 < updates_until_breakpoint(load_lesson("lr-low")) / book < 0.6  # "about half as many"
    assert updates_until_breakpoint(load_lesson("lr-high")) > book  # "it takes more"
    assert updates_until_breakpoint(load_lesson("scaled")) < book / 7  # "about ten times fewer"


def steep_components(name: str, updates: int) -> np.ndarray:
    """The path's offset from the minimum along the surface's steepest direction."""
    machine = machine_of(name)
    machine.run_until(epochs(updates))
    x = machine.data.x_train
    design = np.hstack([np.ones_like(x), x])
    _, vectors = np.linalg.eigh(2 / len(x) * design.T @ design)
    ols = np.array(least_squares(x, machine.data.y_train))
    return (machine.history.path.values - ols) @ vectors[:, 1]


def test_lr_low_never_crosses_the_valley() -> None:
    steep = steep_components("lr-low", 100)
    steep = steep[np.abs(steep) > 1e-9]  # below that, rounding decides the sign
    assert len(steep) > 20 and np.all(np.sign(steep) == np.sign(steep[0]))


def test_lr_high_zig_zags_yet_converges_with_a_falling_loss() -> None:
    lesson = load_lesson("lr-high")
    machine = Machine(lesson.config)
    assert lesson.config.lr < stability(machine.data.x_train).critical_lr
    steep = steep_components("lr-high", 300)
    assert np.all(steep[1:] * steep[:-1] < 0)
    grads = np.array(per_update(machine, 300, 3, lambda state: (state.b_grad, state.w_grad)))
    assert np.all(grads[1:] * grads[:-1] < 0)  # both gradients change sign every update
    losses = per_update(Machine(lesson.config), 500, 2, lambda state: state.loss)
    assert np.all(np.diff(losses) < 0)
    machine.run_until(epochs(1000))
    ols = least_squares(machine.data.x_train, machine.data.y_train)
    assert not machine.state.diverged
    assert np.allclose([machine.state.b[0], machine.state.w[0]], ols, atol=1e-4)


def test_bad_feature_makes_w_grad_several_times_b_grad() -> None:
    machine = machine_of("bad-feature")
    machine.run_until(step_done(3))
    assert abs(machine.state.w_grad) > 3 * abs(machine.state.b_grad)


@pytest.mark.parametrize(("name", "per_epoch", "near_after"), [("mini-batch", 5, 200), ("sgd", 80, 10)])
def test_small_batches_wander_near_the_answer_without_settling(name: str, per_epoch: int, near_after: int) -> None:
    lesson = load_lesson(name)
    machine = Machine(lesson.config)
    assert machine.updates_per_epoch == per_epoch
    assert f"{per_epoch} updates" in lesson.note
    losses = np.array(per_update(machine, 2 * per_epoch, 2, lambda state: state.loss))
    assert np.any(np.diff(losses) > 0)  # the batch loss goes up as well as down
    machine.run_until(epochs(near_after))
    ols = np.array(least_squares(machine.data.x_train, machine.data.y_train))
    near = np.array([machine.state.b[0], machine.state.w[0]])
    assert np.all(np.abs(near - ols) < 0.15)
    distances = []
    for count in (500, 1000):
        machine.run_until(epochs(count))
        distances.append(np.abs(np.array([machine.state.b[0], machine.state.w[0]]) - ols).max())
    assert min(distances) > 1e-4  # and never settles


def test_sgd_single_point_losses_span_orders_of_magnitude() -> None:
    losses = np.array(per_update(machine_of("sgd"), 80, 2, lambda state: state.loss))
    assert losses.max() / losses.min() > 100


def test_lessons_never_import_textual() -> None:
    code = "import sys, gd_tui.lessons as l; l.load_lesson('book'); print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
