"""The state machine: a cursor over the six steps, stepping forward and back."""

from __future__ import annotations

import inspect
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from operator import attrgetter

import numpy as np

from gd_tui.engine import steps
from gd_tui.engine.analysis import Diverging, diverging, stability
from gd_tui.engine.config import OPTIMIZERS, Config, ConfigError, validate_lr
from gd_tui.engine.data import Dataset, make_dataset
from gd_tui.engine.history import History
from gd_tui.engine.optimizers import OPTIMIZER_FUNCTIONS
from gd_tui.engine.step_into import arguments, scope_after, statements
from gd_tui.engine.steps import STEP_NAMES

# Stepping back replays from the nearest checkpoint. Every update boundary of
# the last RECENT updates is kept (back is instant where learners use it), and
# one in SPARSE before that (memory stays bounded over millions of updates).
RECENT = 64
SPARSE = 32
# At most this many sparse checkpoints: past it, every other one goes and the spacing doubles,
# so a run of 10^7 updates keeps a few thousand, and a replay covers a few thousand updates.
MAX_SPARSE = 4096


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
    optimizer: str = "sgd"  # step 4's update (engine/optimizers.py)
    # The optimizer's state after its last update, in its update's argument order
    # ((2,) arrays for b and w, Adam's step count t); replaced, never mutated.
    buffers: tuple[object, ...] = ()
    # Stepping into step 4 (cursor 4): 0 outside; k >= 1 inside, the update's first k - 1
    # lines run and line k next (step_into.py computes what they hold).
    line: int = 0

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
    def buffer_names(self) -> tuple[str, ...]:
        """The names of `buffers`, as the optimizer's update calls them."""
        return BUFFER_NAMES[self.optimizer]

    @property
    def name(self) -> str | None:
        """The name of the step just executed."""
        return None if self.last_step is None else STEP_NAMES[self.last_step]


# Fields a checkpoint keeps: the batch arrays are rebuilt from (epoch, start).
_DERIVED = {"x_batch", "y_batch", "batch_idx", "yhat", "error"}
_KEPT = tuple(f.name for f in fields(State) if f.name not in _DERIVED)
_snapshot_of = attrgetter(*_KEPT)
_UPDATE = _KEPT.index("update")
_EPOCH = _KEPT.index("epoch")
_B = _KEPT.index("b")

isfinite = math.isfinite


def _state_names(optimizer: str) -> tuple[str, ...]:
    """The update's arguments between lr and the hyperparameters: the optimizer's state."""
    names = list(inspect.signature(OPTIMIZER_FUNCTIONS[optimizer]).parameters)
    if optimizer == "sgd":
        return ()
    hyper = set(Config().hyperparameters(optimizer))
    return tuple(name for name in names[3:] if name not in hyper)


BUFFER_NAMES = {name: _state_names(name) for name in OPTIMIZERS}


def fresh_buffers(optimizer: str) -> tuple[object, ...]:
    """An optimizer's state before its first update, as torch.optim starts it: zeros (and t = 0)."""
    return tuple(0 if name == "t" else np.zeros(2) for name in BUFFER_NAMES[optimizer])


Predicate = Callable[[State], bool]  # where Machine.run_until stops (see breakpoints.py)


