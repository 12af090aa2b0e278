"""Help: every key (from the key table, keys.py) and what each of the six steps does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from gd_tui.app.keys import help_rows

STEPS = (
    ("0 initialize", "draw random b and w: where gradient descent starts"),
    ("1 forward", "predictions for the batch: ŷ = b + w·x"),
    ("2 loss", "error = ŷ − y; loss = mean(error²), the mean squared error"),
    ("3 gradients", "b_grad = 2·mean(error), w_grad = 2·mean(x·error): the loss's slopes"),
    ("4 update", "b ← b − lr·b_grad, w ← w − lr·w_grad: a step downhill"),
    ("5 repeat", "next batch; after the last one the epoch ends and the validation loss is computed"),
)


class HelpScreen(ModalScreen[None]):
    """The keys and the six steps; any of escape, ? or q closes it."""

    BINDINGS = [Binding("escape,question_mark,q,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold")
        keys.add_column()
        for _, shown, what in help_rows():
            keys.add_row(shown, what)
        steps = Table.grid(padding=(0, 2))
        steps.add_column(style="bold")
        steps.add_column()
        for name, what in STEPS:
            steps.add_row(name, what)
        with VerticalScroll(id="help"):
            yield Static(Text("Keys", style="bold underline"))
            yield Static(keys)
            yield Static(Text("\nThe six steps", style="bold underline"))
            yield Static(steps)
            yield Static(Text("\nescape, ? or q closes this help", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
