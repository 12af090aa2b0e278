# Types of optimizers.py, which stays unannotated: the source pane shows it verbatim.
from collections.abc import Callable
from typing import Any

import numpy as np

def sgd(
    b: np.ndarray, w: np.ndarray, b_grad: np.float64, w_grad: np.float64, lr: float
) -> tuple[np.ndarray, np.ndarray]: ...
def momentum(
    params: np.ndarray, grads: np.ndarray, lr: float, buffer: np.ndarray, beta: float
) -> tuple[np.ndarray, np.ndarray]: ...
def nesterov(
    params: np.ndarray, grads: np.ndarray, lr: float, buffer: np.ndarray, beta: float
) -> tuple[np.ndarray, np.ndarray]: ...
def adagrad(
    params: np.ndarray, grads: np.ndarray, lr: float, sum_sq: np.ndarray, eps: float
) -> tuple[np.ndarray, np.ndarray]: ...
def rmsprop(
    params: np.ndarray, grads: np.ndarray, lr: float, square_avg: np.ndarray, alpha: float, eps: float
) -> tuple[np.ndarray, np.ndarray]: ...
def adam(
    params: np.ndarray,
    grads: np.ndarray,
    lr: float,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]: ...

OPTIMIZER_FUNCTIONS: dict[str, Callable[..., tuple[Any, ...]]]
