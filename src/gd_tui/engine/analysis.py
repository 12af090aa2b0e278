"""Reference answers: least squares, the Hessian's stability bound, a gradient check, the loss surface."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_tui.engine import steps
from gd_tui.engine.config import Config


@dataclass(frozen=True)
class Stability:
    """The training MSE's curvature: Hessian eigenvalues, largest stable lr, condition number."""

    eigenvalues: tuple[float, float]  # ascending
    critical_lr: float  # 2 / λmax: batch gradient descent diverges above it
    condition_number: float  # λmax / λmin (inf when x is constant)


def hessian(x: np.ndarray) -> np.ndarray:
    """The training MSE's Hessian in (b, w), 2/n · XᵀX: the same at every (b, w)."""
    X = design_matrix(x)
    return 2 / len(x) * X.T @ X  # (2, 2)


def eigen_directions(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Hessian's eigenvalues (ascending) and unit eigenvectors (columns, in (b, w))."""
    eigenvalues, eigenvectors = np.linalg.eigh(hessian(x))
    return eigenvalues, eigenvectors


def contraction(lr: float, eigenvalue: float) -> float:
    """|1 − lr·λ|: batch gradient descent multiplies the error along an eigen-direction by it each update."""
    return abs(1 - lr * eigenvalue)


def momentum_rate(lr: float, eigenvalue: float, beta: float) -> float:
    """The heavy-ball rate along an eigen-direction: the larger root's size of z² − (1 + β − lr·λ)z + β."""
    roots = np.roots([1.0, -(1 + beta - lr * eigenvalue), beta])
    return float(np.max(np.abs(roots)))


# The loss must have risen this many updates in a row before a run is called diverging.
RISES = 3


@dataclass(frozen=True)
class Diverging:
    """Sustained loss growth: where it began and how fast the error grows per update."""

    epoch: int  # epochs completed when the first growing update ran
    update: int  # updates completed before it (as diverged_at counts)
    growth: float  # measured: the root of the last loss ratio (the RMS error's factor per update)
    predicted: float  # |1 − lr·λmax|: the error's factor along the steep direction


def diverging(losses: np.ndarray, stable: Stability, lr: float) -> Diverging | None:
    """The start of the rising run at the end of `losses` (one per update), if it is RISES long or more."""
    n = len(losses)
    if n <= RISES:
        return None
    tail = losses[-(RISES + 1) :]
    if not np.all(tail[1:] > tail[:-1]):
        return None
    # Walk back through the rising run a growing window at a time: the run may be millions long.
    window = 64
    start = n - 1 - RISES
    while start > 0:
        low = max(start - window, 0)
        chunk = losses[low : start + 1]
        falls = np.flatnonzero(~(chunk[1:] > chunk[:-1]))
        if len(falls):
            start = low + int(falls[-1]) + 1
            break
        start = low
        window *= 2
    with np.errstate(all="ignore"):
        growth = float(np.sqrt(losses[-1] / losses[-2]))
    return Diverging(epoch=start, update=start, growth=growth, predicted=contraction(lr, stable.eigenvalues[1]))


def design_matrix(x: np.ndarray) -> np.ndarray:
    """[1, x]: the column of ones carries b."""
    return np.hstack([np.ones_like(x), x])  # (n, 2)


def least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """The (b, w) that minimize the MSE; None when x is constant (no unique answer)."""
    X = design_matrix(x)
    coefficients, _, rank, _ = np.linalg.lstsq(X, y, rcond=None)
    if rank == 2:
        return float(coefficients[0, 0]), float(coefficients[1, 0])
    # x may vary on a scale far from 1 (1e-200 ... 5e-200), where [1, x] looks singular:
    # solve on x centred and scaled to its own spread, then undo the scaling.
    mean = float(x.mean())
    span = float(np.abs(x - mean).max())
    if span == 0 or not np.isfinite(span) or span <= 4 * np.finfo(np.float64).eps * float(np.abs(x).max()):
        return None
    u = (x - mean) / span
    (b_u, w_u), *_ = np.linalg.lstsq(design_matrix(u), y, rcond=None)
    w = float(w_u[0]) / span
    b = float(b_u[0]) - w * mean
    return (b, w) if np.isfinite(b) and np.isfinite(w) else None


def stability(x: np.ndarray) -> Stability:
    """Eigenvalues of the MSE's Hessian 2/n · XᵀX, which does not depend on y or on (b, w)."""
    low, high = (float(v) for v in np.linalg.eigvalsh(hessian(x)))
    condition = high / low if low > 1e-12 * high else float("inf")
    return Stability((low, high), 2 / high, condition)


def mse(b: float, w: float, x: np.ndarray, y: np.ndarray) -> float:
    """The MSE at one point, computed by steps 1 and 2 themselves."""
    with np.errstate(all="ignore"):  # far from the minimum the loss may overflow: inf is the answer
        _, loss = steps.loss(steps.forward(np.array([b]), np.array([w]), x), y)
    return float(loss)


def gradients_at(b: float, w: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The MSE's gradients (in b, in w) at one point over all of x, y, computed by steps 1 to 3 themselves."""
    with np.errstate(all="ignore"):
        error, _ = steps.loss(steps.forward(np.array([b]), np.array([w]), x), y)
        b_grad, w_grad = steps.gradients(x, error)
    return float(b_grad), float(w_grad)


def numerical_gradients(b: float, w: float, x: np.ndarray, y: np.ndarray, h: float = 1e-6) -> tuple[float, float]:
    """Central finite differences of the MSE in b and in w, to check step 3 against."""
    b_grad = (mse(b + h, w, x, y) - mse(b - h, w, x, y)) / (2 * h)
    w_grad = (mse(b, w + h, x, y) - mse(b, w - h, x, y)) / (2 * h)
    return b_grad, w_grad


class LossSurface:
    """The MSE over any (b, w) grid from five sufficient statistics: O(1) per point, any N."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.mean_x = float(x.mean())
        self.mean_y = float(y.mean())
        self.mean_xx = float((x * x).mean())
        self.mean_xy = float((x * y).mean())
        self.mean_yy = float((y * y).mean())

    def __call__(self, b: np.ndarray, w: np.ndarray) -> np.ndarray:
        """MSE at every (b, w); arrays broadcast against each other."""
        # mean((b + w x - y)²) expanded, so no (grid, N) array is ever built.
        return (
            b * b
            + 2 * b * w * self.mean_x
            + w * w * self.mean_xx
            - 2 * b * self.mean_y
            - 2 * w * self.mean_xy
            + self.mean_yy
        )

    def gradient(self, b: np.ndarray | float, w: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """The MSE's gradients (in b, in w) at every (b, w): the full training set's, O(1) per point."""
        # d/db and d/dw of the expansion in __call__.
        b_grad = 2 * (b + w * self.mean_x - self.mean_y)
        w_grad = 2 * (b * self.mean_x + w * self.mean_xx - self.mean_xy)
        return np.asarray(b_grad), np.asarray(w_grad)

    def grid(
        self, b_range: tuple[float, float], w_range: tuple[float, float], size: int = 61
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """b values (size,), w values (size,), and the MSE (size, size) indexed [w, b]."""
        b_values = np.linspace(*b_range, size)
        w_values = np.linspace(*w_range, size)
        losses = self(b_values[None, :], w_values[:, None])
        return b_values, w_values, np.maximum(losses, 0.0)


@dataclass(frozen=True)
class Reference:
    """What the run is measured against, computed once per dataset."""

    least_squares: tuple[float, float] | None
    stability: Stability
    surface: LossSurface


def reference(x_train: np.ndarray, y_train: np.ndarray) -> Reference:
    """Least squares, the stability bound and the loss surface of a training set."""
    return Reference(least_squares(x_train, y_train), stability(x_train), LossSurface(x_train, y_train))


def race_paths(
    surface: LossSurface,
    start: tuple[float, float],
    lr: float,
    config: Config,
    optimizers: tuple[str, ...],
    updates: int,
) -> dict[str, np.ndarray]:
    """Each optimizer's batch path from `start`: (updates + 1, 2) rows of (b, w), start first.

    The same update functions as step 4 (engine/optimizers.py), on the whole training
    set's gradients (from the surface's statistics: O(1) per update, any N). A path
    stops early where it stops being finite.
    """
    from gd_tui.engine.machine import fresh_buffers
    from gd_tui.engine.optimizers import OPTIMIZER_FUNCTIONS

    paths: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"):
        for name in optimizers:
            update = OPTIMIZER_FUNCTIONS[name]
            hyper = tuple(config.hyperparameters(name).values())
            buffers: tuple[object, ...] = fresh_buffers(name)
            params = np.array(start, dtype=np.float64)
            rows = [params]
            for _ in range(updates):
                b_grad, w_grad = surface.gradient(params[0], params[1])
                if name == "sgd":
                    b, w = update(params[:1], params[1:], b_grad, w_grad, lr)
                    params = np.concatenate((b, w))
                else:
                    params, *rest = update(params, np.array((b_grad, w_grad), dtype=np.float64), lr, *buffers, *hyper)
                    buffers = tuple(rest)
                if not np.all(np.isfinite(params)):
                    break
                rows.append(params)
            paths[name] = np.array(rows)
    return paths
