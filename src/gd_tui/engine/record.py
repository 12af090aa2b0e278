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

from gd_tui.engine.machine import _KEPT, RECENT, Machine, State

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
        State(**dict(zip(_KEPT, values, strict=True)))  # type: ignore[arg-type]  # fails on a malformed one
        checkpoints.append((int(at), values))
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
    machine._sparse_every = int(record["sparse_every"])
    machine._goto(t)
    machine._adopted()
    machine.version += 1
    machine.history_version = machine.version


__all__ = ["adopt", "record_of"]
