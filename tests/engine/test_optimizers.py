"""Step 4's optimizers: torch.optim's numbers, state that steps back, and mid-run changes."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gd_tui.engine import Config, ConfigError, Machine
from gd_tui.engine.breakpoints import epochs, step_done
from gd_tui.engine.config import OPTIMIZERS

FIXTURES = Path(__file__).parent / "fixtures"
# The engine's names for torch.optim's state keys.
TORCH_NAMES = {
    "buffer": "momentum_buffer", "sum_sq": "sum", "square_avg": "square_avg", "m": "exp_avg", "v": "exp_avg_sq",
}  # fmt: skip
REFERENCES = sorted(FIXTURES.glob("optimizer-*.json"))


def updates(machine: Machine, count: int) -> list[dict[str, Any]]:
    """b, w and the optimizer's state after each of the next `count` updates."""
    found = []
    for _ in range(count):
        machine.run_until(step_done(4))
        state = machine.state
        found.append(
            {
                "b": state.b[0],  # type: ignore[index]
                "w": state.w[0],  # type: ignore[index]
                "state": dict(zip(state.buffer_names, state.buffers, strict=True)),
            }
        )
    return found


def test_there_is_a_torch_reference_for_every_optimizer_in_both_runs() -> None:
    names = {path.stem for path in REFERENCES}
    assert names == {f"optimizer-{o}-{run}" for o in OPTIMIZERS for run in ("batch", "minibatch16")}


@pytest.mark.parametrize("path", REFERENCES, ids=lambda p: p.stem.removeprefix("optimizer-"))
def test_every_update_matches_torch_optim(path: Path) -> None:
    reference = json.loads(path.read_text(encoding="utf-8"))
    machine = Machine(Config(optimizer=reference["optimizer"], lr=reference["lr"], batch_size=reference["batch_size"]))
    expected = reference["updates"]
    assert len(expected) == 100
    scale: dict[str, float] = {}
    for k, (ours, theirs) in enumerate(zip(updates(machine, len(expected)), expected, strict=True)):
        for name in ("b", "w"):
            assert ours[name] == pytest.approx(theirs[name], rel=1e-12, abs=0), (k, name)
        torch_state = dict(theirs["state"])
        if reference["optimizer"] == "adam":
            assert ours["state"].pop("t") == torch_state.pop("step")[0] == k + 1
        torch_state.pop("step", None)  # Adagrad counts steps too, but with lr_decay 0 it never uses the count
        assert {TORCH_NAMES[n] for n in ours["state"]} == set(torch_state), k
        for name, value in ours["state"].items():
            wanted = torch_state[TORCH_NAMES[name]]
            for i, parameter in enumerate("bw"):
                # Relative to the buffer's size so far: a momentum buffer passes through zero, where
                # an ulp of difference (torch's CPU kernels fuse multiply-adds) is a large ratio.
                key = f"{name}[{parameter}]"
                scale[key] = max(scale.get(key, 0.0), abs(wanted[i]))
                assert abs(value[i] - wanted[i]) <= 1e-12 * scale[key], (k, key, value[i], wanted[i])


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_back_restores_the_optimizer_state_exactly(optimizer: str) -> None:
    machine = Machine(Config(optimizer=optimizer, batch_size=16))
    seen = []
    for _ in range(6 * 75):  # past the dense checkpoint window (64 updates), so some states are replayed
        machine.advance()
        state = machine.state
        seen.append((state.t, state.b.copy(), state.buffers))  # type: ignore[union-attr]
    for t, b, buffers in reversed(seen[:-1]):
        machine.back()
        state = machine.state
        assert state.t == t
        assert np.array_equal(state.b, b)  # type: ignore[arg-type]
        assert len(state.buffers) == len(buffers)
        for ours, kept in zip(state.buffers, buffers, strict=True):
            assert np.array_equal(ours, kept)  # type: ignore[arg-type]


def test_a_new_optimizer_starts_fresh_from_the_next_update_and_back_undoes_it() -> None:
    machine = Machine(Config())
    machine.run_until(epochs(5))
    machine.run_until(step_done(3))  # mid-update: the change applies to this update's step 4
    b, w = machine.state.b[0], machine.state.w[0]  # type: ignore[index]
    version = machine.version
    machine.set_optimizer("adam")
    assert machine.version > version
    assert machine.settings_log[-1] == (machine.state.t, "optimizer", "adam")
    switched = updates(machine, 20)
    # The same as Adam started afresh from the parameters the switch found.
    fresh = updates(Machine(Config(optimizer="adam", init_b=float(b), init_w=float(w))), 20)
    assert [u["b"] for u in switched] == [u["b"] for u in fresh]
    assert np.array_equal(switched[-1]["state"]["v"], fresh[-1]["state"]["v"])
    # Back over the change and forward again: the same states, bit for bit (the change is replayed).
    end, switch = machine.state.t, machine.settings_log[-1][0]
    machine.goto(switch - 3)  # the start of the same update: the change still applies to its step 4
    assert machine.state.optimizer == "adam"
    machine.goto(end)
    assert machine.state.b[0] == switched[-1]["b"]  # type: ignore[index]
    assert np.array_equal(machine.state.buffers[0], switched[-1]["state"]["m"])  # type: ignore[arg-type]
    machine.reset()
    assert machine.state.optimizer == "adam" and machine.state.buffers[2] == 0


