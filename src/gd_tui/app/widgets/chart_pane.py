"""The chart pane: one chart at a time, `t` cycles through them."""

from __future__ import annotations

from importlib import import_module
from typing import cast

from textual.app import ComposeResult
from textual.widgets import ContentSwitcher

from gd_tui.app.keys import key_for
from gd_tui.app.view import View
from gd_tui.app.widgets.chart_base import Chart
from gd_tui.app.widgets.frame import FrameCache
from gd_tui.app.widgets.lines import set_titles
from gd_tui.app.widgets.pane import Pane

NOTE = f"{key_for('next_chart')}: next chart"  # after the chart's title

# (id, title, the widget's module.class in gd_tui.app.widgets): the order `t` cycles in.
# A chart's module is imported when the chart is first shown (see ChartPane.__init__).
TABS = (
    ("loss-history", "Loss history", "charts.LossChart"),
    ("data-fit", "Data and fit", "fit_chart.FitChart"),
    ("loss-surface", "Loss surface", "surface_chart.SurfaceChart"),
    ("cross-sections", "Cross-sections", "sections_chart.SectionsChart"),
)
# Only with the torch backend: `t` and the palette offer it there.
TORCH_TABS = (("autograd-graph", "Autograd graph", "graph_chart.GraphChart"),)


def chart_class(where: str) -> type[Chart | Pane]:
    """The widget class a tab names: a plotext chart, or a pane of text (the autograd graph)."""
    module, name = where.rsplit(".", 1)
    return cast("type[Chart | Pane]", getattr(import_module(f"gd_tui.app.widgets.{module}"), name))


def tabs_for(view: View | None) -> tuple[tuple[str, str, type], ...]:
    """The charts on offer for this view's machine."""
    if view is not None and hasattr(view.machine, "graph"):
        return TABS + TORCH_TABS
    return TABS


class ChartPane(ContentSwitcher, FrameCache):
    """Holds every chart and shows one; only the visible one redraws."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, initial=TABS[0][0])
        self._view: View | None = None
        (first, _title, where), *others = TABS
        self._charts: dict[str, Chart | Pane] = {first: chart_class(where)(id=first)}
        # Every other chart joins when first shown: a start imports, builds and styles one
        # plotext chart, not four, and a NumPy session never the torch backend's.
        self._later = {tab_id: where for tab_id, _title, where in (*others, *TORCH_TABS)}

    def compose(self) -> ComposeResult:
        yield from self._charts.values()

    def on_mount(self) -> None:
        set_titles(self, TABS[0][1], NOTE)

    @property
    def shown(self) -> str:
        """The id of the chart on show."""
        return self.current or TABS[0][0]

    def show(self, view: View) -> None:
        """Redraw the visible chart; hidden ones catch up when they are shown."""
        self._view = view
        if self.shown not in {tab_id for tab_id, _, _ in tabs_for(view)}:
            self.select(TABS[0][0])  # the machine changed to one without this chart
            return
        self._charts[self.shown].show(view)

    def log_forced(self) -> bool:
        """The loss history is drawn on log scale though log scale is off (its range is too wide)."""
        chart = self._charts["loss-history"]
        assert isinstance(chart, Chart)
        return self._view is not None and not self._view.log_scale and chart.key_text.startswith("log10")

    def next_tab(self) -> str:
        """Show the next chart; returns its title."""
        ids = [tab_id for tab_id, _, _ in tabs_for(self._view)]
        following = ids[(ids.index(self.shown) + 1) % len(ids)]
        return self.select(following)

    def select(self, tab_id: str) -> str:
        """Show the chart with this id; returns its title."""
        if tab_id not in self._charts:
            chart = self._charts[tab_id] = chart_class(self._later[tab_id])(id=tab_id)
            self.mount(chart)
        self.current = tab_id
        if self._view is not None:
            self.show(self._view)
        title = next(title for i, title, _ in TABS + TORCH_TABS if i == tab_id)
        set_titles(self, title, NOTE)
        return title
