"""Start gd-tui on one backend in this terminal, through the gd-tui command itself (bench/torch_figures.py).

python bench/launch_backend.py numpy
python bench/launch_backend.py torch
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from gd_tui.cli import main

    backend = sys.argv[1] if len(sys.argv) > 1 else "numpy"
    sys.exit(main(["--backend", backend]))
