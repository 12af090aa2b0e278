"""Growable float arrays for the training history (amortized O(1) appends)."""

from __future__ import annotations

from typing import Any

import numpy as np

# Appends land in a short Python list first and are copied into the array a
# chunk at a time: a list append costs a fraction of a NumPy scalar store,
# and the training loop appends three or four values per update.
CHUNK = 1024


class Growable:
    """A float64 array that grows by doubling; `size` rows are in use."""

    __slots__ = ("_chunk", "_columns", "_data", "_pending", "_size")

    def __init__(self, columns: int = 1, capacity: int = 1024) -> None:
        shape = (capacity,) if columns == 1 else (capacity, columns)
        self._data = np.empty(shape, dtype=np.float64)
        self._size = 0
        self._columns = columns
        self._chunk = CHUNK * columns
        self._pending: list[Any] = []  # values of the rows not yet copied into _data, flat

    def append(self, value: Any) -> None:
        """Add one row (a number, or a tuple for multi-column arrays)."""
        pending = self._pending
        if self._columns == 1:
            pending.append(value)
        else:
            pending.extend(value)
        if len(pending) >= self._chunk:
            self._flush()

    def _flush(self) -> None:
        pending = self._pending
        if not pending:
            return
        start = self._size
        stop = start + len(pending) // self._columns
        if stop > len(self._data):
            grown = np.empty((max(2 * len(self._data), stop), *self._data.shape[1:]), dtype=np.float64)
            grown[:start] = self._data[:start]
            self._data = grown
        rows = np.fromiter(pending, dtype=np.float64, count=len(pending))
        self._data[start:stop] = rows if self._columns == 1 else rows.reshape(-1, self._columns)
        self._size = stop
        pending.clear()

    def truncate(self, size: int) -> None:
        """Forget every row from `size` on (stepping back)."""
        self._flush()
        self._size = min(self._size, size)

    @property
    def size(self) -> int:
        return self._size + len(self._pending) // self._columns

    @property
    def data(self) -> np.ndarray:
        """The whole buffer, rows in use first (see `size`)."""
        self._flush()
        return self._data

    @property
    def values(self) -> np.ndarray:
        """The rows in use, as a read-only view."""
        self._flush()
        view = self._data[: self._size]
        view.flags.writeable = False
        return view

    def __len__(self) -> int:
        return self._size + len(self._pending) // self._columns

    @property
    def nbytes(self) -> int:
        self._flush()
        return int(self._data.nbytes)


class History:
    """Loss per update, mean training and validation loss per epoch, and the (b, w) path."""

    __slots__ = ("epoch_end", "epoch_loss", "path", "update_loss", "val_loss")

    def __init__(self) -> None:
        self.update_loss = Growable()  # loss of each update, on its batch
        self.epoch_loss = Growable()  # mean of the epoch's update losses
        self.val_loss = Growable()  # NaN when there is no validation set
        self.epoch_end = Growable()  # updates done when each epoch ended: where its points belong
        self.path = Growable(columns=2)  # (b, w) after step 0 and after each update

    def truncate(self, updates: int, epochs: int, initialized: bool) -> None:
        """Keep only what existed at a position with these counts."""
        self.update_loss.truncate(updates)
        self.epoch_loss.truncate(epochs)
        self.val_loss.truncate(epochs)
        self.epoch_end.truncate(epochs)
        self.path.truncate(updates + 1 if initialized else 0)

    @property
    def nbytes(self) -> int:
        return sum(g.nbytes for g in (self.update_loss, self.epoch_loss, self.val_loss, self.epoch_end, self.path))
