"""The next-step line: what the next key press does and why, or why the run stopped."""

from __future__ import annotations

from rich.text import Text

from gd_tui.app.format import plural
from gd_tui.app.keys import key_for
from gd_tui.app.view import View
from gd_tui.app.widgets.lines import LinesView
from gd_tui.engine import STEP_NAMES

ROW_CACHE = 64  # wrapped sentences kept (messages with numbers in them come and go)


def next_sentence(view: View) -> str:
    """One plain sentence about the step under the cursor, in the lesson's spirit."""
    machine = view.machine
    state = machine.state
    n = 0 if state.x_batch is None else len(state.x_batch)
    batch, batches = machine.batch_position()
    where = f"batch {batch}/{batches} of epoch {state.epoch + 1}"
    match state.cursor:
        case 0:
            return f"Next: step 0, initialize — draw a random b and w (seed {machine.config.seed}) to start from."
        case 1:
            return f"Next: step 1, forward — predict ŷ = b + w·x for the {plural(n, 'point')} of {where}."
        case 2:
            return "Next: step 2, loss — how far off are we? error = ŷ − y, loss = mean(error²)."
        case 3:
            return "Next: step 3, gradients — which way, and how steeply, the loss rises in b and in w."
        case 4:
            return f"Next: step 4, update — move b and w against their gradients, scaled by lr {state.lr:g}."
        case _:
            if machine.epoch_ends_with_batch():
                return (
                    f"Next: step 5, repeat — {where} is the last: the epoch ends and the validation loss is computed."
                )
            return f"Next: step 5, repeat — on to batch {batch + 1}/{batches}; the epoch goes on."


def divergence_banner(view: View) -> str | None:
    """The plain-words alarm when the numbers stopped being finite."""
    state = view.machine.state
    if state.diverged_at is None:
        return None
    epoch, update, step = state.diverged_in  # type: ignore[misc]
    limit = view.reference.stability.critical_lr
    why = (
        f"lr {state.lr:g} is above the largest stable rate {limit:.3g}"
        if state.lr > limit
        else "the numbers overflowed"
    )
    return (
        f"DIVERGED in update {update} (epoch {epoch}), step {step} {STEP_NAMES[step]}: {why}. "
        f"Press {key_for('back')} to step back, {key_for('lr_down')} to lower lr, {key_for('reset')} to reset."
    )


class NextStepLine(LinesView):
    """The sentence under the panes, wrapped to fit; a banner replaces it when the run diverged."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: Text | None = None
        # (sentence, its styles, width, height) -> rows: five sentences come round again
        # and again as a learner steps, and wrapping is the costly part of showing one.
        self._rows: dict[tuple[object, ...], list[Text]] = {}

    def build(self, view: View) -> Text:
        banner = divergence_banner(view)
        if banner:
            return Text(banner, style="bold reverse")
        text = Text(next_sentence(view))
        note = view.step_notes.get(view.machine.state.cursor)
        if view.message:
            text = Text.assemble((view.message, "bold"), "  ", text)
        elif note:
            text.append(f"  {note}", style="italic")
        return text

    def show(self, view: View) -> None:
        """Redraw when the sentence changes; its height is fixed by the layout."""
        text = self.build(view)
        if self._drawn is None or text != self._drawn or text.style != self._drawn.style:
            self._drawn = text
            self.set_lines(self._wrapped(*self.content_region.size))

    def fit(self, width: int, height: int) -> None:
        self._lines = self._wrapped(width, height)

    def _wrapped(self, width: int, height: int) -> list[Text]:
        text = self._drawn
        if text is None:
            return []
        if not width:  # not laid out yet
            return [text]
        key = (text.plain, text.style, *text.spans, width, height)
        rows = self._rows.get(key)
        if rows is None:
            rows = list(text.wrap(self.app.console, width))
            for row in rows:
                row.rstrip()  # a wrapped line keeps the space it broke at
            # Always as many lines as rows: a count that changed would repaint the whole line.
            rows += [Text()] * (height - len(rows))
            rows = rows[: max(height, 1)]
            if len(self._rows) >= ROW_CACHE:
                self._rows.clear()
            self._rows[key] = rows
        return rows

    @property
    def text(self) -> str:
        """The sentence as shown, unwrapped."""
        return "" if self._drawn is None else self._drawn.plain
