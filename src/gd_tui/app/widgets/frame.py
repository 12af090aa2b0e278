"""Widgets that hand the compositor their last frame again when nothing about them changed.

On every screen update Textual asks each widget overlapping the changed area for
all its lines, and a widget answers through its styles: its colours are worked out
again from its ancestors' CSS (tens of microseconds) even when no line is dirty.
A step changes rows in nearly every pane, so that area is the whole screen, and a
key press paid this for each of a dozen widgets that had not changed at all.

A widget can only look different after a refresh (its lines, its size, its
titles), a style update (CSS, classes, pseudo-classes) or a new theme, so the
last frame stays good until one of them.
"""

from __future__ import annotations

from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


class FrameCache(Widget):
    """Mix in after the Widget class it serves (Textual finds CSS through a class's first base):
    `render_lines` returns the last frame while it is still good."""

    _frame: tuple[Region, str, list[Strip]] | None = None

    def _set_dirty(self, *regions: Region) -> None:
        # Where every repaint marks its rows, Textual's refresh() and repaint.py's alike.
        self._frame = None
        super()._set_dirty(*regions)

    def notify_style_update(self) -> None:
        self._frame = None
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The crop covers a resize (Textual marks a new size dirty without a refresh).
        theme = self.app.theme
        frame = self._frame
        if frame is not None and frame[0] == crop and frame[1] == theme:
            return frame[2]
        strips = super().render_lines(crop)
        self._frame = (crop, theme, strips)
        return strips


class CachedScreen(Screen[None], FrameCache):
    """The main screen: its background is drawn once, and it is laid out once per size."""

    def _screen_resized(self, size: Size) -> None:
        # Textual lays the whole screen out and repaints it on every Resize, even one to the
        # size it is already laid out at; a terminal's start sends two of those, each a full
        # screen of bytes. Layout a widget asked for is still done: it is queued apart.
        if size == self._compositor.size:
            return
        super()._screen_resized(size)


__all__ = ["CachedScreen", "FrameCache"]
