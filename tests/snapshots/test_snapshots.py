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
