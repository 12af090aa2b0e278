"""App figures measured in this process: the charts' redraw after a long run."""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

from common import Figure, load_now, median, ms
from common import ratios as ratios_of
from gd_tui.engine import Config, Machine


def _machine_after(updates: int) -> Machine:
    machine = Machine(Config())
    machine.run_until(lambda state: state.update >= updates and state.last_step == 5)
    return machine


def _tabs() -> list[tuple[str, str]]:
    """(widget id, title) of every chart the chart pane can show."""
    try:
        from gd_tui.app.widgets.chart_pane import TABS
    except ImportError:  # a single loss chart
        return [("", "Loss history")]
    return [(tab_id, title) for tab_id, title, _ in TABS]


async def _chart_times(long_updates: int, repeats: int, size: tuple[int, int]) -> dict[str, Any]:
    from gd_tui.app import GDApp

    short, long = _machine_after(10), _machine_after(long_updates)
    app = GDApp()
    found: dict[str, Any] = {}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        view = app.view
        for tab_id, title in _tabs():
            if tab_id:
                app.query_one("ChartPane").select(tab_id)  # type: ignore[attr-defined]
                await pilot.pause()
                chart: Any = app.query_one(f"#{tab_id}")
            else:
                from gd_tui.app.widgets.charts import LossChart

                chart = app.query_one(LossChart)
            times: dict[str, list[float]] = {"short": [], "long": []}
            # Strictly alternating machines changes the chart's key every time, so every show()
            # replots and every rows() builds afresh (charts keep a built plot until it changes).
            for repeat in range(repeats + 1):
                for name, machine in (("short", short), ("long", long)):
                    view.machine = machine
                    gc.collect()
                    start = time.process_time()
                    chart.show(view)
                    chart.rows()  # plotext builds the picture here
                    elapsed = time.process_time() - start
                    if repeat:  # the first round warms plotext up
                        times[name].append(elapsed)
            found[title] = {"times": times, "size": tuple(chart.size)}
            view.machine = app.machine
    return found


def chart_figure(quick: bool) -> Figure:
    """Chart redraw (data preparation and plotext's build) after a long run vs after 10 updates; the worst chart."""
    long_updates, repeats = (2_000, 3) if quick else (1_000_000, 15)
    load = load_now()
    found = asyncio.run(_chart_times(long_updates, repeats, (80, 24)))
    ratios = {title: median(entry["times"]["long"]) / median(entry["times"]["short"]) for title, entry in found.items()}
    worst = max(ratios, key=lambda title: ratios[title])
    long_median = median(found[worst]["times"]["long"])
    short_median = median(found[worst]["times"]["short"])
    width, height = found[worst]["size"]
    each = ", ".join(f"{title} {ratio:.2f}×" for title, ratio in ratios.items())
    return Figure(
        key="chart",
        name=f"chart redraw after {long_updates:,} updates vs after 10",
        limit=1.5,
        direction="max",
        unit="×",
        value=ratios[worst],
        runs=ratios_of(found[worst]["times"]["long"], found[worst]["times"]["short"]),
        load=load,
        subject=f"{worst}: {ms(long_median)} after {long_updates:,} updates",
        reference=f"{worst}: {ms(short_median)} after 10 updates",
        notes=(
            f"the worst chart; every chart: {each}. show + rows (plotext builds the picture) at {width}x{height} cells "
            f"in an 80x24 app, CPU time, {repeats} interleaved runs; book data, batch mode (every history long)"
        ),
        details={title: {**entry, "ratio": ratios[title]} for title, entry in found.items()},
    )
