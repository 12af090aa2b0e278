"""The breakpoints dialog: training events that stop a `continue` run."""

from __future__ import annotations

import math

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static

from gd_tui.app.format import shown
from gd_tui.app.keys import key_for
from gd_tui.app.messages import done_already
from gd_tui.app.screens.typed import TypedInput
from gd_tui.engine.breakpoints import Breakpoints
from gd_tui.engine.limits import MAX_EPOCHS


class BreakpointError(ValueError):
    """A field holds a value no breakpoint can use."""


def _positive(label: str, text: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise BreakpointError(f"{label}: must be a number above 0, or empty for off (got {text!r})") from None
    if not math.isfinite(value) or value <= 0:
        raise BreakpointError(f"{label}: must be a finite number above 0, or empty for off (got {text!r})")
    return value


def _epoch(text: str) -> int | None:
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise BreakpointError(
            f"epoch reached: must be a whole number from 1 to {MAX_EPOCHS}, or empty for off (got {text!r})"
        ) from None
    if not 1 <= value <= MAX_EPOCHS:
        raise BreakpointError(
            f"epoch reached: must be a whole number from 1 to {MAX_EPOCHS}, or empty for off (got {value})"
        )
    return value


def parse_breakpoints(loss_below: str, loss_went_up: bool, grad_below: str, epoch_reached: str) -> Breakpoints:
    """Breakpoints from the dialog's fields; raises BreakpointError naming the bad field."""
    return Breakpoints(
        loss_below=_positive("loss below", loss_below.strip()),
        loss_went_up=loss_went_up,
        grad_below=_positive("gradient size below", grad_below.strip()),
        epoch_reached=_epoch(epoch_reached.strip()),
    )


def _text(value: float | None) -> str:
    """The value exactly as set: %g would round 0.123456789 and write 1234567 as 1.23457e+06."""
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else repr(float(value))


class TickBox(Checkbox):
    """A checkbox that reads ticked (X) or unticked (blank) without colour, as under NO_COLOR."""

    def render(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super().render()


class BreakpointsScreen(ModalScreen[Breakpoints | None]):
    """Tab moves between fields, Enter applies, Escape cancels; empty fields are off."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: Breakpoints, epochs_done: int = 0) -> None:
        super().__init__()
        self._current = current
        self._epochs_done = epochs_done

    def compose(self) -> ComposeResult:
        current = self._current
        with Vertical(id="dialog"):
            yield Static(
                f"[b]Breakpoints for {key_for('continue')} (continue)[/b]\n"
                "Tab moves, space ticks, Enter applies, Escape cancels"
            )
            yield Label("loss below")
            yield TypedInput(_text(current.loss_below), id="loss-below", placeholder="off")
            yield TickBox("loss went up (from one update to the next)", current.loss_went_up, id="loss-went-up")
            yield Label("gradient size below  (√(b_grad² + w_grad²))")
            yield TypedInput(_text(current.grad_below), id="grad-below", placeholder="off")
            yield Label("epoch reached")
            yield TypedInput(_text(current.epoch_reached), id="epoch-reached", placeholder="off")
            yield Label("diverged: always on (empty fields are off)", classes="dim")
            yield Static("", id="error")

    @on(Input.Submitted)
    def _apply(self) -> None:
        try:
            breakpoints = parse_breakpoints(
                self.query_one("#loss-below", Input).value,
                self.query_one("#loss-went-up", Checkbox).value,
                self.query_one("#grad-below", Input).value,
                self.query_one("#epoch-reached", Input).value,
            )
        except BreakpointError as error:
            self.query_one("#error", Static).update(shown(str(error)))
            return
        epoch, done = breakpoints.epoch_reached, self._epochs_done
        if epoch is not None and epoch != self._current.epoch_reached and epoch <= done:
            # It would never hold: it holds at the end of that very epoch (as go to refuses it).
            self.query_one("#error", Static).update(shown(f"epoch reached: {done_already('epoch', epoch, done)}"))
            return
        self.dismiss(breakpoints)

    def action_cancel(self) -> None:
        self.dismiss(None)
