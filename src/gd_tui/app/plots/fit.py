"""The data and fit chart's series on plain arrays: thinned points, the three lines clipped to the box."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_tui.app.keys import key_for
from gd_tui.app.plots.axis import padding
from gd_tui.app.plots.geometry import clip_line, finite
from gd_tui.engine.analysis import Reference
from gd_tui.engine.data import Dataset

# Points drawn per set, whatever N is: enough to show the cloud at 120x40,
# so a million points draw as fast as a hundred. 4:1 like the default split.
TRAIN_POINTS = 240
VAL_POINTS = 60


def stride(x: np.ndarray, y: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Every k-th point, k = ceil(n / limit): deterministic, and the split already shuffled the order."""
    step = max(1, -(-len(x) // limit))
    return x[::step, 0], y[::step, 0]


@dataclass(frozen=True)
class FitData:
    """What the chart draws of a dataset: computed once per dataset."""

    train: tuple[np.ndarray, np.ndarray]  # (x, y) of at most TRAIN_POINTS points
    val: tuple[np.ndarray, np.ndarray]
    x_range: tuple[float, float]  # of every point, not only the drawn ones
    y_range: tuple[float, float]  # padded, so points are not drawn on the frame


def fit_data(data: Dataset) -> FitData:
    """The drawn points and the axis ranges of a dataset."""
    xs = [a for a in (data.x_train, data.x_val) if len(a)]
    ys = [a for a in (data.y_train, data.y_val) if len(a)]
    x_low, x_high = min(float(a.min()) for a in xs), max(float(a.max()) for a in xs)
    y_low, y_high = min(float(a.min()) for a in ys), max(float(a.max()) for a in ys)
    pad = padding(y_low, y_high, 0.1)
    if x_high == x_low:
        x_low, x_high = x_low - 1, x_high + 1
    return FitData(
        stride(data.x_train, data.y_train, TRAIN_POINTS),
        stride(data.x_val, data.y_val, VAL_POINTS),
        (x_low, x_high),
        (y_low - pad, y_high + pad),
    )


@dataclass(frozen=True)
class FitLines:
    """Each line clipped to the chart (two points), or None when it is not drawn."""

    now: tuple[list[float], list[float]] | None
    true: tuple[list[float], list[float]] | None
    lstsq: tuple[list[float], list[float]] | None
    note: str  # what the chart cannot draw, in words ("" when nothing)


def fit_lines(
    data: FitData, reference: Reference, true: tuple[float | None, float | None], b: float | None, w: float | None
) -> FitLines:
    """The three lines over the data's x range, clipped to its y range."""

    def line(params: tuple[float | None, float | None] | None) -> tuple[list[float], list[float]] | None:
        if params is None or not finite(*params):
            return None
        intercept, slope = params
        return clip_line(intercept, slope, data.x_range, data.y_range)  # type: ignore[arg-type]

    now = line((b, w)) if b is not None else None
    if b is None:
        note = f"{key_for('next')}: step 0 draws the first line"
    elif not finite(b, w):
        note = "diverged: b, w are not finite"
    elif now is None:
        note = "the line is off the chart"
    else:
        note = ""
    return FitLines(now, line(true), line(reference.least_squares), note)