def _collapsed(settings: list[tuple[int, str, float | str]]) -> list[tuple[int, str, float | str]]:
    """The log with only the last change of each setting at each step (the earlier ones never ran)."""
    kept: dict[tuple[int, str], tuple[int, str, float | str]] = {}
    for entry in settings:
        kept.pop(entry[:2], None)  # re-inserted last: the order of the changes is kept
        kept[entry[:2]] = entry
    return list(kept.values()) if len(kept) < len(settings) else settings


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
        self._critical_lr: float | None = None
        # Each optimizer's hyperparameters, in its update's argument order.
        self._hyper = {name: tuple(self.config.hyperparameters(name).values()) for name in OPTIMIZERS}
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
        optimizer = state.optimizer if state is not None else self.config.optimizer
        self.state = State(lr=lr, batch_size=batch_size, optimizer=optimizer, buffers=fresh_buffers(optimizer))
        # In force at t = 0, before any logged change.
        self.start_settings: tuple[float, int, str] = (lr, batch_size, optimizer)
        self.history = History()
        self.history.recompute_with(self._recompute)
        self._settings: list[tuple[int, str, float | str]] = []  # (t, name, value)
        self._recent: deque[tuple[int, tuple[object, ...]]] = deque(maxlen=RECENT)
        self._sparse: list[tuple[int, tuple[object, ...]]] = []
        self._sparse_every = SPARSE  # updates between sparse checkpoints (doubles as the run grows)
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

    def step_into(self) -> State:
        """Step 4 one line of the optimizer's update at a time (pdb's `s`); elsewhere, as advance().

        The first press at step 4 enters the update (its first line next); each press then
        runs one line; the press on the last line completes step 4 as advance() does.
        """
        state = self.state
        if state.cursor != 4 or state.diverged:
            return self.advance()
        if state.line < len(statements(state.optimizer)):
            state.line += 1
            self.version += 1
            return state
        return self.advance()

    def update_scope(self) -> dict[str, object]:
        """Inside step 4: the update's local names after the lines run so far (empty outside)."""
        state = self.state
        if state.cursor != 4 or state.line == 0:
            return {}
        inputs = {"b": state.b, "w": state.w, "b_grad": state.b_grad, "w_grad": state.w_grad, "lr": state.lr}
        values = arguments(state.optimizer, inputs, state.buffers, self.config)
        return scope_after(state.optimizer, values, state.line - 1)

    def back(self) -> State:
        """Restore the state before the last executed step (or line of step 4); at the start, stay."""
        if self.state.line > 0:
            self.state.line -= 1
            self.version += 1
            return self.state
        t = self.state.t
        if t == 0:
            return self.state
        # Settings changed at this position carry over: the learner chose them now.
        self._settings = _collapsed([(min(s, t - 1), k, v) for s, k, v in self._settings])
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
        lr = validate_lr(lr)  # raises ConfigError
        self._record("lr", lr)
        self._apply_setting("lr", lr)
        self.version += 1

    def set_batch_size(self, batch_size: int) -> None:
        """Use this batch size from the next batch on (recorded, so back() still works)."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, int):
            raise ConfigError("batch_size", f"must be a whole number (got {batch_size!r})")
        if not 1 <= batch_size <= self.data.n_train:
            raise ConfigError(
                "batch_size", f"must be from 1 to {self.data.n_train}, the training set's size (got {batch_size})"
            )
        self._record("batch_size", batch_size)
        self._apply_setting("batch_size", batch_size)
        self.version += 1
        self.history_version = self.version  # the batch may be picked again at the new size

    def _record(self, name: str, value: float | str) -> None:
        """Log a setting change; one made at the same step as an earlier one of the same setting replaces it.

        Nothing runs between the two, so the replay is the same, and a key held at one
        step (m, +) leaves one entry instead of thousands.
        """
        t = self.state.t
        settings = self._settings
        index = len(settings) - 1
        while index >= 0 and settings[index][0] == t:
            if settings[index][1] == name:
                del settings[index]
                break
            index -= 1
        settings.append((t, name, value))

    def set_optimizer(self, optimizer: str) -> None:
        """Use this optimizer from the next update on, with fresh state (recorded, so back() still works).

        As a new torch.optim optimizer on the same parameters: its buffers start at zero.
        Choosing the optimizer already in use changes nothing.
        """
        if optimizer not in OPTIMIZERS:
            raise ConfigError("optimizer", f"must be one of {', '.join(OPTIMIZERS)} (got {optimizer!r})")
        if optimizer == self.state.optimizer:
            return
        self._record("optimizer", optimizer)
        self._apply_setting("optimizer", optimizer)
        self.version += 1

    @property
    def critical_lr(self) -> float:
        """2/λmax of the training MSE's Hessian: batch gradient descent diverges above it."""
        if self._critical_lr is None:
            self._critical_lr = stability(self.data.x_train).critical_lr
        return self._critical_lr

    def diverging(self) -> Diverging | None:
        """Sustained loss growth under batch gradient descent above 2/λmax, from where it began.

        None unless the run is now plain batch gradient descent with lr above the
        critical rate and the loss has risen for several updates in a row.
        """
        state = self.state
        if state.optimizer != "sgd" or state.batch_size < self._n_train or not state.lr > self.critical_lr:
            return None
        found = diverging(self.history.update_loss.values, stability(self.data.x_train), state.lr)
        if found is None:
            return None
        # Batch mode: one update per epoch, so the epoch count follows the update count back.
        updates_since = state.update - found.update
        epoch = state.epoch - updates_since + (1 if state.cursor == 5 else 0)
        return replace(found, epoch=max(epoch, 0))

    def goto(self, t: int) -> State:
        """Move to the position after `t` steps, replaying or advancing as needed."""
        if t < 0:
            raise ValueError("t must be >= 0")
        if t <= self.state.t:
            self._settings = _collapsed([(min(s, t), k, v) for s, k, v in self._settings])
            self._goto(t)
        else:
            with np.errstate(all="ignore"):
                while self.state.t < t:
                    self._advance()
        self.version += 1
        self.history_version = self.version
        return self.state

    @property
    def settings_log(self) -> list[tuple[int, str, float | str]]:
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
        if state.optimizer == "sgd":
            b, w = steps.update(state.b, state.w, state.b_grad, state.w_grad, state.lr)  # type: ignore[arg-type]
        else:
            b, w = self._optimize(state)
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
        state.line = 0
        state.cursor = 5

    def _optimize(self, state: State) -> tuple[np.ndarray, np.ndarray]:
        """Step 4 with an optimizer that keeps state: b and w go in as one (2,) array."""
        # Divergence is judged on b, w, the loss and the gradients, as for sgd: buffers built
        # from finite gradients only overflow once the gradients are near overflow themselves.
        name = state.optimizer
        params, *buffers = OPTIMIZER_FUNCTIONS[name](
            np.concatenate((state.b, state.w)),  # type: ignore[arg-type]
            np.array((state.b_grad, state.w_grad)),
            state.lr,
            *state.buffers,
            *self._hyper[name],
        )
        state.buffers = tuple(buffers)
        return params[:1], params[1:]

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

    def _apply_setting(self, name: str, value: float | str) -> None:
        state = self.state
        if name == "lr":
            state.lr = value  # type: ignore[assignment]
            return
        if name == "optimizer":
            state.optimizer = value  # type: ignore[assignment]
            state.buffers = fresh_buffers(state.optimizer)
            state.line = 0  # another update, other lines
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
            if oldest[1][_UPDATE] % self._sparse_every == 0:  # type: ignore[operator]
                self._sparse.append(oldest)
                if len(self._sparse) > MAX_SPARSE:
                    self._thin_sparse()
        recent.append((state.t, _snapshot_of(state)))

    def _restored(self) -> None:
        """Called when a checkpoint has just become the state: a backend with live objects rebuilds them."""

    def _thin_sparse(self) -> None:
        """Double the spacing of the sparse checkpoints (the one at t = 0 always stays)."""
        self._sparse_every *= 2
        every = self._sparse_every
        self._sparse = [c for c in self._sparse if c[0] == 0 or c[1][_UPDATE] % every == 0]  # type: ignore[operator]

    def _recompute(self, name: str, start: int, stop: int) -> np.ndarray:
        """Rows [start, stop) of a history series, replayed from the last checkpoint before them.

        The replay runs on a scratch machine: this one's state and checkpoints are untouched.
        """

        def first_row(snapshot: tuple[object, ...]) -> int:  # the series' first row a replay from it appends
            update: int = snapshot[_UPDATE]  # type: ignore[assignment]
            epoch: int = snapshot[_EPOCH]  # type: ignore[assignment]
            if name == "path":
                return update + 1 if snapshot[_B] is not None else 0
            return update if name == "update_loss" else epoch

        checkpoints = sorted([*self._sparse, *self._recent], key=lambda c: c[0])
        usable = [c for c in checkpoints if first_row(c[1]) <= start] or checkpoints[:1]
        t, snapshot = usable[-1]
        scratch = self._scratch()
        state = State(**dict(zip(_KEPT, snapshot, strict=True)))  # type: ignore[arg-type]
        scratch.state = state
        scratch._restored()
        scratch.history = History(state.update, state.epoch, state.initialized, tail_rows=2**62)
        scratch._settings = self._settings
        if state.initialized:
            scratch._select_batch()
        series = getattr(scratch.history, name)
        settings = [(s, k, v) for s, k, v in self._settings if s >= t]
        with np.errstate(all="ignore"):
            for s, key, value in settings:
                if s == t:
                    scratch._apply_setting(key, value)
            while series.count < stop and state.t < self.state.t:
                scratch._advance()
                for s, key, value in settings:
                    if s == state.t:
                        scratch._apply_setting(key, value)
        return np.array(series.rows(start, stop))

    def _adopted(self) -> None:
        """Called when a session's record has put this machine at its position (engine/record.py)."""

    def _scratch(self) -> Machine:
        """A machine of this one's kind on the same config and data, for _recompute's replays."""
        return Machine(self.config, self.data)

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
