"""Geometry of the charts on plain numbers: clipping lines, the (b, w) window."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gd_tui.engine.analysis import Reference


def finite(*values: float | None) -> bool:
    """True when every value is a finite number."""
    return all(v is not None and math.isfinite(v) for v in values)


def clip_line(
    intercept: float, slope: float, x_range: Sequence[float], y_range: Sequence[float]
) -> tuple[list[float], list[float]] | None:
    """The part of y = intercept + slope·x inside the box, as two points; None when it misses.

    plotext fills every pixel between a line's end points, so an end point far
    outside the chart (a diverging line) would cost millions of points: clip first.
    """
    x_low, x_high = float(x_range[0]), float(x_range[1])
    y_low, y_high = float(y_range[0]), float(y_range[1])
    if not finite(intercept, slope):
        return None
    with np.errstate(all="ignore"):
        if slope == 0:
            if not y_low <= intercept <= y_high:
                return None
        else:
            # Where the line crosses y_low and y_high: division keeps huge slopes finite.
            a, b = (y_low - intercept) / slope, (y_high - intercept) / slope
            if not finite(a, b):
                return None
            x_low, x_high = max(x_low, min(a, b)), min(x_high, max(a, b))
    if x_low > x_high:
        return None
    xs = [x_low, x_high]
    ys = [min(max(intercept + slope * x, y_low), y_high) for x in xs]
    return xs, ys


@dataclass(frozen=True)
class Window:
    """A square region of the (b, w) plane: equal spans, so a round loss surface looks round."""

    b_centre: float
    w_centre: float
    half: float

    @property
    def b_range(self) -> tuple[float, float]:
        return self.b_centre - self.half, self.b_centre + self.half

    @property
    def w_range(self) -> tuple[float, float]:
        return self.w_centre - self.half, self.w_centre + self.half

    def contains(self, b: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Which of the points lie inside (NaN and inf never do)."""
        with np.errstate(invalid="ignore"):
            return (np.abs(b - self.b_centre) <= self.half) & (np.abs(w - self.w_centre) <= self.half)


MARGIN = 1.25  # room around the farthest point
MAX_DOUBLINGS = 6  # a diverging path stops growing the window at 64 times its first size


def centre(reference: Reference) -> tuple[float, float]:
    """The least-squares point, or for constant x (no unique minimum) b = mean y, w = 0, one of the minima."""
    if reference.least_squares is not None:
        return reference.least_squares
    return reference.surface.mean_y, 0.0


def window(reference: Reference, start: tuple[float, float] | None, b: np.ndarray, w: np.ndarray) -> Window:
    """A window around the minimum holding the start, then doubled until it holds the points (up to a limit).

    The size moves in powers of two only, so the loss grid behind it is computed a
    handful of times per dataset, not per frame.
    """
    b_centre, w_centre = centre(reference)
    scale = max(abs(b_centre), abs(w_centre))
    if start is not None and finite(*start):
        base = MARGIN * max(abs(start[0] - b_centre), abs(start[1] - w_centre))
    else:
        base = MARGIN * max(scale, 1.0)  # before step 0: about where a standard-normal start lands
    # A start at (or next to) the minimum still gets a bowl around it to look at.
    base = max(base, 0.1 * scale, 1e-12)
    with np.errstate(all="ignore"):
        distance = np.maximum(np.abs(b - b_centre), np.abs(w - w_centre))
    distance = distance[np.isfinite(distance)]
    far = float(distance.max()) * MARGIN if len(distance) else 0.0
    doublings = 0
    while far > base * 2**doublings and doublings < MAX_DOUBLINGS:
        doublings += 1
    return Window(b_centre, w_centre, base * 2**doublings)


__all__ = ["MARGIN", "MAX_DOUBLINGS", "Window", "centre", "clip_line", "finite", "window"]
