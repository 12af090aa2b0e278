"""Stepping back and forth: wherever the learner ends up, it is as if they had only advanced.

The reference for every position is a fresh Machine that only ever advances,
making the same setting changes at the same positions. Back and goto restore
from checkpoints and replay, so the long cases cross the dense window
(RECENT updates) into the sparse checkpoints (one every SPARSE updates).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gd_tui.engine import Config, Machine, State
from gd_tui.engine.breakpoints import epochs
from gd_tui.engine.machine import RECENT, SPARSE

STATE_FIELDS = [f.name for f in fields(State)]
HISTORY_SERIES = ("update_loss", "epoch_loss", "val_loss", "path")


def same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True  # a diverged run is still the same diverged run
    return bool(a == b)


def assert_same_state(actual: State, expected: State) -> None:
    for name in STATE_FIELDS:
        assert same_value(getattr(actual, name), getattr(expected, name)), (
            f"{name}: {getattr(actual, name)!r} != {getattr(expected, name)!r} at t={expected.t}"
        )


def assert_same_machine(actual: Machine, expected: Machine) -> None:
    assert_same_state(actual.state, expected.state)
    for series in HISTORY_SERIES:
        got = getattr(actual.history, series).values
        want = getattr(expected.history, series).values
        assert same_value(got, want), f"history.{series} differs at t={expected.state.t}"
    assert actual.batch_rows().tolist() == expected.batch_rows().tolist()


def straight(config: Config, target: int, changes: list[tuple[int, str, float]]) -> Machine:
    """A machine that only advances to `target`, making each setting change at its position."""
    machine = Machine(config)
    for position in range(target + 1):
        for at, name, value in changes:
            if at == position:
                if name == "lr":
                    machine.set_lr(value)
                else:
                    machine.set_batch_size(int(value))
        if position < target:
            machine.advance()
    return machine


# --- hypothesis: random walks of advance / back / goto / setting changes ----


@dataclass
class Model:
    """What the learner did, kept apart from the machine under test."""

    t: int = 0
    changes: list[tuple[int, str, float]] | None = None

    def __post_init__(self) -> None:
        self.changes = []


CONFIGS = {
    "batch": Config(n_points=40),
    "mini-batch": Config(n_points=40, batch_size=7),  # 32 training points: 4 batches of 7 and one of 4
    "stochastic": Config(n_points=20, batch_size=1),
    "diverging": Config(n_points=30, lr=1.5),  # lr above the critical rate: NaN and inf on the way
}

operations = st.one_of(
    st.tuples(st.just("advance"), st.integers(1, 60)),
    # Long strides: 2500 steps is hundreds of updates, well past the RECENT window.
    st.tuples(st.just("advance"), st.integers(300, 2500)),
    st.tuples(st.just("back"), st.integers(1, 40)),
    st.tuples(st.just("back"), st.integers(300, 450)),
    st.tuples(st.just("goto"), st.integers(0, 2500)),
    st.tuples(st.just("lr"), st.sampled_from([0.01, 0.1, 0.3, 1.3])),
    st.tuples(st.just("batch_size"), st.sampled_from([1, 3, 7, 16])),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(CONFIGS)),
    ops=st.lists(operations, min_size=1, max_size=8),
    more=st.integers(0, 200),
)
def test_any_walk_ends_where_advancing_straight_would(kind: str, ops: list[tuple[str, float]], more: int) -> None:
    config = CONFIGS[kind]
    machine = Machine(config)
    model = Model()
    assert model.changes is not None
    n_train = machine.data.n_train
    for op, argument in ops:
        if op == "advance":
            for _ in range(int(argument)):
                machine.advance()
            model.t += int(argument)
        elif op == "back":
            for _ in range(int(argument)):
                if model.t > 0:
                    # The rule of Machine.back: a change made here carries over to the step before.
                    model.changes = [(min(at, model.t - 1), name, value) for at, name, value in model.changes]
                    model.t -= 1
                machine.back()
        elif op == "goto":
            target = int(argument)
            if target <= model.t:
                model.changes = [(min(at, target), name, value) for at, name, value in model.changes]
            model.t = target
            machine.goto(target)
        elif op == "lr":
            machine.set_lr(argument)
            model.changes.append((model.t, "lr", argument))
        else:
            size = min(int(argument), n_train)
            machine.set_batch_size(size)
            model.changes.append((model.t, "batch_size", size))
        assert machine.state.t == model.t

    expected = straight(config, model.t, model.changes)
    assert_same_machine(machine, expected)
    # Forward again from here is the same run too: the checkpoints left behind are sound.
    for _ in range(more):
        machine.advance()
        expected.advance()
    assert_same_machine(machine, expected)


# --- long, deterministic walks across the checkpoint windows ---------------


@dataclass
class Recorded:
    state: State
    updates: int
    epochs: int
    initialized: bool


def record(config: Config, total: int) -> tuple[list[State], Machine]:
    """The state at every position 0..total, and the machine that got there."""
    machine = Machine(config)
    # States are never mutated in place (their arrays are replaced), so a shallow copy is a true record.
    states = [replace(machine.state)]
    for _ in range(total):
        machine.advance()
        states.append(replace(machine.state))
    return states, machine


def assert_history_prefix(machine: Machine, full: Machine, state: State) -> None:
    """The history at a position is the final history cut to that position's counts."""
    history, reference = machine.history, full.history
    lengths = {
        "update_loss": state.update,
        "epoch_loss": state.epoch,
        "val_loss": state.epoch,
        "path": state.update + 1 if state.initialized else 0,
    }
    for series, length in lengths.items():
        got = getattr(history, series).values
        assert len(got) == length, f"history.{series} has {len(got)} rows at t={state.t}, expected {length}"
        assert same_value(got, getattr(reference, series).values[:length])


