"""Series.sample and Series.take read only the rows they return, and return what reading every row gives."""

from __future__ import annotations

import random

import numpy as np
import pytest

from gd_tui.engine.history import Series


def every_row_sample(series: Series, limit: int, stop: int | None) -> tuple[np.ndarray, np.ndarray]:
    """All held rows below stop, then evenly picked: the plain way (and what sample() was)."""
    stop = series.count if stop is None else min(stop, series.count)
    positions, values = [], []
    kept_at = series._kept_at.values.astype(np.int64)
    for position, value in zip(kept_at, series._kept.values, strict=True):
        if position < stop:
            positions.append(position)
            values.append(value)
    for offset, value in enumerate(series._tail.values):
        if series._tail_start + offset < stop:
            positions.append(series._tail_start + offset)
            values.append(value)
    shape = (0, series._columns) if series._columns > 1 else (0,)
    positions_array = np.array(positions, dtype=np.int64)
    values_array = np.array(values, dtype=np.float64) if values else np.empty(shape)
    if len(positions_array) > limit:
        pick = np.unique(np.linspace(0, len(positions_array) - 1, limit).astype(np.int64))
        positions_array, values_array = positions_array[pick], values_array[pick]
    return positions_array, values_array


@pytest.mark.parametrize("seed", range(12))
def test_sample_and_take_match_reading_every_row(seed: int) -> None:
    rng = random.Random(seed)
    columns, tail_rows = rng.choice([1, 2]), rng.choice([3, 8, 50, 1000])
    series = Series("x", columns=columns, tail_rows=tail_rows)  # thinned into kept rows as it grows
    count = rng.randint(1, 3000)

    def row(i: np.ndarray) -> np.ndarray:
        return i * 1.5 if columns == 1 else np.stack([i * 1.0, -i * 1.0], axis=-1)

    for i in range(count):
        series.append(float(row(np.array(i))) if columns == 1 else tuple(row(np.array(i))))
    series._recompute = lambda name, start, stop: row(np.arange(start, stop))
    for _ in range(20):
        limit, stop = rng.randint(1, 300), rng.choice([None, rng.randint(0, count + 5)])
        got, expected = series.sample(limit, stop), every_row_sample(series, limit, stop)
        assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
        rows = np.array(sorted(rng.sample(range(count), min(count, rng.randint(1, 50)))))
        assert np.array_equal(series.take(rows), row(rows))  # held or recomputed, exactly
    with pytest.raises(IndexError):
        series.take(np.array([count]))
