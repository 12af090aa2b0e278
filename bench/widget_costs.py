"""Where a key press's redraw goes, widget by widget (a profiling aid, not a benchmark figure).

    python bench/widget_costs.py [--key n] [--presses 60] [--size 80x24] [--bare]

Runs the app headless (Textual's run_test) and wraps Textual's rendering to
count, per key press: CPU spent in each widget's render_lines and how many lines
it drew, how many full-screen and partial screen updates were made, and which
widgets asked for a layout refresh (each of those reflows the whole screen).
Headless runs skip the final write to the terminal; bench/run.py measures that.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter, defaultdict
from typing import Any

from textual._compositor import Compositor
from textual.widget import Widget

from launch import build


def _name(widget: Widget) -> str:
    return f"{type(widget).__name__}#{widget.id}" if widget.id else type(widget).__name__


def instrument() -> tuple[dict[str, list[float]], Counter[str], Counter[str]]:
    """Wrap Textual's render paths; returns the tallies they fill in."""
    renders: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])
    updates: Counter[str] = Counter()
    layouts: Counter[str] = Counter()

    render_lines = Widget.render_lines

    def timed_render_lines(self: Widget, crop: Any) -> Any:
        start = time.process_time()
        result = render_lines(self, crop)
        tally = renders[_name(self)]
        tally[0] += 1
        tally[1] += time.process_time() - start
        tally[2] += crop.height
        return result

    Widget.render_lines = timed_render_lines  # type: ignore[method-assign]

    for method in ("render_full_update", "render_partial_update"):
        original = getattr(Compositor, method)

        def counted(self: Compositor, *args: Any, _original: Any = original, _method: str = method, **kw: Any) -> Any:
            updates[_method] += 1
            return _original(self, *args, **kw)

        setattr(Compositor, method, counted)

    refresh = Widget.refresh

    def noted_refresh(self: Widget, *regions: Any, layout: bool = False, **kw: Any) -> Any:
        if layout:
            layouts[_name(self)] += 1
        return refresh(self, *regions, layout=layout, **kw)

    Widget.refresh = noted_refresh  # type: ignore[method-assign]
    return renders, updates, layouts


async def measure(which: str, key: str, presses: int, size: tuple[int, int]) -> None:
    renders, updates, layouts = instrument()
    app = build(which, None)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        renders.clear()
        updates.clear()
        layouts.clear()
        start = time.process_time()
        for _ in range(presses):
            await pilot.press(key)
            await pilot.pause()
        total = time.process_time() - start
    print(f"{which}: {total / presses * 1e3:.2f} ms CPU per `{key}` press (headless, Pilot included)")
    print(f"{'widget':40s} {'renders':>8s} {'lines':>7s} {'ms':>7s}   (per press)")
    for name, (count, seconds, lines) in sorted(renders.items(), key=lambda item: -item[1][1]):
        print(f"{name:40s} {count / presses:8.2f} {lines / presses:7.1f} {seconds / presses * 1e3:7.2f}")
    for method, count in updates.items():
        print(f"{method}: {count / presses:.2f} per press")
    for name, count in layouts.most_common():
        print(f"refresh(layout=True) from {name}: {count / presses:.2f} per press")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--key", default="n")
    parser.add_argument("--presses", type=int, default=60)
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--bare", action="store_true", help="the bare Textual app instead of gd-tui")
    args = parser.parse_args()
    cols, rows = (int(part) for part in args.size.split("x"))
    asyncio.run(measure("bare" if args.bare else "gd", args.key, args.presses, (cols, rows)))


if __name__ == "__main__":
    main()
