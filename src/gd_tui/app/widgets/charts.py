"""The loss history chart: a bounded number of points however long the run."""

from __future__ import annotations

import numpy as np

from gd_tui.app.view import View
from gd_tui.app.widgets.chart_base import Chart

MAX_POINTS = 300  # per series, at most; the chart's own width usually caps it lower

TRAIN = ("⠒", "blue", "train")
VAL = ("⠒", "orange", "val (epoch ends)")


def downsample(values: np.ndarray, limit: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """(positions 1.., values) with at most `limit` evenly spaced points, the last one kept."""
    count = len(values)
    if count <= limit:
        return np.arange(1, count + 1), values
    idx = np.linspace(0, count - 1, limit).astype(np.int64)
    return idx + 1, values[idx]


class LossChart(Chart):
    """Training loss per update and validation loss per epoch."""

    def key(self, view: View) -> tuple[object, ...]:
        history = view.machine.history
        return (len(history.update_loss), len(history.val_loss), view.log_scale)

    def draw(self, view: View) -> None:
        machine = view.machine
        history = machine.history
        if not len(history.update_loss):
            self.say("The loss history starts with the first update (step 4).")
            return
        # A point per cell: plotext joins the points with lines, so more would only cost
        # (a braille cell's two dots across tell little more about a long run's trend).
        limit = min(MAX_POINTS, max(20, self.size.width))
        update_x, update_loss = downsample(history.update_loss.values, limit)
        # Validation loss is measured at epoch ends: place it at that epoch's last update.
        val_x, val_loss = downsample(history.val_loss.values, limit)
        val_x = val_x * machine.updates_per_epoch
        series = [
            (x[keep], y[keep], item)
            for x, y, item in ((update_x, update_loss, TRAIN), (val_x, val_loss, VAL))
            for keep in [np.isfinite(y) & (y > 0)]
            if keep.any()
        ]
        if not series:
            self.say("Every loss so far overflowed: nothing finite to draw.")
            return
        # plotext cannot scale axes spanning hundreds of orders of magnitude (a diverging
        # run), so log scale is drawn as log10 of the loss, and forced when the range is huge.
        positives = np.concatenate([y for _, y, _ in series])
        log = view.log_scale or positives.max() / positives.min() > 1e8
        plt = self.plt
        self.axes(plt, "update", "log10 loss" if log else "loss")
        for x, y, (_, color, _) in series:
            plt.plot(x.tolist(), (np.log10(y) if log else y).tolist(), marker="braille", color=color)
        self.set_key_line([item for _, _, item in series], note="log10" if log else "")
