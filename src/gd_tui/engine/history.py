"""The training history in bounded memory: exact recent rows, a thinned past, the rest recomputed.

A long run (10^7 updates of `c`) would hold hundreds of megabytes if every row
were kept. Each series keeps its last TAIL rows exactly, and before them one row
in `stride` (the stride doubles so at most 2·KEEP rows stay): enough for charts,
which draw a bounded number of points. A row that is not kept is recomputed on
demand from the machine's checkpoints (the run is deterministic), so every value
read stays exact, and an export still writes every row.
"""

from __future__ import annotations

from collections.abc import Callable
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

    def extend(self, rows: np.ndarray) -> None:
        """Add many rows at once."""
        self._flush()
        start, stop = self._size, self._size + len(rows)
        if stop > len(self._data):
            grown = np.empty((max(2 * len(self._data), stop), *self._data.shape[1:]), dtype=np.float64)
            grown[:start] = self._data[:start]
            self._data = grown
        self._data[start:stop] = rows
        self._size = stop

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


TAIL = 1 << 16  # rows kept exactly at the end of each series (stepping back lands here)
KEEP = 1 << 12  # rows kept before the tail: between KEEP and 2·KEEP, evenly spaced

# recompute(name, start, stop) -> rows [start, stop) of the named series, exactly.
Recompute = Callable[[str, int, int], np.ndarray]


