"""The status line: where the run stands, in one line, while a pane is zoomed and the others are hidden."""

from __future__ import annotations

from rich.text import Text
from textual.dom import NoScreen

from gd_tui.app.format import scalar
from gd_tui.app.view import View
from gd_tui.app.widgets.lines import LinesView
from gd_tui.engine import STEP_NAMES


def _g(value: object) -> str:
    number = scalar(value)
    return "—" if number is None else f"{number:.6g}"


def status_texts(view: View) -> list[str]:
    """The status, longest form first: 'step 3 gradients ✓  epoch 2  1 update done  b 0.801195  w 0.0451111 ...'."""
    state = view.machine.state
    numbers = f"b {_g(state.b)}  w {_g(state.w)}  loss {_g(state.loss)}"
    # As everywhere on screen: the epoch in progress counted from 1, the updates finished.
    where = f"epoch {state.epoch + 1}  {state.update} {'update' if state.update == 1 else 'updates'} done"
    if state.last_step is None:
        return [f"before step 0  {where}  {numbers}"]
    step = f"step {state.last_step}"
    return [f"{step} {STEP_NAMES[state.last_step]} ✓  {where}  {numbers}", f"{step} ✓  {where}  {numbers}"]


class StatusLine(LinesView):
    """Shown by the layout only in the zoomed view; built only while shown, so a press pays nothing otherwise."""

    _texts: list[str] = []

    def show(self, view: View) -> None:
        try:
            if self.screen.maximized is None:
                return
        except NoScreen:  # a run's last frame, as the app closes
            return
        self._texts = status_texts(view)
        self.set_lines(self._in_width(self.content_region.width))

    def fit(self, width: int, height: int) -> None:
        # A new width may take another form: what is shown depends on the state and the size only.
        if self._texts:
            self._lines = self._in_width(width)

    def _in_width(self, width: int) -> list[Text]:
        texts = self._texts
        text = next((text for text in texts if len(text) <= (width or 78)), texts[-1])
        return [self._known_line(Text(text, style="bold", end=""))]
