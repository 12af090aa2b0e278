"""A class's load on one server: twenty sessions stepping at once, none seeing another's keys."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

NEEDS = "the serve extra and its test helpers are missing: pip install -e '.[serve-test]'"
for module in ("textual_serve", "pyte", "aiohttp"):
    pytest.importorskip(module, reason=NEEDS)

BENCH = Path(__file__).resolve().parents[2] / "bench" / "serve_memory.py"


def test_twenty_sessions_end_at_their_own_numbers(tmp_path: Path) -> None:
    # Session k presses n 100 + k times: a key delivered to the wrong session changes two counts.
    out = tmp_path / "load.json"
    result = subprocess.run(
        [sys.executable, str(BENCH), "--sessions", "20", "--steps", "100", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(out.read_text())
    assert figures["wrong_sessions"] == []
    pss = figures["session_pss_mb"]
    assert math.isfinite(pss["mean"]) and 0 < pss["min"] <= pss["mean"] <= pss["max"]
    assert figures["fit_8gb"] > figures["fit_4gb"] > 0
