"""Machine.version: every mutation bumps it, so a cache keyed on it cannot go stale."""

from __future__ import annotations

from gd_tui.engine import Machine
from gd_tui.engine.breakpoints import step_done


def test_every_mutation_bumps_the_version() -> None:
    machine = Machine()
    mutations = [
        machine.advance,
        machine.advance,
        machine.back,
        lambda: machine.set_lr(0.2),
        lambda: machine.set_batch_size(16),
        lambda: machine.goto(7),
        lambda: machine.goto(3),
        lambda: machine.run_until(step_done(4)),
        machine.reset,
    ]
    seen = [machine.version]
    for mutate in mutations:
        mutate()
        assert machine.version > seen[-1]
        seen.append(machine.version)


def test_reading_does_not_bump_the_version() -> None:
    machine = Machine()
    machine.advance()
    version = machine.version
    machine.batch_rows()
    _ = machine.mode, machine.updates_per_epoch, machine.settings_log, machine.state.loss
    assert machine.version == version
