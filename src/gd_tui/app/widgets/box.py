"""Rows of a plain box drawn here rather than by Textual's per-line styling.

Textual styles every row it draws: it looks up a dozen CSS rules (border, outline,
padding, tint, opacity, hatch...) and builds several strips, about three times what
rendering the row's own text costs. A step changes a dozen rows (more at 120x40, and
every row of a chart on the update that replots it). For a plain box, with no side
borders or outline, no tint, hatch or opacity, a content row is just the row between
its two pads: that is drawn here, the border rows still by Textual, once each.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.widget import Widget

KEPT = 512  # boxed rows and edges kept per widget


class PlainBox(Widget):
    """Mix in before Widget: `boxed_lines` draws a plain box's rows, or says None (Textual's turn)."""

    _box: tuple[Style, Color] | bool | None = False  # False: not worked out since the last style update
    _edges: dict[tuple[object, ...], Strip]
    _boxed: dict[int, tuple[Strip, tuple[object, ...], Strip]]  # id(content row) -> (it, box, boxed row)

    def notify_style_update(self) -> None:
        self._box = False
        self._edges = {}
        self._boxed = {}
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        strips = self.boxed_lines(crop, self.render_line)
        return Widget.render_lines(self, crop) if strips is None else strips

    def _plain_box(self) -> tuple[Style, Color] | None:
        """(padding style, background) when the box is plain, else None; once per style update."""
        if self._box is False:
            styles = self.styles
            plain = (
                not styles.border_left[0]
                and not styles.border_right[0]
                and not any(edge for edge, _ in styles.outline)
                and not styles.tint.a
                and styles.text_opacity == 1
                and self.opacity == 1
                and not (styles.has_rule("hatch") and styles.hatch != "none")
            )
            base_background, background = self.background_colors
            pad_style = TextualStyle(background=base_background + background).rich_style
            self._box = (pad_style, background) if plain else None
            self._edges, self._boxed = {}, {}
        return self._box  # type: ignore[return-value]

    def boxed_lines(self, crop: Region, content_row: Callable[[int], Strip]) -> list[Strip] | None:
        """The rows in `crop` as Textual's styling would draw them, or None when the box is not plain.

        `content_row(y)` is content row y at the content's width; the same Strip object for
        the same row, so its boxed row is kept with it.
        """
        box = self._plain_box()
        if box is None:
            return None
        pad_style, background = box
        width, height = self.outer_size  # `size` is the content's
        gutter = self.styles.gutter
        _, pad_right, _, pad_left = self.styles.padding
        content_width, content_height = self.content_region.size
        # No empty segments: Textual's strips never hold one.
        left = [Segment(" " * pad_left, pad_style)] if pad_left else []
        right = [Segment(" " * pad_right, pad_style)] if pad_right else []
        shape = (width, content_width, pad_left, pad_right, pad_style)
        filters = self.get_line_filters()
        theme = self.app.theme
        strips = []
        for y in crop.line_range:
            content_y = y - gutter.top
            if 0 <= content_y < content_height:
                content = content_row(content_y)
                kept = self._boxed.get(id(content))
                if kept is not None and kept[0] is content and kept[1] == shape:
                    strip = kept[2]
                else:
                    fitted = content.adjust_cell_length(content_width, pad_style)
                    strip = Strip([*left, *fitted, *right], width) if left or right else fitted
                    if len(self._boxed) >= KEPT:
                        self._boxed.clear()
                    self._boxed[id(content)] = (content, shape, strip)  # held: its id is not reused
            else:  # a border or padding row: drawn by Textual once per title, size and style
                key = (y, width, height, theme, self.border_title, self.border_subtitle)
                strip = self._edges.get(key)  # type: ignore[assignment]
                if strip is None:
                    if len(self._edges) >= KEPT:
                        self._edges.clear()
                    strip = self._edges[key] = Widget.render_lines(self, Region(0, y, width, 1))[0]
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        if crop.column_span != (0, width):
            strips = [strip.crop(*crop.column_span) for strip in strips]
        return strips


__all__ = ["PlainBox"]
