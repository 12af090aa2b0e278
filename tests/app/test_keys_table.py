"""The one key table (keys.py) against what is written about it: the README, the bindings, the messages."""

from __future__ import annotations

import re
from pathlib import Path

from gd_tui.app import GDApp
from gd_tui.app.keys import KEY_NAMES, help_rows, key_for, palette_entries, table

README = Path(__file__).parents[2] / "README.md"
SPELT = {shown: name for name, shown in KEY_NAMES.items()}


def readme_keys() -> dict[str, str]:
    """Every key the README's `## Keys` table names (Textual's name), with the row that names it."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Keys\n", 1)[1].split("\n## ", 1)[0]
    keys: dict[str, str] = {}
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        cell = row.split("|")[1]
        digits = re.fullmatch(r"\s*`(\d)`–`(\d)`\s*", cell)
        names = re.findall(r"`([^`]+)`", cell)
        if digits:
            names = [str(k) for k in range(int(digits[1]), int(digits[2]) + 1)]
        for name in names:
            keys[SPELT.get(name, name)] = row
    return keys


def test_the_readme_lists_every_key_in_the_table_and_no_other() -> None:
    in_table = {name for key in table() for name in key.names}
    in_readme = set(readme_keys())
    assert in_table - in_readme == set(), "keys the README's table leaves out"
    assert in_readme - in_table == set(), "keys the README's table names but the app does not bind"


def test_bindings_help_and_palette_come_from_the_table() -> None:
    bound = {binding.key for binding in GDApp.BINDINGS}  # type: ignore[union-attr]
    assert bound == {key.keys for key in table() if key.bound}
    shown = {keys for _, keys, _ in help_rows()}
    assert {key.shown for key in table() if not key.action.startswith("run_to_step")} | {"0–5"} == shown
    titles = [key.title for key in palette_entries()]
    assert len(titles) == len(set(titles)), "two palette entries with one title"
    # Full words in the palette, not the key bar's abbreviations.
    for short in ("Breaks", "Mode", "lr+", "lr-"):
        assert short not in titles


def test_key_for_names_the_first_key_of_an_action() -> None:
    assert (key_for("back"), key_for("lr_down"), key_for("reset"), key_for("pause")) == ("p", "-", "r", "escape")
