"""Rows of a widget marked for repainting, with the screen told directly (textual is pinned exactly).

`Widget.refresh` marks the rows and then goes through two messages: a Prompt to the
widget, whose idle handler posts an Update to the screen, whose handler adds the widget
to the screen's dirty set. A step changes rows in five or six panes, so a key press
paid a dozen messages (dispatch, a queue, an MRO walk each) to fill one set. This
fills it, and prompts the screen once.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.widget import Widget


def repaint_rows(widget: Widget, *regions: Region) -> None:
    """Repaint these regions of the widget's content (as `widget.refresh(*regions)` would) on the next frame."""
    # As Widget._check_refresh and Screen._on_update would: only a widget shown, on a
    # screen the compositor has mapped; anything else takes Textual's own path.
    if regions and widget.is_mounted and widget.display:
        screen = widget.screen
        if screen in screen._compositor:
            widget._set_dirty(*regions)
            screen._dirty_widgets.add(widget)
            screen.check_idle()
            return
    widget.refresh(*regions)


__all__ = ["repaint_rows"]
