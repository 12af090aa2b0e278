"""Every option of a session, with the book's defaults, and their validation."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from gd_tui.engine.limits import MAX_ABS_VALUE, MAX_COLUMNS, MAX_LR, MAX_POINTS, MAX_SEED

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
# torch.optim's eps when none is given: Adagrad's is smaller than the others'.
DEFAULT_EPS = {"adagrad": 1e-10}
EPS = 1e-8
MAX_EPS = 1.0  # beyond this eps swamps every gradient: not a learning setting

FEATURES = ("raw", "bad", "scaled")
# torch.optim.SGD keeps no momentum buffer at momentum 0 (and refuses nesterov there).
TORCH_NO_MOMENTUM = "must be above 0 for the momentum and nesterov optimizers on the torch backend (0 is sgd)"
# The PyTorch mirror's options (gd_tui.pytorch); the NumPy engine ignores them.
BACKENDS = ("numpy", "torch")
DTYPES = ("float32", "float64")
INITS = ("torch", "numpy")  # step 0 draws as torch.randn does, or takes the NumPy engine's b and w
MODELS = ("manual", "module", "linear")  # tensors, ManualLinearRegression(nn.Module), nn.Linear(1, 1)
__all__ = ["FEATURES", "MAX_ABS_VALUE", "MAX_COLUMNS", "MAX_LR", "MAX_POINTS", "MAX_SEED", "Config", "ConfigError"]


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
    # Step 4's optimizer and its settings (torch.optim's defaults). momentum is the
    # momentum and nesterov optimizers' beta; betas are Adam's; alpha is RMSprop's
    # decay; eps None: the optimizer's own default (1e-10 for AdaGrad, else 1e-8).
    optimizer: str = "sgd"
    momentum: float = 0.9
    betas: tuple[float, float] = (0.9, 0.999)
    alpha: float = 0.99
    eps: float | None = None
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
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["betas"] = list(self.betas)
        return values

    def eps_for(self, optimizer: str) -> float:
        """The eps an optimizer uses: the one given, or torch.optim's default for it."""
        return self.eps if self.eps is not None else DEFAULT_EPS.get(optimizer, EPS)

    def hyperparameters(self, optimizer: str | None = None) -> dict[str, float]:
        """The settings an optimizer's update takes after its state, by the update's argument names."""
        name = self.optimizer if optimizer is None else optimizer
        if name in ("momentum", "nesterov"):
            return {"beta": self.momentum}
        if name == "adagrad":
            return {"eps": self.eps_for(name)}
        if name == "rmsprop":
            return {"alpha": self.alpha, "eps": self.eps_for(name)}
        if name == "adam":
            return {"beta1": self.betas[0], "beta2": self.betas[1], "eps": self.eps_for(name)}
        return {}


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


def validate_lr(value: object) -> float:
    """The learning rate as a float, or ConfigError saying what is allowed."""
    lr = _number("lr", value)
    if not 0 < lr <= MAX_LR:
        raise ConfigError("lr", f"must be above 0 and at most {MAX_LR:g} (got {value!r})")
    return lr


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
    validate_lr(config.lr)
    if config.batch_size is not None:
        _integer("batch_size", config.batch_size, 1, MAX_POINTS)
    if config.feature not in FEATURES:
        raise ConfigError("feature", f"must be one of {', '.join(FEATURES)} (got {config.feature!r})")
    if config.data is not None and (not isinstance(config.data, str) or not config.data):
        raise ConfigError("data", f"must be a path to a CSV file (got {config.data!r})")
    if config.data is not None and "\x00" in config.data:
        raise ConfigError("data", f"{config.data!r}: a file name cannot hold a NUL character")
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
    _optimizer(config)
    for option, allowed in (("backend", BACKENDS), ("dtype", DTYPES), ("init", INITS), ("model", MODELS)):
        value = getattr(config, option)
        if value not in allowed:
            raise ConfigError(option, f"must be one of {', '.join(allowed)} (got {value!r})")
    if not isinstance(config.zero_grad, bool):
        raise ConfigError("zero_grad", f"must be true or false (got {config.zero_grad!r})")
    if config.backend == "torch" and config.optimizer in ("momentum", "nesterov") and config.momentum == 0:
        raise ConfigError("momentum", TORCH_NO_MOMENTUM)
    if config.x_col is not None and config.x_col == config.y_col:
        raise ConfigError("y_col", f"must differ from the x column (both are column {config.x_col})")


def _decay(option: str, value: object) -> None:
    number = _number(option, value)
    if not 0 <= number < 1:
        raise ConfigError(option, f"must be at least 0 and below 1 (got {value!r})")


def _optimizer(config: Config) -> None:
    if config.optimizer not in OPTIMIZERS:
        raise ConfigError("optimizer", f"must be one of {', '.join(OPTIMIZERS)} (got {config.optimizer!r})")
    _decay("momentum", config.momentum)
    betas = config.betas
    if not isinstance(betas, tuple) or len(betas) != 2:
        raise ConfigError("betas", f"must be two numbers B1,B2 (got {betas!r})")
    for beta in betas:
        _decay("betas", beta)
    _decay("alpha", config.alpha)
    if config.eps is not None:
        eps = _number("eps", config.eps)
        if not 0 < eps <= MAX_EPS:
            raise ConfigError("eps", f"must be above 0 and at most {MAX_EPS:g} (got {config.eps!r})")
