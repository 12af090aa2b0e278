"""The `gd-tui` command's entry point: it starts with the garbage collector off.

Starting allocates a few hundred thousand objects that live as long as the process (the
modules, NumPy, Textual, the app's widgets and styles). A full collection among them
frees nothing, and one came in the middle of every start: about 50 ms on a small machine,
a fifth of what gd-tui's start costs beyond a bare Textual app's. So the collector stays
off until there is work that makes garbage: the app turns it on once its first screen is
drawn (GDApp._collector_on), every other command as soon as its arguments are read
(cli.main).
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    from gd_tui.cli import main as run  # after the collector is off: the imports are most of those objects

    return run()
