"""Stepping into step 4: the optimizer's update one line at a time, by running those very lines.

Each statement of the update function (before its `return`) is compiled on its own from
the function's source; executing the first k of them, in order, in a namespace holding
the update's arguments, gives exactly the values the whole call computes at that point
(the same expressions in the same order), so what the screen shows mid-update is what
the update computes. The machine still runs step 4 as one call.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import CodeType
from typing import Any

import numpy as np

from gd_tui.engine.code_lines import code_lines
from gd_tui.engine.config import Config
from gd_tui.engine.optimizers import OPTIMIZER_FUNCTIONS


@dataclass(frozen=True)
class Statement:
    """One line of an update: its line number in its file, its text, and its code."""

    number: int
    text: str
    target: str  # the name it assigns
    code: CodeType


@cache
def statements(optimizer: str) -> tuple[Statement, ...]:
    """The update's lines before its return, each compiled alone."""
    function = OPTIMIZER_FUNCTIONS[optimizer]
    lines, first = code_lines(function)
    tree = ast.parse(textwrap.dedent("".join(lines)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    found = []
    for node in body:
        if isinstance(node, ast.Return):
            break
        assert isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name), "one name per line"
        module = ast.Module(body=[node], type_ignores=[])
        code = compile(module, inspect.getsourcefile(function) or "<update>", "exec")
        text = lines[node.lineno - 1].strip()
        found.append(Statement(first + node.lineno - 1, text, node.targets[0].id, code))
    return tuple(found)


def arguments(optimizer: str, inputs: dict[str, Any], buffers: tuple[object, ...], config: Config) -> dict[str, Any]:
    """The update's arguments by name: `inputs` holds b, w, b_grad, w_grad and lr."""
    function: Callable[..., Any] = OPTIMIZER_FUNCTIONS[optimizer]
    if optimizer == "sgd":
        return dict(inputs)
    values: dict[str, Any] = {
        "params": np.concatenate((inputs["b"], inputs["w"])),
        "grads": np.array((inputs["b_grad"], inputs["w_grad"])),
        "lr": inputs["lr"],
    }
    names = list(inspect.signature(function).parameters)[3:]
    hyper = config.hyperparameters(optimizer)
    state_names = [name for name in names if name not in hyper]
    values.update(zip(state_names, buffers, strict=True))
    values.update(hyper)
    return values


def scope_after(optimizer: str, values: dict[str, Any], count: int) -> dict[str, Any]:
    """The update's local names after its first `count` lines have run."""
    function = OPTIMIZER_FUNCTIONS[optimizer]
    scope = dict(values)
    with np.errstate(all="ignore"):
        for statement in statements(optimizer)[:count]:
            exec(statement.code, function.__globals__, scope)
    return scope
