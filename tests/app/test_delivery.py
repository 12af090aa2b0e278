"""Served save and export: the names a student types become download names, or are refused in place."""

from __future__ import annotations

import pytest

from gd_tui.app.delivery import download_name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("run.csv", "run.csv"),
        ("~/runs/run-2.csv", "run-2.csv"),
        ("C:\\\\x\\\\s.json", "s.json"),
        (" a.json ", "a.json"),
    ],
)
def test_a_typed_path_becomes_its_file_name(typed: str, name: str) -> None:
    assert download_name(typed, "run.csv") == name


@pytest.mark.parametrize("typed", ["", "runs/", "..", "a b.csv", 'x";.csv', "x\r\nSet-Cookie: y", "é.csv"])
def test_names_a_header_cannot_carry_are_refused_with_a_reason(typed: str) -> None:
    with pytest.raises(ValueError, match="file: "):
        download_name(typed, "run.csv")
