"""Figures, medians and the results table shared by every benchmark."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class Figure:
    """One row of the results table: a measured value against its target."""

    key: str
    name: str
    limit: float
    direction: str  # "max": the value must be at most `limit`; "min": at least
    unit: str  # "×" for ratios, "MB", ...
    value: float | None = None
    subject: str = ""  # what was measured, with its median
    reference: str = ""  # what it was compared with, with its median
    notes: str = ""
    skipped: str | None = None  # why no value (for instance: the app is not importable)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> str:
        sign = "≤" if self.direction == "max" else "≥"
        return f"{sign} {self.limit:g}{self.unit}" if self.unit == "×" else f"{sign} {self.limit:g} {self.unit}"

    @property
    def holds(self) -> bool | None:
        if self.value is None or not math.isfinite(self.value):
            return None
        return self.value <= self.limit if self.direction == "max" else self.value >= self.limit

    @property
    def measured(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value:.2f}{self.unit}" if self.unit == "×" else f"{self.value:.1f} {self.unit}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = self.target
        data["holds"] = self.holds
        return data


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def ms(seconds: float) -> str:
    """A duration in milliseconds, or microseconds when it is short."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"


def environment() -> dict[str, str]:
    """Where the figures were measured: they are ratios, but the machine still matters."""
    import textual

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "revision": revision(),
        "cpus": str(os.cpu_count()),
        "load average at start": " ".join(f"{value:.2f}" for value in load),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "textual": getattr(textual, "__version__", "?"),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def revision() -> str:
    """The commit measured, and whether the source had uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} with uncommitted changes in src/" if dirty else commit


def verdict(figure: Figure) -> str:
    holds = figure.holds
    if figure.skipped:
        return "skipped"
    return "—" if holds is None else ("yes" if holds else "NO")


def table(figures: Sequence[Figure]) -> str:
    """The results as a Markdown table (also readable as plain text)."""
    rows = [("figure", "measured", "target", "holds", "subject (median)", "reference (median)")]
    for figure in figures:
        subject = figure.subject if not figure.skipped else f"skipped: {figure.skipped}"
        rows.append((figure.name, figure.measured, figure.target, verdict(figure), subject, figure.reference))
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines)
