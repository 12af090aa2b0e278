"""What a session carries so a long run resumes without replaying it: checkpoints and the history held.

Replaying 10^7 updates takes about a minute. Instead a session carries a few
hundred of the machine's checkpoints and the rows its history holds (thinned),
every float as exact hex text. Resuming adopts them and replays only from the last
checkpoint (a few steps); a row or a position not carried is recomputed from the
nearest checkpoint, as in a machine that never stopped. The session's check (the
saved epoch, update, b and w) proves the position reached.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from gd_tui.engine.config import OPTIMIZERS
from gd_tui.engine.limits import accepts
from gd_tui.engine.machine import _KEPT, BUFFER_NAMES, RECENT, SPARSE, Machine, State
from gd_tui.engine.step_into import statements
from gd_tui.engine.steps import STEP_NAMES

CHECKPOINTS = 256  # sparse checkpoints carried: a row not carried is at most 1/256 of the run away
KEPT_ROWS = 512  # history rows carried per series besides the tail: more than a chart draws
TAIL_ROWS = 64  # the last rows of each series, exactly as held (stepping back reads them)


def _float(value: float) -> str:
    return float(value).hex()  # exact, and nan and inf survive JSON


def _encode(value: object) -> object:
    """One snapshot field as JSON: floats and (1,) arrays as hex text, tuples as lists."""
    if isinstance(value, np.ndarray):
        return {"array": [_float(v) for v in value.tolist()]}
    if isinstance(value, bool) or value is None or isinstance(value, int | np.integer):
        return value if not isinstance(value, np.integer) else int(value)
    if isinstance(value, float | np.floating):
        return {"float": _float(float(value))}
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if isinstance(value, str):  # the optimizer's name
        return {"str": value}
    raise TypeError(f"cannot carry {type(value).__name__}")


def _decode(value: object) -> object:
    if isinstance(value, dict):
        if "array" in value:
            return np.array([float.fromhex(v) for v in value["array"]], dtype=np.float64)
        if "str" in value:
            return str(value["str"])
        return float.fromhex(value["float"])
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


def record_of(machine: Machine) -> dict[str, Any]:
    """The checkpoints and history rows a session carries (JSON values)."""
    sparse = machine._sparse
    if len(sparse) > CHECKPOINTS:  # evenly thinned, the first (t = 0) and the last kept
        pick = np.unique(np.linspace(0, len(sparse) - 1, CHECKPOINTS).astype(np.int64))
        sparse = [sparse[i] for i in pick]
    checkpoints = [*sparse, *machine._recent]
    history = {}
    for series in machine.history.series():
        parts = series.parts(KEPT_ROWS, TAIL_ROWS)
        for key in ("kept", "tail"):
            rows = np.asarray(parts[key], dtype=np.float64).ravel().tolist()
            parts[key] = " ".join(_float(v) for v in rows)  # one string: a JSON line per number would triple the file
        history[series.name] = parts
    return {
        "fields": list(_KEPT),
        "checkpoints": [[t, [_encode(v) for v in snapshot]] for t, snapshot in checkpoints],
        "sparse_every": machine._sparse_every,
        "history": history,
    }


def adopt(machine: Machine, record: dict[str, Any], t: int) -> None:
    """Put a fresh machine (settings log and start settings already set) at step t from a record.

    Raises ValueError, KeyError or TypeError on a record this version cannot read.
    """
    if record["fields"] != list(_KEPT):
        raise ValueError("it was saved by another version")
    checkpoints = []
    for at, snapshot in record["checkpoints"]:
        values = tuple(_decode(v) for v in snapshot)
        state = State(**dict(zip(_KEPT, values, strict=True)))  # type: ignore[arg-type]  # fails on a malformed one
        if not _whole(at, "t") or state.t != at:
            raise ValueError("a checkpoint's step count is not the one it is filed under")
        _check_state(state, machine.data.n_train)
        checkpoints.append((at, values))
    checkpoints.sort(key=lambda c: c[0])
    if not checkpoints or checkpoints[0][0] != 0 or checkpoints[-1][0] > t:
        raise ValueError("its checkpoints do not lead to the saved position")
    for series in machine.history.series():
        parts = dict(record["history"][series.name])
        for key in ("kept", "tail"):
            parts[key] = [float.fromhex(v) for v in str(parts[key]).split()]
        series.adopt(parts)
    machine.history.generation += 1
    machine._sparse = checkpoints[:-RECENT] if len(checkpoints) > RECENT else checkpoints[:1]
    machine._recent = deque(checkpoints[-RECENT:], maxlen=RECENT)
    sparse_every = record["sparse_every"]
    # The spacing only ever doubles from SPARSE (Machine._thin_sparse); 0 would divide by zero.
    if not _whole(sparse_every, "t") or sparse_every < SPARSE or sparse_every % SPARSE:
        raise ValueError("its checkpoint spacing is not one a run makes")
    machine._sparse_every = sparse_every
    machine._goto(t)
    machine._adopted()
    machine.version += 1
    machine.history_version = machine.version


def _whole(value: object, limit: str) -> bool:
    """Whether `value` is a whole number (not a bool, not a float) that limits.py's `limit` takes."""
    return isinstance(value, int) and not isinstance(value, bool) and accepts(limit, value)


