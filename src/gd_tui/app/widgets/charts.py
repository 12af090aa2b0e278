"""The loss history chart (plotext), drawn from a bounded number of points however long the run."""

from __future__ import annotations

import numpy as np
from textual_plotext import PlotextPlot

from gd_tui.app.view import View

MAX_POINTS = 300  # per series: the terminal has fewer columns than this anyway


def downsample(values: np.ndarray, limit: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """(positions 1.., values) with at most `limit` evenly spaced points, the last one kept."""
    count = len(values)
    if count <= limit:
        return np.arange(1, count + 1), values
    idx = np.linspace(0, count - 1, limit).astype(np.int64)
    return idx + 1, values[idx]


class LossChart(PlotextPlot):
    """Training loss per update and validation loss per epoch."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._key: tuple[object, ...] | None = None

    def show(self, view: View) -> None:
        """Replot only when the history grew or shrank, or the scale changed."""
        machine = view.machine
        history = machine.history
        key = (id(machine), len(history.update_loss), len(history.val_loss), view.log_scale)
        if key == self._key:
            return
        self._key = key
        plt = self.plt
        plt.clear_figure()
        update_x, update_loss = downsample(history.update_loss.values)
        # Validation loss is measured at epoch ends: place it at that epoch's last update.
        val_x, val_loss = downsample(history.val_loss.values)
        val_x = val_x * machine.updates_per_epoch
        series = [
            (x[keep], y[keep], label)
            for x, y, label in ((update_x, update_loss, "train"), (val_x, val_loss, "val"))
            for keep in [np.isfinite(y) & (y > 0)]
            if keep.any()
        ]
        # plotext cannot scale axes spanning hundreds of orders of magnitude (a diverging
        # run), so log scale is drawn as log10 of the loss, and forced when the range is huge.
        positives = np.concatenate([y for _, y, _ in series]) if series else np.ones(1)
        log = view.log_scale or positives.max() / positives.min() > 1e8
        plt.xlabel("update")
        plt.ylabel("log10 loss" if log else "")
        for x, y, label in series:
            plt.plot(x.tolist(), (np.log10(y) if log else y).tolist(), label=label, marker="braille")
        self.refresh()
