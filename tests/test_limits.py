"""One table of limits: every value a flag, a dialog or a lesson file accepts saves and resumes.

An autosave made from a value the breakpoints dialog accepted (epoch reached 2000000000)
once failed to resume. Each way in draws its bounds from gd_tui.engine.limits; these
properties save and load values drawn from that table through every way in.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gd_tui import session as sessions
from gd_tui.app.screens.breakpoints import BreakpointError, parse_breakpoints
from gd_tui.cli import build_parser, config_from_args, numbers_as_values
from gd_tui.engine import Config, ConfigError, Machine
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.engine.limits import LIMITS, Limit
from gd_tui.lessons import parse_lesson

CONFIG_OPTIONS = [name for name in LIMITS if name in Config.__dataclass_fields__]
NEEDS_DATA = {"x_col", "y_col"}  # a column of a CSV file: only with --data


def values(limit: Limit) -> st.SearchStrategy[Any]:
    """Values the limit accepts, its ends included."""
    if limit.whole:
        return st.integers(int(limit.low), int(min(limit.high, 2**62)))
    high = limit.high if math.isfinite(limit.high) else 1e300
    return st.floats(limit.low, high, exclude_min=limit.low_open, allow_nan=False, allow_infinity=False)


def round_trip(session: sessions.Session) -> sessions.Session:
    return sessions.loads(sessions.dumps(session), "<saved>")


def base(name: str) -> dict[str, Any]:
    return {"data": "data.csv"} if name in NEEDS_DATA else {}


@pytest.mark.parametrize("name", CONFIG_OPTIONS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_value_a_flag_accepts_saves_and_resumes(name: str, data: st.DataObject) -> None:
    value = data.draw(values(LIMITS[name]))
    flag = "--" + name.replace("_", "-")
    argv = ["run", flag, repr(value) if isinstance(value, float) else str(value)]
    if name in NEEDS_DATA:
        argv += ["--data", "data.csv"]
    args = build_parser().parse_args(numbers_as_values(argv))
    try:
        config = config_from_args(args)
    except ConfigError as error:
        # Only a rule between options may refuse it (x and y cannot be the same column).
        assert name in NEEDS_DATA and "differ" in error.message, error
        return
    assert getattr(config, name) == value
    assert round_trip(sessions.Session(config)).config == config


@pytest.mark.parametrize("name", CONFIG_OPTIONS)
def test_one_step_beyond_a_limit_is_refused_by_flags_and_sessions_alike(name: str) -> None:
    limit = LIMITS[name]
    beyond = limit.high + 1 if limit.whole else math.nextafter(limit.high, math.inf)
    with pytest.raises(ConfigError):
        Config(**base(name), **{name: beyond})
    document = sessions.to_dict(sessions.Session(Config(**base(name))))
    document["config"][name] = beyond
    with pytest.raises(sessions.SessionError, match=f"config.{name}"):
        sessions._Reader("<s>").session(document)


breakpoint_fields = st.fixed_dictionaries(
    {
        "loss_below": st.none() | values(LIMITS["loss_below"]),
        "loss_went_up": st.booleans(),
        "grad_below": st.none() | values(LIMITS["grad_below"]),
        "epoch_reached": st.none() | values(LIMITS["epoch_reached"]),
    }
)


def typed(value: Any) -> str:
    """What a learner types for a value: its shortest exact text, empty for off."""
    return "" if value is None else repr(value)


@settings(max_examples=200, deadline=None)
@given(fields=breakpoint_fields)
def test_every_breakpoint_the_dialog_accepts_saves_and_resumes(fields: dict[str, Any]) -> None:
    breakpoints = parse_breakpoints(
        typed(fields["loss_below"]), fields["loss_went_up"], typed(fields["grad_below"]), typed(fields["epoch_reached"])
    )
    assert breakpoints == Breakpoints(**fields)
    assert round_trip(sessions.Session(Config(), breakpoints=breakpoints)).breakpoints == breakpoints


@pytest.mark.parametrize("text", [str(LIMITS["epoch_reached"].high + 1), "2000000000"])
def test_the_dialog_refuses_what_a_session_could_not_hold(text: str) -> None:
    with pytest.raises(BreakpointError, match="from 1 to 10000000"):
        parse_breakpoints("", False, "", text)


@settings(max_examples=50, deadline=None)
@given(lr=values(LIMITS["lr"]), epoch=values(LIMITS["epoch_reached"]))
def test_every_value_a_lesson_file_accepts_saves_and_resumes(lr: float, epoch: int) -> None:
    text = f'name = "x"\ntitle = "t"\nnote = "n"\n[training]\nlr = {lr!r}\n[breakpoints]\nepoch_reached = {epoch}\n'
    lesson = parse_lesson(text, "x.toml")
    session = round_trip(sessions.Session(lesson.config, breakpoints=lesson.breakpoints, lesson="x.toml"))
    assert session.config == lesson.config and session.breakpoints == lesson.breakpoints


@settings(max_examples=50, deadline=None)
@given(lr=values(LIMITS["lr"]), batch_size=st.integers(1, 80), t=st.integers(0, 40))
def test_every_setting_the_app_accepts_saves_and_resumes(lr: float, batch_size: int, t: int) -> None:
    machine = Machine()
    machine.goto(t)
    machine.set_lr(lr)
    machine.set_batch_size(batch_size)
    machine.advance()
    session = round_trip(sessions.capture(machine))
    resumed = sessions.restore(session)
    assert resumed.settings_log == machine.settings_log
    assert (resumed.state.t, resumed.state.lr, resumed.state.batch_size) == (t + 1, lr, batch_size)
