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


def test_the_history_version_moves_whenever_the_history_b_w_or_the_batch_does() -> None:
    """Charts that key on history_version must never miss a change of what they draw."""
    import numpy as np

    from gd_tui.engine import Config

    def drawn(machine: Machine) -> tuple[object, ...]:
        history, state = machine.history, machine.state
        arrays = [
            g.values.tobytes()
            for g in (history.update_loss, history.epoch_loss, history.val_loss, history.epoch_end, history.path)
        ]
        batch = None if state.x_batch is None else state.x_batch.tobytes()
        return (*arrays, None if state.b is None else np.asarray(state.b).tobytes(), batch)

    machine = Machine(Config(batch_size=16))
    rng = np.random.default_rng(3)
    seen = (machine.history_version, drawn(machine))
    for _ in range(400):
        action = rng.integers(6)
        if action <= 2:
            machine.advance()
        elif action == 3:
            machine.back()
        elif action == 4:
            machine.set_batch_size(int(rng.choice([1, 16, 80])))
        else:
            machine.goto(int(rng.integers(0, machine.state.t + 8)))
        now = (machine.history_version, drawn(machine))
        if now[1] != seen[1]:
            assert now[0] != seen[0], "what the charts draw changed, the history version did not"
        seen = now
