"""The loss surface chart: level curves of the training MSE over (b, w), with the path taken across it."""

from __future__ import annotations

import numpy as np

from gd_tui.app.plots.geometry import Window
from gd_tui.app.plots.surface import QUANTILES, QUANTILES_SMALL, Levels, SurfaceSeries, level_curves, surface_series
from gd_tui.app.view import View
from gd_tui.app.widgets.chart_base import Chart, KeyItem
from gd_tui.engine.analysis import Reference

LEVELS_COLOR = "gray"
PATH = ("·", "orange", "path")
START = ("o", "cyan", "start")
NOW = ("@", "red", "now")
MINIMUM = ("+", "green", "min")


class SurfaceChart(Chart):
    """The training loss over (b, w) as level curves; the start, the path, the current point and the minimum."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Level curves per window of the current reference: a run visits a few windows at most.
        self._levels: tuple[Reference, dict[tuple[Window, bool], Levels]] | None = None

    HISTORY_ONLY = True  # the path, the start and the current point

    def levels(self, reference: Reference, area: Window) -> Levels:
        """The level curves of this window at this size, computed on first use."""
        if self._levels is None or self._levels[0] is not reference:
            self._levels = (reference, {})
        cache = self._levels[1]
        key = (area, self.small)
        if key not in cache:
            cache[key] = level_curves(reference.surface, area, QUANTILES_SMALL if self.small else QUANTILES)
        return cache[key]

    def prepared(self, view: View) -> tuple[Levels, SurfaceSeries]:
        """The series handed to plotext."""
        series = surface_series(view.reference, view.machine.history.path.values)
        return self.levels(view.reference, series.window), series

    def draw(self, view: View) -> None:
        levels, series = self.prepared(view)
        plt = self.plt
        keys: list[KeyItem] = []
        if len(levels.b):
            plt.scatter(levels.b.tolist(), levels.w.tolist(), marker="braille", color=LEVELS_COLOR)
        if len(series.line_b) > 1:
            plt.plot(series.line_b.tolist(), series.line_w.tolist(), marker="braille", color=PATH[1])
        if len(series.path_b) > 1:
            keys.append(PATH)
            plt.scatter(series.path_b.tolist(), series.path_w.tolist(), marker=PATH[0], color=PATH[1])
        # The markers last, most important on top.
        for item, point in ((MINIMUM, series.minimum), (START, series.start), (NOW, series.now)):
            if point is not None and series.window.contains(np.array(point[0]), np.array(point[1])):
                keys.append(item)
                plt.scatter([point[0]], [point[1]], marker=item[0], color=item[1])
        plt.xlim(*series.window.b_range)
        plt.ylim(*series.window.w_range)
        self.axes(plt, "b", "w")
        self.set_key_line(keys, series.note)


__all__ = ["SurfaceChart"]
