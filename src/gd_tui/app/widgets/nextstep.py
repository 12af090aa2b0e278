"""The next-step line: what the next key press does and why, or why the run stopped."""

from __future__ import annotations

from rich.text import Text

from gd_tui.app.format import plural
from gd_tui.app.keys import key_for
from gd_tui.app.view import View
from gd_tui.app.widgets.lines import LinesView
from gd_tui.engine import STEP_NAMES
from gd_tui.engine.step_into import statements
from gd_tui.text import one_line

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
            return _update_sentence(view)
        case _:
            if machine.epoch_ends_with_batch():
                return (
                    f"Next: step 5, repeat — {where} is the last: the epoch ends and the validation loss is computed."
                )
            return f"Next: step 5, repeat — on to batch {batch + 1}/{batches}; the epoch goes on."


def _update_sentence(view: View) -> str:
    state = view.machine.state
    lines = statements(state.optimizer)
    if state.line:
        line = lines[state.line - 1]
        last = " (the last: it completes step 4)" if state.line == len(lines) else ""
        return f"Next: line {state.line}/{len(lines)} of {state.optimizer}{last} — {line.text}"
    if view.machine.config.backend == "torch":  # torch.optim's step() is one call: nothing to step into
        zero_grad = " then optimizer.zero_grad()" if view.machine.config.zero_grad else " (no zero_grad())"
        return f"Next: step 4, update — optimizer.step() ({state.optimizer}, lr {state.lr:g}){zero_grad}."
    into = key_for("step_into")
    if state.optimizer == "sgd":
        what = f"move b and w against their gradients, scaled by lr {state.lr:g}"
    else:
        what = f"{state.optimizer} moves b and w (lr {state.lr:g})"
    return f"Next: step 4, update — {what}; {into} steps into it line by line."


def diverging_banner(view: View) -> str | None:
    """Named early: the loss has grown for several updates in a row above 2/λmax."""
    growing = view.machine.diverging()
    if growing is None:
        return None
    return (
        f"DIVERGING since update {growing.update + 1}: lr {view.machine.state.lr:g} is above 2/λmax "
        f"{view.machine.critical_lr:.3g}, so the error along the steep direction grows ×{growing.growth:.3g} "
        f"per update (|1 − lr·λmax| = {growing.predicted:.3g})."
    )


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


def _cut(row: Text, width: int) -> Text:
    """The last row that fits, ending with … and the key that shows the whole sentence."""
    more = Text(f"… {key_for('notes')}: all", style="dim")
    limit = max(width - more.cell_len - 1, 0)
    space = row.plain.rfind(" ", 0, limit + 1)
    if space > limit // 2:  # at a word's end, not in its middle
        limit = space
    row = row.copy()
    row.truncate(limit)
    row.rstrip()
    return Text.assemble(row, " ", more)


class NextStepLine(LinesView):
    """The sentence under the panes, wrapped (cut with … when too long); a banner replaces it on divergence."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: Text | None = None
        # (sentence, its styles, width, height) -> rows: five sentences come round again
        # and again as a learner steps, and wrapping is the costly part of showing one.
        self._rows: dict[tuple[object, ...], list[Text]] = {}

    def build(self, view: View) -> Text:
        banner = divergence_banner(view)
        if banner:
            # A message (saved, refused, ...) still shows, before the banner.
            alarm = Text(banner, style="bold reverse")
            return Text.assemble((view.message, "bold"), "  ", alarm) if view.message else alarm
        growing = diverging_banner(view)
        if growing and not view.message:
            return Text(growing, style="bold")
        text = Text(next_sentence(view))
        note = view.step_notes.get(view.machine.state.cursor)
        if view.message:
            text = Text.assemble((one_line(view.message), "bold"), "  ", text)
        elif note:
            text.append(f"  {one_line(note)}", style="italic")
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
            if len(rows) > height >= 1:
                rows = [*rows[: height - 1], _cut(rows[height - 1], width)]
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
