"""Helpers for the app's pilot tests: read what the screen shows, compare machine states."""

from __future__ import annotations

import asyncio
import io
import math
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
import pytest
from rich.console import Console, RenderableType
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from gd_tui.engine import Config, Machine
from gd_tui.engine.machine import State

SIZE = (80, 24)  # the terminal the issue asks the layout to work in


def screen_text(app: App[Any]) -> str:
    """The characters on the terminal, row by row, as the user sees them (modal dialogs included)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


def renderable_text(renderable: RenderableType, width: int = 120) -> str:
    """Plain text of any Rich renderable (a Table, a Text, a Content)."""
    if hasattr(renderable, "plain"):
        return str(renderable.plain)
    if type(renderable).__module__.startswith("textual.content"):
        return str(renderable)
    console = Console(width=width, color_system=None, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text(styles=False)


def widget_text(widget: Widget) -> str:
    """The whole text a widget renders, including lines scrolled out of sight."""
    text = getattr(widget, "text", None)  # the panes drawn line by line keep their plain text
    if isinstance(text, str):
        return text
    content = getattr(widget, "content", None)  # a Static's content, as given to update()
    return renderable_text(content if content is not None else widget.render())


def pane_text(app: App[Any], selector: str) -> str:
    """The text of one pane (e.g. '#loss', '#params', '#next')."""
    return widget_text(app.query_one(selector))


def as_number(value: object) -> float | None:
    """A plain float from an engine value ((1,) array, NumPy scalar, float or None)."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return float(value.reshape(-1)[0])
    return float(value)  # type: ignore[arg-type]


def json_number(value: object) -> float | str | None:
    """A float JSON can hold: non-finite values as their names."""
    number = as_number(value)
    if number is not None and not math.isfinite(number):
        return repr(number)
    return number


def state_dict(machine: Machine) -> dict[str, Any]:
    """The machine's state and history lengths as plain JSON-ready values (exact floats)."""
    state = machine.state
    history = machine.history
    return {
        "t": state.t,
        "cursor": state.cursor,
        "last_step": state.last_step,
        "epoch": state.epoch,
        "update": state.update,
        "batch": state.batch,
        "start": state.start,
        "lr": state.lr,
        "batch_size": state.batch_size,
        "mode": machine.mode,
        "b": json_number(state.b),
        "w": json_number(state.w),
        "loss": json_number(state.loss),
        "b_grad": json_number(state.b_grad),
        "w_grad": json_number(state.w_grad),
        "val_loss": json_number(state.val_loss),
        "n_batch": None if state.x_batch is None else len(state.x_batch),
        "yhat_sum": None if state.yhat is None else json_number(state.yhat.sum()),
        "error_sum": None if state.error is None else json_number(state.error.sum()),
        "diverged_at": None if state.diverged_at is None else list(state.diverged_at),
        "history": {
            "update_loss": len(history.update_loss),
            "epoch_loss": len(history.epoch_loss),
            "val_loss": len(history.val_loss),
            "path": len(history.path),
        },
    }


def advanced(steps: int, config: Config | None = None) -> Machine:
    """A fresh machine advanced `steps` steps with `advance()`: the reference for the app's machine."""
    machine = Machine(config)
    for _ in range(steps):
        machine.advance()
    return machine


def differing_field(a: State, b: State) -> str | None:
    """None when the positions are bit-identical (arrays compared exactly), else the first field that differs."""
    for name in State.__slots__:
        left, right = getattr(a, name), getattr(b, name)
        if isinstance(left, tuple) and isinstance(right, tuple):  # an optimizer's buffers
            if len(left) != len(right) or not all(
                np.array_equal(x, y, equal_nan=True) for x, y in zip(left, right, strict=True)
            ):
                return name
        elif isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
            if left is None or right is None or not np.array_equal(left, right, equal_nan=True):
                return name
        elif left != right and not (
            isinstance(left, float) and isinstance(right, float) and math.isnan(left) and math.isnan(right)
        ):
            return name
    return None


def same_state(a: State, b: State) -> bool:
    """Bit-identical positions: every field, arrays compared exactly."""
    return differing_field(a, b) is None


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            await pilot.pause(0.02)  # the screen catches up (no idle wait: a run may still be going)
            return
        await pilot.pause(0.02)
    raise AssertionError(f"gave up after {timeout} s waiting for {condition}")


async def wait_idle(pilot: Pilot[Any], timeout: float = 20.0) -> None:
    """Wait for any run (u, e, c, digits) to finish and the screen to catch up."""
    await asyncio.wait_for(pilot.app.workers.wait_for_complete(), timeout)
    await pilot.pause()


KEY_CHARACTERS = {"escape": "\x1b", "ctrl+c": "\x03", "space": " "}


async def tap(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys without waiting for the app to go idle (it never does while a run is going)."""
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        char = KEY_CHARACTERS.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause(0.05)


async def send_keys(pilot: Pilot[Any], *keys: str) -> None:
    """Queue keys as a fast typist (or a held key) would, then wait until the app has handled them all.

    Like pilot.press, but one wait for the whole burst instead of one per key; only for keys
    handled by the main screen (a dialog that opens mid-burst would miss the keys after it).
    """
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        event = events.Key(key, KEY_CHARACTERS.get(key, key if len(key) == 1 else None))
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()


async def type_and_submit(pilot: Pilot[Any], selector: str, text: str) -> Input:
    """Replace the text of an Input in the open dialog (typed key by key, long texts pasted) and press enter."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.pause()
    if len(text) > 6:
        field.insert_text_at_cursor(text)
    elif text:
        await pilot.press(*text)
    assert field.value == text
    await pilot.press("enter")
    await pilot.pause()
    return field


# Fixtures hand the helpers to the tests (test modules cannot import this file by name).


@pytest.fixture
def screen() -> Callable[[App[Any]], str]:
    return screen_text


@pytest.fixture
def pane() -> Callable[[App[Any], str], str]:
    return pane_text


@pytest.fixture
def widget() -> Callable[[Widget], str]:
    return widget_text


@pytest.fixture
def state_of() -> Callable[[Machine], dict[str, Any]]:
    return state_dict


@pytest.fixture
def reference() -> Callable[[int, Config | None], Machine]:
    return advanced


@pytest.fixture
def same() -> Callable[[State, State], bool]:
    return same_state


@pytest.fixture
def differing() -> Callable[[State, State], str | None]:
    return differing_field


@pytest.fixture
def until() -> Callable[[Pilot[Any], Callable[[], bool], float], Awaitable[None]]:
    return wait_until


@pytest.fixture
def press() -> Callable[..., Awaitable[None]]:
    return tap


@pytest.fixture
def keys() -> Callable[..., Awaitable[None]]:
    return send_keys


@pytest.fixture
def idle() -> Callable[[Pilot[Any]], Awaitable[None]]:
    return wait_idle


@pytest.fixture
def submit() -> Callable[[Pilot[Any], str, str], Awaitable[Input]]:
    return type_and_submit
