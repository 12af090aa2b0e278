"""Gradients: both formulas with their numbers, beside a finite-difference check."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.text import Text

from gd_tui.app.format import Marks, num, scalar, short
from gd_tui.app.view import View
from gd_tui.app.widgets.pane import Pane, lines
from gd_tui.engine.analysis import numerical_gradients


class GradientsPane(Pane):
    """b_grad and w_grad as step 3 computed them, and a central-difference check."""

    TITLE = "Gradients"

    # No cache: the check costs about 0.17 ms on book data (four losses over the batch),
    # under the 0.5 ms a cache must save to be worth the risk of showing a stale verdict.
    def _numerical(self, view: View) -> tuple[float, float] | None:
        """The check at the point where step 3 ran, shown while its gradients are the latest."""
        state = view.machine.state
        if state.b_grad is None or state.x_batch is None or state.last_step not in (3, 4):
            return None
        b, w = scalar(state.b), scalar(state.w)
        if state.last_step == 4:  # the check belongs to the point before the update
            b, w = view.machine.history.path[-2]
        return numerical_gradients(b, w, state.x_batch, state.y_batch)  # type: ignore[arg-type]

    def show(self, view: View) -> None:
        # Taller with an optimizer's state to show (heights in app.tcss): changes only with the optimizer.
        optimizer = view.machine.state.optimizer
        self.set_class(optimizer in ("momentum", "nesterov", "adagrad", "rmsprop"), "-one-buffer")
        self.set_class(optimizer == "adam", "-adam")
        super().show(view)

    def build(self, view: View) -> list[Text]:
        state = view.machine.state
        marks = self.marks
        if getattr(view.machine, "grads", None) is not None:
            return self._torch(view)
        check = self._numerical(view)
        if check is None and state.b_grad is not None and state.cursor in (1, 2, 3):
            # The gradients above are the last update's until step 3 runs again: it says so.
            verdict = Text(f"of update {state.update:,}; the check follows step 3", style="dim")
        elif check is None:
            verdict = Text("finite-difference check after step 3", style="dim")
        else:
            agree = all(
                abs(a - n) <= 1e-5 * max(1.0, abs(a))
                for a, n in zip((scalar(state.b_grad), scalar(state.w_grad)), check, strict=True)  # type: ignore[arg-type]
            )
            verdict = Text(f"check b {num(check[0], 6)}  w {num(check[1], 6)} {'✓' if agree else '✗'}")
        # Until step 3 runs again, the gradients on screen are the previous update's.
        style = "dim" if state.cursor in (1, 2, 3) else "bold"
        self._optimizer_rows = optimizer_rows(view, marks)
        return lines(
            Text.assemble("b_grad = 2·mean(error)   ", marks.value("b_grad", num(state.b_grad), style)),
            Text.assemble("w_grad = 2·mean(x·error) ", marks.value("w_grad", num(state.w_grad), style)),
            verdict,
            *self._fitted_rows(self.content_region.width),
        )

    _optimizer_rows: list[tuple[str, Text]] = []
    FIXED_ROWS = 3

    def _fitted_rows(self, width: int) -> list[Text]:
        """The optimizer's rows for this width: the numbers whole, the formula cut short if it must be."""
        return [fitted_row(label, numbers, width) for label, numbers in self._optimizer_rows]

    def fit(self, width: int, height: int) -> None:
        # A new width may cut the formulas differently: the screen is a function of state and size.
        if self._optimizer_rows and len(self._lines) > self.FIXED_ROWS:
            rows = [self._known_line(row) for row in self._fitted_rows(width)]
            self._lines[self.FIXED_ROWS : self.FIXED_ROWS + len(rows)] = rows

    def _torch(self, view: View) -> list[Text]:
        """The torch backend: what loss.backward() left in b.grad and w.grad, and what they hold now."""
        machine: Any = view.machine
        state = machine.state
        marks = self.marks
        style = "dim" if state.cursor in (1, 2, 3) else "bold"
        b_now, _ = machine.grads()
        self._optimizer_rows = optimizer_rows(view, marks)
        if machine.config.zero_grad:
            now = (
                Text("zero_grad() let them go: b.grad is None", style="dim")
                if state.last_step in (4, 5) and b_now is None
                else Text("loss.backward() fills b.grad, w.grad")
            )
        else:
            now = Text(f"no zero_grad(): sums of {state.update + (state.cursor == 4)} updates' gradients", style="bold")
        return lines(
            Text.assemble("b.grad ", marks.value("b_grad", num(state.b_grad), style)),
            Text.assemble("w.grad ", marks.value("w_grad", num(state.w_grad), style)),
            now,
            *self._fitted_rows(self.content_region.width),
        )


# Each optimizer's state as the Gradients pane shows it: (name, formula), in update order.
# Short enough for the 80-column layout: formula, then b's and w's numbers.
FORMULAS = {
    "momentum": (("buffer", "buffer = β·buf + g"),),
    "nesterov": (("buffer", "buffer = β·buf + g"),),
    "adagrad": (("sum_sq", "sum_sq += g²"),),
    "rmsprop": (("square_avg", "sq_avg = α·sq+(1−α)g²"),),
    "adam": (
        ("m", "m = β1·m+(1−β1)·g"),
        ("v", "v = β2·v+(1−β2)·g²"),
        ("m_hat", "m̂ = m/(1−β1ᵗ)"),
        ("v_hat", "v̂ = v/(1−β2ᵗ)"),
    ),
}
FORMULA_WIDTH = 20


def fitted_row(label: str, numbers: Text, width: int) -> Text:
    """The label padded to FORMULA_WIDTH then the numbers; where that is too wide, the label
    gives way (cut with …), never a number."""
    room = max(1, (width or 10**6) - len(numbers))
    if len(label) >= room:
        label = label[: max(0, room - 2)] + "…" if room >= 2 else ""
    return Text.assemble(f"{label:<{min(FORMULA_WIDTH, room)}}", numbers)


def optimizer_rows(view: View, marks: Marks) -> list[tuple[str, Text]]:
    """The optimizer's state, formula and numbers for b and w, and the last update's step.

    Inside step 4 (stepping into it) the values are the update's own after the lines run
    so far; outside, the state the last update left.
    """
    machine = view.machine
    state = machine.state
    if state.optimizer == "sgd":
        return []
    scope = machine.update_scope()
    values = scope or dict(zip(state.buffer_names, state.buffers, strict=True))
    t = values.get("t")
    if not scope and state.optimizer == "adam" and isinstance(t, int) and t >= 1:
        # After an update m̂ and v̂ are what it used: its m, v and t are the state's now.
        beta1, beta2 = machine.config.betas
        values = {**values, "m_hat": values["m"] / (1 - beta1**t), "v_hat": values["v"] / (1 - beta2**t)}
    rows: list[tuple[str, Text]] = []
    for name, formula in FORMULAS[state.optimizer]:
        value = values.get(name)
        if isinstance(value, np.ndarray):
            numbers = Text.assemble(
                "b ", marks.value(f"{name}.b", short(value[0])), " w ", marks.value(f"{name}.w", short(value[1]))
            )
        else:
            numbers = Text("(a line to come)", style="dim")
        rows.append((formula, numbers))
    path = machine.history.path  # two rows of it: `.values` would recompute a long run's every row
    if len(path) >= 2:
        step = path[-1] - path[-2]
        t = values.get("t", "")
        numbers = Text.assemble(
            "b ", marks.value("step.b", short(step[0])), " w ", marks.value("step.w", short(step[1]))
        )
        rows.append(("last Δ" + (f" (t={t})" if t != "" else ""), numbers))
    return rows
