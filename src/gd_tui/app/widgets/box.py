"""Rows of a plain box drawn here rather than by Textual's per-line styling.

Textual styles every row it draws: it looks up a dozen CSS rules (border, outline,
padding, tint, opacity, hatch...) and builds several strips, about three times what
rendering the row's own text costs. A step changes a dozen rows (more at 120x40, and
every row of a chart on the update that replots it). For a plain box, with no side
borders or outline, no tint, hatch or opacity, a content row is just the row between
its two pads: that is drawn here, the border rows still by Textual, once each.

The rows handed to the compositor are `RowStrip`s, which never hold themselves (see
there): a Strip that does is freed only by the cyclic garbage collector, and a step
left some twenty such rows for it, whose collections cost more than drawing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.cache import FIFOCache
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.widget import Widget

# Rows kept per widget, in looks per row of its height (at least KEPT_LEAST): a page of
# source or a repeated sentence comes back within a few looks, while a pane whose numbers
# change every step never shows a row again. Every row kept is a dozen objects that
# each full garbage collection walks (about 0.35 us an object here), so no more are kept.
KEPT_LOOKS = 4
KEPT_LEAST = 64


# A Strip's caches of what it derives, by attribute, with their sizes (textual is pinned exactly).
STRIP_CACHES = {
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}


class RowStrip(Strip):
    """A Strip for a whole row that never keeps itself in one of its own caches, and makes
    those caches only when first used.

    A Strip caches each derived strip on itself, and when the result is the strip
    itself (the compositor dividing a row at its own end, as it does for every row of
    a pane that has the row to itself) the strip refers to itself. Such a cycle is
    freed only by the cyclic collector: a key press left its changed rows to it, and
    the collections (a full one every hundred presses or so, tens of milliseconds)
    cost a fifth of a press's CPU at 120x40.

    A Strip also makes seven caches as it is made, a third of what making one costs,
    while most rows drawn here are never cropped, styled or filtered again.
    """

    __slots__ = ()

    def __init__(self, segments: Iterable[Segment], cell_length: int | None = None) -> None:
        self._segments = list(segments)
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    def __getattr__(self, name: str) -> FIFOCache[object, object]:
        # Only reached for an attribute not set yet: a cache, made on first use.
        size = STRIP_CACHES.get(name)
        if size is None:
            raise AttributeError(name)
        cache: FIFOCache[object, object] = FIFOCache(size)
        setattr(self, name, cache)
        return cache

    def divide(self, cuts: Iterable[int]) -> Sequence[Strip]:
        whole = self.cell_length
        cuts = [cut for cut in cuts if cut <= whole]
        return [self] if cuts == [whole] else super().divide(cuts)


def row_strip(strip: Strip, width: int, style: Style | None = None) -> Strip:
    """`strip` cut or padded to `width` cells; itself, uncached, when it is that wide already.

    (`crop_extend` and `adjust_cell_length` would cache the strip on itself: a cycle, as above.)
    """
    return strip if strip.cell_length == width else strip.crop_extend(0, width, style)


class PlainBox(Widget):
    """Mix in before Widget: `boxed_lines` draws a plain box's rows, or says None (Textual's turn)."""

    _box: tuple[Style, Color] | bool | None = False  # False: not worked out since the last style update
    _edges: dict[tuple[object, ...], Strip]
    _boxed: dict[int, tuple[Strip, tuple[object, ...], Strip]]  # id(content row) -> (it, box and filters, row)

    def notify_style_update(self) -> None:
        self._box = False
        self._edges = {}
        self._boxed = {}
        super().notify_style_update()

    @property
    def kept_rows(self) -> int:
        """How many drawn rows (of each kind) this widget keeps for when they come back."""
        return max(KEPT_LEAST, KEPT_LOOKS * self.outer_size.height)

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
        filters = tuple(self.get_line_filters())
        shape = (width, content_width, pad_left, pad_right, pad_style, filters, background)
        theme = self.app.theme
        kept_rows = self.kept_rows
        strips = []
        for y in crop.line_range:
            content_y = y - gutter.top
            if 0 <= content_y < content_height:
                content = content_row(content_y)
                kept = self._boxed.get(id(content))
                if kept is not None and kept[0] is content and kept[1] == shape:
                    strip = kept[2]
                else:
                    fitted = list(row_strip(content, content_width, pad_style))
                    strip = _filtered([*left, *fitted, *right], width, filters, background)
                    if len(self._boxed) >= kept_rows:
                        self._boxed.clear()
                    self._boxed[id(content)] = (content, shape, strip)  # held: its id is not reused
            else:  # a border or padding row: drawn by Textual once per title, size and style
                key = (y, width, height, theme, self.border_title, self.border_subtitle, filters, background)
                strip = self._edges.get(key)  # type: ignore[assignment]
                if strip is None:
                    if len(self._edges) >= kept_rows:
                        self._edges.clear()
                    edge = Widget.render_lines(self, Region(0, y, width, 1))[0]
                    strip = self._edges[key] = _filtered(list(edge), width, filters, background)
            strips.append(strip)
        if crop.column_span != (0, width):
            strips = [strip.crop(*crop.column_span) for strip in strips]
        return strips


def _filtered(segments: list[Segment], width: int, filters: tuple[LineFilter, ...], background: Color) -> RowStrip:
    """The row as the line filters leave it (what `Strip.apply_filter` would give, as a RowStrip)."""
    for line_filter in filters:
        segments = line_filter.apply(segments, background)
    return RowStrip(segments, width)


__all__ = ["STRIP_CACHES", "PlainBox", "RowStrip", "row_strip"]
