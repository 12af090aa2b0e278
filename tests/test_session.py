"""Sessions: save -> load -> restore -> continue equals never stopping; malformed files get one line."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gd_tui import session as sessions
from gd_tui.csvfile import machine as new_machine
from gd_tui.engine import Config, Machine, State
from gd_tui.engine.breakpoints import Breakpoints, epochs
from gd_tui.session import Session, SessionError, capture, load, loads, restore, save


def assert_same(a: Machine, b: Machine) -> None:
    """Every field of the state and every history array, bit for bit (NaN equal to NaN)."""
    for f in fields(State):
        left, right = getattr(a.state, f.name), getattr(b.state, f.name)
        if isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
            assert left is not None and right is not None, f.name
            assert left.dtype == right.dtype and np.array_equal(left, right, equal_nan=True), f.name
        elif isinstance(left, float) and np.isnan(left):
            assert isinstance(right, float) and np.isnan(right), f.name
        else:
            assert left == right, (f.name, left, right)
    for name in ("update_loss", "epoch_loss", "val_loss", "path"):
        left, right = getattr(a.history, name).values, getattr(b.history, name).values
        assert np.array_equal(left, right, equal_nan=True), name
    # A restored machine may open its log with the lr and batch size a reset() kept, at t = 0.
    extra = len(b.settings_log) - len(a.settings_log)
    assert 0 <= extra <= 2 and b.settings_log[extra:] == a.settings_log
    assert all(t == 0 for t, _, _ in b.settings_log[:extra])


def round_trip(machine: Machine, tmp_path: Path, **extra: Any) -> Machine:
    path = save(capture(machine, **extra), tmp_path / "session.json")
    return restore(load(path))


def continue_both(a: Machine, b: Machine, steps: int) -> None:
    for _ in range(steps):
        a.advance()
        b.advance()
    assert_same(a, b)
    for _ in range(steps // 2):
        a.back()
        b.back()
    assert_same(a, b)


# --- save -> load -> restore -> continue ------------------------------------------


def test_fresh_machine_round_trips(tmp_path: Path) -> None:
    machine = Machine()
    restored = round_trip(machine, tmp_path)
    assert_same(machine, restored)
    continue_both(machine, restored, 50)


@pytest.mark.parametrize("batch_size", [None, 16, 1])
@pytest.mark.parametrize("t", [1, 3, 6, 7, 401, 1234])
def test_any_position_round_trips(tmp_path: Path, batch_size: int | None, t: int) -> None:
    machine = Machine(Config(batch_size=batch_size))
    machine.goto(t)
    restored = round_trip(machine, tmp_path)
    assert_same(machine, restored)
    continue_both(machine, restored, 300)


def test_setting_changes_back_steps_and_reset_round_trip(tmp_path: Path) -> None:
    machine = Machine(Config(batch_size=16, feature="scaled"))
    machine.goto(137)
    machine.set_lr(0.05)
    machine.goto(400)
    machine.set_batch_size(5)
    machine.goto(422)
    machine.back()
    machine.back()
    machine.set_lr(0.3)
    machine.goto(1003)
    # reset() keeps the lr and batch size the learner chose and clears the log: the session must too.
    machine.set_lr(0.01)
    machine.set_batch_size(3)
    machine.reset()
    machine.goto(57)
    machine.set_batch_size(80)
    machine.goto(999)
    machine.back()
    restored = round_trip(machine, tmp_path)
    assert_same(machine, restored)
    assert restored.state.lr == 0.01
    continue_both(machine, restored, 500)


def test_diverged_session_round_trips(tmp_path: Path) -> None:
    machine = Machine(Config(lr=5.0))
    machine.goto(3000)
    assert machine.state.diverged
    session = capture(machine)
    assert session.check is not None and session.check.b in ("nan", "inf", "-inf")
    restored = restore(load(save(session, tmp_path / "s.json")))
    assert_same(machine, restored)
    continue_both(machine, restored, 30)


ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.integers(1, 400)),
        st.tuples(st.just("back"), st.integers(1, 60)),
        st.tuples(st.just("lr"), st.sampled_from([0.001, 0.05, 0.1, 0.5, 1.1, 3.0])),
        st.tuples(st.just("batch"), st.sampled_from([1, 7, 16, 80])),
        st.tuples(st.just("reset"), st.just(0)),
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS, batch_size=st.sampled_from([None, 10, 1]))
def test_random_sessions_round_trip(tmp_path: Path, actions: list[tuple[str, Any]], batch_size: int | None) -> None:
    machine = Machine(Config(batch_size=batch_size))
    for action, value in actions:
        if action == "advance":
            machine.goto(machine.state.t + value)
        elif action == "back":
            for _ in range(value):
                machine.back()
        elif action == "lr":
            machine.set_lr(value)
        elif action == "batch":
            machine.set_batch_size(value)
        else:
            machine.reset()
    restored = round_trip(machine, tmp_path)
    assert_same(machine, restored)
    continue_both(machine, restored, 40)


def test_csv_session_resumes_from_another_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "elsewhere").mkdir()
    rows = "".join(f"{i / 10!r},{1 + 2 * i / 10 + (-1) ** i * 0.05!r}\n" for i in range(30))
    (tmp_path / "work" / "data.csv").write_text("x,y\n" + rows)
    monkeypatch.chdir(tmp_path / "work")
    machine = new_machine(Config(data="data.csv", batch_size=4))
    machine.goto(333)
    session = capture(machine)
    assert session.config.data == str(tmp_path / "work" / "data.csv")  # stored absolute
    assert session.data_sha256 == machine.data.source_sha256
    path = save(session, tmp_path / "s.json")
    monkeypatch.chdir(tmp_path / "elsewhere")
    restored = restore(load(path))
    assert_same(machine, restored)
    continue_both(machine, restored, 100)


def test_changed_data_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("x,y\n" + "".join(f"{i},{2 * i}\n" for i in range(10)))
    machine = new_machine(Config(data=str(data)))
    machine.goto(20)
    path = save(capture(machine), tmp_path / "s.json")
    data.write_text("x,y\n" + "".join(f"{i},{3 * i}\n" for i in range(10)))
    with pytest.raises(SessionError, match="has changed since the session was saved"):
        restore(load(path))


def test_missing_data_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("x,y\n" + "".join(f"{i},{2 * i}\n" for i in range(10)))
    path = save(capture(new_machine(Config(data=str(data)))), tmp_path / "s.json")
    data.unlink()
    with pytest.raises(SessionError, match=r"the session's data: .*no such file"):
        sessions.check(load(path))


def test_lesson_and_breakpoints_are_kept(tmp_path: Path) -> None:
    breakpoints = Breakpoints(loss_below=0.01, loss_went_up=True, grad_below=1e-6, epoch_reached=12)
    path = save(capture(Machine(), lesson="lr-high", breakpoints=breakpoints), tmp_path / "s.json")
    session = load(path)
    assert session.lesson == "lr-high"
    assert session.breakpoints == breakpoints


def test_session_file_is_plain_json(tmp_path: Path) -> None:
    machine = Machine(Config(batch_size=16))
    machine.goto(100)
    machine.set_lr(0.2)
    path = save(capture(machine), tmp_path / "s.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "gd-tui session" and document["version"] == 1
    assert document["position"]["t"] == 100
    assert document["position"]["settings"] == [[100, "lr", 0.2]]
    assert document["config"]["batch_size"] == 16


# --- files: atomic writes, the state directory ------------------------------------


def test_save_replaces_atomically_and_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.json"
    save(capture(Machine()), path)
    before = path.read_bytes()

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    machine = Machine()
    machine.goto(10)
    with pytest.raises(SessionError, match="cannot write"):
        save(capture(machine), path)
    assert path.read_bytes() == before  # the old session is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_save_to_a_directory_or_a_missing_directory(tmp_path: Path) -> None:
    session = capture(Machine())
    with pytest.raises(SessionError, match="is a directory"):
        save(session, tmp_path)
    with pytest.raises(SessionError, match="cannot write"):
        save(session, tmp_path / "missing" / "s.json")
    # is_dir() on a name longer than the file system allows raises OSError itself.
    with pytest.raises(SessionError, match=r"cannot write \(File name too long\)"):
        save(session, tmp_path / ("a" * 300 + ".json"))


def test_state_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert sessions.state_dir() == tmp_path / "state" / "gd-tui"
    assert sessions.last_session_path() is None  # nothing saved yet
    name = sessions.autosave_path(when=0, pid=4242).name
    assert name.startswith("autosave-") and name.endswith("-4242.json")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for unset in ("", "relative/path"):  # the XDG spec: ignore empty and relative values
        monkeypatch.setenv("XDG_STATE_HOME", unset)
        assert sessions.state_dir() == tmp_path / "home" / ".local" / "state" / "gd-tui"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert sessions.state_dir() == tmp_path / "home" / ".local" / "state" / "gd-tui"


def test_autosave_is_private_and_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    machine = Machine()
    machine.goto(42)
    path = sessions.autosave(capture(machine))
    assert path == sessions.last_session_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert_same(machine, restore(load(path)))


# --- malformed files ---------------------------------------------------------------


def good_document() -> dict[str, Any]:
    machine = Machine(Config(batch_size=16))
    machine.goto(100)
    machine.set_lr(0.2)
    machine.goto(150)
    return sessions.to_dict(capture(machine, lesson="book"))


def edited(change: Any) -> str:
    document = good_document()
    change(document)
    return json.dumps(document)


GOOD_TEXT = json.dumps(good_document(), indent=2)

MALFORMED: dict[str, tuple[str, str]] = {
    "empty": ("", "is empty"),
    "whitespace": ("  \n\n", "is empty"),
    "truncated": (GOOD_TEXT[: len(GOOD_TEXT) // 2], "ends early (truncated?)"),
    "truncated at the end": (GOOD_TEXT[:-2], "ends early (truncated?)"),
    "not JSON": ("format = 'gd-tui session'\n", "is not valid JSON (line 1, column 1"),
    "garbage in the middle": (GOOD_TEXT.replace('"version"', "version", 1), "is not valid JSON (line 3"),
    "NaN constant": (edited(lambda d: d["config"].update(lr="__NAN__")).replace('"__NAN__"', "NaN"), "NaN"),
    "a list": ("[1, 2, 3]", "is not a gd-tui session file"),
    "another program's JSON": ('{"name": "x", "version": 1}', "is not a gd-tui session file"),
    "foreign format": (edited(lambda d: d.update(format="other")), "is not a gd-tui session file"),
    "newer version": (edited(lambda d: d.update(version=2)), "saved by a newer gd-tui (session format 2"),
    "version zero": (edited(lambda d: d.update(version=0)), "version: 0 is not a session format"),
    "version as text": (edited(lambda d: d.update(version="1")), "version: must be a whole number"),
    "unknown key": (edited(lambda d: d.update(extra=1)), "extra: unknown key"),
    "missing config": (edited(lambda d: d.pop("config")), "config: is missing"),
    "missing position": (edited(lambda d: d.pop("position")), "position: is missing"),
    "config not an object": (edited(lambda d: d.update(config=[1])), "config: must be an object"),
    "config seed as text": (edited(lambda d: d["config"].update(seed="42")), "config.seed: must be a whole number"),
    "config unknown option": (edited(lambda d: d["config"].update(colour=1)), "config.colour: unknown key"),
    "config bad lr": (edited(lambda d: d["config"].update(lr=-1)), "config.lr: must be above 0"),
    "config bad feature": (edited(lambda d: d["config"].update(feature="cubed")), "config.feature: must be one of"),
    "t negative": (edited(lambda d: d["position"].update(t=-1)), "position.t: must be from 0"),
    "t absurd": (edited(lambda d: d["position"].update(t=10**12)), "position.t: must be from 0 to 1000000000"),
    "t a float": (edited(lambda d: d["position"].update(t=1.5)), "position.t: must be a whole number"),
    "settings not a list": (edited(lambda d: d["position"].update(settings={})), "position.settings: must be a list"),
    "setting too short": (
        edited(lambda d: d["position"].update(settings=[[1, "lr"]])),
        "position.settings[0]: must be [t,",
    ),
    "setting unknown name": (
        edited(lambda d: d["position"].update(settings=[[1, "momentum", 0.9]])),
        'position.settings[0][1]: must be "lr", "batch_size" or "optimizer"',
    ),
    "setting unknown optimizer": (
        edited(lambda d: d["position"].update(settings=[[1, "optimizer", "lbfgs"]])),
        "position.settings[0][2]: must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam (got 'lbfgs')",
    ),
    "config betas not a pair": (
        edited(lambda d: d["config"].update(betas=[0.9])),
        "config.betas: must be a list of two numbers",
    ),
    "config momentum out of range": (
        edited(lambda d: d["config"].update(momentum=1.0)),
        "config.momentum: must be at least 0 and below 1 (got 1.0)",
    ),
    "setting bad lr": (
        edited(lambda d: d["position"].update(settings=[[1, "lr", 0]])),
        "position.settings[0][2]: must be above 0",
    ),
    "setting lr as text": (
        edited(lambda d: d["position"].update(settings=[[1, "lr", "0.1"]])),
        "position.settings[0][2]: must be a finite number",
    ),
    "setting past the position": (
        edited(lambda d: d["position"].update(settings=[[151, "lr", 0.1]])),
        "position.settings[0][0]: must be from 0 to 150",
    ),
    "settings out of order": (
        edited(lambda d: d["position"].update(settings=[[50, "lr", 0.1], [10, "lr", 0.2]])),
        "position.settings[1][0]: must be from 50 to 150",
    ),
    "start batch size zero": (
        edited(lambda d: d["position"]["start"].update(batch_size=0)),
        "position.start.batch_size: must be from 1",
    ),
    "breakpoints wrong type": (
        edited(lambda d: d["breakpoints"].update(loss_went_up="yes")),
        "breakpoints.loss_went_up: must be true or false",
    ),
    "breakpoints unknown": (
        edited(lambda d: d["breakpoints"].update(loss_above=1)),
        "breakpoints.loss_above: unknown key",
    ),
    "lesson not text": (edited(lambda d: d.update(lesson=7)), "lesson: must be one line of text"),
    "fingerprint not hex": (edited(lambda d: d.update(data_sha256="xyz")), "data_sha256: must be 64"),
    "check b not a number": (edited(lambda d: d["check"].update(b="one")), "check.b: must be a number"),
    "check missing w": (edited(lambda d: d["check"].pop("w")), "check.w: is missing"),
    # Nothing a file holds may reach the terminal: NUL, ESC and newlines are refused in text.
    "lesson with a NUL byte": (
        edited(lambda d: d.update(lesson="a\x00b")),
        "lesson: must be one line of text of at most 200 characters, no control characters (got 'a\\x00b')",
    ),
    "lesson with ESC": (
        edited(lambda d: d.update(lesson="\x1b]2;TITLE\x1b\\")),
        "lesson: must be one line of text of at most 200 characters, no control characters "
        "(got '\\x1b]2;TITLE\\x1b\\\\')",
    ),
    "data path with a NUL byte": (
        edited(lambda d: d["config"].update(data="a\x00b.csv")),
        "config.data: 'a\\x00b.csv': a file name cannot hold a NUL character",
    ),
    # One table of limits: what no dialog, flag or lesson accepts, no session holds either.
    "epoch reached beyond the limit": (
        edited(lambda d: d["breakpoints"].update(epoch_reached=2_000_000_000)),
        "breakpoints.epoch_reached: must be from 1 to 10000000 (got 2000000000)",
    ),
    "epoch reached zero": (
        edited(lambda d: d["breakpoints"].update(epoch_reached=0)),
        "breakpoints.epoch_reached: must be from 1 to 10000000 (got 0)",
    ),
    "loss below zero": (
        edited(lambda d: d["breakpoints"].update(loss_below=0)),
        "breakpoints.loss_below: must be above 0 (got 0.0)",
    ),
    "start batch size beyond the limit": (
        edited(lambda d: d["position"]["start"].update(batch_size=10**9)),
        "position.start.batch_size: must be from 1 to 10000000 (got 1000000000)",
    ),
    # JSON integers have no size limit, floats do: 10**400 is refused, not an OverflowError.
    "lr a 401-digit whole number": (
        edited(lambda d: d["config"].update(lr=10**400)),
        "config.lr: must be a finite number (got a whole number of 401 digits)",
    ),
    "noise a 401-digit whole number": (
        edited(lambda d: d["config"].update(noise=-(10**400))),
        "config.noise: must be a finite number (got a whole number of 401 digits)",
    ),
    "beta a 401-digit whole number": (
        edited(lambda d: d["config"].update(betas=[0.9, 10**400])),
        "config.betas: must be a finite number (got a whole number of 401 digits)",
    ),
    "setting lr a 401-digit whole number": (
        edited(lambda d: d["position"].update(settings=[[1, "lr", 10**400]])),
        "position.settings[0][2]: must be a finite number (got a whole number of 401 digits)",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_session_is_refused_with_one_line(tmp_path: Path, case: str) -> None:
    text, words = MALFORMED[case]
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SessionError) as caught:
        load(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path)), message
    assert words in message, message
    if case in EXACT:
        assert message == f"{path}: {words}"


EXACT = {name for name in MALFORMED if list(MALFORMED).index(name) >= list(MALFORMED).index("lesson with a NUL byte")}


def test_good_document_loads() -> None:
    session = loads(GOOD_TEXT)
    assert session.t == 150 and session.settings == ((100, "lr", 0.2),)


def test_oversized_file_is_refused_without_reading_it_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "MAX_SESSION_BYTES", 1_000_000)  # the real limit is 64 MB: too big to write here
    path = tmp_path / "big.json"
    path.write_text(GOOD_TEXT + " " * 1_000_001, encoding="utf-8")
    with pytest.raises(SessionError, match="larger than 1000000 bytes"):
        load(path)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(b"\x80\x04\x95pickle\x00\xff")
    with pytest.raises(SessionError, match="not UTF-8 text"):
        load(path)


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(SessionError, match="no such file"):
        load(tmp_path / "nope.json")
    with pytest.raises(SessionError, match="is a directory"):
        load(tmp_path)


def test_deeply_nested_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SessionError):
        load(path)


def test_edited_parameters_fail_the_replay_check(tmp_path: Path) -> None:
    document = good_document()
    document["check"]["b"] = "0.5"
    with pytest.raises(SessionError, match="replaying the session reached"):
        restore(loads(json.dumps(document)))


def test_a_converged_session_with_its_seed_edited_is_refused() -> None:
    # A converged run replays from its record's checkpoints to the same b and w on any data:
    # the check's data digest is what tells the edit apart.
    machine = Machine(Config())
    machine.run_until(epochs(3000))
    document = sessions.to_dict(capture(machine))
    document["config"]["seed"] = 1
    with pytest.raises(SessionError, match="the data differs from the data the session was saved on"):
        restore(loads(json.dumps(document)))
    document["check"]["data"] = "not hex"
    with pytest.raises(SessionError, match=r"check\.data: must be 64 lowercase hexadecimal digits"):
        loads(json.dumps(document))


def test_batch_size_larger_than_the_training_set_is_refused() -> None:
    document = good_document()
    document["position"]["settings"].append([150, "batch_size", 81])
    with pytest.raises(SessionError, match="batch size of 81 is larger than the training set"):
        sessions.check(loads(json.dumps(document)))


def test_session_without_optional_parts_restores() -> None:
    # A minimal hand-written file: only what restoring needs.
    session = loads(json.dumps({"format": "gd-tui session", "version": 1, "config": {}, "position": {"t": 12}}))
    machine = Machine()
    machine.goto(12)
    assert_same(machine, restore(session))
    assert session == Session(Config(), t=12)


def test_integer_floats_in_config_give_the_same_numbers() -> None:
    document = {"format": "gd-tui session", "version": 1, "config": {"init_b": 1, "lr": 1}, "position": {"t": 40}}
    session = loads(json.dumps(document))
    assert isinstance(session.config.init_b, float) and isinstance(session.config.lr, float)
    machine = Machine(Config(init_b=1.0, lr=1.0))
    machine.goto(40)
    assert_same(machine, restore(session))


def test_too_many_settings_to_save_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "MAX_SETTINGS", 1000)
    session = replace(capture(Machine()), settings=tuple((t, "lr", 0.1) for t in range(1001)))
    with pytest.raises(SessionError) as caught:
        save(session, tmp_path / "s.json")
    assert str(caught.value) == (
        "the session holds 1001 setting changes, more than the 1000 a session file takes; reset to start a shorter one"
    )
    assert not list(tmp_path.iterdir())


# --- setting changes: collapsed at one step, and many of them still save ------------


def test_changes_at_the_same_step_collapse_into_one(tmp_path: Path) -> None:
    """`m` held for 22,000 presses at one step once made a session too large to save."""
    machine = Machine()
    machine.goto(5)
    for press in range(22_000):
        machine.set_batch_size((16, 1, 80)[press % 3])
        machine.set_lr((0.1, 0.2)[press % 2])
    assert machine.settings_log == [(5, "batch_size", 16), (5, "lr", 0.2)]
    resumed = round_trip(machine, tmp_path)
    assert resumed.settings_log == machine.settings_log
    assert (resumed.state.batch_size, resumed.state.lr) == (16, 0.2)


def test_a_change_stepped_back_over_collapses_with_the_one_there(tmp_path: Path) -> None:
    machine = Machine()
    machine.goto(5)
    machine.set_lr(0.2)
    machine.advance()
    machine.set_lr(0.5)
    machine.back()  # the change made at step 6 now stands at 5, where 0.2 was set
    assert machine.settings_log == [(5, "lr", 0.5)]
    assert_same(machine, round_trip(machine, tmp_path))


def test_100000_changes_at_different_steps_save_and_resume(tmp_path: Path) -> None:
    """Built as a file, not by a Machine: one replay (the resume) is the test's whole cost."""
    changes = tuple((t, "lr", (0.1, 0.05)[t % 2]) for t in range(1, 100_001))
    session = Session(Config(batch_size=16), t=100_000, settings=changes)
    path = save(session, tmp_path / "long.json")
    assert path.stat().st_size < sessions.MAX_SESSION_BYTES
    resumed = restore(load(path))
    assert resumed.settings_log == list(changes)
    assert (resumed.state.t, resumed.state.lr) == (100_000, 0.1)


