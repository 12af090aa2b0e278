"""The loss history chart's series on plain arrays: thinned to a bounded number of points, whole-number ticks."""

from __future__ import annotations

import math

import numpy as np

MAX_POINTS = 300  # per series, at most; the chart's own width usually caps it lower


# Three glyphs that differ without colour too (NO_COLOR, a monochrome terminal).
def downsample(values: np.ndarray, limit: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """(positions 1.., values) with at most `limit` evenly spaced points, the last one kept."""
    count = len(values)
    if count <= limit:
        return np.arange(1, count + 1), values
    idx = np.linspace(0, count - 1, limit).astype(np.int64)
    return idx + 1, values[idx]


def whole_ticks(low: float, high: float, count: int) -> list[int]:
    """At most `count` whole numbers from low to high, both ends included: updates are counted, not measured."""
    first, last = math.ceil(low), math.floor(high)
    if last <= first:
        return [first]
    return sorted({round(value) for value in np.linspace(first, last, min(count, last - first + 1))})
