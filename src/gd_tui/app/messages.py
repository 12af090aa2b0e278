"""What the app says: the sentences after a setting changes, and the log of every message shown."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from gd_tui.app.keys import key_for
from gd_tui.engine import Machine
from gd_tui.engine.breakpoints import Breakpoints


def lr_message(machine: Machine) -> str:
    """After a learning-rate change."""
    state = machine.state
    if state.cursor == 4 and state.line > 0:  # stepping into step 4: its remaining lines read lr
        return f"Learning rate {state.lr:g} from the update in progress on: its next lines use it."
    return f"Learning rate {state.lr:g} from the next update on."


def done_already(noun: str, number: int, done: int) -> str:
    """Why a target cannot be run to (go to) or hold (epoch reached): 'epoch 3 is done already (5 epochs done)'."""
    counted = noun if done == 1 else f"{noun}s"
    return f"{noun} {number} is done already ({done} {counted} done); {key_for('reset')} resets"


def breakpoints_message(breakpoints: Breakpoints) -> str:
    """After the breakpoints change, and on resuming a session that has some: a learner
    should not wonder why continue stopped."""
    if not breakpoints.enabled:
        return "No breakpoints: continue runs until the run converges."
    return f"Breakpoints: {breakpoints.describe()}."


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