@pytest.mark.parametrize(
    "config",
    [Config(), Config(batch_size=16), Config(batch_size=1), Config(batch_size=12, feature="scaled")],
    ids=["batch", "minibatch16", "stochastic", "minibatch12-scaled"],
)
def test_2000_steps_then_700_backs_retrace_every_state(config: Config) -> None:
    total, backs = 2000, 700
    # 700 steps is more than RECENT updates in every mode, so the walk leaves the dense window.
    assert backs > RECENT * 6
    states, full = record(config, total)
    machine = Machine(config)
    for _ in range(total):
        machine.advance()
    assert_same_state(machine.state, states[total])
    for i in range(1, backs + 1):
        machine.back()
        assert_same_state(machine.state, states[total - i])
        if i % 97 == 0 or i == backs:
            assert_history_prefix(machine, full, machine.state)
    # And forward again reproduces the same states, bit for bit.
    for t in range(total - backs + 1, total + 1):
        machine.advance()
        assert_same_state(machine.state, states[t])
    assert_history_prefix(machine, full, machine.state)


def test_back_all_the_way_to_the_start_and_no_further() -> None:
    config = Config(batch_size=16)
    total = 6 * SPARSE * 5 + 13  # past several sparse checkpoints, ending mid-update
    states, full = record(config, total)
    machine = Machine(config)
    for _ in range(total):
        machine.advance()
    for t in range(total - 1, -1, -1):
        machine.back()
        assert_same_state(machine.state, states[t])
    assert_history_prefix(machine, full, machine.state)
    assert not machine.state.initialized and machine.state.cursor == 0
    # At the start, back() stays put.
    machine.back()
    assert_same_state(machine.state, states[0])


@pytest.mark.parametrize("batch_size", [None, 16, 1])
def test_goto_jumps_back_and_forth_to_exact_states(batch_size: int | None) -> None:
    config = Config(batch_size=batch_size)
    total = 3000
    states, full = record(config, total)
    machine = Machine(config)
    for target in (3000, 17, 2999, 0, 1500, 1499, 2222, 5, 3000, 640, 641, 2000):
        machine.goto(target)
        assert_same_state(machine.state, states[target])
        assert_history_prefix(machine, full, machine.state)


def test_goto_rejects_negative_positions() -> None:
    with pytest.raises(ValueError):
        Machine().goto(-1)


def test_back_after_a_long_run_until() -> None:
    # run_until has its own inlined stepping loop; its checkpoints must serve back() as well.
    config = Config(batch_size=16)
    states, _ = record(config, 5 * 300 * 5 + 1)
    machine = Machine(config)
    machine.run_until(epochs(300))
    assert machine.state.t == len(states) - 1
    for _ in range(500):
        machine.back()
    assert_same_state(machine.state, states[len(states) - 501])


def test_reset_returns_to_before_step_0_and_replays_identically() -> None:
    machine = Machine(Config(batch_size=16))
    first = [replace(machine.advance()) for _ in range(100)]
    machine.reset()
    assert machine.state.t == 0 and not machine.state.initialized
    assert len(machine.history.update_loss) == 0 and len(machine.history.path) == 0
    for expected in first:
        assert_same_state(machine.advance(), expected)


