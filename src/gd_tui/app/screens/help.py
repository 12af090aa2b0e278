"""Help: every key (from the key table, keys.py) and what each of the six steps does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from gd_tui.app.keys import help_rows, key_for
from gd_tui.app.runner import GRAD_CONVERGED, LOSS_CONVERGED, PATIENCE

STEPS = (
    ("0 initialize", "draw random b and w: where gradient descent starts"),
    ("1 forward", "predictions for the batch: ŷ = b + w·x"),
    ("2 loss", "error = ŷ − y; loss = mean(error²), the mean squared error"),
    ("3 gradients", "b_grad = 2·mean(error), w_grad = 2·mean(x·error): the loss's slopes"),
    ("4 update", "b ← b − lr·b_grad, w ← w − lr·w_grad: a step downhill"),
    ("5 repeat", "next batch; after the last one the epoch ends and the validation loss is computed"),
)


COUNTING = (
    'Counting from 1: "epoch 3" and "batch 2/5" are in progress, finished work says so ("12 updates done"); '
    "the same in messages, JSON and CSV."
)

CONVERGED = (
    f"With no breakpoint, {key_for('continue')} stops when converged: gradient size below {GRAD_CONVERGED:g}, an "
    f"epoch changing the mean loss by under {LOSS_CONVERGED:g} (relative), or (mini-batch, stochastic) no new low "
    f"in {PATIENCE} epochs."
)

# The two columns at 120 columns and wider; one under the other below that.
COLUMNS = (("stepping", "running", "settings"), ("views", "files"))


def _keys_table(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for shown, what in rows:
        table.add_row(shown, what)
    return table


class HelpScreen(ModalScreen[None]):
    """The keys by group and the six steps; any of escape, ? or q closes it."""

    BINDINGS = [Binding("escape,question_mark,q,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        rows = help_rows()
        steps = Table.grid(padding=(0, 2))
        steps.add_column(style="bold", no_wrap=True)
        steps.add_column()
        for name, what in STEPS:
            steps.add_row(name, what)
        with VerticalScroll(id="help"):
            close = f"escape, {key_for('help')} or q closes this help · ↑ ↓ PgUp PgDn scroll"
            yield Static(Text(close, style="dim"))
            with Horizontal(id="help-keys"):
                for groups in COLUMNS:
                    with Vertical(classes="help-column"):
                        for group in groups:
                            yield Static(Text(group.capitalize(), style="bold underline"))
                            yield Static(_keys_table([(shown, what) for g, shown, what in rows if g == group]))
            yield Static(Text("The six steps", style="bold underline"))
            yield Static(steps)
            yield Static(Text(f"{CONVERGED}\n{COUNTING}", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