def test_choosing_the_optimizer_in_use_changes_nothing() -> None:
    machine = Machine(Config(optimizer="momentum"))
    machine.run_until(epochs(3))
    version, buffers = machine.version, machine.state.buffers
    machine.set_optimizer("momentum")
    assert machine.version == version and machine.state.buffers is buffers and machine.settings_log == []


def test_an_unknown_optimizer_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError, match="optimizer: must be one of sgd, momentum"):
        Machine().set_optimizer("lbfgs")


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"momentum": 1.0}, "momentum: must be at least 0 and below 1"),
        ({"momentum": -0.1}, "momentum: must be at least 0 and below 1"),
        ({"betas": (0.9, 1.0)}, "betas: must be at least 0 and below 1"),
        ({"betas": (0.9,)}, "betas: must be two numbers"),
        ({"alpha": 1.5}, "alpha: must be at least 0 and below 1"),
        ({"eps": 0.0}, "eps: must be above 0"),
        ({"eps": math.nan}, "eps: must be a finite number"),
        ({"optimizer": "Adam"}, "optimizer: must be one of"),
    ],
)
def test_out_of_range_settings_get_one_line_naming_the_key(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config(**changes)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_each_optimizer_uses_torchs_default_eps() -> None:
    config = Config()
    assert config.hyperparameters("adagrad") == {"eps": 1e-10}
    assert config.hyperparameters("rmsprop") == {"alpha": 0.99, "eps": 1e-8}
    assert config.hyperparameters("adam") == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert config.hyperparameters("momentum") == {"beta": 0.9}
    assert Config(eps=1e-6).hyperparameters("adagrad") == {"eps": 1e-6}


def first_step(optimizer: str, **changes: Any) -> np.ndarray:
    machine = Machine(Config(optimizer=optimizer, **changes))
    path = updates(machine, 1) and machine.history.path.values
    return np.diff(path[:2], axis=0)[0]  # type: ignore[no-any-return]


def test_first_steps_as_the_lessons_say() -> None:
    plain = first_step("sgd")
    # Momentum's buffer starts at zero: its first update is plain gradient descent's.
    assert np.array_equal(first_step("momentum"), plain)
    # Nesterov's first is the gradient plus 0.9 times a buffer that holds just the gradient.
    assert first_step("nesterov") == pytest.approx(1.9 * plain, rel=1e-12)
    # AdaGrad and Adam move each parameter by lr whatever its gradient; RMSprop by lr / sqrt(1 - alpha).
    assert np.abs(first_step("adagrad")) == pytest.approx([0.1, 0.1], rel=1e-8)
    assert np.abs(first_step("adam")) == pytest.approx([0.1, 0.1], rel=1e-6)
    assert np.abs(first_step("rmsprop")) == pytest.approx([1.0, 1.0], rel=1e-6)
    assert np.abs(first_step("rmsprop", alpha=0.9)) == pytest.approx([0.1 / math.sqrt(0.1)] * 2, rel=1e-6)


def test_adagrad_steps_keep_shrinking() -> None:
    machine = Machine(Config(optimizer="adagrad"))
    machine.run_until(epochs(200))
    steps = np.linalg.norm(np.diff(machine.history.path.values, axis=0), axis=1)
    assert np.all(np.diff(steps) < 0)


def updates_to_reach(optimizer: str, tolerance: float = 1e-3, limit: int = 3000) -> int:
    """Batch updates at lr 0.1 until (b, w) is within `tolerance` of least squares (limit: never)."""
    from gd_tui.engine.analysis import least_squares

    machine = Machine(Config(optimizer=optimizer))
    machine.run_until(epochs(limit))
    answer = least_squares(machine.data.x_train, machine.data.y_train)
    distance = np.linalg.norm(machine.history.path.values - np.array(answer), axis=1)
    within = np.flatnonzero(distance < tolerance)
    return int(within[0]) if len(within) else limit


def test_the_race_at_lr_0_1_nesterov_first_adagrad_last() -> None:
    reached = {optimizer: updates_to_reach(optimizer) for optimizer in OPTIMIZERS}
    order = sorted(reached, key=reached.__getitem__)
    assert order[0] == "nesterov" and order[-2:] == ["sgd", "adagrad"]
    assert reached["adagrad"] == 3000  # not within 0.001 in 3,000 updates


def test_momentum_overshoots_then_settles() -> None:
    machine = Machine(Config(optimizer="momentum"))
    machine.run_until(epochs(1000))
    losses = machine.history.update_loss.values
    assert np.any(np.diff(losses[:200]) > 0)  # the loss goes up on the way: overshoot
    assert machine.state.b_grad is not None and abs(machine.state.b_grad) < 1e-10  # and settles


def test_rmsprop_leaves_the_minimum_and_circles_it() -> None:
    machine = Machine(Config(optimizer="rmsprop"))
    machine.run_until(epochs(3000))
    losses = machine.history.update_loss.values
    least = losses.min()
    assert losses[-100:].min() > least * 1.5  # the steps stay about lr long however small the gradient
