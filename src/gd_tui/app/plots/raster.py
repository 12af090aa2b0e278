"""A plotted line as terminal cells, on plain integer arrays: what plotext's own
rasterizer computes, point for point, vectorized.

plotext joins a line's points one segment at a time and groups the dots into braille
cells one dot at a time, in Python: most of what redrawing the loss history costs.
These compute the same integers with NumPy; plotext_bridge hands them to plotext.
"""

from __future__ import annotations

from functools import cache

import numpy as np

LIMIT = 2**31  # beyond this the float steps of a segment could differ from plotext's: left to plotext


def joined(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every point on the straight segments from each point to the next, and the segment each starts.

    Segment n runs from point n to point n+1 in max(|dx|, |dy|) + 1 evenly spaced points,
    each coordinate truncated toward zero; its last point is the next segment's first, so
    it is kept once, at the very end. Returns (x, y, n) for all but that final point.
    """
    dx, dy = np.diff(x), np.diff(y)
    counts = np.maximum(np.abs(dx), np.abs(dy))  # points kept per segment: all but its end
    segment = np.repeat(np.arange(len(counts)), counts)
    # The point's place in its segment, 0 at its start.
    place = np.arange(len(segment)) - np.repeat(np.cumsum(counts) - counts, counts)
    # (n - 1) steps over n points, in floats as plotext's linspace: start + place * (delta / steps).
    steps = np.maximum(counts, 1)
    columns = x[segment] + place * (dx / steps)[segment]
    rows = y[segment] + place * (dy / steps)[segment]
    return columns.astype(np.int64), rows.astype(np.int64), segment


def grouped(x: np.ndarray, y: np.ndarray, across: int, down: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Dots at (x, y) grouped into cells `across` by `down` dots: each cell once, in the order first
    reached, with a bit mask of its dots (bit `(down - 1 - row) * across + column`, top row first).
    """
    cell_x, cell_y = x // across, y // down
    bits = (down - 1 - y % down) * across + x % across
    # One key per cell; cells in the order the dots first reach them.
    low = cell_y.min()
    key = cell_x * (int(cell_y.max() - low) + 1) + (cell_y - low)
    _, first, which = np.unique(key, return_index=True, return_inverse=True)
    masks = np.zeros(len(first), dtype=np.int64)
    np.bitwise_or.at(masks, which, np.left_shift(1, bits))
    order = np.argsort(first, kind="stable")
    return cell_x[first[order]], cell_y[first[order]], masks[order].tolist()


@cache
def dots(mask: int, size: int) -> tuple[int, ...]:
    """A cell's bit mask as the tuple of 0s and 1s plotext keys its markers on."""
    return tuple((mask >> bit) & 1 for bit in range(size))


def small_ints(values: list[object]) -> bool:
    """Whether every value is a plain int of modest size (not None, NaN or a date string)."""
    return set(map(type, values)) == {int} and min(values) > -LIMIT and max(values) < LIMIT  # type: ignore[call-overload]


__all__ = ["dots", "grouped", "joined", "small_ints"]
