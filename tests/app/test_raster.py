"""The vectorized line rasterizer draws what plotext's own draws, cell for cell."""

from __future__ import annotations

import numpy as np
import plotext._utility as plotext_utility
from hypothesis import given, settings
from hypothesis import strategies as st
from plotext._matrix import matrix_class
from textual_plotext.plot import Plot

from gd_tui.app.plots.raster import dots, grouped, joined, small_ints
from gd_tui.app.widgets import plotext_bridge as bridge

coordinate = st.integers(min_value=-90, max_value=90)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=30))
def test_joined_lines_are_plotexts(points: list[tuple[int, int]]) -> None:
    x, y = [p[0] for p in points], [p[1] for p in points]
    markers = ["braille", "x"] * len(x)
    colours = [[1, 2, 3], "blue"] * len(x)
    markers, colours = markers[: len(x)], colours[: len(x)]
    assert bridge.get_lines(x, y, markers, colours) == bridge.plotext_get_lines(x, y, markers, colours)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=200),
    st.sampled_from([(2, 4), (2, 3), (2, 2), (1, 1)]),
)
def test_grouped_cells_are_plotexts(points: list[tuple[int, int]], factors: tuple[int, int]) -> None:
    x, y = [p[0] for p in points], [p[1] for p in points]
    across, down = factors
    ours = bridge.hd_group(x, y, [across] * len(x), [down] * len(x))
    theirs = bridge.plotext_hd_group(x, y, [across] * len(x), [down] * len(x))
    assert (list(ours[0]), list(ours[1]), ours[2]) == (list(theirs[0]), list(theirs[1]), theirs[2])


def test_a_cell_holds_every_dot_that_falls_in_it() -> None:
    # Two dots in the cell (0, 0) of a braille cell 2 across, 4 down: bottom left, top right.
    columns, rows, masks = grouped(np.array([0, 1, 2]), np.array([0, 3, 4]), 2, 4)
    assert columns.tolist() == [0, 1] and rows.tolist() == [0, 1]
    assert dots(masks[0], 8) == (0, 1, 0, 0, 0, 0, 1, 0)  # top row first: (row 3, col 1) and (row 0, col 0)


def test_a_steep_segment_has_a_point_per_row() -> None:
    columns, rows, segment = joined(np.array([0, 2]), np.array([0, 8]))
    assert rows.tolist() == list(range(8)) and set(columns.tolist()) == {0, 1}
    assert segment.tolist() == [0] * 8


def test_what_is_not_a_small_int_goes_to_plotext() -> None:
    assert small_ints([0, -3, 7])
    assert not small_ints([0, None]) and not small_ints([1.0, 2]) and not small_ints([True, 1])
    assert not small_ints([2**40, 1])
    # None (a gap plotext leaves as is) takes plotext's path, with plotext's answer.
    x, y, markers = [0, None, 4], [0, 1, 2], ["braille"] * 3
    assert bridge.get_lines(x, y, markers) == bridge.plotext_get_lines(x, y, markers)


def test_a_whole_figure_is_drawn_the_same() -> None:
    """A loss-history-like figure: a braille line, scatter markers, a frame and labels."""

    def strips() -> list[list[object]]:
        figure = Plot()
        figure.plotsize(59, 19)
        figure._set_size(59, 19)
        figure.frame(True)
        figure.xlabel("update")
        losses = np.exp(-np.arange(60) / 9.0) + 0.05 * np.sin(np.arange(60))
        figure.plot(list(range(1, 61)), losses.tolist(), marker="braille", color="blue")
        figure.scatter(list(range(5, 61, 5)), losses[4::5].tolist(), marker="x", color="orange")
        return [list(strip) for strip in bridge.figure_strips(figure)]  # each cell's text and colours

    ours = strips()
    saved = plotext_utility.get_lines, plotext_utility.hd_group, matrix_class.set_matrices
    try:
        plotext_utility.get_lines = bridge.plotext_get_lines
        plotext_utility.hd_group = bridge.plotext_hd_group
        matrix_class.set_matrices = bridge.plotext_set_matrices
        theirs = strips()
    finally:
        plotext_utility.get_lines, plotext_utility.hd_group, matrix_class.set_matrices = saved
    assert ours == theirs
    text = "".join(segment.text for row in ours for segment in row)  # type: ignore[attr-defined]
    assert any("\u2800" < character <= "\u28ff" for character in text)  # the line is drawn, in braille