# --- autosaves: one file per session, the newest resumed, the oldest pruned ---------


def test_each_autosave_gets_its_own_file_and_the_newest_is_resumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    first, second = Machine(Config(seed=42)), Machine(Config(seed=7))
    first.goto(20)
    second.goto(7)
    saved = [sessions.autosave(capture(machine)) for machine in (first, second)]
    assert saved[0] != saved[1] and all(path.is_file() for path in saved)
    os.utime(saved[0], ns=(1, 1))  # the first is the older, whatever the clock's resolution
    assert sessions.autosaves() == [saved[1], saved[0]]
    assert sessions.last_session_path() == saved[1]
    assert restore(load(saved[0])).state.t == 20 and restore(load(saved[1])).state.t == 7


def test_only_the_newest_autosaves_are_kept_and_the_removal_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    text = sessions.dumps(capture(Machine()))
    directory = sessions.state_dir()
    directory.mkdir(parents=True)
    for index in range(sessions.KEEP_AUTOSAVES + 2):
        path = directory / f"autosave-20260101-0000{index:02d}-{100 + index}.json"
        path.write_text(text)
        os.utime(path, ns=(index * 10**9, index * 10**9))
    newest = sessions.autosave(capture(Machine()))
    lines = sessions.autosave_report(newest, None)
    assert lines == [
        f"gd-tui: the session was saved to {newest}; gd-tui --resume brings it back",
        f"gd-tui: removed the oldest autosave {directory / 'autosave-20260101-000002-102.json'} "
        "(the newest 20 are kept)",
        f"gd-tui: removed the oldest autosave {directory / 'autosave-20260101-000001-101.json'} "
        "(the newest 20 are kept)",
        f"gd-tui: removed the oldest autosave {directory / 'autosave-20260101-000000-100.json'} "
        "(the newest 20 are kept)",
    ]
    assert len(sessions.autosaves()) == sessions.KEEP_AUTOSAVES
    assert sessions.autosaves()[0] == newest


