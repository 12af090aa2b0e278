"""The benchmark suite runs on tiny sizes and reports every figure; --check and --compare read results files.

No timing is asserted: the figures depend on the machine. What is checked is the
machinery a reader relies on: every row present with a finite median and its
spread, the run's conditions recorded, a missed target failing --check, and
--compare printing one line per figure.
"""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

RUN = Path(__file__).resolve().parents[2] / "bench" / "run.py"

ENGINE_ROWS = {"engine_book", "engine_large", "engine_large_drop", "engine_adam", "history_memory"}
APP_ROWS = {
    "continue",
    "pause",
    "press_cpu",
    "press_cpu_large_raw",
    "press_cpu_large",
    "startup",
    "rss",
    "press_bytes",
    "chart",
    "rss_after_continue",
    "resume_first_frame",
}


def bench(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(RUN), *args], capture_output=True, text=True, timeout=timeout)


def app_runs() -> bool:
    if not sys.platform.startswith("linux"):  # the terminal figures read /proc
        return False
    try:
        import gd_tui.app  # noqa: F401
    except Exception:
        return False
    return True


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One quick run of every figure (engine and, where it can run, the app in a pty)."""
    out = tmp_path_factory.mktemp("bench") / "results.json"
    result = bench("--quick", "--only", "all" if app_runs() else "engine", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "| figure |" in result.stdout
    return json.loads(out.read_text())


def test_every_row_has_a_finite_median_and_its_spread(quick: dict[str, Any]) -> None:
    figures = {figure["key"]: figure for figure in quick["figures"]}
    assert set(figures) == ENGINE_ROWS | (APP_ROWS if app_runs() else set())
    for figure in figures.values():
        assert figure["skipped"] is None, figure
        assert math.isfinite(figure["value"]), figure
        assert figure["runs"] and min(figure["runs"]) <= figure["value"] <= max(figure["runs"]), figure
        assert figure["limit"] is None or figure["holds"] in (True, False), figure
    assert figures["engine_book"]["details"]["bit_identical"] is True
    assert figures["engine_large"]["details"]["bit_identical"] is True
    if app_runs():
        # Net of the NumPy work measured in the app: less than the raw figure's press CPU.
        details = figures["press_cpu_large"]["details"]
        assert all(n < r for n, r in zip(details["net"]["large"], details["raw"]["large"], strict=True))
        assert figures["press_cpu"]["details"]["first"] <= figures["press_cpu"]["details"]["presses"]


def test_the_run_records_its_conditions(quick: dict[str, Any]) -> None:
    env = quick["environment"]
    assert env["commit"] and isinstance(env["src clean"], bool)
    assert len(env["load average at start"].split()) == 3
    assert isinstance(env["busy at start"], bool)
    assert all(isinstance(figure["load"], float) for figure in quick["figures"])


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_check_fails_on_a_missed_target_and_compare_prints_one_line_each(quick: dict[str, Any], tmp_path: Path) -> None:
    passing = copy.deepcopy(quick)
    for figure in passing["figures"]:
        if figure["limit"] is not None:
            figure["value"] = figure["limit"]  # exactly on the target holds
    missed = copy.deepcopy(passing)
    book = next(f for f in missed["figures"] if f["key"] == "engine_book")
    book["value"] = book["limit"] * 1.5

    ok = bench("--from", str(_write(tmp_path / "ok.json", passing)), "--check")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = bench("--from", str(_write(tmp_path / "bad.json", missed)), "--check")
    assert bad.returncode == 1
    assert "MISSED: engine_book" in bad.stderr

    compared = bench("--from", str(tmp_path / "bad.json"), "--compare", str(tmp_path / "ok.json"))
    assert compared.returncode == 0, compared.stderr
    lines = compared.stdout.split("against ", 1)[1].splitlines()[1:]
    assert len(lines) == len(missed["figures"])
    (book_line,) = [line for line in lines if line.strip().startswith("engine_book:")]
    assert "+50.0%" in book_line and "(worse)" in book_line and "MISSES" in book_line


def test_a_results_file_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    result = bench("--from", str(broken), "--check")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot read" in result.stderr
