"""The loss surface chart: level curves of the training MSE over (b, w), with the path taken across it."""

from __future__ import annotations

import numpy as np

from gd_tui.app.plots.axis import axis, notes
from gd_tui.app.plots.geometry import Window
from gd_tui.app.plots.surface import (
    QUANTILES,
    QUANTILES_SMALL,
    Levels,
    SurfaceSeries,
    level_curves,
    sample_indices,
    surface_series,
)
from gd_tui.app.view import View
from gd_tui.app.widgets.chart_base import Chart, KeyItem
from gd_tui.engine.analysis import Reference, eigen_directions, race_paths

LEVELS_COLOR = "gray"
PATH = ("·", "orange", "path")
START = ("o", "cyan", "start")
NOW = ("@", "red", "now")
MINIMUM = ("+", "green", "min")
EIGEN = ("⠒", "blue", "eigen")  # drawn in braille, as its key shows
# The race's ghosts: one letter each, as the book's plot_paths labels them.
GHOSTS = {
    "sgd": ("s", "white"),
    "momentum": ("m", "magenta"),
    "nesterov": ("n", "yellow"),
    "adagrad": ("g", "blue"),
    "rmsprop": ("r", "cyan"),
    "adam": ("a", "green"),
}
RACE_UPDATES = 200  # a ghost runs at most this far: the race is over long before
GHOST_POINTS = 60  # points drawn per ghost, however long its path


class SurfaceChart(Chart):
    """The training loss over (b, w) as level curves; the start, the path, the current point and the minimum."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Level curves per window of the current reference: a run visits a few windows at most.
        self._levels: tuple[Reference, dict[tuple[Window, bool], Levels]] | None = None
        # The race's paths, by what they depend on: the start, the start's lr, the config, who races.
        self._race: tuple[tuple[object, ...], dict[str, np.ndarray]] | None = None
        self._eigen: tuple[Reference, np.ndarray] | None = None

    HISTORY_ONLY = True  # the path, the start and the current point

    def ui_key(self, view: View) -> tuple[object, ...]:
        return (view.race,)

    def eigenvectors(self, view: View) -> np.ndarray:
        """The Hessian's unit eigenvectors (columns), once per reference: XᵀX is a pass over the data."""
        if self._eigen is None or self._eigen[0] is not view.reference:
            self._eigen = (view.reference, eigen_directions(view.machine.data.x_train)[1])
        return self._eigen[1]

    def ghosts(self, view: View) -> dict[str, np.ndarray]:
        """The racing optimizers' paths from the live run's start, as far as the live run has gone."""
        machine = view.machine
        names = tuple(name for name in view.race if name != machine.state.optimizer)
        path = machine.history.path
        if not names or not len(path):
            return {}
        # Its first row and its length only: every row of a long run would be recomputed from
        # checkpoints (a million updates replayed on every replot).
        first = path[0]
        start = (float(first[0]), float(first[1]))
        lr = machine.start_settings[0]
        key = (view.reference, start, lr, machine.config, names)
        if self._race is None or self._race[0] != key:
            self._race = (key, race_paths(view.reference.surface, start, lr, machine.config, names, RACE_UPDATES))
        count = min(len(path), RACE_UPDATES + 1)
        return {name: ghost[:count] for name, ghost in self._race[1].items()}

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
        series = surface_series(view.reference, view.machine.history.path)
        return self.levels(view.reference, series.window), series

    def draw(self, view: View) -> None:
        levels, series = self.prepared(view)
        plt = self.plt
        # Through an axis each: plotext cannot draw every window a run reaches (see plots/axis.py).
        x, y = axis(*series.window.b_range), axis(*series.window.w_range)
        keys: list[KeyItem] = []
        if len(levels.b):
            plt.scatter(x(levels.b), y(levels.w), marker="braille", color=LEVELS_COLOR)
        if len(series.line_b) > 1:
            plt.plot(x(series.line_b), y(series.line_w), marker="braille", color=PATH[1])
        minimum = series.minimum
        if minimum is not None:
            # Through the minimum along each eigen-direction of the Hessian, across the window.
            vectors = self.eigenvectors(view)
            half = series.window.half
            for vector in vectors.T:
                along = np.linspace(-2 * half, 2 * half, 41)
                b_line, w_line = minimum[0] + along * vector[0], minimum[1] + along * vector[1]
                inside = series.window.contains(b_line, w_line)
                if inside.sum() > 1:
                    plt.plot(x(b_line[inside]), y(w_line[inside]), marker="braille", color=EIGEN[1])
            keys.append(EIGEN)
        for name, ghost in self.ghosts(view).items():
            marker, color = GHOSTS[name]
            shown = ghost[sample_indices(len(ghost), GHOST_POINTS)]
            inside = series.window.contains(shown[:, 0], shown[:, 1])
            if inside.any():
                keys.append((marker, color, name))
                plt.scatter(x(shown[inside, 0]), y(shown[inside, 1]), marker=marker, color=color)
        if len(series.path_b) > 1:
            keys.append(PATH)
            plt.scatter(x(series.path_b), y(series.path_w), marker=PATH[0], color=PATH[1])
        # The markers last, most important on top.
        for item, point in ((MINIMUM, series.minimum), (START, series.start), (NOW, series.now)):
            if point is not None and series.window.contains(np.array(point[0]), np.array(point[1])):
                keys.append(item)
                plt.scatter(x(point[0]), y(point[1]), marker=item[0], color=item[1])
        plt.xlim(*x.range)
        plt.ylim(*y.range)
        self.axes(plt, "b", "w")
        self.set_key_line(keys, notes(series.note, x.note("b"), y.note("w")))


__all__ = ["SurfaceChart"]
