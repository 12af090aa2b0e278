"""Autograd's graph behind the loss (torch backend), as text: make_dot's picture in a terminal."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from gd_tui.app.view import View
from gd_tui.app.widgets.pane import Pane
from gd_tui.engine.code_lines import code_lines

HINT = "ctrl+p 'graph' for the book's two experiments"


def experiment_code(name: str) -> list[str]:
    """The experiment function's own body, as run (imported only on the torch backend)."""
    from gd_tui.pytorch.experiments import EXPERIMENTS

    function = EXPERIMENTS[name][1]
    code = "".join(code_lines(function)[0]).splitlines()
    body = [line for line in code[1:] if line.strip() and not line.strip().startswith("return")]
    return [line[4:] for line in body]


class GraphChart(Pane):
    """The nodes behind the loss (names as torch gives them), forward values, and gradients after step 3."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # (machine, version, experiment) -> lines: an experiment builds a graph of its own.
        self._cache: tuple[tuple[object, ...], list[Text]] | None = None

    def build(self, view: View) -> list[Text]:
        machine: Any = view.machine
        if not hasattr(machine, "graph"):
            return [Text("The autograd graph is the torch backend's: gd-tui --backend torch", style="dim")]
        name = view.graph_experiment
        key = (machine, machine.version, name, self.content_region.height)  # the machine held: no id() reused
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        if name is not None:
            from gd_tui.pytorch.experiments import EXPERIMENTS

            graph = [Text(line) for line in machine.experiment_graph(name).lines()]
            code = [Text(line, style="dim") for line in experiment_code(name)]
            back = Text("ctrl+p 'graph: the run' goes back to the run's graph", style="dim")
            # The graph first when the pane is short; its code above it when there is room.
            room = self.content_region.height or 100
            if len(code) + len(graph) + 2 > room:
                code = []
            rows = [Text(f"Experiment: {EXPERIMENTS[name][0]}", style="bold"), *code, *graph, back]
        elif machine.graph is None:
            rows = [
                Text("No graph yet: step 2 builds it as it runs", style="dim"),
                Text("  loss = loss_fn(yhat, y)", style="dim"),
                Text(HINT, style="dim"),
            ]
        else:
            rows = [Text(line) for line in machine.graph.lines()]
            if machine.state.cursor == 3:
                rows.append(Text("step 3 (loss.backward()) sends the gradients to b and w", style="dim"))
            rows.append(Text(HINT, style="dim"))
        self._cache = (key, rows)
        return rows
