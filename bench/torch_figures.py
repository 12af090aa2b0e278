"""The PyTorch mirror's figures: start-up and CPU per key press of `gd-tui --backend torch`.

    python bench/torch_figures.py            # a few runs of each (a minute or two; torch is slow to import)
    python bench/torch_figures.py --quick    # one run of each

- start-up: `gd-tui --backend torch` to its settled first screen, against the time
  `python -c 'import torch'` takes plus the NumPy app's own start-up (target ≤ 1.3×);
- CPU per `n` press and redraw with the torch backend against the NumPy backend (≤ 2×).

Both apps run through the gd-tui command (bench/launch_backend.py) in a pseudo-terminal
at 80x24, measured as bench/pty_figures.py measures the NumPy app. Needs torch installed.
Returns Figures (bench/common.py), so bench/run.py can add them to its table.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pty_figures
import terminal
from common import Figure, median, ms, table

LAUNCH_BACKEND = Path(__file__).resolve().parent / "launch_backend.py"


@contextlib.contextmanager
def launching_backends() -> Iterator[None]:
    """Terminal starts bench/launch_backend.py (its argument: the backend) instead of bench/launch.py."""
    saved = terminal.LAUNCH
    terminal.LAUNCH = LAUNCH_BACKEND
    try:
        yield
    finally:
        terminal.LAUNCH = saved


def import_torch_seconds() -> float:
    """Wall time of `python -c 'import torch'`, spawn to exit."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    return time.perf_counter() - started


def torch_figures(quick: bool) -> list[Figure]:
    runs = 1 if quick else 3
    presses = 6 if quick else 30
    numpy_runs: list[pty_figures.Session] = []
    torch_runs: list[pty_figures.Session] = []
    imports: list[float] = []
    with launching_backends():
        import_torch_seconds()  # the first import reads torch's files from disk; later ones from the page cache
        for _ in range(runs):  # interleaved: the machine's load falls on all three alike
            imports.append(import_torch_seconds())
            numpy_runs.append(pty_figures.session("numpy", presses, repaint=False))
            torch_runs.append(pty_figures.session("torch", presses, repaint=False))
    start_torch = median([s.startup for s in torch_runs])
    start_numpy = median([s.startup for s in numpy_runs])
    start_import = median(imports)
    # Every press cycles the six steps; each press's CPU counts, medians over all presses of all runs.
    press_torch = median([cpu for s in torch_runs for cpu in s.press_cpu])
    press_numpy = median([cpu for s in numpy_runs for cpu in s.press_cpu])
    return [
        Figure(
            key="torch_startup",
            name="`gd-tui --backend torch` start-up vs `import torch` + the NumPy app's start-up",
            limit=1.3,
            direction="max",
            unit="×",
            value=start_torch / (start_import + start_numpy),
            subject=f"gd-tui --backend torch {ms(start_torch)}",
            reference=f"import torch {ms(start_import)} + gd-tui (NumPy) {ms(start_numpy)}",
            notes="spawn to the settled first screen at 80x24 in a pty; `python -c 'import torch'` spawn to exit",
        ),
        Figure(
            key="torch_press_cpu",
            name="CPU per `n` press and redraw, torch backend vs NumPy backend",
            limit=2.0,
            direction="max",
            unit="×",
            value=press_torch / press_numpy,
            subject=f"torch {ms(press_torch)}",
            reference=f"NumPy {ms(press_numpy)}",
            notes=f"median over {presses} presses x {runs} runs; CPU of every thread of the app, idle rate taken off",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one run of each, a few presses")
    args = parser.parse_args()
    figures = torch_figures(args.quick)
    print(table(figures))
    for figure in figures:
        print(f"  {figure.key}: {figure.subject} vs {figure.reference}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
