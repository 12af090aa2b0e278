"""The key bar: the keys to remember, one line under the panes, read from the key table (keys.py).

It looks like Textual's Footer but is a single line of text. The Footer builds a
widget per key once the bindings are known, which lays the screen out twice more
while the app starts, and it joins the repaint of every key press that changes
the line above it.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from gd_tui.app.keys import KEY_NAMES, bar_keys
from gd_tui.app.widgets.lines import LinesView


class KeyBar(LinesView):
    """` n Step  p Back ...` on the left and `▏^p palette` on the right."""

    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--separator"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .keybar--separator {
        color: $foreground 20%;
    }
    """

    def fit(self, width: int, height: int) -> None:
        app = self.app
        key = self.get_component_rich_style("keybar--key")
        description = self.get_component_rich_style("keybar--description")
        left = Text("", end="")
        for entry in bar_keys():
            first = entry.names[0]  # as the Footer shows it
            left.append(f" {KEY_NAMES.get(first, first)} ", key)
            left.append(f"{entry.label} ", description)
        right = Text("", end="")
        if app.ENABLE_COMMAND_PALETTE:
            palette = Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "palette")
            right.append("▏", self.get_component_rich_style("keybar--separator"))
            right.append(app.get_key_display(palette), key)
            right.append(" palette ", description)
        gap = width - left.cell_len - right.cell_len
        self._lines = [Text.assemble(left, " " * gap, right) if gap >= 1 else left]
