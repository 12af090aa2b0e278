"""Loss: the MSE formula with its numbers, the batch loss and the last validation loss."""

from __future__ import annotations

from rich.text import Text

from gd_tui.app.format import num
from gd_tui.app.view import View
from gd_tui.app.widgets.pane import Pane, lines


class LossPane(Pane):
    """The loss of the current batch, and on the validation set at the last epoch end."""

    TITLE = "Loss"

    def build(self, view: View) -> list[Text]:
        machine = view.machine
        state = machine.state
        marks = self.marks
        n = 0 if state.x_batch is None else len(state.x_batch)
        # Dim until step 2 has computed it for this batch; short enough for 80 columns at any n.
        points = "1 point" if n == 1 else f"{n:,} points"
        formula = Text(f"loss = mean((ŷ − y)²) over {points}", style="dim" if state.error is None else "")
        # The last finished epoch's mean training loss beside its validation loss: the two
        # numbers the mini-batch and stochastic lessons compare.
        history = machine.history
        done = state.epoch
        when = f"epoch {done}" if done else "epoch 1"
        train_mean = history.epoch_loss[-1] if done else None
        train = Text.assemble(f"{when} train mean ", marks.value("train", num(train_mean)))
        if not machine.data.n_val:
            validation = Text(f"{when} val loss   —  (no validation set)", style="dim")
        else:
            validation = Text.assemble(f"{when} val loss   ", marks.value("val", num(state.val_loss)))
        if not done:
            train.stylize("dim")
            validation.stylize("dim")
        # Until step 2 runs again, the loss on screen is the previous update's: dim, and it says so.
        earlier = state.cursor in (1, 2) and state.loss is not None
        loss = Text.assemble("loss     ", marks.value("loss", num(state.loss), "dim" if earlier else "bold"))
        if earlier:
            loss.append(f"  of update {state.update:,}", style="dim")
        return lines(formula, loss, train, validation)
