"""Growable float arrays for the training history (amortized O(1) appends, no Python lists)."""

from __future__ import annotations

import numpy as np


class Growable:
    """A float64 array that grows by doubling; `size` rows are in use."""

    __slots__ = ("data", "size")

    def __init__(self, columns: int = 1, capacity: int = 1024) -> None:
        shape = (capacity,) if columns == 1 else (capacity, columns)
        self.data = np.empty(shape, dtype=np.float64)
        self.size = 0

    def append(self, value: float) -> None:
        """Add one row (a number, or a tuple for multi-column arrays)."""
        if self.size == len(self.data):
            self.data = np.concatenate([self.data, np.empty_like(self.data)])
        self.data[self.size] = value
        self.size += 1

    def truncate(self, size: int) -> None:
        """Forget every row from `size` on (stepping back)."""
        self.size = min(self.size, size)

    @property
    def values(self) -> np.ndarray:
        """The rows in use, as a read-only view."""
        view = self.data[: self.size]
        view.flags.writeable = False
        return view

    def __len__(self) -> int:
        return self.size

    @property
    def nbytes(self) -> int:
        return int(self.data.nbytes)


class History:
    """Loss per update, mean training and validation loss per epoch, and the (b, w) path."""

    __slots__ = ("update_loss", "epoch_loss", "val_loss", "path")

    def __init__(self) -> None:
        self.update_loss = Growable()  # loss of each update, on its batch
        self.epoch_loss = Growable()  # mean of the epoch's update losses
        self.val_loss = Growable()  # NaN when there is no validation set
        self.path = Growable(columns=2)  # (b, w) after step 0 and after each update

    def truncate(self, updates: int, epochs: int, initialized: bool) -> None:
        """Keep only what existed at a position with these counts."""
        self.update_loss.truncate(updates)
        self.epoch_loss.truncate(epochs)
        self.val_loss.truncate(epochs)
        self.path.truncate(updates + 1 if initialized else 0)

    @property
    def nbytes(self) -> int:
        return sum(g.nbytes for g in (self.update_loss, self.epoch_loss, self.val_loss, self.path))
