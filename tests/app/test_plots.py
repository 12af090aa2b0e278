"""Chart math on plain arrays (gd_tui.app.plots): no Textual, no plotext, numbers a learner can trust."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from gd_tui.app.plots.history import downsample, whole_ticks

PROBE = """
import json, sys
from gd_tui.app.plots import fit, geometry, history, sections, surface
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & {"textual", "plotext", "textual_plotext"})))
"""


def test_the_chart_math_imports_no_ui_library() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_update_ticks_are_whole_numbers_from_the_first_update_to_the_last() -> None:
    assert whole_ticks(1, 2, 5) == [1, 2]  # two updates: no 0.50, 1.00, 1.50
    assert whole_ticks(1, 1, 3) == [1]
    assert whole_ticks(1, 30, 3) == [1, 16, 30]
    ticks = whole_ticks(1, 1000, 5)
    assert ticks[0] == 1 and ticks[-1] == 1000 and len(ticks) == 5
    assert all(isinstance(tick, int) for tick in ticks)


def test_downsampling_keeps_the_first_and_last_points_and_a_bounded_count() -> None:
    values = np.arange(10_000, dtype=float)
    positions, kept = downsample(values, 300)
    assert len(kept) == 300 and positions[0] == 1 and positions[-1] == 10_000
    assert np.array_equal(kept, values[positions - 1])
    positions, kept = downsample(values[:5], 300)
    assert list(positions) == [1, 2, 3, 4, 5]
