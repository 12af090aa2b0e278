"""gd-tui benchmarks: every figure of the performance targets, measured against its reference.

    python bench/run.py                 # the full suite (about 20 minutes on a quiet machine)
    python bench/run.py --quick         # tiny sizes, for a smoke test (seconds)
    python bench/run.py --only engine   # or app, or press (the key-press rows alone)
    python bench/run.py --check         # exit 1 when a figure misses its target
    python bench/run.py --compare OLD.json   # each figure's change against an earlier results file
                                          # (bench/RESULTS.json: the last full run's)
    python bench/run.py --readme        # also rewrite the README's performance table from this run

Prints a table (figure, median, min–max over runs, target, holds) and writes the
same as JSON (bench/results/latest.json by default). A full run also rewrites
bench/RESULTS.md. `--compare` and `--check` also work on a results file without
measuring anything: `python bench/run.py --from results.json --check`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from common import BUSY_PER_CORE, Figure, environment, table

BENCH = Path(__file__).resolve().parent
README = BENCH.parent / "README.md"

# The order of the results table.
ORDER = (
    "engine_book",
    "engine_large",
    "engine_large_drop",
    "engine_adam",
    "history_memory",
    "rss_after_continue",
    "resume_first_frame",
    "continue",
    "pause",
    "press_cpu",
    "press_cpu_120x40",
    "press_cpu_zoom",
    "press_cpu_zoom_120x40",
    "press_cpu_adam",
    "press_cpu_large_raw",
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


def progress(what: str, started: float) -> None:
    """A line on stderr as each group of figures is done, so a long run shows where it is."""
    print(f"bench: {what} done at {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def collect(quick: bool, only: str) -> list[Figure]:
    figures: list[Figure] = []
    started = time.perf_counter()
    if only in ("all", "engine"):
        from engine_figures import engine_figures
        from optimizer_figures import optimizer_figures

        figures += engine_figures(quick)
        figures += optimizer_figures(quick)
        progress("engine figures", started)
    if only in ("all", "app", "press"):
        reason = app_importable()
        if reason is not None:
            figures.append(Figure(key="app", name="app figures", limit=None, direction="max", unit="×", skipped=reason))
        else:
            from app_figures import chart_figure
            from pty_figures import pty_figures

            figures += pty_figures(quick, presses_only=only == "press")
            progress("figures in a pty", started)
            if only != "press":
                from memory_figures import memory_figures

                figures.append(chart_figure(quick))
                progress("chart figure", started)
                figures += memory_figures(20_000 if quick else 10**7)
                progress("memory figures (10,000,000 updates)", started)
    return sorted(figures, key=lambda figure: ORDER.index(figure.key) if figure.key in ORDER else len(ORDER))


def conditions(header: dict[str, Any]) -> str:
    """One sentence: when, at which commit, on what, under what load."""
    env = header["environment"]
    busy = (
        f" (above {BUSY_PER_CORE:g} per core: a busy machine; figures marked busy were measured under such load)"
        if env["busy at start"]
        else ""
    )
    return (
        f"Measured {header['when']} at {env['revision']}, on {env['platform']}, "
        f"Python {env['python']}, NumPy {env['numpy']}, Textual {env['textual']}, {env['cpus']} CPUs, "
        f"load average {env['load average at start']} at the start{busy}; "
        f"src/ {'clean' if env['src clean'] else 'with uncommitted changes'}; "
        f"the whole run took {header['seconds']:.0f} s."
    )


def markdown(figures: list[Figure], header: dict[str, Any]) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `python bench/run.py` (the full suite): medians over several interleaved runs with the",
        "min–max over runs beside them, ratios against references measured in the same run on the same",
        f"machine. A figure marked busy was measured while the load average was above {BUSY_PER_CORE:g} per core.",
        "",
        conditions(header),
        "",
        table(figures),
        "",
        "## How each figure is measured",
        "",
    ]
    lines += [f"- **{figure.name}**: {figure.notes}" for figure in figures if figure.notes]
    return "\n".join(lines) + "\n"


def readme_table(figures: list[Figure], header: dict[str, Any]) -> str:
    """The README's short table: figure, median, min–max, target, holds."""
    env = header["environment"]
    lines = [
        f"Measured {header['when']} at {env['revision']} ({env['cpus']} CPUs, Python {env['python']}, "
        f"NumPy {env['numpy']}, Textual {env['textual']}; load average {env['load average at start']} at the "
        f"start, {env['load per core at start']:g} per core{', busy' if env['busy at start'] else ''}):",
        "",
        "| figure | median | min–max | target | holds |",
        "|---|---|---|---|---|",
    ]
    for figure in figures:
        holds = "—" if figure.holds is None else ("yes" if figure.holds else "**no**")
        if figure.busy:
            holds += " (busy)"
        lines.append(f"| {figure.name} | {figure.median_shown} | {figure.spread} | {figure.target} | {holds} |")
    return "\n".join(lines)


