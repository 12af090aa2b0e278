"""A function's own source lines, as `inspect.getsourcelines` gives them, without tokenizing its file.

`inspect.getsourcelines` finds where a function ends by running the tokenizer over the
file from the function's first line: 40 ms for the seven step functions, at start-up,
before the first frame. The compiler already knows where every statement of a function
ends (`co_positions`, nested functions and comprehensions included), and the last line of
its last statement is the last line inspect gives. When the line after that still belongs
to the function's block (a body that compiles to nothing, such as a lone docstring, leaves
no position), or for anything that is not a plain function, inspect decides.
"""

from __future__ import annotations

import inspect
import linecache
from types import CodeType
from typing import Any


def _last_line(code: CodeType) -> int:
    """The last source line any instruction of `code` (or of code nested in it) was compiled from."""
    last = max((end for _, end, _, _ in code.co_positions() if end is not None), default=code.co_firstlineno)
    nested = [_last_line(constant) for constant in code.co_consts if isinstance(constant, CodeType)]
    return max([last, *nested])


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def code_lines(function: Any) -> tuple[list[str], int]:
    """(the lines of `function`'s definition, decorators included, each ending in a newline; its first line number)."""
    code = inspect.unwrap(function).__code__ if inspect.isfunction(function) else None
    lines = linecache.getlines(code.co_filename) if code is not None else []
    if code is None or not lines:
        return inspect.getsourcelines(function)
    first, last = code.co_firstlineno, _last_line(code)
    following = next((line for line in lines[last:] if line.strip()), None)
    if following is not None and _indent(following) > _indent(lines[first - 1]):
        return inspect.getsourcelines(function)  # the block goes on past its last instruction
    return lines[first - 1 : last], first
