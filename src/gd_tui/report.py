"""Plain-value views of the engine's state for the headless commands (trace, run)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from gd_tui.engine import Machine, State
from gd_tui.engine.analysis import least_squares, mse, stability
from gd_tui.engine.values import scalar


def trace_record(machine: Machine) -> dict[str, Any]:
    """One executed step, with every value as it is after the step (None: not computed yet)."""
    state = machine.state
    batch, batches = machine.batch_position()
    # As the screen counts: the epoch and batch in progress from 1, finished work as "_done".
    return {
        "step": state.last_step,
        "name": state.name,
        "epoch": state.epoch + 1,
        "batch": batch,
        "batches": batches,
        "epochs_done": state.epoch,
        "updates_done": state.update,
        "b": scalar(state.b),
        "w": scalar(state.w),
        "loss": scalar(state.loss),
        "b_grad": scalar(state.b_grad),
        "w_grad": scalar(state.w_grad),
        "val_loss": scalar(state.val_loss),
        "lr": state.lr,
        "batch_size": state.batch_size,
        "diverged": state.diverged,
        "optimizer": state.optimizer,
        "optimizer_state": optimizer_state(state),
        **_torch_fields(machine),
    }


def _torch_fields(machine: Machine) -> dict[str, Any]:
    """The torch backend's extras: its settings and the parity with the NumPy twin run in lockstep."""
    parity = getattr(machine, "parity", None)
    if parity is None:
        return {}
    config = machine.config
    gap = parity()
    return {
        "backend": "torch",
        "dtype": config.dtype,
        "model": config.model,
        "parity_b": None if gap is None else gap[0],
        "parity_w": None if gap is None else gap[1],
    }


def optimizer_state(state: State) -> dict[str, Any]:
    """The optimizer's buffers as {name: [for b, for w]} (Adam's step count t as a number)."""
    result: dict[str, Any] = {}
    for name, value in zip(state.buffer_names, state.buffers, strict=True):
        result[name] = [float(v) for v in value] if isinstance(value, np.ndarray) else value
    return result


def run_record(machine: Machine) -> dict[str, Any]:
    """The outcome of a run: final parameters, losses, and the reference answers."""
    state = machine.state
    data = machine.data
    b, w = scalar(state.b), scalar(state.w)
    ols = least_squares(data.x_train, data.y_train)
    stable = stability(data.x_train)
    diverged_at = None
    if state.diverged_in is not None:
        epoch, update, step = state.diverged_in
        diverged_at = {"epoch": epoch, "update": update, "step": step}
    growing = machine.diverging()
    diverging_from = None
    if growing is not None:
        # As diverged_at and the screen count: the first epoch and update are 1.
        diverging_from = {
            "epoch": growing.epoch + 1,
            "update": growing.update + 1,
            "growth": growing.growth,
            "predicted_growth": growing.predicted,
        }
    config = machine.config
    return {
        "epochs_done": state.epoch,
        "updates_done": state.update,
        "b": b,
        "w": w,
        "train_loss": None if b is None or w is None else mse(b, w, data.x_train, data.y_train),
        "val_loss": scalar(state.val_loss),
        "ols_b": None if ols is None else ols[0],
        "ols_w": None if ols is None else ols[1],
        "critical_lr": stable.critical_lr,
        "condition_number": stable.condition_number if math.isfinite(stable.condition_number) else None,
        "diverged": state.diverged,
        "diverged_at": diverged_at,
        "diverging_from": diverging_from,
        "optimizer": state.optimizer,
        "optimizer_settings": config.hyperparameters(state.optimizer),
        **_torch_fields(machine),
        **_printed(machine),
    }


def _printed(machine: Machine) -> dict[str, Any]:
    """What the book's print(b, w) (or print(model.state_dict())) shows on the torch backend."""
    lines = getattr(machine, "printed", None)
    return {} if lines is None else {"printed": lines()}


def to_json(record: dict[str, Any]) -> str:
    """Strict JSON: a diverged run's inf and nan become the strings "inf", "-inf", "nan"
    (float() reads them back), since bare Infinity and NaN are not JSON."""

    def finite_or_text(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return repr(float(value))
        return value

    def strict(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: strict(item) for key, item in value.items()}
        if isinstance(value, list):
            return [strict(item) for item in value]
        return finite_or_text(value)

    return json.dumps(strict(record), allow_nan=False)


def human(record: dict[str, Any]) -> str:
    """key=value pairs on one line, numbers in full precision."""
    return "  ".join(
        f"{key}={value!r}" if isinstance(value, float) else f"{key}={value}" for key, value in record.items()
    )
