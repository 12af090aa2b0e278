"""The data: the book's synthetic recipe or given arrays (a CSV file's), the split, and the feature variants.

The engine reads no files: gd_tui.csvfile reads a CSV and hands its arrays here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from gd_tui.engine.config import Config, ConfigError


class DataError(ConfigError):
    """The data cannot be used; the message says why and what would work."""

    def __init__(self, message: str, option: str = "data") -> None:
        super().__init__(option, message)


@dataclass(frozen=True)
class Dataset:
    """Training and validation sets, after the feature transform; arrays are (n, 1)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    true_b: float | None  # in the transformed feature's units; None for CSV data
    true_w: float | None
    x_mean: float  # the training set's raw x statistics, for the scaled feature
    x_std: float
    source_sha256: str | None = None  # of the CSV file's bytes: a saved session can tell if it changed

    @property
    def n_train(self) -> int:
        return int(self.x_train.shape[0])

    @property
    def n_val(self) -> int:
        return int(self.x_val.shape[0])


class Source(NamedTuple):
    """Data read from a file: x and y as (N, 1) arrays, and the SHA-256 of the file's bytes."""

    x: np.ndarray
    y: np.ndarray
    sha256: str | None = None


def spread(x: np.ndarray) -> float:
    """The population standard deviation of x (ddof 0, as StandardScaler), 0 only when x does not vary.

    Computed directly when it can be, so the book's numbers stay bit for bit; for values
    so small that their squares underflow (x near 1e-200), relative to their own scale.
    """
    std = float(x.std())
    if std > 0 and math.isfinite(std):
        return std
    scale = float(np.abs(x).max())
    if scale == 0 or not math.isfinite(scale):
        return std
    # Only rounding can make a spread this small relative to the values themselves.
    relative = float((x / scale).std())
    return relative * scale if relative > 4 * np.finfo(np.float64).eps else 0.0


def synthetic(config: Config, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """The book's data: x uniform in [0, 1), y = true_b + true_w * x + noise."""
    x = rng.rand(config.n_points, 1)  # (N, 1)
    epsilon = config.noise * rng.randn(config.n_points, 1)  # (N, 1)
    y = config.true_b + config.true_w * x + epsilon
    return x, y


def split(rng: np.random.RandomState, n_points: int, train_fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled indices as the book does it; the first fraction trains, the rest validates."""
    idx = np.arange(n_points)
    rng.shuffle(idx)
    n_train = int(n_points * train_fraction)
    return idx[:n_train], idx[n_train:]


def make_dataset(config: Config, source: Source | None = None) -> Dataset:
    """Build the training and validation sets that `config` describes, from `source` when it names a file."""
    # One RNG in the book's order: x, noise, then the shuffle (legacy global RNG algorithm).
    rng = np.random.RandomState(config.seed)
    sha256: str | None = None
    if config.data is None:
        x, y = synthetic(config, rng)
        true_b: float | None = config.true_b
        true_w: float | None = config.true_w
    else:
        if source is None:
            raise DataError(f"{config.data}: the engine reads no files; gd_tui.csvfile.dataset(config) reads it")
        x, y, sha256 = source
        true_b = true_w = None
    train_idx, val_idx = split(rng, len(x), config.train_fraction)
    if len(train_idx) < 2:
        fraction = f"train fraction {config.train_fraction:g}"
        if config.data is None:
            raise ConfigError(
                "train_fraction",
                f"{config.train_fraction:g} of {len(x)} points leaves {len(train_idx)} for training; "
                "at least 2 are needed",
            )
        remedy = "add rows" if config.train_fraction >= 1 else "add rows or raise the train fraction"
        raise DataError(
            f"{config.data}: {len(x)} data rows with {fraction} leave {len(train_idx)} for training; "
            f"at least 2 are needed ({remedy})"
        )
    if config.batch_size is not None and config.batch_size > len(train_idx):
        raise ConfigError(
            "batch_size", f"must be from 1 to {len(train_idx)}, the training set's size (got {config.batch_size})"
        )
    x_train, y_train = x[train_idx], y[train_idx]
    x_val, y_val = x[val_idx], y[val_idx]
    x_mean = float(x_train.mean())
    x_std = spread(x_train)
    if config.feature == "bad":
        x_train, x_val = x_train * 10, x_val * 10
        if true_w is not None:
            true_w = true_w / 10
    elif config.feature == "scaled":
        if x_std == 0:
            low, high = float(x_train.min()), float(x_train.max())
            what = f"every training x is {low!r}" if low == high else f"training x only goes from {low!r} to {high!r}"
            raise ConfigError(
                "feature",
                f"scaled needs x to vary, but x is constant ({what}), so standardizing would "
                "divide by zero; use raw or bad",
            )
        x_train = (x_train - x_mean) / x_std
        x_val = (x_val - x_mean) / x_std
        if true_b is not None and true_w is not None:
            true_b, true_w = true_b + true_w * x_mean, true_w * x_std
    return Dataset(x_train, y_train, x_val, y_val, true_b, true_w, x_mean, x_std, sha256)
