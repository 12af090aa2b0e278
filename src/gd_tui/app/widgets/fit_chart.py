"""The data and fit chart: the points, the current line b + w·x, the true line and the least-squares line."""

from __future__ import annotations

from gd_tui.app.plots.axis import axis, notes
from gd_tui.app.plots.fit import TRAIN_POINTS, FitData, FitLines, fit_data, fit_lines, stride
from gd_tui.app.view import View
from gd_tui.app.widgets.chart_base import Chart, KeyItem
from gd_tui.engine.data import Dataset
from gd_tui.engine.values import scalar

TRAIN = ("⠂", "blue", "train")
VAL = ("x", "orange", "val")
NOW = ("•", "red", "now")
TRUE = (".", "green", "true")
LSTSQ = ("-", "cyan", "lstsq")
BATCH = ("o", "magenta", "this batch")


class FitChart(Chart):
    """Training and validation points, and the current, true and least-squares lines."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._data: tuple[Dataset, FitData] | None = None

    HISTORY_ONLY = True  # b, w and the batch change only with the history (see Machine.history_version)

    def prepared(self, view: View) -> tuple[FitData, FitLines]:
        """The series handed to plotext (the data part cached per dataset)."""
        data = view.machine.data
        if self._data is None or self._data[0] is not data:
            self._data = (data, fit_data(data))
        drawn = self._data[1]
        state = view.machine.state
        lines = fit_lines(drawn, view.reference, (data.true_b, data.true_w), scalar(state.b), scalar(state.w))
        return drawn, lines

    def draw(self, view: View) -> None:
        drawn, lines = self.prepared(view)
        plt = self.plt
        # Every value goes through its axis: plotext cannot draw every range the data allow.
        x, y = axis(*drawn.x_range), axis(*drawn.y_range)
        keys: list[KeyItem] = [TRAIN]
        plt.scatter(x(drawn.train[0]), y(drawn.train[1]), marker="braille", color=TRAIN[1])
        if len(drawn.val[0]):
            keys.append(VAL)
            plt.scatter(x(drawn.val[0]), y(drawn.val[1]), marker=VAL[0], color=VAL[1])
        state = view.machine.state
        # The current mini-batch apart from the rest (in batch gradient descent it is every point).
        if state.x_batch is not None and len(state.x_batch) < view.machine.data.n_train:
            keys.append(BATCH)
            batch_x, batch_y = stride(state.x_batch, state.y_batch, TRAIN_POINTS)  # type: ignore[arg-type]
            plt.scatter(x(batch_x), y(batch_y), marker=BATCH[0], color=BATCH[1])
        # Drawn last to first in importance: later markers cover earlier ones.
        for item, segment in ((TRUE, lines.true), (LSTSQ, lines.lstsq), (NOW, lines.now)):
            if segment is not None:
                keys.append(item)
                plt.plot(x(segment[0]), y(segment[1]), marker=item[0], color=item[1])
        plt.xlim(*x.range)
        plt.ylim(*y.range)
        self.axes(plt, "x", "y")
        self.set_key_line(keys, notes(lines.note, x.note("x"), y.note("y")))