def write_readme(figures: list[Figure], header: dict[str, Any], path: Path = README) -> None:
    """Replace what lies between the README's performance-table markers."""
    text = path.read_text()
    start, end = "<!-- performance-table -->", "<!-- /performance-table -->"
    if start not in text or end not in text:
        raise SystemExit(f"{path} has no {start} ... {end} block")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    path.write_text(pattern.sub(lambda _: f"{start}\n{readme_table(figures, header)}\n{end}", text, count=1))


def load_figures(path: Path) -> tuple[dict[str, Any], list[Figure]]:
    """A results file back as figures (fields it lacks take their defaults)."""
    data = json.loads(path.read_text())
    names = set(Figure.__dataclass_fields__)
    figures = [Figure(**{k: v for k, v in entry.items() if k in names}) for entry in data.get("figures", [])]
    return data, figures


def compare(figures: list[Figure], old: list[Figure], old_header: dict[str, Any]) -> list[str]:
    """One line per figure: the old median, the new, the change, and whether the target still holds."""
    before = {figure.key: figure for figure in old}
    env = old_header.get("environment", {})
    lines = [f"against {old_header.get('when', '?')} at {env.get('revision', '?')}:"]
    for figure in figures:
        was = before.get(figure.key)
        if figure.value is None:
            continue
        if was is None or was.value is None:
            lines.append(f"  {figure.key}: {figure.measured} (new)")
            continue
        change = (figure.value / was.value - 1) * 100 if was.value else float("nan")
        worse = (change > 0) == (figure.direction == "max") and abs(change) >= 0.5
        flag = " (worse)" if worse and figure.limit is not None else ""
        verdict = "" if figure.holds is None else ("; holds" if figure.holds else "; MISSES its target")
        lines.append(
            f"  {figure.key}: {was.measured} → {figure.measured} ({change:+.1f}%){flag}{verdict}"
            f"  [{was.spread} → {figure.spread}]"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that the suite runs")
    parser.add_argument("--only", choices=["all", "engine", "app", "press"], default="all")
    parser.add_argument("--json", type=Path, default=BENCH / "results" / "latest.json", help="where to write JSON")
    parser.add_argument(
        "--markdown", type=Path, default=None, help="where to write the Markdown table (full runs: bench/RESULTS.md)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure misses its target")
    parser.add_argument("--compare", type=Path, metavar="OLD.json", help="print each figure's change against OLD.json")
    parser.add_argument("--from", dest="source", type=Path, metavar="RESULTS.json", help="measure nothing: read this")
    parser.add_argument("--readme", action="store_true", help="rewrite the README's performance table")
    args = parser.parse_args()

    old: tuple[dict[str, Any], list[Figure]] | None = None
    if args.compare is not None:
        try:
            old = load_figures(args.compare)
        except (OSError, ValueError, TypeError) as error:
            print(f"bench: cannot read {args.compare}: {error}", file=sys.stderr)
            return 2

    if args.source is not None:
        try:
            header, figures = load_figures(args.source)
        except (OSError, ValueError, TypeError) as error:
            print(f"bench: cannot read {args.source}: {error}", file=sys.stderr)
            return 2
    else:
        started = time.perf_counter()
        when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        where = environment()
        figures = collect(args.quick, args.only)
        header = {
            "when": when,
            "quick": args.quick,
            "only": args.only,
            "environment": where,
            "seconds": time.perf_counter() - started,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**header, "figures": [f.to_json() for f in figures]}, indent=2) + "\n")

    print(conditions(header))
    print(table(figures))
    for figure in figures:
        if figure.notes:
            print(f"  {figure.key}: {figure.notes}")
    target = args.markdown
    if target is None and args.source is None and not args.quick and args.only == "all":
        target = BENCH / "RESULTS.md"
    if target is not None:
        target.write_text(markdown(figures, header))
        if target == BENCH / "RESULTS.md" and args.source is None:  # kept beside it, for --compare
            (BENCH / "RESULTS.json").write_text(args.json.read_text())
    if args.source is None or target is not None:
        print("\n" + ("" if args.source else f"JSON: {args.json}; ") + (f"Markdown: {target}" if target else ""))
    if args.readme:
        write_readme(figures, header)
        print(f"README: {README}")
    if old is not None:
        print("\n" + "\n".join(compare(figures, old[1], old[0])))
    if args.check:
        missed = [figure for figure in figures if figure.holds is False]
        for figure in missed:
            print(f"MISSED: {figure.key}: {figure.measured} (target {figure.target})", file=sys.stderr)
        return 1 if missed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
