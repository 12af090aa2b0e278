"""Engine values as plain numbers."""

from __future__ import annotations

import numpy as np


def scalar(value: object) -> float | None:
    """A plain float from an engine value (a (1,) array, a NumPy scalar or None)."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return float(value.reshape(-1)[0])
    return float(value)  # type: ignore[arg-type]
