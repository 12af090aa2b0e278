"""gd-tui benchmarks: every figure of the performance targets, measured against its reference.

    python bench/run.py            # the full suite (a few minutes)
    python bench/run.py --quick    # tiny sizes, for a smoke test (seconds)
    python bench/run.py --only engine

Prints a table (figure, measured, target, holds) and writes the same as JSON
(bench/results/latest.json by default). A full run also rewrites bench/RESULTS.md.
Benchmarks are not tests: nothing here fails when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

from common import Figure, environment, table

BENCH = Path(__file__).resolve().parent

# The order of the targets table in the benchmark issue.
ORDER = (
    "engine_book",
    "engine_large",
    "history_memory",
    "continue",
    "press_cpu",
    "press_cpu_large",
    "startup",
    "rss",
    "press_bytes",
    "chart",
)


def app_importable() -> str | None:
    """None if the app can be imported; otherwise why not."""
    try:
        from gd_tui.app import GDApp  # noqa: F401
    except Exception as error:  # any failure means: no app figures this time
        return f"gd_tui.app is not importable ({type(error).__name__}: {error})"
    return None


def skipped_app_figures(reason: str) -> list[Figure]:
    names = {
        "continue": ("`c` (continue) updates per second vs the engine alone", 0.5, "min"),
        "press_cpu": ("CPU per `n` press and redraw vs bare Textual app updating one Static", 2.0, "max"),
        "press_cpu_large": ("CPU per `n` press at N = 1,000,000 vs N = 100, NumPy work excluded", 1.5, "max"),
        "startup": ("start-up to first frame vs bare Textual app importing numpy and plotext", 1.3, "max"),
        "rss": ("resident memory at start vs bare Textual app importing numpy and plotext", 1.3, "max"),
        "press_bytes": ("bytes written per `n` press at 80x24 vs a full-screen repaint", 0.25, "max"),
        "chart": ("chart redraw after 1,000,000 updates vs after 10", 1.5, "max"),
    }
    return [
        Figure(key=key, name=name, limit=limit, direction=direction, unit="×", skipped=reason)
        for key, (name, limit, direction) in names.items()
    ]


def collect(quick: bool, only: str) -> list[Figure]:
    figures: list[Figure] = []
    if only in ("all", "engine"):
        from engine_figures import engine_figures

        figures += engine_figures(quick)
    if only in ("all", "app"):
        reason = app_importable()
        if reason is not None:
            figures += skipped_app_figures(reason)
        else:
            from app_figures import chart_figure
            from pty_figures import pty_figures

            figures += pty_figures(quick)
            figures.append(chart_figure(quick))
    return sorted(figures, key=lambda figure: ORDER.index(figure.key))


def markdown(figures: list[Figure], header: dict[str, object]) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `python bench/run.py` (the full suite); medians over several interleaved runs,",
        "ratios against references measured in the same run on the same machine.",
        "",
        f"Measured {header['when']} at {header['environment']['revision']}, "  # type: ignore[index]
        f"on {header['environment']['platform']}, "  # type: ignore[index]
        f"Python {header['environment']['python']}, NumPy {header['environment']['numpy']}, "  # type: ignore[index]
        f"Textual {header['environment']['textual']}, {header['environment']['cpus']} CPUs, "  # type: ignore[index]
        f"load average {header['environment']['load average at start']} at the start "  # type: ignore[index]
        f"(other work on the machine inflates wall-time figures); the whole run took {header['seconds']:.0f} s.",
        "",
        table(figures),
        "",
        "## How each figure is measured",
        "",
    ]
    lines += [f"- **{figure.name}**: {figure.notes}" for figure in figures if figure.notes]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that the suite runs")
    parser.add_argument("--only", choices=["all", "engine", "app"], default="all")
    parser.add_argument("--json", type=Path, default=BENCH / "results" / "latest.json", help="where to write JSON")
    parser.add_argument(
        "--markdown", type=Path, default=None, help="where to write the Markdown table (full runs: bench/RESULTS.md)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    where = environment()
    figures = collect(args.quick, args.only)
    header: dict[str, object] = {
        "when": when,
        "quick": args.quick,
        "only": args.only,
        "environment": where,
        "seconds": time.perf_counter() - started,
    }
    print(table(figures))
    for figure in figures:
        if figure.notes:
            print(f"  {figure.key}: {figure.notes}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({**header, "figures": [f.to_json() for f in figures]}, indent=2) + "\n")
    target = args.markdown
    if target is None and not args.quick and args.only == "all":
        target = BENCH / "RESULTS.md"
    if target is not None:
        target.write_text(markdown(figures, header))
    print(f"\nJSON: {args.json}" + (f"; Markdown: {target}" if target else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
