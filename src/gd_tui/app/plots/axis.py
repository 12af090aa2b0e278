"""Axis ranges plotext can draw: any finite range the data and the run produce, rescaled or widened.

plotext maps a value to a cell with (v - low) / (high - low) and builds its tick
labels from the span. It fails on a span of zero (ZeroDivisionError), on spans
near the ends of the float range (subnormal x gives OverflowError, spans near
1e308 ValueError), and its labels cannot tell apart values that agree to more
than about nine digits. So every chart draws through an Axis: values beyond
1e±250 are drawn in units of a power of ten (the chart says which), and a range
too narrow for the labels is widened around its middle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

LARGEST = 1e250  # beyond this magnitude, values are drawn in units of a power of ten
SMALLEST = 1e-250  # below it likewise (subnormal numbers are drawn as a few units)
RELATIVE = 1e-9  # a range narrower than this fraction of its magnitude is widened to it
CONSTANT = 0.05  # a range of one value is widened by this fraction of it either side
# Scaling a tiny value by 2**SHIFT first keeps it exact (a power of two) and far from subnormal.
SHIFT = 1074


@dataclass(frozen=True)
class Axis:
    """How one axis is drawn: the range in drawn units, and the power of ten the values are divided by."""

    low: float
    high: float
    exponent: int = 0

    def __call__(self, values: Iterable[float] | np.ndarray | float) -> list[float]:
        """The values in drawn units, as the list plotext takes."""
        array = np.atleast_1d(np.asarray(values, dtype=np.float64))
        drawn: list[float] = scaled(array, self.exponent).tolist()
        return drawn

    @property
    def range(self) -> tuple[float, float]:
        return self.low, self.high

    def note(self, name: str) -> str:
        """The words that say the axis is scaled ("" when it is not), e.g. 'x ×1e-323'."""
        return "" if self.exponent == 0 else f"{name} ×1e{self.exponent}"


def scaled(values: np.ndarray, exponent: int) -> np.ndarray:
    """values / 10**exponent, computed without passing through a subnormal or infinite divisor."""
    if exponent == 0:
        return values
    with np.errstate(all="ignore"):
        if exponent < 0:
            divisor = float(Fraction(10) ** exponent * 2**SHIFT)
            return np.ldexp(values, SHIFT) / divisor
        return values / 10.0**exponent


def axis(low: float, high: float) -> Axis:
    """An axis plotext can draw that holds [low, high] (a non-finite end gives the unit range)."""
    low, high = float(low), float(high)
    if not (math.isfinite(low) and math.isfinite(high)):
        return Axis(0.0, 1.0)
    if low > high:
        low, high = high, low
    magnitude = max(abs(low), abs(high))
    exponent = 0
    if magnitude > LARGEST or 0 < magnitude < SMALLEST:
        exponent = math.floor(math.log10(magnitude))
        low, high = (float(v) for v in scaled(np.array([low, high]), exponent))
    magnitude = max(abs(low), abs(high))
    if high == low:
        # One value (a first point, a constant): a range it sits in the middle of, whose
        # labels read as numbers (1.16 and 1.05), not ten digits a billionth apart.
        half = CONSTANT * magnitude or 1.0
        low, high = low - half, high + half
    elif high - low <= RELATIVE * magnitude:
        middle = low / 2 + high / 2
        half = RELATIVE * magnitude
        low, high = middle - half, middle + half
    return Axis(low, high, exponent)


def padding(low: float, high: float, fraction: float) -> float:
    """Room to leave either side of [low, high]: a fraction of the span, never a size unrelated to the data.

    A subnormal span times the fraction rounds to 0, and a constant has no span: the
    span itself, then the magnitude, stand in (1 only when everything is 0).
    """
    span = high - low
    return fraction * span or span or fraction * max(abs(low), abs(high)) or 1.0


def notes(*parts: str) -> str:
    """The non-empty notes of a key line joined into one."""
    return "  ".join(part for part in parts if part)


__all__ = ["Axis", "axis", "notes", "padding", "scaled"]
