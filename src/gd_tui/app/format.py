"""How numbers look on screen: fixed decimals the book can be checked against."""

from __future__ import annotations

import math

from rich.text import Text

from gd_tui.engine.values import scalar
from gd_tui.text import one_line

CHANGED = "bold reverse"  # survives NO_COLOR: reverse video needs no colour


def shown(message: str) -> Text:
    """A message as the user will read it: literal ("[/x]" is not markup), one line, no control characters."""
    return Text(one_line(message))


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


def plural(count: int, noun: str) -> str:
    """'1 point', '16 points'."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def short(value: float, digits: int = 4) -> str:
    """At least `digits` significant digits, never a form that loses them: -17.71, 1234.5, 0.7713.

    Scientific notation only beyond 1e6 or below 1e-4; a value that rounds to zero is
    "0", never "-0.0000".
    """
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    size = abs(value)
    if size == 0:
        return "0"
    if size >= 1e6 or size < 1e-4:
        return f"{value:.{digits - 1}e}"
    decimals = max(1, digits - 1 - math.floor(math.log10(size)))
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text


def aligned(texts: list[str]) -> list[str]:
    """Numbers as one column: decimal points (or the ends of whole numbers) line up."""
    heads = [text.split(".")[0] if "e" not in text else text for text in texts]
    tails = [text[len(head) :] for text, head in zip(texts, heads, strict=True)]
    head_width = max((len(h) for h in heads), default=0)
    tail_width = max((len(t) for t in tails), default=0)
    return [h.rjust(head_width) + t.ljust(tail_width) for h, t in zip(heads, tails, strict=True)]
