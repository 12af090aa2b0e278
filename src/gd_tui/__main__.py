"""python -m gd_tui works like gd-tui."""

from gd_tui.cli import main

raise SystemExit(main())
