"""What the app says: the sentences after a setting changes, and the log of every message shown."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from gd_tui.engine import Machine


def lr_message(machine: Machine) -> str:
    """After a learning-rate change."""
    return f"Learning rate {machine.state.lr:g} from the next update on."


def batch_size_message(machine: Machine) -> str:
    """After a batch-size change."""
    return f"Batch size {machine.state.batch_size} ({machine.mode}) from the next batch on."


LOG_SIZE = 500  # messages kept; the oldest go first


@dataclass(frozen=True)
class Entry:
    """One message as shown, with where the run stood."""

    epoch: int
    update: int
    text: str


class MessageLog:
    """Every message the app showed, newest last; `i` lists them newest first."""

    def __init__(self) -> None:
        self._entries: deque[Entry] = deque(maxlen=LOG_SIZE)

    def add(self, machine: Machine, text: str) -> None:
        """Keep `text` unless it is empty or the message just kept (a redraw says it again)."""
        if not text:
            return
        state = machine.state
        entry = Entry(state.epoch, state.update, text)
        if self._entries and self._entries[-1] == entry:
            return
        self._entries.append(entry)

    def newest_first(self) -> list[Entry]:
        return list(reversed(self._entries))

    def __len__(self) -> int:
        return len(self._entries)