def _below(value: object, high: int) -> bool:
    """Whether `value` is a whole number from 0 to `high` - 1 (a step's or a line's index)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < high


def _optional_float(value: object) -> bool:
    return value is None or isinstance(value, float)


def _param(value: object, size: int) -> bool:
    """Whether `value` is a float64 array of shape (size,), as b, w and the optimizers' buffers are."""
    return isinstance(value, np.ndarray) and value.dtype == np.float64 and value.shape == (size,)


def _check_state(state: State, n_train: int) -> None:
    """Refuse a checkpoint no run can reach: the machine would fail (or train wrongly) on it later.

    The values a checkpoint carries are held to the same limits as the flags, dialogs and
    session settings that set them (limits.py); the rest to what the machine itself keeps.
    A non-finite b, w, loss or buffer is allowed: a diverged run holds them.
    """
    # A config's lr = 1 stays the int 1 (Config keeps what it was given).
    lr = state.lr
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not accepts("lr", lr):
        raise ValueError("a checkpoint's learning rate is out of range")
    if not (_whole(state.batch_size, "batch_size") and state.batch_size <= n_train):
        raise ValueError("a checkpoint's batch size is out of range")
    steps = len(STEP_NAMES)
    if not _below(state.cursor, steps) or not (state.last_step is None or _below(state.last_step, steps)):
        raise ValueError("a checkpoint's cursor or last step is not a step")
    if not all(_whole(value, "t") for value in (state.epoch, state.update, state.batch, state.start)):
        raise ValueError("a checkpoint's epoch, update or batch count is out of range")
    if state.start > n_train or not isinstance(state.shuffled, bool):
        raise ValueError("a checkpoint's batch is not one of the training set")
    if (state.b is None) != (state.w is None) or not (state.b is None or (_param(state.b, 1) and _param(state.w, 1))):
        raise ValueError("a checkpoint's b and w are not one number each")
    numbers = (state.loss, state.b_grad, state.w_grad, state.val_loss)
    if not all(_optional_float(v) for v in numbers) or not isinstance(state.epoch_loss_sum, float):
        raise ValueError("a checkpoint's losses or gradients are not numbers")
    diverged = state.diverged_at
    if diverged is not None and not (
        isinstance(diverged, tuple)
        and len(diverged) == 3
        and all(_whole(v, "t") for v in diverged)
        and _below(diverged[2], steps)
    ):
        raise ValueError("a checkpoint's divergence point is not (epoch, update, step)")
    if state.optimizer not in OPTIMIZERS:
        raise ValueError("a checkpoint names an optimizer this version does not have")
    names = BUFFER_NAMES[state.optimizer]
    if not isinstance(state.buffers, tuple) or len(state.buffers) != len(names):
        raise ValueError("a checkpoint's optimizer state is not its optimizer's")
    for name, value in zip(names, state.buffers, strict=True):
        # Adam's step count: one per update, so within the same limit as the run's steps.
        if not (_whole(value, "t") if name == "t" else _param(value, 2)):
            raise ValueError("a checkpoint's optimizer state is not its optimizer's")
    inside = len(statements(state.optimizer)) if state.cursor == 4 else 0  # stepping into step 4 only
    if not _below(state.line, inside + 1):
        raise ValueError("a checkpoint's line is not one of step 4's")


__all__ = ["adopt", "record_of"]
