"""Parameters: b and w with their last change, the reference answers, lr, batch and progress."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from gd_tui.app.format import num, signed
from gd_tui.app.view import View
from gd_tui.app.widgets.lines import set_titles
from gd_tui.app.widgets.pane import Pane, lines
from gd_tui.engine.analysis import contraction, momentum_rate


def curvature_rows(view: View) -> list[Text]:
    """Per eigen-direction of the Hessian: λ and the factor batch gradient descent multiplies
    the error along it by each update, |1 − lr·λ| (and the heavy-ball rate with momentum).

    Below the pane's fixed rows: they show when the pane has room (zoomed, z).
    """
    state = view.machine.state
    low, high = view.reference.stability.eigenvalues
    rows = [Text("error factor per update, batch GD:", style="dim")]
    beta = view.machine.config.momentum if state.optimizer in ("momentum", "nesterov") else None
    for name, eigenvalue in (("steep", high), ("flat", low)):
        factor = contraction(state.lr, eigenvalue)
        row = Text(f"{name:<5} λ {eigenvalue:<8.4g} |1−lr·λ| {factor:.4g}")
        if factor > 1:
            row.stylize("bold")
        if beta is not None:
            row.append(f"  momentum {momentum_rate(state.lr, eigenvalue, beta):.4g}")
        rows.append(row)
    return rows


class ParamsPane(Pane):
    """b, w, what they should become, and where the run stands."""

    TITLE = "Parameters"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._progress: tuple[int, tuple[int, int], Text] = (1, (1, 1), Text("0"))
        self.progress_row = self.PROGRESS_ROW  # where the progress row is in the lines shown

    def build(self, view: View) -> list[Text]:
        machine = view.machine
        state = machine.state
        data = machine.data
        path = machine.history.path
        marks = self.marks
        b_change = w_change = None
        if state.last_step == 4 and len(path) >= 2:
            b_change, w_change = path[-1] - path[-2]
        # Stepping into step 4 (s), b and w as the lines run so far have left them.
        scope = machine.update_scope()
        b, w = scope["params"] if "params" in scope else (scope.get("b", state.b), scope.get("w", state.w))  # type: ignore[misc]
        rows = []
        for name, value, change in (("b", b, b_change), ("w", w, w_change)):
            row = Text.assemble(f"{name} ", marks.value(name, num(value).rjust(12), "bold"))
            if change is not None:
                row.append(f"  Δ {signed(change)}", style="dim")
            rows.append(row)
        true = (
            f"true   b {num(data.true_b, 4)}  w {num(data.true_w, 4)}"
            if data.true_b is not None
            else "true   unknown (CSV data)"
        )
        ols = view.reference.least_squares
        lstsq = f"lstsq  b {num(ols[0], 4)}  w {num(ols[1], 4)}" if ols else "lstsq  undefined (x is constant)"
        stability = view.reference.stability
        stable = Text(f"stable below lr ≈ {stability.critical_lr:.3g}")
        if state.lr >= stability.critical_lr and machine.mode == "batch":
            stable = Text(f"lr {state.lr:g} ≥ stable limit {stability.critical_lr:.3g}!", style="bold")
        set_titles(self, f"Parameters · {view.lesson_title.split(':')[0]}" if view.lesson_title else "Parameters")
        lr = Text.assemble(
            "lr ", marks.value("lr", f"{state.lr:g}", "bold"), f"  batch {state.batch_size} ({machine.mode})"
        )
        progress = self._progress_row(state.epoch + 1, machine.batch_position(), state.update)
        parity = getattr(machine, "parity", None)
        if parity is not None:
            # The torch backend: the parity line and the tensors as PyTorch prints them take
            # the reference rows' place (the data and fit chart draws those lines).
            extra = torch_rows(machine, parity())
            self.progress_row = len(rows) + len(extra) + 1
            return lines(*rows, *extra, lr, progress, *curvature_rows(view))
        self.progress_row = self.PROGRESS_ROW
        return lines(*rows, true, lstsq, lr, progress, stable, *curvature_rows(view))

    PROGRESS_ROW = 5

    def _progress_row(self, epoch: int, position: tuple[int, int], updates: int) -> Text:
        # The count is marked here, once per show; fit() words the row again for a new width.
        self._progress = (epoch, position, self.marks.value("update", str(updates)))
        return self._worded(self.content_region.width)

    def _worded(self, width: int) -> Text:
        """Where the run stands, as people count: the epoch and batch in progress, the updates
        finished, in the longest wording that fits the pane."""
        epoch, (batch, batches), updates = self._progress
        done = "update done" if updates.plain == "1" else "updates done"
        # What gives way first is the punctuation and the word "batch"; finished work always
        # says "done", as everywhere else (the epoch and batch are the ones in progress).
        for head, tail in (
            (f"epoch {epoch} · batch {batch}/{batches} · ", f" {done}"),
            (f"epoch {epoch}  batch {batch}/{batches}  ", f" {done}"),
            (f"epoch {epoch}  {batch}/{batches}  ", f" {done}"),
            (f"epoch {epoch}  {batch}/{batches}  ", " done"),
            (f"ep {epoch}  {batch}/{batches}  ", " done"),
        ):
            if not width or len(head) + len(updates) + len(tail) <= width:
                break
        return Text.assemble(head, updates, tail)

    def fit(self, width: int, height: int) -> None:
        # A new width may need another wording: the screen is a function of state and size.
        if len(self._lines) > self.progress_row:
            self._lines[self.progress_row] = self._known_line(self._worded(width))


def torch_rows(machine: Any, gap: tuple[float, float] | None) -> list[Text]:
    """The torch backend's parameters as PyTorch prints them, and the parity with NumPy run in lockstep."""
    dtype = machine.config.dtype
    if gap is None:
        parity = Text(f"parity with NumPy ({dtype}) after step 0", style="dim")
    else:
        parity = Text(f"|Δb| {gap[0]:.2g}  |Δw| {gap[1]:.2g}  {dtype} vs NumPy")
    printed = machine.parameter_lines()
    if not printed:
        printed = ["model.state_dict() after step 0" if machine.config.model != "manual" else "tensors after step 0"]
    shown = printed[1:] if printed[0] == "model.state_dict()" else printed
    return [parity, *(Text(line.strip(), style="dim" if len(printed) == 1 else "") for line in shown[:2])]
