"""The cross-sections chart's series on plain arrays: the loss along each parameter and its tangent."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_tui.app.keys import key_for
from gd_tui.app.plots.axis import padding
from gd_tui.app.plots.geometry import clip_line, finite, window
from gd_tui.engine.analysis import Reference

SECTION_POINTS = 81  # per curve: more than the columns a half-width plot has
TANGENT = 0.25  # the tangent reaches this fraction of the window's half-width either side of the point


@dataclass(frozen=True)
class Section:
    """The training loss along one parameter with the other held at its current value."""

    axis: str  # the parameter that varies: "w" or "b"
    fixed: float  # the other parameter's current value
    values: np.ndarray  # (SECTION_POINTS,) along the axis
    losses: np.ndarray  # (SECTION_POINTS,)
    point: tuple[float, float]  # (current value, loss there)
    slope: float  # the full training set's gradient along the axis
    y_range: tuple[float, float]
    tangent: tuple[list[float], list[float]] | None  # clipped to the plot


def cut(
    axis: str,
    fixed: float,
    values: np.ndarray,
    losses: np.ndarray,
    point: tuple[float, float],
    slope: float,
    half: float,
) -> Section:
    """One cross-section with its tangent segment at the point."""
    low = min(float(losses.min()), point[1])
    high = max(float(losses.max()), point[1])
    pad = padding(low, high, 0.05)
    y_range = (low - pad, high + pad)
    x, loss = point
    # y = loss + slope·(v − x), as intercept and slope, over a short stretch around x.
    tangent = clip_line(loss - slope * x, slope, (x - TANGENT * half, x + TANGENT * half), y_range)
    return Section(axis, fixed, values, losses, point, slope, y_range, tangent)


def sections(reference: Reference, start: tuple[float, float], b: float, w: float) -> tuple[Section, Section] | str:
    """The two cross-sections through (b, w), or the sentence saying why there are none."""
    if not finite(b, w):
        return (
            "Diverged: b and w are no longer finite numbers, so no loss curve passes through them. "
            f"{key_for('back')} steps back, {key_for('lr_down')} lowers the learning rate, {key_for('reset')} resets."
        )
    area = window(reference, start, np.array([b]), np.array([w]))
    surface = reference.surface
    # Far out (huge data, a diverging run) the loss overflows: inf is the answer, not a warning on the terminal.
    with np.errstate(all="ignore"):
        loss = float(surface(np.asarray(b), np.asarray(w)))
        b_grad, w_grad = (float(g) for g in surface.gradient(b, w))
    if not area.contains(np.array(b), np.array(w)) or not finite(loss, b_grad, w_grad):
        size = f"{loss:.3g}" if finite(loss) else "too large for a float"
        return (
            f"b = {b:.3g}, w = {w:.3g} are far from the minimum (the loss is {size}): the run is diverging. "
            f"{key_for('back')} steps back, {key_for('lr_down')} lowers the learning rate, {key_for('reset')} resets."
        )
    w_values = np.linspace(*area.w_range, SECTION_POINTS)
    b_values = np.linspace(*area.b_range, SECTION_POINTS)
    with np.errstate(all="ignore"):
        w_losses, b_losses = surface(np.asarray(b), w_values), surface(b_values, np.asarray(w))
    if not (np.isfinite(w_losses).all() and np.isfinite(b_losses).all()):
        return f"The loss overflows around b = {b:.3g}, w = {w:.3g}: no cross-section to draw."
    along_w = cut("w", b, w_values, w_losses, (w, loss), w_grad, area.half)
    along_b = cut("b", w, b_values, b_losses, (b, loss), b_grad, area.half)
    return along_w, along_b
