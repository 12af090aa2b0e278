"""float64 from the NumPy start: the torch run is the NumPy engine's, to the last bits or so, at every step."""

from __future__ import annotations

import numpy as np
import pytest

from gd_tui.engine import Config, Machine
from gd_tui.engine import steps as numpy_steps

RELATIVE = 1e-15


def close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= RELATIVE * abs(scale)


@pytest.mark.parametrize(("batch_size", "count"), [(None, 60), (16, 4), (1, 1)], ids=["batch", "mini-batch", "sgd"])
def test_float64_from_the_numpy_start_equals_the_numpy_engine_at_every_step(batch_size: int | None, count: int) -> None:
    from gd_tui.pytorch import TorchMachine

    options = {"batch_size": batch_size}
    torch_machine = TorchMachine(Config(backend="torch", dtype="float64", init="numpy", **options))
    numpy_machine = Machine(Config(**options))
    steps = count * 6 * numpy_machine.updates_per_epoch
    before: tuple[np.ndarray, np.ndarray] | None = None
    for _ in range(steps):
        torch_state, numpy_state = torch_machine.advance(), numpy_machine.advance()
        assert torch_state.t == numpy_state.t and torch_state.batch == numpy_state.batch
        # The same batch, in the documented order.
        assert np.array_equal(torch_machine.batch_rows(), numpy_machine.batch_rows())
        for name in ("b", "w"):
            ours, theirs = getattr(torch_state, name)[0], getattr(numpy_state, name)[0]
            assert close(ours, theirs, theirs), (name, torch_state.t, ours, theirs)
        # Loss and gradients: the NumPy engine's own step functions on the torch run's b and w.
        # A gradient is a sum of terms of both signs, so its bits are measured against the
        # size of those terms (near the minimum it is far smaller than they are).
        if torch_state.last_step == 1:
            before = (torch_state.b, torch_state.w)
        if torch_state.last_step in (2, 3):
            assert before is not None
            x, y = torch_state.x_batch, torch_state.y_batch
            yhat = numpy_steps.forward(*before, x)
            error, loss = numpy_steps.loss(yhat, y)
            assert close(torch_state.loss, loss, loss), (torch_state.t, torch_state.loss, loss)
        if torch_state.last_step == 3:
            b_grad, w_grad = numpy_steps.gradients(x, error)
            assert close(torch_state.b_grad, b_grad, 2 * np.abs(error).mean())
            assert close(torch_state.w_grad, w_grad, 2 * np.abs(x * error).mean())
    # The parity line says the same: the lockstep twin is that NumPy run.
    gap = torch_machine.parity()
    assert gap is not None and max(gap) <= RELATIVE * 3
