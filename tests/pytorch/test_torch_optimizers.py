"""The optimizer lab on the torch backend: torch.optim's own classes, their state kept as machine state."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from gd_tui.engine import Config, ConfigError
from gd_tui.engine.config import OPTIMIZERS
from gd_tui.session import capture, dumps, loads, restore

BUFFER_RELATIVE = 1e-12


def torch_machine(**options: Any):  # type: ignore[no-untyped-def]
    from gd_tui.pytorch import TorchMachine

    return TorchMachine(Config(backend="torch", **options))


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 16], ids=["batch", "mini-batch"])
def test_float64_from_the_numpy_start_agrees_with_the_numpy_optimizer(optimizer: str, batch_size: int | None) -> None:
    machine = torch_machine(dtype="float64", init="numpy", optimizer=optimizer, batch_size=batch_size)
    twin = machine.twin
    scale: dict[str, float] = {}  # the largest each buffer has been: one near 0 is a difference of gradients
    for _ in range(1 + 5 * 40):  # step 0, then five steps an update
        ours, theirs = machine.advance(), twin.state
        assert ours.t == theirs.t and ours.optimizer == theirs.optimizer == optimizer
        if ours.b is not None:
            for name in ("b", "w"):
                mine, other = getattr(ours, name)[0], getattr(theirs, name)[0]
                assert abs(mine - other) <= 1e-14 * abs(other), (name, ours.t)
        for name, mine, other in zip(ours.buffer_names, ours.buffers, theirs.buffers, strict=True):
            if name == "t":
                assert mine == other
                continue
            scale[name] = max(scale.get(name, 0.0), float(np.abs(other).max()))
            assert np.all(np.abs(mine - other) <= BUFFER_RELATIVE * scale[name]), (name, ours.t, mine, other)
    assert ours.update == 40


def test_the_optimizer_is_torch_optims_class_built_in_step_0_and_shown() -> None:
    import torch

    from gd_tui.pytorch.optimizers import adam

    machine = torch_machine(optimizer="adam", betas=(0.8, 0.9), eps=1e-6)
    machine.advance()
    optimizer = machine._optimizer
    assert isinstance(optimizer, torch.optim.Adam)
    group = optimizer.param_groups[0]
    assert group["betas"] == (0.8, 0.9) and group["eps"] == 1e-6 and group["lr"] == 0.1
    assert (adam, 0) in machine.source_functions()


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_stepping_back_restores_torchs_buffers_and_forward_again_is_bit_identical(optimizer: str) -> None:
    machine = torch_machine(optimizer=optimizer, batch_size=16)
    states = []
    for _ in range(6 * 20):
        state = machine.advance()
        states.append((state.t, state.b.copy(), state.buffers))
    for _ in range(6 * 7):
        machine.back()
    machine.goto(1)
    for t, b, buffers in states[1:]:
        state = machine.advance()
        assert state.t == t and np.array_equal(state.b, b)
        for mine, saved in zip(state.buffers, buffers, strict=True):
            assert np.array_equal(mine, saved)  # type: ignore[arg-type]


def test_a_change_of_optimizer_mid_run_starts_torchs_state_from_zero_on_both_machines() -> None:
    machine = torch_machine()
    machine.goto(6 * 5 + 1)
    machine.set_optimizer("rmsprop")
    assert machine.twin.state.optimizer == "rmsprop"
    machine.goto(machine.state.t + 6 * 3)
    assert machine.state.optimizer == "rmsprop" and machine._optimizer.__class__.__name__ == "RMSprop"
    assert machine.parity() is not None and max(machine.parity()) < 1e-5  # type: ignore[arg-type]
    # Saved and resumed (replayed, or adopted from the session's record): the same state, twin included.
    session = loads(dumps(capture(machine)))
    assert session.record is not None
    for way in (session, replace(session, record=None)):
        resumed = restore(way)
        assert resumed.state.t == machine.state.t and np.array_equal(resumed.state.b, machine.state.b)
        for mine, saved in zip(resumed.state.buffers, machine.state.buffers, strict=True):
            assert np.array_equal(mine, saved)  # type: ignore[arg-type]
        assert resumed.parity() == machine.parity()  # type: ignore[attr-defined]


def test_momentum_zero_is_refused_on_torch_in_one_line() -> None:
    with pytest.raises(ConfigError, match="momentum: must be above 0"):
        Config(backend="torch", optimizer="nesterov", momentum=0.0)
    machine = torch_machine(momentum=0.0)
    with pytest.raises(ConfigError):
        machine.set_optimizer("momentum")
    assert machine.state.optimizer == "sgd"
    result = subprocess.run(
        [sys.executable, "-m", "gd_tui", "trace", "--backend", "torch", "--optimizer", "nesterov", "--momentum", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert "--momentum: must be above 0" in result.stderr


def test_trace_with_adam_on_torch_reports_torchs_buffers() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gd_tui",
            "trace",
            "--backend",
            "torch",
            "--optimizer",
            "adam",
            "--steps",
            "5",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.splitlines()[-1]
    assert '"optimizer": "adam"' in last and '"t": 1' in last and '"backend": "torch"' in last
