"""The state machine: a cursor over the six steps, stepping forward and back."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from operator import attrgetter

import numpy as np

from gd_tui.engine import steps
from gd_tui.engine.config import Config, ConfigError
from gd_tui.engine.data import Dataset, make_dataset
from gd_tui.engine.history import History
from gd_tui.engine.steps import STEP_NAMES

# Stepping back replays from the nearest checkpoint. Every update boundary of
# the last RECENT updates is kept (back is instant where learners use it), and
# one in SPARSE before that (memory stays bounded over millions of updates).
RECENT = 64
SPARSE = 32


@dataclass(slots=True)
class State:
    """Everything the learner sees at one position; arrays are never mutated in place."""

    lr: float
    batch_size: int
    cursor: int = 0  # the step the next advance() executes
    last_step: int | None = None  # the step just executed
    t: int = 0  # steps executed since the start
    epoch: int = 0  # completed epochs
    update: int = 0  # completed updates
    batch: int = 0  # index of the current batch within the epoch
    start: int = 0  # where the current batch starts in the epoch's order
    shuffled: bool = False  # whether this epoch visits the points in a permuted order
    b: np.ndarray | None = None  # (1,)
    w: np.ndarray | None = None  # (1,)
    x_batch: np.ndarray | None = None  # (n_batch, 1)
    y_batch: np.ndarray | None = None  # (n_batch, 1)
    batch_idx: np.ndarray | None = None  # training-set rows of the batch; None: rows start..
    yhat: np.ndarray | None = None  # (n_batch, 1)
    error: np.ndarray | None = None  # (n_batch, 1)
    loss: float | None = None
    b_grad: float | None = None
    w_grad: float | None = None
    val_loss: float | None = None
    epoch_loss_sum: float = 0.0
    diverged_at: tuple[int, int, int] | None = None  # (epoch, update, step)

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def diverged_in(self) -> tuple[int, int, int] | None:
        """Where the run diverged as people count: (epoch, update, step), the first epoch being 1.

        diverged_at holds the counts before the step; step 5 closes the update that
        step 4 already counted.
        """
        if self.diverged_at is None:
            return None
        epoch, update, step = self.diverged_at
        return epoch + 1, update if step == 5 else update + 1, step

    @property
    def initialized(self) -> bool:
        return self.b is not None

    @property
    def name(self) -> str | None:
        """The name of the step just executed."""
        return None if self.last_step is None else STEP_NAMES[self.last_step]


# Fields a checkpoint keeps: the batch arrays are rebuilt from (epoch, start).
_DERIVED = {"x_batch", "y_batch", "batch_idx", "yhat", "error"}
_KEPT = tuple(f.name for f in fields(State) if f.name not in _DERIVED)
_snapshot_of = attrgetter(*_KEPT)
_UPDATE = _KEPT.index("update")

isfinite = math.isfinite

Predicate = Callable[[State], bool]  # where Machine.run_until stops (see breakpoints.py)


class Machine:
    """Runs gradient descent one step at a time; `state` is what the learner sees."""

    def __init__(self, config: Config | None = None, data: Dataset | None = None) -> None:
        self.config = config if config is not None else Config()
        self.data = data if data is not None else make_dataset(self.config)
        self._steps = (
            self._initialize,
            self._forward,
            self._loss,
            self._gradients,
            self._update,
            self._repeat,
        )
        self._order: tuple[int, np.ndarray] | None = None
        self._n_train = self.data.n_train  # the data never changes under a Machine
        self._n_val = self.data.n_val
        # Bumped by every mutation (advance, back, reset, a setting change, goto): what a
        # screen shows is a function of (state, version), so a cache keyed on it is never stale.
        self.version = 0
        # The version at which the history, b, w or the batch last changed (steps 0, 4 and 5,
        # and a batch-size change): charts drawn from these alone key on it, and skip the
        # replots of steps 1 to 3.
        self.history_version = 0
        self.reset()

    # --- public surface -------------------------------------------------

    def reset(self) -> State:
        """Go back to before step 0, keeping the current learning rate and batch size."""
        state = getattr(self, "state", None)
        lr = state.lr if state is not None else self.config.lr
        batch_size = state.batch_size if state is not None else self.full_batch_size
        self.state = State(lr=lr, batch_size=batch_size)
        self.start_settings = (lr, batch_size)  # in force at t = 0, before any logged change
        self.history = History()
        self._settings: list[tuple[int, str, float]] = []  # (t, name, value)
        self._recent: deque[tuple[int, tuple[object, ...]]] = deque(maxlen=RECENT)
        self._sparse: list[tuple[int, tuple[object, ...]]] = []
        self._checkpoint()
        self.version += 1
        self.history_version = self.version
        return self.state

    @property
    def full_batch_size(self) -> int:
        if self.config.batch_size is None:
            return self.data.n_train
        return self.config.batch_size

    @property
    def updates_per_epoch(self) -> int:
        """ceil(N_train / batch size) at the current batch size."""
        return -(-self.data.n_train // self.state.batch_size)

    def batch_position(self) -> tuple[int, int]:
        """(k, K) as people count: the batch in progress is batch k of the epoch's K.

        After a batch-size change mid-epoch the batches left are counted from the rows
        not yet used, so k never exceeds K.
        """
        state = self.state
        used = state.start + (0 if state.x_batch is None else len(state.x_batch))
        left = max(0, self._n_train - used)
        done = state.batch + (0 if state.x_batch is None else 1)
        return state.batch + 1, max(done + -(-left // state.batch_size), state.batch + 1)

    def epoch_ends_with_batch(self) -> bool:
        """Whether step 5 after the current batch ends the epoch (every training point used once)."""
        state = self.state
        used = state.start + (0 if state.x_batch is None else len(state.x_batch))
        return used >= self._n_train

    @property
    def mode(self) -> str:
        """batch, mini-batch or stochastic, from the current batch size."""
        n = self.state.batch_size
        return "batch" if n >= self.data.n_train else "stochastic" if n == 1 else "mini-batch"

    def advance(self) -> State:
        """Execute exactly one step (the one under the cursor)."""
        with np.errstate(all="ignore"):
            self._advance()
        self.version += 1
        if self.state.last_step in (0, 4, 5):  # the steps that write the history (and b, w)
            self.history_version = self.version
        return self.state

    def back(self) -> State:
        """Restore the state before the last executed step; at the start, stay."""
        t = self.state.t
        if t == 0:
            return self.state
        # Settings changed at this position carry over: the learner chose them now.
        self._settings = [(min(s, t - 1), k, v) for s, k, v in self._settings]
        self._goto(t - 1)
        self.version += 1
        self.history_version = self.version
        return self.state

    def run_until(self, predicate: Predicate, max_steps: int = 10**8) -> str:
        """Advance until predicate(state) holds after a step; returns why it stopped.

        The reason is "reached", "diverged" (always a breakpoint) or "max_steps".
        """
        state = self.state
        was_diverged = state.diverged
        run_step = self._steps
        self.version += 1  # once per run, before it: a run stopped by an exception has mutated too
        self.history_version = self.version
        checkpoint = self._maybe_checkpoint
        # _advance, inlined: this loop is where long runs spend their time.
        with np.errstate(all="ignore"):
            for _ in range(max_steps):
                step = state.cursor
                run_step[step]()
                state.last_step = step
                state.t += 1
                if (step == 5 or step == 0) and state.cursor == 1:
                    checkpoint()
                if predicate(state):
                    return "reached"
                if not was_diverged and state.diverged_at is not None:
                    return "diverged"
        return "max_steps"

    def set_lr(self, lr: float) -> None:
        """Use this learning rate from the next update on (recorded, so back() still works)."""
        replace(self.config, lr=lr)  # validates, raising ConfigError
        self._settings.append((self.state.t, "lr", float(lr)))
        self._apply_setting("lr", float(lr))
        self.version += 1

    def set_batch_size(self, batch_size: int) -> None:
        """Use this batch size from the next batch on (recorded, so back() still works)."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, int):
            raise ConfigError("batch_size", f"must be a whole number (got {batch_size!r})")
        if not 1 <= batch_size <= self.data.n_train:
            raise ConfigError(
                "batch_size", f"must be from 1 to {self.data.n_train}, the training set's size (got {batch_size})"
            )
        self._settings.append((self.state.t, "batch_size", batch_size))
        self._apply_setting("batch_size", batch_size)
        self.version += 1
        self.history_version = self.version  # the batch may be picked again at the new size

    def goto(self, t: int) -> State:
        """Move to the position after `t` steps, replaying or advancing as needed."""
        if t < 0:
            raise ValueError("t must be >= 0")
        if t <= self.state.t:
            self._settings = [(min(s, t), k, v) for s, k, v in self._settings]
            self._goto(t)
        else:
            with np.errstate(all="ignore"):
                while self.state.t < t:
                    self._advance()
        self.version += 1
        self.history_version = self.version
        return self.state

    @property
    def settings_log(self) -> list[tuple[int, str, float]]:
        """Every setting change as (steps executed when it was made, name, value)."""
        return list(self._settings)

    # --- the steps, with their bookkeeping ------------------------------

    def _advance(self) -> None:
        state = self.state
        step = state.cursor
        self._steps[step]()
        state.last_step = step
        state.t += 1
        if (step == 5 or step == 0) and state.cursor == 1:
            self._maybe_checkpoint()

    def _diverge(self, step: int) -> None:
        """Mark the state diverged at this step, unless it already was."""
        state = self.state
        if state.diverged_at is None:
            state.diverged_at = (state.epoch, state.update, step)

    def _initialize(self) -> None:
        state = self.state
        b, w = steps.initialize(self.config.seed)
        if self.config.init_b is not None:
            b = np.array([self.config.init_b])
        if self.config.init_w is not None:
            w = np.array([self.config.init_w])
        state.b, state.w = b, w
        self.history.path.append((b[0], w[0]))
        state.shuffled = state.batch_size < self.data.n_train
        self._select_batch()
        state.cursor = 1

    def _forward(self) -> None:
        state = self.state
        state.yhat = steps.forward(state.b, state.w, state.x_batch)  # type: ignore[arg-type]
        state.cursor = 2

    def _loss(self) -> None:
        state = self.state
        state.error, state.loss = steps.loss(state.yhat, state.y_batch)  # type: ignore[arg-type]
        if not isfinite(state.loss):
            self._diverge(2)
        state.cursor = 3

    def _gradients(self) -> None:
        state = self.state
        state.b_grad, state.w_grad = steps.gradients(state.x_batch, state.error)  # type: ignore[arg-type]
        # Each on its own: the sum of two huge finite values overflows one step early.
        if not (isfinite(state.b_grad) and isfinite(state.w_grad)):
            self._diverge(3)
        state.cursor = 4

    def _update(self) -> None:
        state = self.state
        b, w = steps.update(state.b, state.w, state.b_grad, state.w_grad, state.lr)  # type: ignore[arg-type]
        state.b, state.w = b, w
        b0, w0 = b[0], w[0]
        if not (isfinite(b0) and isfinite(w0)):
            self._diverge(4)  # before counting the update: diverged_at holds counts before the step
        state.update += 1
        loss = state.loss
        history = self.history
        history.update_loss.append(loss)
        history.path.append((b0, w0))
        state.epoch_loss_sum += loss  # type: ignore[operator]
        state.cursor = 5

    def _repeat(self) -> None:
        state = self.state
        n_train = self._n_train
        # The batch just used, not state.batch_size: a size changed mid-update takes
        # effect from the next batch, which must begin where this one ended.
        state.start, epoch_ended = steps.repeat(state.start, len(state.x_batch), n_train)  # type: ignore[arg-type]
        if epoch_ended:
            data = self.data
            history = self.history
            batches = state.batch + 1
            history.epoch_loss.append(state.epoch_loss_sum / batches)
            history.epoch_end.append(state.update)
            if self._n_val:
                state.val_loss = steps.validation_loss(state.b, state.w, data.x_val, data.y_val)  # type: ignore[arg-type]
                if not isfinite(state.val_loss):
                    self._diverge(5)
            history.val_loss.append(np.nan if state.val_loss is None else state.val_loss)
            state.epoch += 1
            state.batch = 0
            state.start = 0
            state.epoch_loss_sum = 0.0
            state.shuffled = state.batch_size < n_train
        else:
            state.batch += 1
        state.yhat = state.error = None  # they belonged to the batch just finished
        self._select_batch()
        state.cursor = 1

    # --- batches ----------------------------------------------------------

    def epoch_order(self, epoch: int) -> np.ndarray:
        """The order in which a shuffled epoch visits the training points (stateless)."""
        if self._order is None or self._order[0] != epoch:
            order = np.random.default_rng([self.config.seed, epoch]).permutation(self.data.n_train)
            self._order = (epoch, order)
        return self._order[1]

    def _select_batch(self) -> None:
        state = self.state
        data = self.data
        start = state.start
        stop = start + state.batch_size
        if state.shuffled:
            idx = self.epoch_order(state.epoch)[start:stop]
            state.batch_idx = idx
            state.x_batch, state.y_batch = data.x_train[idx], data.y_train[idx]
        elif start == 0 and stop >= self._n_train:
            state.batch_idx = None
            state.x_batch, state.y_batch = data.x_train, data.y_train
        else:
            state.batch_idx = None
            state.x_batch, state.y_batch = data.x_train[start:stop], data.y_train[start:stop]

    def batch_rows(self) -> np.ndarray:
        """Training-set row numbers of the current batch."""
        state = self.state
        if state.batch_idx is not None:
            return state.batch_idx
        count = 0 if state.x_batch is None else len(state.x_batch)
        return np.arange(state.start, state.start + count)

    def _apply_setting(self, name: str, value: float) -> None:
        state = self.state
        if name == "lr":
            state.lr = value
            return
        state.batch_size = int(value)
        if state.cursor == 1:
            # Nothing is computed on the current batch yet: pick it again at the new size.
            if state.start == 0:
                state.shuffled = state.batch_size < self.data.n_train
            self._select_batch()

    # --- checkpoints and replay -------------------------------------------

    def _snapshot(self) -> tuple[object, ...]:
        return _snapshot_of(self.state)

    def _checkpoint(self) -> None:
        self._recent.append((self.state.t, self._snapshot()))

    def _maybe_checkpoint(self) -> None:
        # Runs once per update: kept free of further calls.
        state = self.state
        recent = self._recent
        if len(recent) == RECENT:
            oldest = recent[0]  # about to leave the dense window
            if oldest[1][_UPDATE] % SPARSE == 0:  # type: ignore[operator]
                self._sparse.append(oldest)
        recent.append((state.t, _snapshot_of(state)))

    def _restored(self) -> None:
        """Called when a checkpoint has just become the state: a backend with live objects rebuilds them."""

    def _goto(self, target: int) -> None:
        """Restore the position after `target` steps: nearest checkpoint, then replay."""
        recent = [c for c in self._recent if c[0] <= target]
        while self._sparse and self._sparse[-1][0] > target:
            self._sparse.pop()
        self._recent = deque(recent, maxlen=RECENT)
        # The first checkpoint (t = 0) always survives: in the dense window or the sparse list.
        t, snapshot = recent[-1] if recent else self._sparse[-1]
        state = State(**dict(zip(_KEPT, snapshot, strict=True)))  # type: ignore[arg-type]
        self.state = state
        self._restored()
        self.history.truncate(state.update, state.epoch, state.initialized)
        if state.initialized:
            self._select_batch()
        settings = self._settings
        with np.errstate(all="ignore"):
            for s, name, value in settings:
                if s == t:
                    self._apply_setting(name, value)
            while state.t < target:
                self._advance()
                for s, name, value in settings:
                    if s == state.t:
                        self._apply_setting(name, value)
        self._settings = [s for s in settings if s[0] <= target]
