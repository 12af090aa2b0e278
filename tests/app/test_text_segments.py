"""The panes' own Text renderer gives exactly what Rich's does, for any line the panes build."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from gd_tui.app.widgets.lines import text_segments

STYLES = st.sampled_from(
    [None, "bold", "dim", "bold reverse", Style(bold=True, underline=True), Style(dim=True), Style(color="red")]
)
PIECES = st.lists(st.tuples(st.text(alphabet="ab ·0.–─✓▶ŷ", max_size=6), STYLES), max_size=8)


@given(PIECES, st.sampled_from(["", "dim", "bold"]))
def test_appended_pieces_render_as_rich_renders_them(pieces: list[tuple[str, object]], line_style: str) -> None:
    console = Console(width=80)
    line = Text(style=line_style)
    for piece, style in pieces:
        line.append(piece, style)  # type: ignore[arg-type]
    assert text_segments(line, console) == list(line.render(console))


@given(st.text(max_size=20), st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20), STYLES), max_size=5))
def test_any_spans_render_as_rich_renders_them(plain: str, spans: list[tuple[int, int, object]]) -> None:
    console = Console(width=80)
    line = Text(plain)
    for start, end, style in spans:
        if style is not None:
            line.stylize(style, start, end)  # type: ignore[arg-type]
    assert text_segments(line, console) == list(line.render(console))


@given(
    PIECES,
    st.sampled_from(["", "dim", "bold"]),
    st.sampled_from([Style(color="#102030", bgcolor="#ffffff"), Style(dim=True)]),
)
def test_the_widget_style_goes_on_in_the_same_pass(
    pieces: list[tuple[str, object]], line_style: str, base: Style
) -> None:
    console = Console(width=80)
    line = Text(style=line_style)
    for piece, style in pieces:
        line.append(piece, style)  # type: ignore[arg-type]
    assert text_segments(line, console, base) == list(Segment.apply_style(line.render(console), base))
