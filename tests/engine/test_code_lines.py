"""code_lines gives the lines inspect.getsourcelines gives, for every function in gd-tui and for odd shapes."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

import gd_tui
from gd_tui.engine import steps
from gd_tui.engine.code_lines import code_lines

ODD_SHAPES = '''
import functools


def docstring_only():
    """Nothing else."""


def trailing_comment(x):
    y = x + 1
    return y
    # a comment inside the block, after its last statement


def multiline_end(x):
    return (
        x
        + 1
    )


def nested_last(x):
    def inner(y):
        return (
            y * 2
        )
    return inner


def comprehension_last(xs):
    return [
        x
        for x in xs
    ]


@functools.lru_cache
def decorated(x):
    return x


def ellipsis_last(x):
    y = x
    ...


def one_line(x): return x


def multiline_signature(
    a,
    b,
):
    """Doc."""


class Holder:
    def method(self):
        return 1

    @staticmethod
    def static():
        pass
'''


def _odd_module(tmp_path: Path) -> ModuleType:
    path = tmp_path / "odd_shapes.py"
    path.write_text(textwrap.dedent(ODD_SHAPES))
    spec = importlib.util.spec_from_file_location("odd_shapes", path)  # type: ignore[attr-defined]
    module = importlib.util.module_from_spec(spec)  # type: ignore[attr-defined]
    sys.modules["odd_shapes"] = module
    spec.loader.exec_module(module)
    return module


def _functions(module: ModuleType) -> list[object]:
    found: list[object] = []
    for value in vars(module).values():
        if getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value) or inspect.isfunction(inspect.unwrap(value)):
            found.append(value)
        elif inspect.isclass(value):
            found.extend(
                item.__func__ if isinstance(item, staticmethod | classmethod) else item
                for item in vars(value).values()
                if inspect.isfunction(item) or isinstance(item, staticmethod | classmethod)
            )
    return found


def test_odd_shapes_give_inspects_lines(tmp_path: Path) -> None:
    module = _odd_module(tmp_path)
    functions = _functions(module)
    assert len(functions) == 11
    for function in functions:
        assert code_lines(function) == inspect.getsourcelines(function), function


def test_every_function_in_gd_tui_gives_inspects_lines() -> None:
    checked = 0
    for info in pkgutil.walk_packages(gd_tui.__path__, "gd_tui."):
        if info.name.endswith("__main__"):
            continue  # it runs the app
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue  # the torch backend without torch
        for function in _functions(module):
            try:
                expected = inspect.getsourcelines(function)
            except OSError:  # made at run time (a dataclass's __init__): no source for either
                with pytest.raises(OSError):
                    code_lines(function)
                continue
            assert code_lines(function) == expected, function
            checked += 1
    assert checked > 500


def test_a_step_function_is_shown_from_its_def_to_its_return() -> None:
    lines, first = code_lines(steps.forward)
    assert lines[0].startswith("def forward(") and lines[-1].strip().startswith("return")
    assert first == steps.forward.__code__.co_firstlineno