def test_a_new_session_file_is_private_and_an_existing_one_keeps_its_mode(tmp_path: Path) -> None:
    session = capture(Machine())
    fresh = save(session, tmp_path / "new.json")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600  # it can name a private data file
    shared = tmp_path / "shared.json"
    shared.write_text("{}")
    shared.chmod(0o640)
    save(session, shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    private = tmp_path / "private.json"
    private.write_text("{}")
    private.chmod(0o600)
    save(session, private)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_a_session_naming_a_lesson_of_an_unknown_users_home_resumes_without_its_notes() -> None:
    from gd_tui.app import GDApp

    machine = Machine()
    machine.goto(3)
    session = loads(sessions.dumps(capture(machine, lesson="~nosuchuser-here/x.toml")))
    app = GDApp(session=session)
    assert app.machine.state.t == 3 and app.lesson is None


def test_resume_skips_an_autosave_that_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A newest autosave cut short (a full disk) must not hide the older ones from --resume.
    import sys
    import types

    from gd_tui import cli

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    machine = Machine()
    machine.goto(9)
    good = sessions.autosave(capture(machine))
    os.utime(good, ns=(1, 1))
    junk = sessions.state_dir() / "autosave-junk.json"
    junk.write_text("x")
    resumed: list[Any] = []
    fake = types.ModuleType("gd_tui.app")
    fake.run_app = lambda config, session=None, **_: resumed.append(session) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gd_tui.app", fake)
    assert cli.main(["--resume"]) == 0
    assert resumed[0].t == 9
    err = capsys.readouterr().err
    assert f"skipping {junk}" in err and "the newest readable of 2 autosaves" in err
