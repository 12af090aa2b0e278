"""The history in bounded memory (issue 13, item 7): exact values, back() exact at every step, exports whole."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from gd_tui import session as sessions
from gd_tui.engine import Config, Machine, history, machine
from gd_tui.export import epochs_csv, updates_csv

SERIES = ("update_loss", "epoch_loss", "val_loss", "epoch_end", "path")
CONFIGS = {"batch": Config(), "mini-batch": Config(batch_size=16), "stochastic": Config(batch_size=1)}


@pytest.fixture
def tiny_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits small enough that a short run thins its history and its checkpoints many times."""
    monkeypatch.setattr(history, "TAIL", 8)
    monkeypatch.setattr(history, "KEEP", 4)
    monkeypatch.setattr(machine, "MAX_SPARSE", 6)


def run(config: Config, steps: int, lr_at: int | None = None) -> Machine:
    m = Machine(config)
    m.advance()
    if lr_at is not None:
        m.run_until(lambda state: state.t >= lr_at)
        m.set_lr(0.05)
    m.run_until(lambda state: state.t >= steps)
    return m


def assert_same(a: Machine, b: Machine) -> None:
    for name in ("t", "epoch", "update", "cursor", "batch", "start", "lr", "batch_size", "loss"):
        assert getattr(a.state, name) == getattr(b.state, name), name
    assert np.array_equal(a.state.b, b.state.b) and np.array_equal(a.state.w, b.state.w)
    for name in SERIES:
        got, want = getattr(a.history, name), getattr(b.history, name)
        assert len(got) == len(want), name
        if len(want):
            assert np.array_equal(np.asarray(got[-1]), np.asarray(want[-1]), equal_nan=True), name


@pytest.mark.parametrize("mode", list(CONFIGS))
def test_thinned_history_reads_exactly_what_a_full_one_holds(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    full = run(CONFIGS[mode], 3000, lr_at=1500)
    monkeypatch.setattr(history, "TAIL", 8)
    monkeypatch.setattr(history, "KEEP", 4)
    monkeypatch.setattr(machine, "MAX_SPARSE", 6)
    thin = run(CONFIGS[mode], 3000, lr_at=1500)
    for name in SERIES:
        assert np.array_equal(getattr(thin.history, name).values, getattr(full.history, name).values, equal_nan=True)
    assert len(thin._sparse) <= 7
    # Stepping back past everything held: exact at every step.
    for _ in range(600):
        thin.back()
        full.back()
        assert_same(thin, full)
    thin.goto(3)
    full.goto(3)
    assert_same(thin, full)
    assert updates_csv(thin) == updates_csv(full) and epochs_csv(thin) == epochs_csv(full)


def test_held_rows_stay_bounded_however_long_the_run(tiny_memory: None) -> None:
    m = run(Config(), 6_000)
    held = m.history.nbytes
    m.run_until(lambda state: state.t >= 60_000)  # ten times longer: the same memory
    assert m.history.nbytes <= held and len(m._sparse) <= 7
    positions, _ = m.history.update_loss.sample(50)
    assert len(positions) <= 50 and positions[-1] == len(m.history.update_loss) - 1


@pytest.mark.parametrize("mode", list(CONFIGS))
def test_a_session_record_restores_the_state_a_replay_reaches(mode: str, tiny_memory: None) -> None:
    live = run(CONFIGS[mode], 2003, lr_at=1001)
    loaded = sessions.loads(sessions.dumps(sessions.capture(live)))
    assert loaded.record is not None
    adopted = sessions.restore(loaded)
    replayed = sessions.restore(replace(loaded, record=None))
    assert_same(adopted, live)
    assert_same(replayed, live)
    for _ in range(300):
        adopted.back()
        replayed.back()
        assert_same(adopted, replayed)
    for name in SERIES:
        assert np.array_equal(
            getattr(adopted.history, name).values, getattr(replayed.history, name).values, equal_nan=True
        )


def test_a_malformed_record_is_one_line() -> None:
    text = sessions.dumps(sessions.capture(run(Config(), 50)))
    broken = text.replace('"sparse_every"', '"sparse_every_"', 1)
    with pytest.raises(sessions.SessionError, match=r"^record: is malformed \(KeyError\)") as error:
        sessions.restore(sessions.loads(broken))
    assert "\n" not in str(error.value)


def test_an_old_session_that_must_be_replayed_says_so_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gd_tui import cli

    monkeypatch.setattr(cli, "REPLAY_NOTICE_STEPS", 100)
    old = replace(sessions.capture(run(Config(), 500)), record=None)  # as saved before records existed
    path = sessions.save(old, tmp_path / "old.json")
    args = cli.build_parser().parse_args(["--resume", str(path)])
    session, data = cli._resumed_session(args)
    assert session.record is None and data.n_train == 80
    assert capsys.readouterr().err == "gd-tui: replaying 500 steps to restore the session…\n"
    recorded = sessions.save(sessions.capture(run(Config(), 500)), tmp_path / "new.json")
    cli._resumed_session(cli.build_parser().parse_args(["--resume", str(recorded)]))
    assert capsys.readouterr().err == ""  # a session with a record resumes at once
