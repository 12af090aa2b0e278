"""Export SVG screenshots of the real app at key moments into screenshots/ (used by the README)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from gd_tui.app import GDApp
from gd_tui.engine import Config
from gd_tui.lessons import load_lesson

OUT = Path(__file__).resolve().parent.parent / "screenshots"

# (file name, terminal size, how to build the app, keys to press)
SHOTS: Sequence[tuple[str, tuple[int, int], str, Sequence[str]]] = (
    ("start", (80, 24), "book", ()),
    ("after-step-2", (80, 24), "book", ("n", "n", "n")),
    ("after-step-3", (80, 24), "book", ("n", "n", "n", "n")),
    ("after-step-4", (80, 24), "book", ("n", "n", "n", "n", "n")),
    ("mid-run", (120, 40), "book", ("e",) * 30 + ("3",)),
    ("mini-batch", (120, 40), "book", ("m", "e", "e", "e", "3")),
    ("diverged", (80, 24), "lr-too-high", ("e",) * 700),
    ("help", (80, 24), "book", ("question_mark",)),
    ("zoomed-chart", (80, 24), "book", ("e",) * 30 + ("3", "z")),
    ("notes", (80, 24), "book", ("e",) * 3 + ("plus", "plus", "c", "i")),
    ("surface-scaled", (120, 40), "scaled", ("t", "t") + ("e",) * 5 + ("3",)),
    ("cross-sections", (120, 40), "book", ("t", "t", "t") + ("e",) * 3 + ("3",)),
    ("adam-step-into", (120, 40), "adam", ("e",) * 5 + ("n", "n", "n", "n", "s", "s", "s", "s")),
    ("race", (120, 40), "race", ("e",) * 40),
)


def build(name: str) -> GDApp:
    """The app for a shot: the book's run, or a lesson with its note closed."""
    if name == "book":
        return GDApp(Config())
    return GDApp(lesson=load_lesson(name), show_lesson=False)


async def shoot(file: str, size: tuple[int, int], app_name: str, keys: Sequence[str]) -> Path:
    """Press the keys in a headless app of this size and save what it shows."""
    app = build(app_name)
    async with app.run_test(size=size) as pilot:
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        return Path(app.save_screenshot(f"{file}.svg", str(OUT)))


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for shot in SHOTS:
        print(await shoot(*shot))


if __name__ == "__main__":
    asyncio.run(main())
