"""The Textual app: reads the engine, never re-implements its math."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gd_tui.app.app import GDApp, run_app


def __getattr__(name: str) -> Any:
    # Loaded on first use: gd_tui.app.plots (chart math on plain arrays) imports no Textual.
    if name in ("GDApp", "run_app"):
        from gd_tui.app import app

        return getattr(app, name)
    raise AttributeError(f"module 'gd_tui.app' has no attribute {name!r}")


__all__ = ["GDApp", "run_app"]