def test_reset_keeps_the_learning_rate_and_batch_size_the_learner_chose() -> None:
    machine = Machine()
    for _ in range(20):
        machine.advance()
    machine.set_lr(0.05)
    machine.set_batch_size(16)
    machine.reset()
    assert (machine.state.lr, machine.state.batch_size) == (0.05, 16)
    expected = Machine(Config(lr=0.05, batch_size=16))
    for _ in range(40):
        machine.advance()
        expected.advance()
    assert_same_machine(machine, expected)


# --- settings changes and stepping back -------------------------------------


def test_a_learning_rate_chosen_now_is_kept_when_stepping_back_to_redo_the_update() -> None:
    machine = Machine()
    for _ in range(5):  # step 0 and the first update's steps 1..4
        machine.advance()
    assert machine.state.name == "update"
    machine.set_lr(0.5)
    machine.back()  # undo the update ...
    assert machine.state.name == "gradients"
    assert machine.state.lr == 0.5  # ... keeping the rate the learner just picked
    state = machine.advance()  # and redo it with that rate
    b_grad, w_grad = state.b_grad, state.w_grad
    assert b_grad is not None and w_grad is not None and state.b is not None
    b0 = np.random.RandomState(42).randn(1)
    assert state.b[0] == (b0 - 0.5 * b_grad)[0]
    assert_same_machine(machine, straight(Config(), 5, [(4, "lr", 0.5)]))


def test_settings_made_earlier_in_the_run_are_replayed_where_they_were_made() -> None:
    machine = Machine(Config(batch_size=16))
    for _ in range(31):
        machine.advance()
    machine.set_lr(0.02)
    for _ in range(50):
        machine.advance()
    machine.set_batch_size(5)
    for _ in range(400):
        machine.advance()
    machine.goto(200)
    assert_same_machine(machine, straight(Config(batch_size=16), 200, [(31, "lr", 0.02), (81, "batch_size", 5)]))
    # Jumping back before a change carries it along, as back() does: what the learner
    # chose last stays chosen, and takes effect from where they now stand.
    machine.goto(60)
    assert machine.state.batch_size == 5 and machine.state.lr == 0.02
    assert_same_machine(machine, straight(Config(batch_size=16), 60, [(31, "lr", 0.02), (60, "batch_size", 5)]))
    assert machine.settings_log == [(31, "lr", 0.02), (60, "batch_size", 5)]
    machine.goto(10)
    assert (machine.state.lr, machine.state.batch_size) == (0.02, 5)
    assert_same_machine(machine, straight(Config(batch_size=16), 10, [(10, "lr", 0.02), (10, "batch_size", 5)]))


def test_invalid_settings_are_refused_and_change_nothing() -> None:
    machine = Machine()
    machine.advance()
    before = replace(machine.state)
    for bad_lr in (0.0, -0.1, float("nan"), float("inf"), 1e9):
        with pytest.raises(ValueError, match="lr"):
            machine.set_lr(bad_lr)
    for bad_size in (0, 81, -3):
        with pytest.raises(ValueError, match="batch_size"):
            machine.set_batch_size(bad_size)
    assert machine.settings_log == []
    assert_same_state(machine.state, before)


@pytest.mark.parametrize(("old", "new"), [(16, 4), (4, 16), (16, 80), (80, 16), (1, 10)])
def test_changing_the_batch_size_mid_update_starts_the_next_batch_after_the_current_one(old: int, new: int) -> None:
    # The learner changes the batch size while an update is under way (after forward):
    # the current batch is finished as it is, and the next batch begins where it ended,
    # so no point is visited twice and none is skipped in the epoch.
    machine = Machine(Config(batch_size=old))
    machine.advance()
    machine.advance()
    first = machine.batch_rows().tolist()
    assert len(first) == old
    machine.set_batch_size(new)
    for _ in range(4):
        machine.advance()  # loss, gradients, update on the old batch; repeat
    state = machine.state
    visited = list(first)
    if old >= 80:
        assert state.epoch == 1, "the full batch was used: the epoch is over"
    else:
        assert state.start == old
    while state.epoch == 0:
        visited.extend(machine.batch_rows().tolist())
        for _ in range(5):
            state = machine.advance()
    assert sorted(visited) == list(range(80)), "each training point once per epoch"
