"""The cross-sections chart: the loss along w at the current b and along b at the current w, with the slopes."""

from __future__ import annotations

from gd_tui.app.keys import key_for
from gd_tui.app.plots.axis import axis, notes
from gd_tui.app.plots.sections import Section, sections
from gd_tui.app.view import View
from gd_tui.app.widgets.chart_base import Chart
from gd_tui.engine.values import scalar

CURVE = ("⠤", "blue", "loss")
NOW = ("@", "red", "now")
SLOPE = ("▞", "orange", "slope")


class SectionsChart(Chart):
    """Two small plots: the loss along w (b fixed) and along b (w fixed), the current point and its tangent."""

    HISTORY_ONLY = True  # the start and the current (b, w) are the path's first and last points

    def prepared(self, view: View) -> tuple[Section, Section] | str:
        """The two sections handed to plotext, or the sentence shown instead."""
        state = view.machine.state
        if state.b is None or state.w is None:
            return (
                "The cross-sections cut the loss surface through the current (b, w): "
                f"step 0 ({key_for('next')}) draws them."
            )
        b0, w0 = view.machine.history.path[0]
        start = (float(b0), float(w0))
        return sections(view.reference, start, scalar(state.b), scalar(state.w))  # type: ignore[arg-type]

    def draw(self, view: View) -> None:
        prepared = self.prepared(view)
        if isinstance(prepared, str):
            self.say(prepared)
            return
        plt = self.plt
        plt.subplots(1, 2)
        self.axes(plt)
        scales = []
        for column, section in enumerate(prepared, start=1):
            sub = plt.subplot(1, column)
            # Through an axis each: plotext cannot draw every range a run reaches (see plots/axis.py).
            x, y = axis(section.values[0], section.values[-1]), axis(*section.y_range)
            scales += [x.note(section.axis), y.note("loss")]
            sub.plot(x(section.values), y(section.losses), marker="braille", color=CURVE[1])
            if section.tangent is not None:
                sub.plot(x(section.tangent[0]), y(section.tangent[1]), marker="hd", color=SLOPE[1])
            sub.scatter(x(section.point[0]), y(section.point[1]), marker=NOW[0], color=NOW[1])
            sub.xlim(*x.range)
            sub.ylim(*y.range)
            if not self.small:
                other = "b" if section.axis == "w" else "w"
                # The slope at the current point over all training points, not step 3's gradient
                # (taken on the batch, before the update): labelled so the two never look alike.
                sub.title(f"{other}={section.fixed:.3g}  slope now {section.slope:.3g}")
                sub.xlabel(section.axis)
        plt.main()
        if self.small:
            self.set_key_line([NOW, (*SLOPE[:2], "slope now")], notes("left: w  right: b", *scales))
        else:
            items = [CURVE, NOW, (*SLOPE[:2], "slope now: over all training points at this b, w")]
            self.set_key_line(items, notes(*scales))
