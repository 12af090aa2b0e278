"""The loss history chart: a bounded number of points however long the run."""

from __future__ import annotations

import numpy as np

from gd_tui.app.plots.axis import axis, notes
from gd_tui.app.plots.history import MAX_POINTS, whole_ticks
from gd_tui.app.view import View
from gd_tui.app.widgets.chart_base import Chart

TRAIN = ("⠒", "blue", "train per update")
EPOCH_MEAN = ("•", "green", "epoch mean")
VAL = ("x", "orange", "val")


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
        updates -= machine.epoch_ends_with_batch()  # val loss pending
    return updates


class LossChart(Chart):
    """Training loss per update and validation loss per epoch."""

    DRAW_SETS_EVERYTHING = True  # axes() and the series, every time

    HISTORY_ONLY = True  # and complete_updates, which the key holds

    def ui_key(self, view: View) -> tuple[object, ...]:
        return (complete_updates(view), view.log_scale)

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
        # Sampled from the rows the history holds (a long run keeps a thinned past), positions from 1.
        update_rows, update_loss = history.update_loss.sample(limit, stop=updates)
        update_x = update_rows + 1
        # Epoch points (mean training loss, validation loss) belong at the update that ended the epoch;
        # the epoch series are appended together, so the rows sampled from one are held by the others.
        epoch_rows, val_loss = history.val_loss.sample(limit)
        epoch_x = history.epoch_end.take(epoch_rows)
        epoch_mean = history.epoch_loss.take(epoch_rows)
        # In batch gradient descent an epoch is one update: its mean is that update's loss,
        # drawn already. Training last: where the series meet, the one a learner follows shows.
        one_per_epoch = len(history.epoch_end) == updates
        candidates = [(epoch_x, val_loss, VAL)]
        if not one_per_epoch:
            candidates.append((epoch_x, epoch_mean, EPOCH_MEAN))
        candidates.append((update_x, update_loss, TRAIN))
        series = [(x[keep], y[keep], item) for x, y, item in candidates for keep in [np.isfinite(y)] if keep.any()]
        if not series:
            self.say("Every loss so far overflowed: nothing finite to draw.")
            return
        # plotext cannot scale axes spanning hundreds of orders of magnitude (a diverging
        # run), so log scale is drawn as log10 of the loss, and forced when the range is huge.
        finite_losses = np.concatenate([y for _, y, _ in series])
        positives = finite_losses[finite_losses > 0]
        log = bool(len(positives)) and (view.log_scale or positives.max() / positives.min() > 1e8)
        zero_note = ""
        if log:  # a loss of exactly 0 (an exact fit) has no logarithm: left out, and said so
            if len(positives) < len(finite_losses):
                zero_note = "losses of 0 left out"
            series = [(x[y > 0], y[y > 0], item) for x, y, item in series if (y > 0).any()]
        elif view.log_scale:
            zero_note = "every loss is 0: no log scale"
        drawn = [(x, np.log10(y) if log else y, item) for x, y, item in series]
        # Through an axis: a constant loss (an exact fit) or subnormal losses are ranges plotext cannot draw.
        values = np.concatenate([y for _, y, _ in drawn])
        scale = axis(float(values.min()), float(values.max()))
        plt = self.plt
        self.axes(plt, "update", "log10 loss" if log else "loss")
        plt.xticks(whole_ticks(1, updates, 3 if self.small else 5))
        for x, y, (marker, color, _) in drawn:
            plt.plot(x.tolist(), scale(y), marker="braille" if marker == "⠒" else marker, color=color)
        plt.ylim(*scale.range)
        note = notes("log10" if log else "", zero_note, scale.note("loss"))
        self.set_key_line([item for _, _, item in drawn], note=note)