class Series:
    """One history series: its rows [first, count) readable exactly, a bounded number held in memory."""

    __slots__ = (
        "_columns",
        "_due",
        "_kept",
        "_kept_at",
        "_push",
        "_recompute",
        "_stride",
        "_tail",
        "_tail_start",
        "count",
        "name",
        "tail_rows",
    )

    def __init__(self, name: str, columns: int = 1, first: int = 0, tail_rows: int | None = None) -> None:
        self.name = name
        self._columns = columns
        self._tail = Growable(columns)  # rows [_tail_start, count)
        self._tail_start = first
        # Rows below _tail_start at positions _kept_at (ascending): one in `stride` as the run
        # thins its tail, or whatever a resumed session brought along.
        self._kept = Growable(columns)
        self._kept_at = Growable()
        self._stride = 1
        self.count = first
        self.tail_rows = TAIL if tail_rows is None else tail_rows
        self._recompute: Recompute | None = None
        self._rearm()

    # A training run appends four or five rows an update: an append is a list append and a
    # count, and the tail's chunk copy and the thinning run only when one of them is due.

    def append(self, value: Any) -> None:
        """Add one row (a number, or a tuple for multi-column series)."""
        self._push(value)
        self.count += 1
        if self.count >= self._due:
            self._settle()

    def _settle(self) -> None:
        tail = self._tail
        if len(tail._pending) >= tail._chunk:
            tail._flush()
        if self.count - self._tail_start >= 2 * self.tail_rows:
            self._thin()
        self._rearm()

    def _rearm(self) -> None:
        """After the tail changed: where the next row goes, and the count at which to settle."""
        tail = self._tail
        pending = tail._pending  # Growable's own list of rows not yet copied (this module's)
        self._push = pending.append if self._columns == 1 else pending.extend
        until_copy = (tail._chunk - len(pending)) // self._columns
        until_thin = self._tail_start + 2 * self.tail_rows - self.count
        self._due = self.count + max(1, min(until_copy, until_thin))

    def _thin(self) -> None:
        """Move the older half of the tail into the kept rows, one in `stride`."""
        rows = self._tail.values
        moved = self.tail_rows
        positions = np.arange(self._tail_start, self._tail_start + moved)
        chosen = positions % self._stride == 0
        self._kept.extend(rows[:moved][chosen])
        self._kept_at.extend(positions[chosen])
        tail = Growable(self._columns, capacity=max(1024, 2 * self.tail_rows))
        tail.extend(rows[moved:])
        self._tail = tail
        self._tail_start += moved
        if len(self._kept) > 2 * KEEP:
            kept, kept_at = Growable(self._columns), Growable()
            kept.extend(self._kept.values[::2])
            kept_at.extend(self._kept_at.values[::2])
            self._kept, self._kept_at = kept, kept_at
            self._stride *= 2

    def truncate(self, size: int) -> None:
        """Forget every row from `size` on (stepping back)."""
        if size >= self.count:
            return
        if size >= self._tail_start:
            self._tail.truncate(size - self._tail_start)
        else:
            below = int(np.searchsorted(self._kept_at.values, size))
            self._kept.truncate(below)
            self._kept_at.truncate(below)
            self._tail = Growable(self._columns)
            self._tail_start = size
        self.count = size
        self._rearm()

    def __len__(self) -> int:
        return self.count

    def _held(self, row: int) -> np.ndarray | float | None:
        if row >= self._tail_start:
            return self._tail.values[row - self._tail_start]  # type: ignore[no-any-return]
        at = self._kept_at.values
        index = int(np.searchsorted(at, row))
        if index < len(at) and at[index] == row:
            return self._kept.values[index]  # type: ignore[no-any-return]
        return None

    def __getitem__(self, index: int) -> Any:
        """Row `index` (negative counts from the end), exact: held, or recomputed."""
        row = index + self.count if index < 0 else index
        if not 0 <= row < self.count:
            raise IndexError(f"{self.name} has {self.count} rows (got {index})")
        held = self._held(row)
        if held is not None:
            return held
        return self.rows(row, row + 1)[0]

    def rows(self, start: int, stop: int) -> np.ndarray:
        """Rows [start, stop), exactly (recomputed where they are not held)."""
        stop = min(stop, self.count)
        if start >= self._tail_start:
            return self._tail.values[start - self._tail_start : stop - self._tail_start]
        if self._recompute is None:
            raise LookupError(f"rows {start} to {stop} of {self.name} are not held and cannot be recomputed")
        head = self._recompute(self.name, start, min(stop, self._tail_start))
        if stop <= self._tail_start:
            return head
        return np.concatenate([head, self._tail.values[: stop - self._tail_start]])

    @property
    def values(self) -> np.ndarray:
        """Every row, exactly (a long run's are recomputed: for exports and tests, not for drawing)."""
        view = self.rows(0, self.count)
        view.flags.writeable = False
        return view

    def sample(self, limit: int, stop: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(row numbers, rows) of at most `limit` held rows below `stop`, evenly spread, the last one included."""
        stop = self.count if stop is None else min(stop, self.count)
        # The held rows below stop, in order: the kept ones (ascending, all below the tail),
        # then the tail's. Only the picked ones are read: a long run holds about 73,000.
        kept_at, tail = self._kept_at.values, self._tail.values
        kept_below = int(np.searchsorted(kept_at, stop))
        tail_below = max(0, min(len(tail), stop - self._tail_start))
        total = kept_below + tail_below
        if total > limit:
            pick = np.unique(np.linspace(0, total - 1, limit).astype(np.int64))  # as plots.history.downsample
        else:
            pick = np.arange(total, dtype=np.int64)
        from_kept, from_tail = pick[pick < kept_below], pick[pick >= kept_below] - kept_below
        positions = np.concatenate([kept_at[from_kept].astype(np.int64), from_tail + self._tail_start])
        values = np.concatenate([self._kept.values[from_kept], tail[from_tail]])
        return positions, values

    def held_rows(self, rows: np.ndarray) -> np.ndarray:
        """Each row moved down to the nearest row held in memory (sorted, unique): cheap to read."""
        rows = np.asarray(rows, dtype=np.int64)
        below = rows < self._tail_start
        at = np.concatenate([[-1], self._kept_at.values.astype(np.int64)])  # -1: no kept row at or before
        index = np.searchsorted(at, rows, side="right") - 1  # the last kept row at or before each
        snapped = np.where(below, at[index], rows)
        return np.unique(snapped[snapped >= 0])

    def take(self, rows: np.ndarray) -> np.ndarray:
        """These rows, exactly (sampled rows of a series appended in step with this one are held)."""
        if not len(rows):
            return np.empty((0, self._columns) if self._columns > 1 else 0)
        rows = np.asarray(rows, dtype=np.int64)
        if rows.min() < 0 or rows.max() >= self.count:
            return np.stack([np.asarray(self[int(row)], dtype=np.float64) for row in rows])  # raises IndexError
        taken = np.empty((len(rows), self._columns) if self._columns > 1 else len(rows), dtype=np.float64)
        in_tail = rows >= self._tail_start
        taken[in_tail] = self._tail.values[rows[in_tail] - self._tail_start]
        below = np.flatnonzero(~in_tail)
        if len(below):  # held among the kept rows (one read), or recomputed one by one
            kept_at = self._kept_at.values
            index = np.minimum(np.searchsorted(kept_at, rows[below]), max(len(kept_at) - 1, 0))
            held = kept_at[index] == rows[below] if len(kept_at) else np.zeros(len(below), dtype=bool)
            taken[below[held]] = self._kept.values[index[held]]
            for at in below[~held]:
                taken[at] = self[int(rows[at])]
        return taken

    @property
    def nbytes(self) -> int:
        return self._tail.nbytes + self._kept.nbytes + self._kept_at.nbytes

    # --- carried by a session: what the history holds, without replaying the run ---

    def parts(self, kept_limit: int, tail_limit: int) -> dict[str, Any]:
        """What this series holds, thinned to at most kept_limit + tail_limit rows (see from_parts)."""
        tail = self._tail.values
        start = max(0, len(tail) - tail_limit)
        # Rows the tail gives up join the kept rows, so the past stays drawn.
        kept_at = np.concatenate([self._kept_at.values, np.arange(self._tail_start, self._tail_start + start)])
        kept = np.concatenate([self._kept.values, tail[:start]]) if len(kept_at) else self._kept.values
        if len(kept_at) > kept_limit:
            pick = np.unique(np.linspace(0, len(kept_at) - 1, kept_limit).astype(np.int64))
            kept_at, kept = kept_at[pick], kept[pick]
        return {
            "count": self.count,
            "kept_at": kept_at.astype(np.int64).tolist(),
            "kept": kept.tolist(),
            "tail_start": self._tail_start + start,
            "tail": tail[start:].tolist(),
        }

    def adopt(self, parts: dict[str, Any]) -> None:
        """Hold what `parts` (from parts()) describes, in place of anything held."""
        shape = (-1, self._columns) if self._columns > 1 else (-1,)
        self._kept, self._kept_at, self._tail = Growable(self._columns), Growable(), Growable(self._columns)
        self._kept.extend(np.asarray(parts["kept"], dtype=np.float64).reshape(shape))
        self._kept_at.extend(np.asarray(parts["kept_at"], dtype=np.float64))
        self._tail.extend(np.asarray(parts["tail"], dtype=np.float64).reshape(shape))
        self._tail_start = int(parts["tail_start"])
        self.count = int(parts["count"])
        self._stride = 1
        self._rearm()


class History:
    """Loss per update, mean training and validation loss per epoch, and the (b, w) path."""

    __slots__ = ("epoch_end", "epoch_loss", "generation", "path", "update_loss", "val_loss")

    def __init__(
        self, updates: int = 0, epochs: int = 0, initialized: bool = False, tail_rows: int | None = None
    ) -> None:
        """An empty history, or one whose rows start at these counts (a replay from a checkpoint)."""
        path_first = updates + 1 if initialized else 0
        self.update_loss = Series("update_loss", first=updates, tail_rows=tail_rows)  # on its batch
        self.epoch_loss = Series("epoch_loss", first=epochs, tail_rows=tail_rows)  # mean of the epoch's update losses
        self.val_loss = Series("val_loss", first=epochs, tail_rows=tail_rows)  # NaN without a validation set
        self.epoch_end = Series("epoch_end", first=epochs, tail_rows=tail_rows)  # updates done when each epoch ended
        self.path = Series("path", columns=2, first=path_first, tail_rows=tail_rows)  # (b, w) after step 0, each update
        # Goes up whenever rows already written may change (a truncation, adopting a record):
        # between two changes rows are only appended, so their counts say what is drawn.
        self.generation = 0

    def series(self) -> tuple[Series, ...]:
        return (self.update_loss, self.epoch_loss, self.val_loss, self.epoch_end, self.path)

    def recompute_with(self, recompute: Recompute) -> None:
        """Where rows that are not held come from (the machine's checkpoints)."""
        for series in self.series():
            series._recompute = recompute

    def truncate(self, updates: int, epochs: int, initialized: bool) -> None:
        """Keep only what existed at a position with these counts."""
        self.generation += 1
        self.update_loss.truncate(updates)
        self.epoch_loss.truncate(epochs)
        self.val_loss.truncate(epochs)
        self.epoch_end.truncate(epochs)
        self.path.truncate(updates + 1 if initialized else 0)

    @property
    def nbytes(self) -> int:
        return sum(series.nbytes for series in self.series())
