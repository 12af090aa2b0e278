"""python -m gd_tui works like gd-tui."""

from gd_tui.command import main

raise SystemExit(main())
