"""The Textual app: reads the engine, never re-implements its math."""

from __future__ import annotations

from gd_tui.app.app import GDApp, run_app

__all__ = ["GDApp", "run_app"]
