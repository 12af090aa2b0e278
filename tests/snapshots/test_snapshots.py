"""SVG snapshots of the app at 80x24 and 120x40: the look, at the moments a learner sees most."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from gd_tui.app import GDApp
from gd_tui.engine import Config

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def book() -> GDApp:
    return GDApp(Config())


async def finish_runs(pilot: Pilot[None]) -> None:
    """Let a continue run end (its worker stops on divergence or a breakpoint)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_start(snap_compare, size) -> None:
    assert snap_compare(book(), terminal_size=size)


@pytest.mark.parametrize("steps", range(6))
@pytest.mark.parametrize("size", SIZES)
def test_after_step(snap_compare, size, steps) -> None:
    # steps + 1 presses: "after step k" means step k was the last one executed.
    assert snap_compare(book(), terminal_size=size, press=["n"] * (steps + 1))


@pytest.mark.parametrize("size", SIZES)
def test_after_one_epoch(snap_compare, size) -> None:
    assert snap_compare(book(), terminal_size=size, press=["e"])


@pytest.mark.parametrize("size", SIZES)
def test_mini_batch(snap_compare, size) -> None:
    assert snap_compare(book(), terminal_size=size, press=["m", "e", "e", "3"])


@pytest.mark.parametrize("size", SIZES)
def test_diverged(snap_compare, size) -> None:
    async def run_to_divergence(pilot: Pilot[None]) -> None:
        await pilot.press("c")
        await finish_runs(pilot)

    assert snap_compare(GDApp(Config(lr=1.1)), terminal_size=size, run_before=run_to_divergence)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size) -> None:
    assert snap_compare(book(), terminal_size=size, press=["question_mark"])


@pytest.mark.parametrize("size", SIZES)
def test_breakpoint_dialog(snap_compare, size) -> None:
    assert snap_compare(book(), terminal_size=size, press=["b"])


@pytest.mark.parametrize("size", SIZES)
def test_stepping_into_adam(snap_compare, size) -> None:
    # Steps 0-3, then into step 4 and through its first two lines: ▶ on v's line, m updated.
    press = ["n"] * 4 + ["s"] * 3
    assert snap_compare(GDApp(Config(optimizer="adam")), terminal_size=size, press=press)


@pytest.mark.parametrize("size", SIZES)
def test_the_race_on_the_surface(snap_compare, size) -> None:
    from gd_tui.lessons import load_lesson

    lesson = load_lesson("race")

    async def race(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("escape")  # the lesson's note
        app._show_chart("loss-surface")  # type: ignore[attr-defined]
        await pilot.press("0")
        for _ in range(30):
            await pilot.press("u")
        await pilot.pause()

    assert snap_compare(GDApp(lesson.config, lesson=lesson), terminal_size=size, run_before=race)
