"""Drawing a long run reads the rows its history holds: no pane or chart replays the run."""

from __future__ import annotations

from typing import Any

import pytest

from gd_tui.app import GDApp
from gd_tui.app.runner import PATIENCE, converged
from gd_tui.app.widgets.chart_pane import TABS, ChartPane
from gd_tui.engine import Config, history, machine
from gd_tui.engine.config import OPTIMIZERS


async def test_no_pane_or_chart_recomputes_a_long_history(monkeypatch: pytest.MonkeyPatch) -> None:
    # Limits small enough that 3000 steps thin the history many times (65,536 rows in earnest).
    monkeypatch.setattr(history, "TAIL", 8)
    monkeypatch.setattr(history, "KEEP", 4)
    monkeypatch.setattr(machine, "MAX_SPARSE", 6)
    app = GDApp(Config(optimizer="adam", batch_size=16))  # the optimizer rows read the path too
    async with app.run_test(size=(120, 40)) as pilot:
        run = app.machine
        run.run_until(lambda state: state.t >= 3000 and state.last_step == 5 and state.batch == 0)
        replayed: list[int] = []
        recompute = run._recompute

        def counted(name: str, start: int, stop: int) -> Any:
            replayed.append(stop - start)
            return recompute(name, start, stop)

        run.history.recompute_with(counted)
        app.view.race = OPTIMIZERS  # the surface's ghosts too
        for tab_id, _, _ in TABS:
            app.query_one(ChartPane).select(tab_id)
            app.show_state()
            await pilot.pause()
        converged(run)
        # A few rows near a checkpoint, or converged()'s last PATIENCE epochs (held in earnest:
        # the tail is 65,536 rows), are fine; the whole run (about 190 epochs here) is not.
        assert max(replayed, default=0) <= PATIENCE, f"rows recomputed at once: {max(replayed)}"
