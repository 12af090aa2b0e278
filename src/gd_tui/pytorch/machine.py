"""TorchMachine: the NumPy engine's state machine, with its steps run in PyTorch.

It is a Machine (the same cursor, checkpoints, replay, history, settings log and
version), whose step methods call gd_tui.pytorch.steps on live tensors. The
state the panes read stays NumPy: b, w, yhat, error as float64 arrays holding the
tensors' values exactly (a float32 value converts to float64 without rounding),
loss and gradients as floats.

A NumPy Machine runs in lockstep from the same start on the same batches (the
twin), for the parity line |b_torch - b_numpy|, |w_torch - w_numpy|.

Step 4 is torch.optim's class for the selected optimizer (gd_tui.pytorch.optimizers).
Its state is machine state as on NumPy: after every update torch's buffers are
copied into State.buffers (in the NumPy engine's layout: one (2,) array per buffer,
b first, and Adam's step count t), and a restored checkpoint puts them back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import torch
from torch import nn

from gd_tui.engine import steps as numpy_steps
from gd_tui.engine.config import TORCH_NO_MOMENTUM, Config, ConfigError
from gd_tui.engine.data import Dataset
from gd_tui.engine.machine import Machine, Predicate, State
from gd_tui.pytorch import experiments, graph, steps
from gd_tui.pytorch.optimizers import MAKE_OPTIMIZER, TORCH_KEYS

DTYPES = {"float32": torch.float32, "float64": torch.float64}

isfinite = math.isfinite


@dataclass(frozen=True)
class Variant:
    """One way of writing the model: its step 0 and step 1, and where its b and w live."""

    name: str
    title: str
    initialize: Callable[..., Any]
    forward: Callable[..., Any]
    shown: tuple[Any, ...] = ()  # further code the source pane shows with step 0 (a model class)


VARIANTS = {
    "manual": Variant("manual", "tensors b and w", steps.initialize, steps.forward),
    "module": Variant(
        "module",
        "ManualLinearRegression(nn.Module)",
        steps.initialize_module,
        steps.forward_module,
        (steps.ManualLinearRegression,),
    ),
    "linear": Variant("linear", "nn.Sequential(nn.Linear(1, 1))", steps.initialize_linear, steps.forward_module),
}


def _parameters(model: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """The tensors holding b and w, whichever variant made them."""
    if isinstance(model, tuple):
        return model
    if isinstance(model, nn.Sequential):
        linear = model[0]
        return linear.bias, linear.weight
    return model.b, model.w


def _parameters_in_order(model: Any) -> list[torch.Tensor]:
    """The parameters in the order step 0 hands them to the optimizer: [b, w], or model.parameters()."""
    return list(model) if isinstance(model, tuple) else list(model.parameters())


def _value(tensor: torch.Tensor) -> np.ndarray:
    """A tensor's values as a new float64 array of shape (1,) (exact for float32)."""
    return tensor.detach().numpy().astype(np.float64).reshape(1)


def _values(tensor: torch.Tensor) -> np.ndarray:
    """A (n, 1) tensor's values as a new float64 array."""
    return tensor.detach().numpy().astype(np.float64)


