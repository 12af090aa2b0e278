"""The benchmark suite runs on tiny sizes and reports every figure (no timing is asserted)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

RUN = Path(__file__).resolve().parents[2] / "bench" / "run.py"

ENGINE_ROWS = {"engine_book", "engine_large", "history_memory"}
APP_ROWS = {"continue", "press_cpu", "press_cpu_large", "startup", "rss", "press_bytes", "chart"}


def run_quick(tmp_path: Path, only: str) -> dict[str, Any]:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--only", only, "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "| figure |" in result.stdout
    return json.loads(out.read_text())


def app_importable() -> bool:
    try:
        import gd_tui.app  # noqa: F401
    except Exception:
        return False
    return True


def test_engine_figures_run_quick(tmp_path: Path) -> None:
    results = run_quick(tmp_path, "engine")
    figures = {figure["key"]: figure for figure in results["figures"]}
    assert set(figures) == ENGINE_ROWS
    for figure in figures.values():
        assert math.isfinite(figure["value"]) and figure["value"] > 0, figure
        assert figure["target"] and figure["holds"] in (True, False)
    assert figures["engine_book"]["details"]["bit_identical"] is True
    assert figures["engine_large"]["details"]["bit_identical"] is True


@pytest.mark.skipif(not app_importable(), reason="the app is not importable yet")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the terminal figures read /proc")
def test_app_figures_run_quick(tmp_path: Path) -> None:
    results = run_quick(tmp_path, "app")
    figures = {figure["key"]: figure for figure in results["figures"]}
    assert set(figures) == APP_ROWS
    for figure in figures.values():
        assert figure["skipped"] is None, figure
        assert math.isfinite(figure["value"]) and figure["value"] > 0, figure
