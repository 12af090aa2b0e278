"""How numbers look on screen: fixed decimals the book can be checked against."""

from __future__ import annotations

import math

import numpy as np
from rich.text import Text

from gd_tui.text import one_line

CHANGED = "bold reverse"  # survives NO_COLOR: reverse video needs no colour


def shown(message: str) -> Text:
    """A message as the user will read it: literal ("[/x]" is not markup), one line, no control characters."""
    return Text(one_line(message))


def scalar(value: object) -> float | None:
    """A plain float from an engine value (a (1,) array, a NumPy scalar or None)."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return float(value.reshape(-1)[0])
    return float(value)  # type: ignore[arg-type]


def num(value: object, decimals: int = 8) -> str:
    """Fixed decimals; scientific notation when that would hide the number; '—' when not computed."""
    number = scalar(value)
    if number is None:
        return "—"
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    if number != 0 and (abs(number) >= 1e6 or abs(number) < 10 ** -(decimals - 3)):
        return f"{number:.{max(decimals - 4, 3)}e}"
    return f"{number:.{decimals}f}"


def signed(value: object, decimals: int = 8) -> str:
    """Like num(), with an explicit + for positive changes."""
    text = num(value, decimals)
    return text if text.startswith(("-", "—", "n", "i")) else "+" + text


class Marks:
    """Remembers the values a pane showed after the last step or run, to mark those that changed.

    While a run goes on, its frames neither mark nor remember: when it stops, the marks
    show what the whole run changed, the same however many frames the machine drew.
    """

    def __init__(self) -> None:
        self._previous: dict[str, str] = {}
        self._current: dict[str, str] = {}
        self.running = False

    def value(self, key: str, text: str, style: str = "") -> Text:
        """`text`, reverse-video when it differs from what this key showed at the last stop."""
        if self.running:
            return Text(text, style=style)
        self._current[key] = text
        previous = self._previous.get(key)
        changed = previous is not None and previous != text
        return Text(text, style=f"{style} {CHANGED}".strip() if changed else style)

    def commit(self) -> None:
        """Call once per redraw: what was shown now is what the next redraw compares with."""
        if not self.running:
            self._previous, self._current = self._current, {}

    def clear(self) -> None:
        """Forget everything (after a reset: nothing is a change)."""
        self._previous.clear()
        self._current.clear()