class TorchMachine(Machine):
    """Gradient descent one step at a time, with PyTorch doing the math; same surface as Machine."""

    backend = "torch"

    def __init__(self, config: Config | None = None, data: Dataset | None = None) -> None:
        config = config if config is not None else Config(backend="torch")
        self.variant = VARIANTS[config.model]
        self.dtype = DTYPES[config.dtype]
        self._model: Any = None
        self._optimizer: torch.optim.Optimizer | None = None
        self._loss_fn: nn.Module | None = None
        self._loss_tensor: torch.Tensor | None = None
        self._yhat_tensor: torch.Tensor | None = None
        self.graph: graph.Graph | None = None  # the graph behind the last loss (None before step 2)
        self._twin: Machine | None = None
        # Inside a long run the panes' extras (NumPy copies of yhat and error, the graph) are
        # skipped; the run ends by replaying its last update in full, so the state is the same.
        self._bulk = False
        super().__init__(config, data)
        self._x_train = torch.as_tensor(self.data.x_train).to(self.dtype)
        self._y_train = torch.as_tensor(self.data.y_train).to(self.dtype)
        self._x = self._y = self._x_train
        self.start = self._start_values()
        # The twin: float64 NumPy from the very values the torch run starts from.
        twin_config = self.config.with_changes(
            backend="numpy", init_b=float(self.start[0]), init_w=float(self.start[1])
        )
        self._twin = Machine(twin_config, self.data)
        self._twin.reset()
        if self.state.batch_size != self._twin.state.batch_size:
            self._twin.set_batch_size(self.state.batch_size)

    # --- what the panes read --------------------------------------------

    @property
    def twin(self) -> Machine:
        """The NumPy machine run in lockstep (same start, same batches, same settings)."""
        assert self._twin is not None
        return self._twin

    def parity(self) -> tuple[float, float] | None:
        """(|b_torch - b_numpy|, |w_torch - w_numpy|) now, or None before step 0."""
        state, other = self.state, self.twin.state
        if state.b is None or other.b is None or state.w is None or other.w is None:
            return None
        return abs(float(state.b[0]) - float(other.b[0])), abs(float(state.w[0]) - float(other.w[0]))

    def source_functions(self) -> tuple[tuple[Any, int], ...]:
        """The code this machine runs, as (function or class, step), in the order shown.

        Steps 0-5; 6 for the validation loss (run in step 5 at an epoch's end); 7 for code
        shown beside the steps (the model class), never marked as running.
        """
        shown: list[tuple[Any, int]] = [(item, 7) for item in self.variant.shown]
        shown.append((self.variant.initialize, 0))
        shown.append((MAKE_OPTIMIZER[self.state.optimizer], 0))
        if self._starts_from_values():
            shown.append((steps.start_from, 0))
        shown.append((self.variant.forward, 1))
        shown.append((steps.loss, 2))
        shown.append((steps.gradients, 3))
        shown.append((steps.update if self.config.zero_grad else steps.update_keeping_grads, 4))
        shown.append((steps.repeat, 5))
        shown.append((steps.validation_loss, 6))
        return tuple(shown)

    def parameter_lines(self) -> list[str]:
        """The parameters as PyTorch prints them: the tensors, or model.state_dict()."""
        if self._model is None:
            return []
        if isinstance(self._model, tuple):
            b, w = self._model
            return [f"b = {b.detach()!r}", f"w = {w.detach()!r}"]
        lines = ["model.state_dict()"]
        lines += [f"  {name!r}: {value!r}" for name, value in self._model.state_dict().items()]
        return lines

    def experiment_graph(self, name: str) -> graph.Graph:
        """The graph one of the book's experiments builds on the current batch (the run is untouched)."""
        return experiments.run(name, self._x, self._y, self.config.seed)

    def printed(self) -> str | None:
        """What the book prints at the end of its loop: print(b, w), or print(model.state_dict())."""
        if self._model is None:
            return None
        if isinstance(self._model, tuple):
            b, w = self._model
            return f"{b} {w}"
        return str(self._model.state_dict())

    def grads(self) -> tuple[float | None, float | None]:
        """b.grad and w.grad as they are now (None once zero_grad() has let them go)."""
        if self._model is None:
            return None, None
        b, w = _parameters(self._model)
        return (
            None if b.grad is None else float(b.grad.reshape(-1)[0]),
            None if w.grad is None else float(w.grad.reshape(-1)[0]),
        )

    # --- lockstep ---------------------------------------------------------

    def reset(self) -> State:
        state = super().reset()
        self._clear_live()
        if self._twin is not None:
            self._twin.reset()
        return state

    def advance(self) -> State:
        state = super().advance()
        self.twin.goto(state.t)
        return state

    def back(self) -> State:
        state = super().back()
        self.twin.back()
        return state

    def goto(self, t: int) -> State:
        if t <= self.state.t:
            state = super().goto(t)
        else:
            self._bulk = True
            try:
                super().goto(t)
            finally:
                self._finish_bulk()
            state = self.state
        self.twin.goto(t)
        return state

    def run_until(self, predicate: Predicate, max_steps: int = 10**8) -> str:
        self._bulk = True
        try:
            return super().run_until(predicate, max_steps)
        finally:
            self._finish_bulk()
            self.twin.goto(self.state.t)

    def _finish_bulk(self) -> None:
        """Replay the update in progress from its checkpoint in full (a few steps)."""
        self._bulk = False
        self._goto(self.state.t)

    def set_lr(self, lr: float) -> None:
        super().set_lr(lr)
        self.twin.set_lr(lr)

    def set_batch_size(self, batch_size: int) -> None:
        super().set_batch_size(batch_size)
        if self._twin is not None:
            self._twin.set_batch_size(batch_size)

    def set_optimizer(self, optimizer: str) -> None:
        if optimizer in ("momentum", "nesterov") and self.config.momentum == 0:
            raise ConfigError("momentum", TORCH_NO_MOMENTUM)
        super().set_optimizer(optimizer)
        self.twin.set_optimizer(optimizer)

    def step_into(self) -> State:
        """As advance(): torch.optim's step() is one call, with no lines of its own to step into."""
        return self.advance()

    def _scratch(self) -> Machine:
        """History rows are recomputed on torch too: the replay must give this run's float32 numbers."""
        scratch = TorchMachine(self.config, self.data)
        scratch._bulk = True
        return scratch

    def _adopted(self) -> None:
        """After a session's record put this machine in place: the twin replays the same settings to the same step."""
        twin = self.twin
        twin.reset()
        lr, batch_size, optimizer = self.start_settings
        if lr != twin.state.lr:
            twin.set_lr(lr)
        if batch_size != twin.state.batch_size:
            twin.set_batch_size(batch_size)
        twin.set_optimizer(optimizer)
        for t, name, value in self._settings:
            twin.goto(t)
            if name == "lr":
                twin.set_lr(float(value))
            elif name == "optimizer":
                twin.set_optimizer(str(value))
            else:
                twin.set_batch_size(int(value))
        twin.goto(self.state.t)

    # --- the steps --------------------------------------------------------

    def _starts_from_values(self) -> bool:
        config = self.config
        return config.init == "numpy" or config.init_b is not None or config.init_w is not None

    def _start_from(self) -> tuple[float, float] | None:
        """The values step 0 starts from instead of its own draw, if any."""
        if not self._starts_from_values():
            return None
        config = self.config
        b, w = (numpy_steps.initialize(config.seed)) if config.init == "numpy" else (None, None)
        b_start = config.init_b if config.init_b is not None else None if b is None else float(b[0])
        w_start = config.init_w if config.init_w is not None else None if w is None else float(w[0])
        return b_start, w_start  # type: ignore[return-value]

    def _make(self) -> None:
        """Build the model, optimizer and loss function as step 0 does."""
        self._model, self._optimizer, self._loss_fn = self.variant.initialize(
            self.config.seed, self.state.lr, self.dtype, self._make_optimizer()
        )
        start = self._start_from()
        if start is not None:
            b, w = _parameters(self._model)
            b_start, w_start = start
            steps.start_from(
                b, w, float(b.detach().reshape(-1)[0]) if b_start is None else b_start,
                float(w.detach().reshape(-1)[0]) if w_start is None else w_start,
            )  # fmt: skip

    def _make_optimizer(self) -> Callable[..., torch.optim.Optimizer]:
        """Step 0's make_optimizer: the selected optimizer's function with its settings from the config."""
        name = self.state.optimizer
        return partial(MAKE_OPTIMIZER[name], **self.config.hyperparameters(name))

    def _start_values(self) -> tuple[float, float]:
        """b and w right after step 0, found without touching the run (or torch's global seed)."""
        model, optimizer, loss_fn = self._model, self._optimizer, self._loss_fn
        with torch.random.fork_rng(devices=[]):
            self._make()
            b, w = _parameters(self._model)
            values = float(_value(b)[0]), float(_value(w)[0])
        self._model, self._optimizer, self._loss_fn = model, optimizer, loss_fn
        return values

    def _clear_live(self) -> None:
        self._model = self._optimizer = self._loss_fn = None
        self._loss_tensor = self._yhat_tensor = None
        self.graph = None

    def _initialize(self) -> None:
        state = self.state
        self._make()
        b_t, w_t = _parameters(self._model)
        state.b, state.w = _value(b_t), _value(w_t)
        self._loss_tensor = self._yhat_tensor = None
        self.graph = None
        self.history.path.append((state.b[0], state.w[0]))
        state.shuffled = state.batch_size < self.data.n_train
        self._select_batch()
        state.cursor = 1

    def _forward(self) -> None:
        state = self.state
        if isinstance(self._model, tuple):
            b, w = self._model
            yhat = self.variant.forward(b, w, self._x)
        else:
            yhat = self.variant.forward(self._model, self._x)
        self._yhat_tensor = yhat
        state.yhat = None if self._bulk else _values(yhat)
        state.cursor = 2

    def _loss(self) -> None:
        state = self.state
        loss = steps.loss(self._loss_fn, self._yhat_tensor, self._y)
        self._loss_tensor = loss
        state.loss = float(loss.item())
        if not self._bulk:
            with torch.no_grad():
                state.error = _values(self._yhat_tensor - self._y)  # type: ignore[operator]
            self.graph = graph.read(loss, self._graph_names())
        if not isfinite(state.loss):
            self._diverge(2)
        state.cursor = 3

    def _gradients(self) -> None:
        state = self.state
        steps.gradients(self._loss_tensor)
        b_grad, w_grad = self.grads()
        state.b_grad, state.w_grad = b_grad, w_grad
        if self.graph is not None and not self._bulk:
            self.graph = self.graph.with_grads(self._named_parameters())
        if not (b_grad is not None and isfinite(b_grad) and w_grad is not None and isfinite(w_grad)):
            self._diverge(3)
        state.cursor = 4

    def _update(self) -> None:
        state = self.state
        optimizer = self._optimizer
        assert optimizer is not None
        for group in optimizer.param_groups:
            group["lr"] = state.lr  # a learning rate set mid-run applies from this update
        if self.config.zero_grad:
            steps.update(optimizer)
        else:
            steps.update_keeping_grads(optimizer)
        b_t, w_t = _parameters(self._model)
        b, w = _value(b_t), _value(w_t)
        state.b, state.w = b, w
        if state.optimizer != "sgd":
            state.buffers = self._buffers(optimizer, b_t, w_t)
        b0, w0 = b[0], w[0]
        if not (isfinite(b0) and isfinite(w0)):
            self._diverge(4)
        state.update += 1
        loss = state.loss
        history = self.history
        history.update_loss.append(loss)
        history.path.append((b0, w0))
        state.epoch_loss_sum += loss  # type: ignore[operator]
        state.cursor = 5

    def _buffers(self, optimizer: torch.optim.Optimizer, b: torch.Tensor, w: torch.Tensor) -> tuple[object, ...]:
        """torch's optimizer state as State.buffers: a (2,) array (b, w) per buffer, Adam's t as an int."""
        found: list[object] = []
        b_state, w_state = optimizer.state.get(b, {}), optimizer.state.get(w, {})
        for name in self.state.buffer_names:
            key = TORCH_KEYS[name]
            if name == "t":
                found.append(int(b_state[key]) if key in b_state else 0)
            elif key in b_state and key in w_state:
                found.append(np.concatenate((_value(b_state[key]), _value(w_state[key]))))
            else:
                found.append(np.zeros(2))
        return tuple(found)

    def _put_buffers(self) -> None:
        """State.buffers into torch's optimizer state (after a checkpoint is restored)."""
        state, optimizer = self.state, self._optimizer
        if state.optimizer == "sgd" or optimizer is None:
            return
        values = dict(zip(state.buffer_names, state.buffers, strict=True))
        for index, parameter in enumerate(_parameters(self._model)):
            kept = optimizer.state[parameter]
            # RMSprop and AdaGrad count steps too, for options left at their defaults (unused).
            kept["step"] = torch.tensor(float(values.get("t", 0)), dtype=torch.float32)  # type: ignore[arg-type]
            for name, value in values.items():
                if name != "t":
                    kept[TORCH_KEYS[name]] = torch.full_like(parameter, float(value[index]))  # type: ignore[index]

    def _apply_setting(self, name: str, value: float | str) -> None:
        super()._apply_setting(name, value)
        if name == "optimizer" and self._model is not None:
            # A new torch.optim optimizer on the same parameters: its state starts at zero.
            self._optimizer = self._make_optimizer()(_parameters_in_order(self._model), lr=self.state.lr)

    def _repeat(self) -> None:
        super()._repeat()
        # They belonged to the batch just finished (as yhat and error do): a new graph comes with step 2.
        self._loss_tensor = self._yhat_tensor = None
        self.graph = None

    def _select_batch(self) -> None:
        super()._select_batch()
        state = self.state
        if not hasattr(self, "_x_train"):
            return  # during Machine.__init__: reset() picks no batch yet
        start, stop = state.start, state.start + state.batch_size
        if state.batch_idx is not None:
            index = torch.from_numpy(state.batch_idx)
            self._x, self._y = self._x_train[index], self._y_train[index]
        else:
            self._x, self._y = self._x_train[start:stop], self._y_train[start:stop]

    def _graph_names(self) -> dict[str, torch.Tensor]:
        names = self._named_parameters()
        names.update(yhat=self._yhat_tensor, x=self._x, y=self._y)  # type: ignore[arg-type]
        return names

    def _named_parameters(self) -> dict[str, torch.Tensor]:
        b, w = _parameters(self._model)
        if isinstance(self._model, tuple):
            return {"b": b, "w": w}
        return dict(self._model.named_parameters())

    # --- checkpoints --------------------------------------------------------

    def _restored(self) -> None:
        """A checkpoint (always taken at cursor 1, or before step 0) is the state: rebuild the tensors."""
        state = self.state
        self._clear_live()
        if not state.initialized:
            return
        with torch.random.fork_rng(devices=[]):
            self._make()
        b_t, w_t = _parameters(self._model)
        with torch.no_grad():
            b_t.copy_(torch.from_numpy(state.b).reshape(b_t.shape))  # type: ignore[arg-type]
            w_t.copy_(torch.from_numpy(state.w).reshape(w_t.shape))  # type: ignore[arg-type]
        self._put_buffers()
        if not self.config.zero_grad and state.b_grad is not None and state.w_grad is not None:
            # Without zero_grad() the gradients are carried from update to update: they are the
            # running sums that step 3 last recorded.
            b_t.grad = torch.full_like(b_t, state.b_grad)
            w_t.grad = torch.full_like(w_t, state.w_grad)
