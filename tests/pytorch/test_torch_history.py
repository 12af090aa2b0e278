"""Bounded history on torch: rows no longer held are recomputed on torch, so they are the run's own float32 numbers."""

from __future__ import annotations

import numpy as np
import pytest

from gd_tui.engine import Config


def test_recomputed_rows_of_a_torch_run_are_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from gd_tui.engine import history
    from gd_tui.pytorch import TorchMachine

    config = Config(backend="torch", batch_size=8, optimizer="adam")
    whole = TorchMachine(config)
    whole.goto(1 + 5 * 300)
    monkeypatch.setattr(history, "TAIL", 16)  # every row but the last few is thinned, then recomputed
    thinned = TorchMachine(config)
    thinned.goto(1 + 5 * 300)
    assert thinned.history.update_loss._tail_start > 0
    for name, count in (("update_loss", 300), ("path", 301), ("epoch_loss", 30)):
        ours = getattr(thinned.history, name).rows(0, count)
        assert np.array_equal(ours, getattr(whole.history, name).rows(0, count)), name
