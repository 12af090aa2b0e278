"""The one table of limits: what every way in (flags, dialogs, lesson files, session files) accepts.

A value one way in accepts must be accepted by every other, or an autosave made from
a dialog's value could not be resumed. Each reader words its own message, but takes
its bounds from here; a property test saves and resumes values drawn from this table.
"""

from __future__ import annotations

from dataclasses import dataclass

# Beyond these magnitudes the numbers stop teaching anything and start
# overflowing float64 on the first update; refuse them up front.
MAX_ABS_VALUE = 1e6
MAX_LR = 100.0
MAX_POINTS = 10_000_000
MAX_SEED = 2**32 - 1  # the legacy NumPy RNG takes 32-bit seeds
MAX_COLUMNS = 10_000  # a CSV column number beyond this is a typo, not a data set
MAX_EPOCHS = 10_000_000  # `run --epochs`, and the "epoch reached" breakpoint
MAX_STEPS = 10_000_000  # `trace --steps`
# A replay runs about 300,000 steps a second; a longer position is a broken file.
MAX_T = 10**9
MAX_SETTINGS = 1_000_000  # setting changes in one session (at different steps; see Machine)
MAX_FORMAT_WIDTH = 40  # a lesson placeholder's width or precision ({lr:.3f})


@dataclass(frozen=True)
class Limit:
    """The values one option takes: whole numbers or floats from `low` to `high`."""

    low: float
    high: float
    whole: bool = False
    low_open: bool = False  # `low` itself is refused (lr > 0)


LIMITS: dict[str, Limit] = {
    "seed": Limit(0, MAX_SEED, whole=True),
    "n_points": Limit(2, MAX_POINTS, whole=True),
    "true_b": Limit(-MAX_ABS_VALUE, MAX_ABS_VALUE),
    "true_w": Limit(-MAX_ABS_VALUE, MAX_ABS_VALUE),
    "noise": Limit(0, MAX_ABS_VALUE),
    "train_fraction": Limit(0, 1, low_open=True),
    "lr": Limit(0, MAX_LR, low_open=True),
    "batch_size": Limit(1, MAX_POINTS, whole=True),
    "init_b": Limit(-MAX_ABS_VALUE, MAX_ABS_VALUE),
    "init_w": Limit(-MAX_ABS_VALUE, MAX_ABS_VALUE),
    "x_col": Limit(1, MAX_COLUMNS, whole=True),
    "y_col": Limit(1, MAX_COLUMNS, whole=True),
    # breakpoints
    "loss_below": Limit(0, float("inf"), low_open=True),
    "grad_below": Limit(0, float("inf"), low_open=True),
    "epoch_reached": Limit(1, MAX_EPOCHS, whole=True),
    # commands and positions
    "epochs": Limit(0, MAX_EPOCHS, whole=True),
    "steps": Limit(0, MAX_STEPS, whole=True),
    "t": Limit(0, MAX_T, whole=True),
}


def accepts(name: str, value: float) -> bool:
    """Whether option `name` takes `value` (finite, in range, whole where it must be)."""
    limit = LIMITS[name]
    if value != value or value in (float("inf"), float("-inf")):
        return False
    if limit.whole and value != int(value):
        return False
    above = value > limit.low if limit.low_open else value >= limit.low
    return above and value <= limit.high
