"""The palette's "Export history…": the files hold the machine's history; a bad name is refused in place."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.widgets import Input, Static

from gd_tui.app import GDApp
from gd_tui.app.screens.prompt import PromptScreen
from gd_tui.engine import Config


async def test_export_writes_the_history_and_refuses_a_directory(tmp_path: Path) -> None:
    app = GDApp(Config())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "e", "e")
        app._ask_export()
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert "file name" in str(app.screen.query_one("#error", Static).render())
        # A name longer than the file system allows: refused in place (is_dir() used to crash the app).
        app.screen.query_one(Input).value = str(tmp_path / ("a" * 300 + ".csv"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        message = str(app.screen.query_one("#error", Static).render())
        assert message.endswith("a.csv: cannot write (File name too long)") and len(message) < 120, message
        app.screen.query_one(Input).value = str(tmp_path / "run.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
        path = app.machine.history.path.values
    rows = list(csv.DictReader((tmp_path / "run.csv").open()))
    assert len(rows) == 4  # the start and three updates
    assert [(float(r["b"]), float(r["w"])) for r in rows] == [tuple(p) for p in path]
    epochs = list(csv.DictReader((tmp_path / "run-epochs.csv").open()))
    assert [int(r["epoch"]) for r in epochs] == [1, 2, 3]
