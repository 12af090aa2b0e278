"""Parameters: b and w with their last change, the reference answers, lr, batch and progress."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from gd_tui.app.format import num, signed
from gd_tui.app.view import View
from gd_tui.app.widgets.lines import set_titles
from gd_tui.app.widgets.pane import Pane, lines


class ParamsPane(Pane):
    """b, w, what they should become, and where the run stands."""

    TITLE = "Parameters"

    def build(self, view: View) -> list[Text]:
        machine = view.machine
        state = machine.state
        data = machine.data
        path = machine.history.path.values
        marks = self.marks
        b_change = w_change = None
        if state.last_step == 4 and len(path) >= 2:
            b_change, w_change = path[-1] - path[-2]
        rows = []
        for name, value, change in (("b", state.b, b_change), ("w", state.w, w_change)):
            row = Text.assemble(f"{name} ", marks.value(name, num(value).rjust(12), "bold"))
            if change is not None:
                row.append(f"  Δ {signed(change)}", style="dim")
            rows.append(row)
        set_titles(self, f"Parameters · {view.lesson_title.split(':')[0]}" if view.lesson_title else "Parameters")
        per_epoch = machine.updates_per_epoch
        progress = [
            Text.assemble(
                "lr ", marks.value("lr", f"{state.lr:g}", "bold"), f"  batch {state.batch_size} ({machine.mode})"
            ),
            Text.assemble(
                "epoch ",
                marks.value("epoch", str(state.epoch)),
                "  update ",
                marks.value("update", str(state.update)),
                f"  ({per_epoch}/epoch)",
            ),
        ]
        parity = getattr(machine, "parity", None)
        if parity is not None:
            return lines(*rows, *torch_rows(machine, parity()), *progress)
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
        return lines(*rows, true, lstsq, *progress, stable)


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
