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


def complete_updates(view: View) -> int:
    """The updates whose points are all known: after step 4 of an epoch's last update, its
    validation loss comes at step 5, so that update joins the chart then, with it.

    Drawn once per update rather than at step 4 and again at step 5: a replot is most of
    what a key press costs.
    """
    machine = view.machine
    state = machine.state
    updates = len(machine.history.update_loss)
    if state.last_step == 4 and state.x_batch is not None:
        updates -= state.start + len(state.x_batch) >= machine.data.n_train  # val loss pending
    return updates


class LossChart(Chart):
    """Training loss per update and validation loss per epoch."""

    DRAW_SETS_EVERYTHING = True  # axes() and the series, every time

    def key(self, view: View) -> tuple[object, ...]:
        history = view.machine.history
        # Whether any update ran: before the first point, the message says when it comes.
        return (complete_updates(view), len(history.val_loss), bool(len(history.update_loss)), view.log_scale)

    def draw(self, view: View) -> None:
        machine = view.machine
        history = machine.history
        updates = complete_updates(view)
        if not updates:
            self.say(
                "The first point comes at step 5, with the validation loss."
                if len(history.update_loss)
                else "The loss history starts with the first update."
            )
            return
        # A point per cell: plotext joins the points with lines, so more would only cost
        # (a braille cell's two dots across tell little more about a long run's trend).
        limit = min(MAX_POINTS, max(20, self.size.width))
        update_x, update_loss = downsample(history.update_loss.values[:updates], limit)
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
