"""The engine is pure NumPy: importing it must not pull in the UI libraries."""

from __future__ import annotations

import json
import subprocess
import sys

UI_MODULES = ("textual", "plotext", "textual_plotext")

PROBE = f"""
import json, sys
import gd_tui.engine
from gd_tui.engine import analysis, breakpoints, config, data, history, machine, steps
from gd_tui.engine.breakpoints import epochs
m = gd_tui.engine.Machine()
m.run_until(epochs(3))
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({UI_MODULES!r}))
print(json.dumps({{"loaded": loaded, "epoch": m.state.epoch}}))
"""


def test_importing_and_running_the_engine_loads_no_ui_library() -> None:
    # A fresh interpreter: in this one, other tests may already have imported textual.
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["epoch"] == 3  # the probe really ran the engine
    assert report["loaded"] == []


def test_the_probe_would_notice_a_ui_import() -> None:
    # Guards the guard: the same check sees textual when it is imported.
    probe = PROBE.replace("import gd_tui.engine\n", "import gd_tui.engine\nimport textual.app\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "textual" in json.loads(result.stdout)["loaded"]
