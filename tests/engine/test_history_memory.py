"""The history in bounded memory (issue 13, item 7): exact values, back() exact at every step, exports whole."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

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


# --- tampered records (issue 13): every checkpoint value is checked on resume -----------


def adam_document() -> dict[str, Any]:
    """A session as `--optimizer adam --batch-size 16` saves it at t = 501: its record has checkpoints."""
    return sessions.to_dict(sessions.capture(run(Config(optimizer="adam", batch_size=16), 501)))


ADAM_DOCUMENT = adam_document()
ZERO = {"array": ["0x0.0p+0"]}
THREE = {"array": ["0x0.0p+0", "0x0.0p+0", "0x1.0p+0"]}
# _KEPT's order: lr 0, batch_size 1, cursor 2, last_step 3, t 4, ..., diverged_at 17, optimizer 18, buffers 19, line 20
TAMPERED: dict[str, tuple[int, object]] = {
    "buffers not a list": (19, "zz"),
    "buffers of 1 and 3 values": (19, [ZERO, THREE, 0]),
    "an unknown optimizer": (18, {"str": "lbfgs"}),
    "another optimizer's buffers": (18, {"str": "momentum"}),
    "cursor beyond the steps": (2, 10**9),
    "cursor negative": (2, -1),
    "last step beyond the steps": (3, 9),
    "batch size 0": (1, 0),
    "batch size true": (1, True),
    "diverged at five numbers": (17, [1, 2, 3, 4, 5]),
    "lr negative": (0, {"float": "-0x1.0p+0"}),
    "lr nan": (0, {"float": "nan"}),
    "lr above the limit": (0, {"float": "0x1.0p+10"}),
    "line beyond step 4's lines": (20, 99),
}


def tampered(index: int, value: object) -> dict[str, Any]:
    document = json.loads(json.dumps(ADAM_DOCUMENT))
    for _, snapshot in document["record"]["checkpoints"]:
        snapshot[index] = value
    return document


def adam_step_count(value: object) -> dict[str, Any]:
    document = json.loads(json.dumps(ADAM_DOCUMENT))
    for _, snapshot in document["record"]["checkpoints"]:
        snapshot[19][2] = value
    return document


def every_checkpoint_t(shift: int) -> dict[str, Any]:
    document = json.loads(json.dumps(ADAM_DOCUMENT))
    for _, snapshot in document["record"]["checkpoints"]:
        snapshot[4] += shift
    return document


def record_field(name: str, value: object) -> dict[str, Any]:
    document = json.loads(json.dumps(ADAM_DOCUMENT))
    document["record"][name] = value
    return document


TAMPERED_DOCUMENTS: dict[str, dict[str, Any]] = {
    **{name: tampered(*change) for name, change in TAMPERED.items()},
    "adam's t of 10^30": adam_step_count(10**30),
    "adam's t negative": adam_step_count(-5),
    "adam's t a float": adam_step_count({"float": "0x1.0p+0"}),
    "a checkpoint's t not its own": every_checkpoint_t(7),
    "checkpoint spacing 0": record_field("sparse_every", 0),
    "checkpoint spacing negative": record_field("sparse_every", -3),
}


@pytest.mark.parametrize("case", list(TAMPERED_DOCUMENTS))
def test_a_tampered_checkpoint_is_refused_with_one_line(case: str) -> None:
    session = sessions.loads(json.dumps(TAMPERED_DOCUMENTS[case]))
    with pytest.raises(sessions.SessionError) as error:
        sessions.restore(session)
    message = str(error.value)
    assert re.fullmatch(
        r"record: is malformed \((ValueError|TypeError)\); the file was edited or comes from another version", message
    ), message


def test_the_untampered_adam_session_resumes() -> None:
    restored = sessions.restore(sessions.loads(json.dumps(ADAM_DOCUMENT)))
    assert restored.state.t == 501 and restored.state.optimizer == "adam"


def test_an_int_learning_rate_survives_the_record() -> None:
    # Config keeps lr = 1 as the int 1 (a lesson's `lr = 1`), so a checkpoint carries an int.
    live = run(Config(lr=1, n_points=20, true_w=0.1, batch_size=4), 300)
    assert_same(sessions.restore(sessions.loads(sessions.dumps(sessions.capture(live)))), live)


def test_resume_of_a_tampered_record_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gd_tui import cli

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(TAMPERED_DOCUMENTS["an unknown optimizer"]), encoding="utf-8")
    assert cli.main(["--resume", str(path)]) == 2  # the app refuses it as it builds, before it takes the terminal
    assert capsys.readouterr().err == (
        "gd-tui: error: --resume: record: is malformed (ValueError); "
        "the file was edited or comes from another version\n"
    )
