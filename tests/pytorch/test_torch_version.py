"""The torch machine keeps Machine.version and history_version as the NumPy one does (screen caches key on them)."""

from __future__ import annotations

import numpy as np

from gd_tui.engine import Config
from gd_tui.engine.breakpoints import step_done


def torch_machine(**options: object):  # type: ignore[no-untyped-def]
    from gd_tui.pytorch import TorchMachine

    return TorchMachine(Config(backend="torch", **options))  # type: ignore[arg-type]


def test_every_mutation_bumps_the_version_on_torch() -> None:
    machine = torch_machine()
    mutations = [
        machine.advance,
        machine.advance,
        machine.back,
        lambda: machine.set_lr(0.2),
        lambda: machine.set_batch_size(16),
        lambda: machine.set_optimizer("adam"),
        machine.step_into,
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


def test_the_history_version_moves_whenever_the_history_b_w_or_the_batch_does_on_torch() -> None:
    def drawn(machine) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
        history, state = machine.history, machine.state
        arrays = [
            g.values.tobytes()
            for g in (history.update_loss, history.epoch_loss, history.val_loss, history.epoch_end, history.path)
        ]
        batch = None if state.x_batch is None else state.x_batch.tobytes()
        return (*arrays, None if state.b is None else np.asarray(state.b).tobytes(), batch)

    machine = torch_machine(batch_size=16, optimizer="momentum")
    rng = np.random.default_rng(3)
    seen = (machine.history_version, drawn(machine))
    for _ in range(150):
        action = rng.integers(7)
        if action <= 2:
            machine.advance()
        elif action == 3:
            machine.back()
        elif action == 4:
            machine.set_batch_size(int(rng.choice([1, 16, 80])))
        elif action == 5:
            machine.set_optimizer(str(rng.choice(["sgd", "momentum", "adam"])))
        else:
            machine.goto(int(rng.integers(0, machine.state.t + 8)))
        now = (machine.history_version, drawn(machine))
        if now[1] != seen[1]:
            assert now[0] != seen[0], "what the charts draw changed, the history version did not"
        seen = now
