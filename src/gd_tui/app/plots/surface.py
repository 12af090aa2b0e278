"""The loss surface chart's series on plain arrays: level curves, the thinned path, the marked points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_tui.app.keys import key_for
from gd_tui.app.plots.geometry import Window, finite, window
from gd_tui.engine.analysis import LossSurface, Reference
from gd_tui.engine.history import Series

GRID = 101  # grid points per axis: about one per braille dot at 120x40
# Level curves at these fractions of the window's area: each encloses about twice the
# area of the one inside it, so the rings spread from the minimum to the window's edge.
QUANTILES = (0.04, 0.15, 0.4, 0.8)
QUANTILES_SMALL = (0.05, 0.3, 0.75)  # at 80x24 the plot is five rows high: fewer rings read better
PATH_POINTS = 200  # at most this many path points are drawn, however long the run
# The first updates are also joined by lines (a zigzag across the valley shows), up to
# this many: plotext fills every pixel of a line, so lines cost more than points.
LINE_POINTS = 60


@dataclass(frozen=True)
class Levels:
    """The loss grid over a window and the grid cells its level curves cross; computed once per window."""

    window: Window
    b_values: np.ndarray  # (GRID,)
    w_values: np.ndarray  # (GRID,)
    losses: np.ndarray  # (GRID, GRID) indexed [w, b]
    levels: np.ndarray  # the losses the curves are drawn at, ascending
    b: np.ndarray  # (k,) centres of the crossed cells
    w: np.ndarray  # (k,)


def level_curves(
    surface: LossSurface, area: Window, quantiles: tuple[float, ...] = QUANTILES, size: int = GRID
) -> Levels:
    """Mark each grid cell whose corners straddle a level: curves one cell thick, with no contour routine."""
    with np.errstate(all="ignore"):  # huge data overflows to inf: those cells just get no curve
        b_values, w_values, losses = surface.grid(area.b_range, area.w_range, size)
    finite_losses = losses[np.isfinite(losses)]
    levels = np.unique(np.quantile(finite_losses, quantiles)) if len(finite_losses) else np.empty(0)
    corners = (losses[:-1, :-1], losses[1:, :-1], losses[:-1, 1:], losses[1:, 1:])
    low, high = np.minimum.reduce(corners), np.maximum.reduce(corners)
    crossed = np.zeros(low.shape, dtype=bool)
    with np.errstate(invalid="ignore"):  # NaN corners compare False: no curve there
        for level in levels:
            crossed |= (low <= level) & (level < high)
    w_index, b_index = np.nonzero(crossed)
    b_centres = (b_values[:-1] + b_values[1:]) / 2
    w_centres = (w_values[:-1] + w_values[1:]) / 2
    return Levels(area, b_values, w_values, losses, levels, b_centres[b_index], w_centres[w_index])


def sample_indices(count: int, limit: int = PATH_POINTS) -> np.ndarray:
    """At most `limit` row numbers of a path of `count` rows, the first and last included.

    Half are spaced geometrically (gradient descent moves most in its first updates,
    so those are kept one by one), half evenly (later turns, after an lr change).
    """
    if count <= limit:
        return np.arange(count)
    half = limit // 2
    geometric = np.geomspace(1, count, half) - 1
    even = np.linspace(0, count - 1, limit - half)
    rows = np.unique(np.concatenate([geometric, even]).round().astype(np.int64))
    return rows[rows < count]


@dataclass(frozen=True)
class SurfaceSeries:
    """What the chart hands plotext besides the level curves."""

    window: Window
    path_rows: np.ndarray  # which rows of history.path are drawn
    path_b: np.ndarray  # those rows' b, w (the ones inside the window)
    path_w: np.ndarray
    line_b: np.ndarray  # the first updates, one by one, while they stay inside the window
    line_w: np.ndarray
    start: tuple[float, float] | None
    now: tuple[float, float] | None  # None before step 0, when diverged or off the window
    minimum: tuple[float, float] | None  # least squares; None when x is constant
    note: str


def surface_series(reference: Reference, path: np.ndarray | Series) -> SurfaceSeries:
    """The window, the sampled path and the marked points, from the (b, w) path ((k, 2), start first)."""
    rows = sample_indices(len(path))
    if isinstance(path, Series):  # a long run's history holds part of its past: draw rows it holds
        rows = path.held_rows(rows)
        sampled = path.take(rows).reshape(-1, 2)
    else:
        sampled = path[rows]  # (≤ PATH_POINTS, 2): indexing never copies the whole path
    b, w = sampled[:, 0], sampled[:, 1]
    first = path[0] if len(path) else None
    last = path[-1] if len(path) else None
    start = (float(first[0]), float(first[1])) if first is not None else None
    area = window(reference, start, b, w)
    inside = area.contains(b, w)
    now: tuple[float, float] | None = None
    if not len(path):
        note = f"{key_for('next')}: step 0 draws the start"
    elif not finite(*last):
        note = "diverged: b, w are not finite"
    elif not inside[-1]:
        note = "now off the chart: diverging"
    else:
        now = (float(last[0]), float(last[1]))
        note = "" if inside.all() else "path leaves the chart"
    # Only consecutive rows inside the window are joined: a line to a point far outside
    # would make plotext fill millions of pixels.
    joined = (rows[:LINE_POINTS] == np.arange(min(len(rows), LINE_POINTS))) & inside[:LINE_POINTS]
    count = int(joined.argmin()) if not joined.all() else len(joined)
    return SurfaceSeries(
        area, rows, b[inside], w[inside], b[:count], w[:count], start, now, reference.least_squares, note
    )
