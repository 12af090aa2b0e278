"""Where a key sits in a TOML file: tomllib gives values but no positions."""

from __future__ import annotations

import re

# A key is bare (letters, digits, _ and -) or quoted; dotted keys join parts with dots.
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\\]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=(.*)$")
_HEADER = re.compile(rf"^\s*\[\[?\s*({_PART}(?:\s*\.\s*{_PART})*)\s*\]\]?\s*(?:#.*)?$")
_SPLIT = re.compile(rf"\s*({_PART})\s*(?:\.|$)")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _SPLIT.findall(dotted.strip()))


def _closes(text: str, delimiter: str) -> bool:
    """Whether `text` holds the closing delimiter of a multi-line string."""
    if delimiter == "'''":
        return delimiter in text  # literal strings have no escapes
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2  # an escaped character cannot close the string
            continue
        if text.startswith(delimiter, i):
            return True
        i += 1
    return False


def _opens(value: str) -> str | None:
    """The delimiter of a multi-line string that starts in `value` and stays open, if any."""
    value = value.lstrip()
    for delimiter in ('"""', "'''"):
        if value.startswith(delimiter) and not _closes(value[3:], delimiter):
            return delimiter
    return None


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The 1-based line of every key and table header, by full dotted path (first one wins)."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    open_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string is not None:
            # Inside a multi-line string: a line like `lr = 3` or `[data]` is text, not TOML.
            if _closes(line, open_string):
                open_string = None
            continue
        header = _HEADER.match(line)
        if header:
            table = _parts(header.group(1))
            found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = table + _parts(key.group(1))
            # A dotted key names its parent tables too (`data.lr = 1` defines `data`).
            for end in range(len(table) + 1, len(path) + 1):
                found.setdefault(path[:end], number)
            open_string = _opens(key.group(2))
    return found


def line_of(text: str, *path: str) -> int | None:
    """The line of the key at `path`, else of its nearest enclosing table, else None."""
    found = key_lines(text)
    for end in range(len(path), 0, -1):
        if path[:end] in found:
            return found[path[:end]]
    return None
