"""The one table of keys: BINDINGS, the help rows, the palette entries, the key bar and key_for().

A key is added, renamed or reworded here and nowhere else: the messages that name a
key ask `key_for(action)`, and a test holds the README's key table to this one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.binding import BindingType


GROUPS = ("stepping", "running", "settings", "views", "files")

# How a key is written for a person (Textual's names are for code).
KEY_NAMES = {"space": "space", "right": "→", "left": "←", "plus": "+", "minus": "-", "equals_sign": "=",
             "question_mark": "?", "escape": "esc", "pagedown": "PgDn", "pageup": "PgUp"}  # fmt: skip
# In a sentence a key is spelt out where its short name would read as a word or a typo.
PROSE_NAMES = {**KEY_NAMES, "escape": "escape"}


@dataclass(frozen=True)
class Key:
    """One action and the keys that run it."""

    keys: str  # Textual's key names, comma separated: "n,space,right"
    action: str  # the App's action: "next" runs action_next
    label: str  # the key bar's one word
    title: str  # the palette's title, in full words
    group: str  # where the help lists it: one of GROUPS
    help: str  # the help's sentence (also the palette's description)
    bar: bool = False  # shown on the key bar
    palette: bool = True  # offered in the command palette
    bound: bool = True  # False: Textual binds it already (ctrl+p); listed in the help only
    priority: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.strip() for key in self.keys.split(","))

    @property
    def shown(self) -> str:
        """'n,space,right' -> 'n space →'."""
        return key_label(self.keys)


def key_label(keys: str) -> str:
    """'n,space,right' -> 'n space →'."""
    return " ".join(KEY_NAMES.get(key, key) for key in keys.split(","))


def _digits() -> tuple[Key, ...]:
    return tuple(
        Key(
            str(k),
            f"run_to_step({k})",
            f"To step {k}",
            f"Run to step {k}",
            "running",
            f"Run until step {k} has just executed",
        )
        for k in range(6)
    )


def _table() -> tuple[Key, ...]:
    # {action} in a sentence is that action's key, written in by table().
    return (
        Key("n,space,right", "next", "Step", "Next step", "stepping", "Execute exactly one step", bar=True),
        Key(
            "s",
            "step_into",
            "Into",
            "Step into the update",
            "stepping",
            "Step into step 4's update: a line a press",
        ),
        Key("p,left", "back", "Back", "Step back", "stepping", "Undo one step (or one line of step 4)", bar=True),
        Key(
            "u",
            "run_update",
            "Update",
            "Run to the end of the update",
            "running",
            "Run to the end of the current update (through step 5)",
        ),
        Key(
            "e",
            "run_epoch",
            "Epoch",
            "Run to the end of the epoch",
            "running",
            "Run to the end of the current epoch",
            bar=True,
        ),
        Key(
            "c",
            "continue",
            "Continue",
            "Continue",
            "running",
            "Run until a breakpoint fires, or with none set until converged; {continue} or {pause} pauses",
            bar=True,
        ),
        Key(
            "g",
            "goto",
            "Go to",
            "Go to an epoch or update…",
            "running",
            "Run to an epoch (1000: 1000 epochs done) or an update (u250), like {continue}: {pause} pauses",
        ),
        Key("escape", "pause", "Pause", "Pause", "running", "Pause a running continue; else restore a zoomed pane"),
        *_digits(),
        Key("r", "reset", "Reset", "Reset", "stepping", "Reset to before step 0", bar=True),
        Key("plus,equals_sign", "lr_up", "lr+", "Learning rate up", "settings", "Learning rate up the ladder"),
        Key("minus", "lr_down", "lr-", "Learning rate down", "settings", "Learning rate down the ladder"),
        Key(
            "m",
            "cycle_mode",
            "Mode",
            "Cycle batch / mini-batch / stochastic",
            "settings",
            "Cycle batch → mini-batch → stochastic",
        ),
        Key("b", "breakpoints", "Breaks", "Breakpoints…", "settings", "Breakpoints dialog"),
        Key("l", "log_scale", "Log", "Log scale on the chart", "views", "Log scale on the chart"),
        Key("t", "next_chart", "Chart", "Next chart", "views", "Cycle the charts: {charts}"),
        Key(
            "i",
            "notes",
            "Notes",
            "Notes and messages",
            "views",
            "The lesson's note, the next step in full, every message shown",
        ),
        Key(
            "ctrl+s", "save", "Save", "Save the session…", "files", "Save the session to a file (gd-tui --resume FILE)"
        ),
        Key(
            "pagedown", "table_page(1)", "Table ↓", "Predictions: next page", "views", "Page the predictions table down"
        ),
        Key(
            "pageup",
            "table_page(-1)",
            "Table ↑",
            "Predictions: previous page",
            "views",
            "Page the predictions table up",
        ),
        Key(
            "z",
            "zoom",
            "Zoom",
            "Zoom the focused pane",
            "views",
            "Zoom the focused pane to the whole screen; {zoom} again restores",
        ),
        Key(
            "tab",
            "focus_next",
            "Next pane",
            "Focus the next pane",
            "views",
            "Focus the next pane ({zoom} zooms it)",
            palette=False,
        ),
        Key(
            "shift+tab",
            "focus_previous",
            "Previous pane",
            "Focus the previous pane",
            "views",
            "Focus the previous pane",
            palette=False,
        ),
        Key(
            "question_mark,f1",
            "help",
            "Help",
            "Help",
            "views",
            "Every key, and what each of the six steps does",
            bar=True,
        ),
        # Textual's palette offers its own "Quit the application".
        Key("q", "quit", "Quit", "Quit", "files", "Quit", bar=True, palette=False),
        Key("ctrl+c", "quit", "Quit", "Quit", "files", "Quit", palette=False, priority=True),
        Key(
            "ctrl+p",
            "command_palette",
            "Palette",
            "Command palette",
            "views",
            "Command palette: every action, exact lr, batch size, seed",
            palette=False,
            bound=False,
        ),
    )


def _words(keys: tuple[Key, ...]) -> dict[str, str]:
    """The first key of each action, as a sentence names it."""
    words: dict[str, str] = {}
    for key in keys:
        words.setdefault(key.action, PROSE_NAMES.get(key.names[0], key.names[0]))
    return words


_KEY_WORDS = _words(_table())


@cache
def table() -> tuple[Key, ...]:
    """Every key, its sentences written out (the ones naming another key ask key_for)."""
    # Imported here, not at the top: the charts' own messages name keys through this module.
    from gd_tui.app.widgets.chart_pane import TABS

    names = {**_KEY_WORDS, "charts": ", ".join(title for _, title, _ in TABS)}
    return tuple(replace(key, help=key.help.format(**names)) for key in _table())


def key_for(action: str) -> str:
    """The key a message names for `action`: key_for('back') == 'p'."""
    return _KEY_WORDS[action]


def bindings() -> list[BindingType]:
    # Textual is imported here only: key_for() serves code that imports no Textual (app/plots).
    from textual.binding import Binding

    """GDApp.BINDINGS."""
    return [
        Binding(key.keys, key.action, key.label, show=key.bar, priority=key.priority, tooltip=key.help)
        for key in table()
        if key.bound
    ]


def help_rows() -> list[tuple[str, str, str]]:
    """(group, keys as shown, sentence) per help row; the digit keys share one row."""
    rows: list[tuple[str, str, str]] = []
    for key in table():
        if key.action.startswith("run_to_step("):
            if key.keys == "0":
                rows.append((key.group, "0–5", "Run until step k has just executed"))
            continue
        rows.append((key.group, key.shown, key.help))
    return rows


def palette_entries() -> list[Key]:
    """The keys the command palette offers, by their full-word titles."""
    return [key for key in table() if key.palette]


def bar_keys() -> list[Key]:
    """The keys to remember, on the key bar."""
    return [key for key in table() if key.bar]
