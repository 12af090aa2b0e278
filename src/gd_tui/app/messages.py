"""What the app says after a setting changes: one sentence each, whichever key or dialog changed it."""

from __future__ import annotations

from gd_tui.engine import Machine


def lr_message(machine: Machine) -> str:
    """After a learning-rate change."""
    return f"Learning rate {machine.state.lr:g} from the next update on."


def batch_size_message(machine: Machine) -> str:
    """After a batch-size change."""
    return f"Batch size {machine.state.batch_size} ({machine.mode}) from the next batch on."
