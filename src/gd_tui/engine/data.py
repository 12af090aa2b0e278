"""The data: the book's synthetic recipe or a CSV file, the split, and the feature variants."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gd_tui.engine.config import Config, ConfigError

MAX_CSV_BYTES = 512 * 1024 * 1024


class DataError(ConfigError):
    """The data cannot be used; the message says why and what would work."""

    def __init__(self, message: str) -> None:
        super().__init__("data", message)


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

    @property
    def n_train(self) -> int:
        return int(self.x_train.shape[0])

    @property
    def n_val(self) -> int:
        return int(self.x_val.shape[0])


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


def _parse_row(cells: list[str], line_number: int) -> tuple[float, float]:
    values = []
    for cell in cells:
        text = cell.strip().strip('"').strip("'")
        try:
            value = float(text)
        except ValueError:
            raise DataError(f"line {line_number}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise DataError(f"line {line_number}: {text!r} is not a finite number")
        values.append(value)
    return values[0], values[1]


def _delimiter(line: str) -> str | None:
    for candidate in (",", ";", "\t"):
        if candidate in line:
            return candidate
    return None  # whitespace


def load_csv(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Two numeric columns x, y (a header row is allowed); returns (N, 1) arrays."""
    file = Path(path)
    if not file.exists():
        raise DataError(f"{path}: no such file")
    if file.is_dir():
        raise DataError(f"{path}: is a directory, not a CSV file")
    try:
        size = file.stat().st_size
        if size > MAX_CSV_BYTES:
            raise DataError(f"{path}: {size} bytes is larger than the {MAX_CSV_BYTES} bytes allowed")
        text = file.read_text(encoding="utf-8-sig")
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a UTF-8 text file") from None
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror})") from None
    lines = [(i + 1, line) for i, line in enumerate(text.splitlines()) if line.strip()]
    if not lines:
        raise DataError(f"{path}: the file is empty; expected two numeric columns x, y")
    delimiter = _delimiter(lines[0][1])
    rows: list[tuple[float, float]] = []
    for position, (line_number, line) in enumerate(lines):
        cells = line.split(delimiter) if delimiter else line.split()
        if len(cells) != 2:
            raise DataError(
                f"{path}: line {line_number} has {len(cells)} columns; expected two (x, y)"
            )
        try:
            rows.append(_parse_row(cells, line_number))
        except DataError:
            if position == 0:
                continue  # a header row
            raise
    if len(rows) < 2:
        raise DataError(f"{path}: has {len(rows)} data rows; at least 2 are needed")
    xy = np.array(rows, dtype=np.float64)
    if np.abs(xy).max() > 1e150:
        raise DataError(f"{path}: values above 1e150 overflow the squared error")
    return xy[:, :1].copy(), xy[:, 1:].copy()


def make_dataset(config: Config) -> Dataset:
    """Build the training and validation sets that `config` describes."""
    # One RNG in the book's order: x, noise, then the shuffle (legacy global RNG algorithm).
    rng = np.random.RandomState(config.seed)
    if config.data is None:
        x, y = synthetic(config, rng)
        true_b: float | None = config.true_b
        true_w: float | None = config.true_w
    else:
        x, y = load_csv(config.data)
        true_b = true_w = None
    train_idx, val_idx = split(rng, len(x), config.train_fraction)
    if len(train_idx) < 2:
        raise ConfigError(
            "train_fraction",
            f"leaves {len(train_idx)} training points of {len(x)}; at least 2 are needed",
        )
    if config.batch_size is not None and config.batch_size > len(train_idx):
        raise ConfigError(
            "batch_size", f"must be from 1 to {len(train_idx)}, the training set's size (got {config.batch_size})"
        )
    x_train, y_train = x[train_idx], y[train_idx]
    x_val, y_val = x[val_idx], y[val_idx]
    x_mean = float(x_train.mean())
    x_std = float(x_train.std())  # population std (ddof 0), as StandardScaler
    if config.feature == "bad":
        x_train, x_val = x_train * 10, x_val * 10
        if true_w is not None:
            true_w = true_w / 10
    elif config.feature == "scaled":
        if x_std == 0:
            raise DataError("x is constant on the training set, so it cannot be standardized")
        x_train = (x_train - x_mean) / x_std
        x_val = (x_val - x_mean) / x_std
        if true_b is not None and true_w is not None:
            true_b, true_w = true_b + true_w * x_mean, true_w * x_std
    return Dataset(x_train, y_train, x_val, y_val, true_b, true_w, x_mean, x_std)
