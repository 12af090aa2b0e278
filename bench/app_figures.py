"""App figures measured in this process: the loss chart's redraw after a long run."""

from __future__ import annotations

import asyncio
import gc
import time

from common import Figure, median, ms
from gd_tui.engine import Config, Machine


def _machine_after(updates: int) -> Machine:
    machine = Machine(Config())
    machine.run_until(lambda state: state.update >= updates and state.last_step == 5)
    return machine


async def _chart_times(long_updates: int, repeats: int, size: tuple[int, int]) -> dict[str, object]:
    from gd_tui.app import GDApp
    from gd_tui.app.widgets.charts import LossChart

    short, long = _machine_after(10), _machine_after(long_updates)
    app = GDApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        chart = app.query_one(LossChart)
        view = app.view
        times: dict[str, list[float]] = {"short": [], "long": []}
        # Alternating machines changes the chart's key every time, so every show() replots.
        for repeat in range(repeats + 1):
            order = (("short", short), ("long", long)) if repeat % 2 == 0 else (("long", long), ("short", short))
            for name, machine in order:
                view.machine = machine
                gc.collect()
                start = time.process_time()
                chart.show(view)
                chart.render()  # plotext builds the picture here
                elapsed = time.process_time() - start
                if repeat:  # the first round warms plotext up
                    times[name].append(elapsed)
        chart_size = tuple(chart.size)
        view.machine = app.machine
    return {"times": times, "chart_size": chart_size}


def chart_figure(quick: bool) -> Figure:
    """Chart redraw (data preparation and plotext's build) after a long run vs after 10 updates."""
    long_updates, repeats = (10_000, 5) if quick else (1_000_000, 15)
    found = asyncio.run(_chart_times(long_updates, repeats, (80, 24)))
    times: dict[str, list[float]] = found["times"]  # type: ignore[assignment]
    long_median, short_median = median(times["long"]), median(times["short"])
    width, height = found["chart_size"]  # type: ignore[misc]
    return Figure(
        key="chart",
        name=f"chart redraw after {long_updates:,} updates vs after 10",
        limit=1.5,
        direction="max",
        unit="×",
        value=long_median / short_median,
        subject=f"after {long_updates:,} updates: {ms(long_median)}",
        reference=f"after 10 updates: {ms(short_median)}",
        notes=(
            f"LossChart.show + render (plotext build) at {width}x{height} cells in an 80x24 app, "
            f"CPU time, {repeats} interleaved runs; book data, batch mode (train and validation series both long)"
        ),
        details=times,
    )
