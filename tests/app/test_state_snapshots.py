"""JSON snapshots of the machine's state after key sequences pressed in the app.

The files under __snapshots__/ hold exact floats: a change in any digit of b, w, a loss or a
gradient, or in the history's lengths, fails here. After a deliberate change, look at the
diff, then run pytest with --snapshot-update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from gd_tui.app import GDApp
from gd_tui.engine import Config
from gd_tui.engine.breakpoints import Breakpoints

RUNS = {"u", "e", "c", "0", "1", "2", "3", "4", "5"}  # keys that may go on in a worker
SEQUENCES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "first-update": ({}, ["n"] * 6),
    "three-epochs": ({}, ["e", "e", "e"]),
    "steps-then-back": ({}, ["n"] * 9 + ["p", "p", "p"]),
    "digits": ({}, ["0", "3", "5", "2", "1", "4"]),
    "mini-batch-epoch-then-steps": ({}, ["m", "e", "n", "n", "n"]),
    "stochastic-epoch": ({}, ["m", "m", "e", "u"]),
    "lr-up-mid-update-then-back": ({}, ["n", "n", "n", "n", "plus", "n", "p", "minus", "minus", "n", "u"]),
    "reset-after-an-epoch": ({"batch_size": 16}, ["e", "r", "n", "n"]),
    "diverged": ({"lr": 50.0}, ["c"]),
}


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("name", list(SEQUENCES))
async def test_state_after_keys(
    name: str, json_snapshot: SnapshotAssertion, state_of: Callable[[Any], dict[str, Any]], idle: Any, keys: Any
) -> None:
    options, pressed = SEQUENCES[name]
    app = GDApp(Config(**options), breakpoints=Breakpoints())
    async with app.run_test(size=(80, 24)) as pilot:
        for key in pressed:
            if key in RUNS:
                await pilot.press(key)
                await idle(pilot)
            else:
                await keys(pilot, key)
        result = {"keys": pressed, "config": options, "state": state_of(app.machine)}
    assert result == json_snapshot
