"""The status line: where the run stands, in one line, while a pane is zoomed and the others are hidden."""

from __future__ import annotations

from rich.text import Text

from gd_tui.app.format import scalar
from gd_tui.app.view import View
from gd_tui.app.widgets.lines import LinesView
from gd_tui.engine import STEP_NAMES


def _g(value: object) -> str:
    number = scalar(value)
    return "—" if number is None else f"{number:.6g}"


def status_texts(view: View) -> list[str]:
    """The status, longest form first: 'step 3 gradients ✓  epoch 1  update 1  b 0.801195  w 0.0451111  loss 1.63'."""
    state = view.machine.state
    numbers = f"b {_g(state.b)}  w {_g(state.w)}  loss {_g(state.loss)}"
    where = f"epoch {state.epoch}  update {state.update}"
    if state.last_step is None:
        return [f"before step 0  {where}  {numbers}"]
    step = f"step {state.last_step}"
    return [f"{step} {STEP_NAMES[state.last_step]} ✓  {where}  {numbers}", f"{step} ✓  {where}  {numbers}"]


class StatusLine(LinesView):
    """Shown by the layout only in the zoomed view; built only while shown, so a press pays nothing otherwise."""

    def show(self, view: View) -> None:
        if self.screen.maximized is None:
            return
        texts = status_texts(view)
        width = self.content_region.width or 78
        text = next((text for text in texts if len(text) <= width), texts[-1])
        self.set_lines([Text(text, style="bold", end="")])
