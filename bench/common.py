"""Figures, medians, spreads, the run's conditions and the results table shared by every benchmark."""

from __future__ import annotations

import math
import os
import platform
import resource
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

BUSY_PER_CORE = 1.5  # a load average above this per core marks a figure as taken on a busy machine


@dataclass
class Figure:
    """One row of the results table: a measured value (a median) against its target.

    `runs` holds the figure as each run measured it (for a ratio: each interleaved
    pair's own ratio), so the spread is printed beside the median. A figure with no
    `limit` is reported for the record and has no target.
    """

    key: str
    name: str
    limit: float | None
    direction: str  # "max": the value must be at most `limit`; "min": at least
    unit: str  # "×" for ratios, "MB", "ms", ...
    value: float | None = None
    runs: list[float] = field(default_factory=list)
    subject: str = ""  # what was measured, with its median
    reference: str = ""  # what it was compared with, with its median
    notes: str = ""
    skipped: str | None = None  # why no value (for instance: the app is not importable)
    load: float | None = None  # the 1-minute load average when the figure's measurement started
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> str:
        if self.limit is None:
            return "—"
        sign = "≤" if self.direction == "max" else "≥"
        return f"{sign} {self.limit:g}{self.unit}" if self.unit == "×" else f"{sign} {self.limit:g} {self.unit}"

    @property
    def holds(self) -> bool | None:
        if self.limit is None or self.value is None or not math.isfinite(self.value):
            return None
        return self.value <= self.limit if self.direction == "max" else self.value >= self.limit

    def _number(self, value: float) -> str:
        return f"{value:.2f}{self.unit}" if self.unit == "×" else f"{value:.1f} {self.unit}"

    @property
    def measured(self) -> str:
        if self.value is None:
            return "—"
        return self._number(self.value)

    @property
    def median_shown(self) -> str:
        """The median, with the first presses' figure beside it for a key-press row."""
        first = self.details.get("first_ratio") if self.details else None
        if first is None or self.value is None:
            return self.measured
        return f"{self.measured} (first {self.details['first']}: {first:.2f}×)"

    @property
    def spread(self) -> str:
        """min–max over runs, or "—" when there was a single run."""
        if len(self.runs) < 2:
            return "—"
        low, high = min(self.runs), max(self.runs)
        return f"{low:.2f}–{high:.2f}" if self.unit == "×" else f"{low:.1f}–{high:.1f}"

    @property
    def busy(self) -> bool:
        return self.load is not None and self.load > BUSY_PER_CORE * cores()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(target=self.target, holds=self.holds, spread=self.spread, busy=self.busy)
        return data


def cores() -> int:
    return os.cpu_count() or 1


def load_now() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def ratios(subject: Sequence[float], reference: Sequence[float]) -> list[float]:
    """Each interleaved pair's own ratio (run i of the subject against run i of the reference)."""
    return [s / r for s, r in zip(subject, reference, strict=False)]


def span(values: Sequence[float], scale: float = 1.0, digits: int = 2) -> str:
    """ "median (min–max)" of a list, scaled (e.g. 1e3 for milliseconds)."""
    if not values:
        return "—"
    mid, low, high = median(values) * scale, min(values) * scale, max(values) * scale
    return f"{mid:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})" if len(values) > 1 else f"{mid:.{digits}f}"


def ms(seconds: float) -> str:
    """A duration in milliseconds, or microseconds when it is short."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"


def minor_faults() -> int:
    """Minor page faults of this process so far (memory touched for the first time)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def environment() -> dict[str, Any]:
    """Where and under what conditions the figures were measured: they are ratios, but the machine still matters."""
    import textual

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    commit, clean = revision()
    return {
        "revision": commit if clean else f"{commit} with uncommitted changes in src/",
        "commit": commit,
        "src clean": clean,
        "cpus": cores(),
        "load average at start": " ".join(f"{value:.2f}" for value in load),
        "load per core at start": round(load[0] / cores(), 2),
        "busy at start": load[0] > BUSY_PER_CORE * cores(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "textual": getattr(textual, "__version__", "?"),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def revision() -> tuple[str, bool]:
    """The commit measured, and whether src/ was clean (`git status --porcelain -- src`)."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown", False
    return commit, not dirty


def verdict(figure: Figure) -> str:
    if figure.skipped:
        return "skipped"
    holds = figure.holds
    mark = "—" if holds is None else ("yes" if holds else "NO")
    return f"{mark} (busy)" if figure.busy else mark


def table(figures: Sequence[Figure]) -> str:
    """The results as a Markdown table (also readable as plain text)."""
    rows = [("figure", "median", "min–max", "target", "holds", "subject (median)", "reference (median)")]
    for figure in figures:
        subject = figure.subject if not figure.skipped else f"skipped: {figure.skipped}"
        rows.append(
            (
                figure.name,
                figure.median_shown,
                figure.spread,
                figure.target,
                verdict(figure),
                subject,
                figure.reference,
            )
        )
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines)
