"""Text from outside (files, flags, typed values) made safe to show, and output for any locale.

A terminal obeys the control characters it is sent: ESC starts a sequence that can
retitle the window, fill the clipboard (OSC 52) or hide text, and a carriage return
rewrites the line. Nothing a user typed or a file holds reaches the terminal raw:
every control character is shown as a visible picture instead (ESC as ␛).
"""

from __future__ import annotations

import codecs
import io
import unicodedata
from typing import TextIO

ESCAPE_PICTURE = "\u241b"  # ␛
DELETE_PICTURE = "\u2421"  # ␡
C1_PICTURE = "\ufffd"  # � : C1 controls (0x80-0x9f) have no pictures of their own
NEWLINE_PICTURE = "\u2424"  # ␤, for text that must stay on one line

# Characters that reorder text on screen (bidirectional overrides) are as good as
# controls for hiding what a line says.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_LINE_BREAKS = frozenset("\u2028\u2029\x85")


def _picture(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ … ␟, ␛ for ESC
    if code == 0x7F:
        return DELETE_PICTURE
    return C1_PICTURE


def _table() -> dict[int, str]:
    table = {code: _picture(chr(code)) for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
    for char in _BIDI | _LINE_BREAKS:
        table[ord(char)] = C1_PICTURE
    return table


_VISIBLE = _table()
del _VISIBLE[ord("\t")], _VISIBLE[ord("\n")]
_ONE_LINE = {**_VISIBLE, ord("\n"): NEWLINE_PICTURE, ord("\t"): " "}


_REMOVED = dict.fromkeys(_ONE_LINE)


def without_controls(text: str) -> str:
    """`text` with every control character (tab and newline too) removed: for a one-line field."""
    if text.isprintable():
        return text
    return text.translate(_REMOVED)


def visible(text: str) -> str:
    """`text` with every control character but tab and newline shown as a picture (ESC as ␛)."""
    if text.isprintable():  # the usual case, and a fast test
        return text
    return text.translate(_VISIBLE)


def one_line(text: str) -> str:
    """Like visible(), and a newline shown as ␤: for a message that must stay one line."""
    if text.isprintable():
        return text
    return text.translate(_ONE_LINE)


# --- output in a locale that cannot encode what gd-tui draws ---------------------------

ERRORS = "gd-tui-ascii"
# One character for one: the screen's columns must stay where they are.
_ASCII = {
    **dict.fromkeys("─━═╌╍┄┅┈┉▁_", "-"),
    **dict.fromkeys("│┃║╎╏┆┇┊┋▏▕", "|"),
    **dict.fromkeys("┌┐└┘├┤┬┴┼╭╮╰╯┏┓┗┛┣┫┳┻╋╔╗╚╝╠╣╦╩╬", "+"),
    **dict.fromkeys("▂▃▄▅▆▇█▀▌▐░▒▓■●•◆", "#"),
    **dict.fromkeys("—–−‐‑", "-"),
    **dict.fromkeys("“”«»", '"'),
    **dict.fromkeys("‘’", "'"),
    "·": ".", "…": ".", "ε": "e", "ŷ": "y", "²": "2", "√": "V", "∂": "d", "λ": "L", "≈": "~",
    "→": ">", "←": "<", "↑": "^", "↓": "v", "▶": ">", "▲": "^", "▼": "v", "◀": "<",
    "✓": "v", "✗": "x", "×": "x", "±": "+", "≤": "<", "≥": ">", "⁻": "-", "¹": "1", "⁰": "0",
    "ᵀ": "T", "Σ": "S", "∇": "V", "\u00a0": " ", ESCAPE_PICTURE: "^", DELETE_PICTURE: "^",
    NEWLINE_PICTURE: "|", C1_PICTURE: "?",
}  # fmt: skip


def _fallback(char: str) -> str:
    mapped = _ASCII.get(char)
    if mapped is not None:
        return mapped
    if 0x2400 <= ord(char) <= 0x241F:  # control pictures
        return "^"
    if 0x2800 <= ord(char) <= 0x28FF:  # braille dots, as charts draw points
        return "." if char != "\u2800" else " "
    decomposed = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    if len(decomposed) == 1:  # é -> e
        return decomposed
    return "??" if unicodedata.east_asian_width(char) in "WF" else "?"


def _ascii_errors(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    replacement = "".join(_fallback(char) for char in error.object[error.start : error.end])
    return replacement, error.end


codecs.register_error(ERRORS, _ascii_errors)


def can_encode(stream: TextIO, sample: str = "─·ε✓") -> bool:
    """Whether `stream` can write what gd-tui draws (a UTF-8 terminal can; LC_ALL=C cannot)."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        sample.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def ascii_fallback(*streams: TextIO | None) -> None:
    """Make each stream that cannot encode gd-tui's characters write ASCII look-alikes instead of failing."""
    for stream in streams:
        if stream is None or can_encode(stream):
            continue
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=ERRORS)
