"""Every chart tab draws, or says what it cannot draw, for any data the loader accepts (issue 13, item 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_charts import SIZES, show_every_tab

from gd_tui.app import GDApp
from gd_tui.app.plots.axis import axis
from gd_tui.csvfile import MAX_DATA_TEXT as LIMIT_TEXT
from gd_tui.engine import Config

SUBNORMAL = 5e-324
MAX_DATA = float(LIMIT_TEXT)  # the loader's limit on a value

# name: (x, y, extra config, the note the data-fit tab must carry or "")
DATASETS: dict[str, tuple[list[float], list[float], dict[str, Any], str]] = {
    "subnormal-x": ([SUBNORMAL * k for k in range(1, 6)], [2, 3, 4, 5, 6], {}, "x ×1e-323"),
    # ×1e-322 once the current line widens the range by up to a data span
    "subnormal-y": ([1, 2, 3, 4, 5], [SUBNORMAL * k for k in range(1, 6)], {}, "y ×1e-32"),
    "x-near-max": ([MAX_DATA * (1 - k * 1e-3) for k in range(5)], [1, 2, 3, 4, 5], {}, ""),
    "x-near-min": ([-MAX_DATA * (1 - k * 1e-3) for k in range(5)], [1, 2, 3, 4, 5], {}, ""),
    "x-across-the-limits": ([-MAX_DATA, -5e99, 0, 5e99, MAX_DATA], [1, 2, 3, 4, 5], {}, ""),
    # Started at the answer: every loss is exactly 0, on a log scale too.
    "exact-fit": ([0, 1, 2, 3, 4], [1, 3, 5, 7, 9], {"init_b": 1.0, "init_w": 2.0}, ""),
    "y-varies-in-the-last-bit": ([1, 2, 3, 4, 5], [1, 1 + 2**-52, 1, 1 + 2**-51, 1], {}, ""),
}


def write_csv(path: Path, x: list[float], y: list[float]) -> Path:
    path.write_text("x,y\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(x, y, strict=True)))
    return path


@pytest.mark.parametrize("keys", [("n",), ("n", "e", "e", "e", "l")], ids=["step-0", "three-epochs-log"])
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("name", list(DATASETS))
async def test_every_tab_draws_any_data_the_loader_accepts(
    tmp_path: Path, name: str, size: tuple[int, int], keys: tuple[str, ...]
) -> None:
    x, y, extra, note = DATASETS[name]
    config = Config(data=str(write_csv(tmp_path / f"{name}.csv", x, y)), train_fraction=1.0, **extra)
    app = GDApp(config)
    async with app.run_test(size=size) as pilot:
        await pilot.press(*keys)
        await app.workers.wait_for_complete()
        texts = await show_every_tab(app, pilot)  # raises if a tab fails to draw
        loss_key = app.query_one("#loss-history").key_text  # type: ignore[attr-defined]
    assert app.machine.state.t >= 1
    for tab_id, text in texts.items():
        assert text.strip(), tab_id
    if note:
        assert note in texts["data-fit"], texts["data-fit"]
    if name == "exact-fit" and len(keys) > 1:
        assert "every loss is 0: no log scale" in loss_key


@pytest.mark.parametrize(
    ("low", "high", "exponent"),
    [(5e-324, 2.5e-323, -323), (1e-310, 5e-310, -310), (1e300, 1.7e308, 308), (-1e100, 1e100, 0), (2.0, 3.0, 0)],
)
def test_axis_rescales_ranges_plotext_cannot_draw(low: float, high: float, exponent: int) -> None:
    scale = axis(low, high)
    assert scale.exponent == exponent
    assert (scale.note("x") == "") == (exponent == 0)
    drawn_low, drawn_high = scale([low, high])
    assert scale.low <= drawn_low < drawn_high <= scale.high
    assert 1e-250 < scale.high - scale.low < 1e250


@pytest.mark.parametrize("value", [0.0, 1.0, 9.5e197, -1e100, 5e-324])
def test_axis_widens_a_constant_range_around_it(value: float) -> None:
    scale = axis(value, value)
    (drawn,) = scale(value)
    assert scale.low < drawn < scale.high


def test_a_single_value_gets_a_range_whose_labels_read_as_numbers() -> None:
    # The first point of a run: the loss history's y axis once read 1.1052225282 to 1.1052225304.
    scale = axis(1.10522253, 1.10522253)
    assert scale.low == pytest.approx(1.05, abs=0.01) and scale.high == pytest.approx(1.16, abs=0.01)
