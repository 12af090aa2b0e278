"""Every option of a session, with the book's defaults, and their validation."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

FEATURES = ("raw", "bad", "scaled")
# The PyTorch mirror's options (gd_tui.pytorch); the NumPy engine ignores them.
BACKENDS = ("numpy", "torch")
DTYPES = ("float32", "float64")
INITS = ("torch", "numpy")  # step 0 draws as torch.randn does, or takes the NumPy engine's b and w
MODELS = ("manual", "module", "linear")  # tensors, ManualLinearRegression(nn.Module), nn.Linear(1, 1)

# Beyond these magnitudes the numbers stop teaching anything and start
# overflowing float64 on the first update; refuse them up front.
MAX_ABS_VALUE = 1e6
MAX_LR = 100.0
MAX_POINTS = 10_000_000
MAX_SEED = 2**32 - 1  # the legacy NumPy RNG takes 32-bit seeds
MAX_COLUMNS = 10_000  # a CSV column number beyond this is a typo, not a data set


class ConfigError(ValueError):
    """A user-supplied value is invalid; `option` names it, the text says what is allowed."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option
        self.message = message


@dataclass(frozen=True)
class Config:
    """Every option of a run; built with no arguments it is the book's run."""

    seed: int = 42
    n_points: int = 100
    true_b: float = 1.0
    true_w: float = 2.0
    noise: float = 0.1
    train_fraction: float = 0.8
    lr: float = 0.1
    batch_size: int | None = None  # None: the whole training set (batch gradient descent)
    feature: str = "raw"
    data: str | None = None  # a CSV file instead of synthetic data
    init_b: float | None = None  # overrides the random draw of step 0
    init_w: float | None = None
    # Which columns of a CSV file hold x and y, counting from 1 as spreadsheets and
    # error messages ("line 3, column 2") do. None: the file must have exactly two.
    x_col: int | None = None
    y_col: int | None = None
    backend: str = "numpy"
    dtype: str = "float32"  # the torch backend's; the NumPy engine is float64 throughout
    init: str = "torch"
    model: str = "manual"
    zero_grad: bool = True  # False: the no-zero-grad lesson (gradients accumulate)

    def __post_init__(self) -> None:
        validate(self)

    def with_changes(self, **changes: Any) -> Config:
        """A copy with some options changed (validated like any Config)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The options as plain JSON-ready values."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _integer(option: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(option, f"must be a whole number from {low} to {high} (got {value!r})")
    if not low <= value <= high:
        raise ConfigError(option, f"must be from {low} to {high} (got {value})")


def _number(option: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(option, f"must be a number (got {value!r})")
    number = float(value)
    if not math.isfinite(number):
        raise ConfigError(option, f"must be a finite number (got {value!r})")
    return number


def _bounded(option: str, value: object, limit: float = MAX_ABS_VALUE) -> None:
    if abs(_number(option, value)) > limit:
        raise ConfigError(option, f"must be between -{limit:g} and {limit:g} (got {value!r})")


def validate(config: Config) -> None:
    """Raise ConfigError naming the first invalid option and the allowed range."""
    _integer("seed", config.seed, 0, MAX_SEED)
    _integer("n_points", config.n_points, 2, MAX_POINTS)
    _bounded("true_b", config.true_b)
    _bounded("true_w", config.true_w)
    noise = _number("noise", config.noise)
    if not 0 <= noise <= MAX_ABS_VALUE:
        raise ConfigError("noise", f"must be from 0 to {MAX_ABS_VALUE:g} (got {config.noise!r})")
    fraction = _number("train_fraction", config.train_fraction)
    if not 0 < fraction <= 1:
        raise ConfigError("train_fraction", f"must be above 0 and at most 1 (got {config.train_fraction!r})")
    lr = _number("lr", config.lr)
    if not 0 < lr <= MAX_LR:
        raise ConfigError("lr", f"must be above 0 and at most {MAX_LR:g} (got {config.lr!r})")
    if config.batch_size is not None:
        _integer("batch_size", config.batch_size, 1, MAX_POINTS)
    if config.feature not in FEATURES:
        raise ConfigError("feature", f"must be one of {', '.join(FEATURES)} (got {config.feature!r})")
    if config.data is not None and (not isinstance(config.data, str) or not config.data):
        raise ConfigError("data", f"must be a path to a CSV file (got {config.data!r})")
    for option in ("init_b", "init_w"):
        value = getattr(config, option)
        if value is not None:
            _bounded(option, value)
    for option in ("x_col", "y_col"):
        column = getattr(config, option)
        if column is not None:
            _integer(option, column, 1, MAX_COLUMNS)
            if config.data is None:
                raise ConfigError(option, "chooses a column of a CSV data file, and no data file is given")
    for option, allowed in (("backend", BACKENDS), ("dtype", DTYPES), ("init", INITS), ("model", MODELS)):
        value = getattr(config, option)
        if value not in allowed:
            raise ConfigError(option, f"must be one of {', '.join(allowed)} (got {value!r})")
    if not isinstance(config.zero_grad, bool):
        raise ConfigError("zero_grad", f"must be true or false (got {config.zero_grad!r})")
    if config.x_col is not None and config.x_col == config.y_col:
        raise ConfigError("y_col", f"must differ from the x column (both are column {config.x_col})")
