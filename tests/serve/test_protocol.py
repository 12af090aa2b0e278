"""`gd-tui serve` over its websocket, as the page speaks it, read through a terminal emulator (pyte)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gd_tui.engine import Config, Machine
from gd_tui.session import load, restore

NEEDS = "the serve extra and its test helpers are missing: pip install -e '.[serve-test]'"
for module in ("textual_serve", "pyte", "aiohttp"):
    pytest.importorskip(module, reason=NEEDS)

import aiohttp  # noqa: E402  (after the skip: optional helpers)
from webterm import Server, Tab, alive, next_step, updates_done, wait_until  # noqa: E402

BOOK_LOSS = "2.74215777"  # the loss after step 2 of the book's first update


async def test_three_presses_show_the_books_loss(server: Server) -> None:
    async with aiohttp.ClientSession() as http:
        tab = await Tab(http, server.url).open()
        await tab.wait_for("Next: step 0")
        assert BOOK_LOSS not in tab.text
        await tab.press(["n", "n", "n"])
        text = await tab.wait_for("Next: step 3")
        assert f"loss     {BOOK_LOSS}" in text
        await tab.close()


async def test_each_tab_has_its_own_session(server: Server) -> None:
    async with aiohttp.ClientSession() as http:
        first = await Tab(http, server.url).open()
        second = await Tab(http, server.url).open()
        await first.wait_for("Next: step 0")
        await second.wait_for("Next: step 0")
        assert len(server.sessions()) >= 2
        await first.press(["n", "n", "n"])
        await second.press("n")
        await first.wait_for("Next: step 3")
        await second.wait_for("Next: step 1")
        time.sleep(0.5)  # any key that leaked from one tab to the other would have landed by now
        assert next_step(first.text) == "Next: step 3, gradients"
        assert next_step(second.text) == "Next: step 1, forward"
        assert BOOK_LOSS not in second.text
        await first.close()
        await second.close()


async def test_closing_a_tab_ends_its_process_within_seconds(server: Server) -> None:
    async with aiohttp.ClientSession() as http:
        before = server.sessions()
        tab = await Tab(http, server.url).open()
        await tab.wait_for("Next: step 0")
        (pid,) = server.sessions() - before
        closed_at = time.monotonic()
        await tab.close()
        wait_until(lambda: not alive(pid), timeout=10, what=f"session {pid} to end after its tab closed")
        assert time.monotonic() - closed_at < 10
        assert pid not in server.sessions()


async def test_export_downloads_exactly_what_run_history_writes(server: Server, tmp_path: Path) -> None:
    async with aiohttp.ClientSession() as http:
        tab = await Tab(http, server.url).open()
        await tab.wait_for("Next: step 0")
        for epoch in (1, 2, 3):  # three whole epochs (an `e` during a run would only retarget it)
            await tab.press("e")
            await tab.wait_for(updates_done(epoch))
        await tab.press("\x10")  # ctrl+p: the command palette
        await tab.wait_for("🔎")
        await tab.press(list("export history"))
        await tab.wait_for("Export history…")
        await tab.press("\r")
        await tab.wait_for("Export the history to")
        await tab.press("\r")  # the proposed name, gd-tui-history.csv
        updates, epochs = await tab.wait_message("deliver_file_start", count=2)
        await tab.wait_for("to your browser")
        got_updates, disposition = await tab.download(str(updates[1]))
        got_epochs, epochs_disposition = await tab.download(str(epochs[1]))
        await tab.close()
    assert "filename=gd-tui-history.csv" in disposition
    assert "filename=gd-tui-history-epochs.csv" in epochs_disposition
    expected = tmp_path / "expected.csv"
    subprocess.run(
        [sys.executable, "-m", "gd_tui", "run", "--epochs", "3", "--history", str(expected)],
        check=True,
        capture_output=True,
    )
    assert got_updates == expected.read_bytes()
    assert got_epochs == (tmp_path / "expected-epochs.csv").read_bytes()
    assert len(got_updates.splitlines()) == 1 + 1 + 3  # header, the start, three updates


async def test_save_downloads_a_session_that_resumes_here(server: Server, tmp_path: Path) -> None:
    async with aiohttp.ClientSession() as http:
        tab = await Tab(http, server.url).open()
        await tab.wait_for("Next: step 0")
        await tab.press(["n"] * 5)
        await tab.wait_for("Next: step 5")
        await tab.press("\x13")  # ctrl+s
        await tab.wait_for("Save the session to")
        await tab.press("\r")
        (start,) = await tab.wait_message("deliver_file_start")
        body, disposition = await tab.download(str(start[1]))
        await tab.wait_for("to your browser")
        await tab.close()
    assert "filename=gd-tui-session.json" in disposition
    downloaded = tmp_path / "downloaded.json"
    downloaded.write_bytes(body)
    machine = restore(load(downloaded))
    expected = Machine(Config())
    for _ in range(5):
        expected.advance()
    assert (machine.state.t, machine.state.b, machine.state.w) == (5, expected.state.b, expected.state.w)
    assert not list(Path.cwd().glob("gd-tui-session.json")), "a served save must not write on the server"


async def test_a_full_class_gets_a_plain_page_and_flags_pass_through(state_home: Path) -> None:
    server = Server("--max-sessions", "1", "--lr", "0.5", state_home=state_home)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(server.url) as response:
                assert response.status == 200
            tab = await Tab(http, server.url).open()
            text = await tab.wait_for("Next: step 0")
            assert "lr 0.5 " in text  # the server's flags reach every session
            async with http.get(server.url) as response:
                page = await response.text()
                assert response.status == 503
                assert "The class is full" in page
            late = await Tab(http, server.url).open()  # a page loaded before the class filled up
            await late.closed.wait()
            assert "class is full" in late.text
            assert len(server.sessions()) == 1
            await tab.close()
            wait_until(lambda: not server.sessions(), timeout=15, what="the only session to end")
            # The seat is free again once the server has seen its websocket close too (the
            # process can end a moment before that).
            status = 0
            for _ in range(50):
                async with http.get(server.url) as response:
                    status = response.status
                if status == 200:
                    break
                await asyncio.sleep(0.2)
            assert status == 200
    finally:
        server.stop()


async def test_ctrl_c_ends_every_session_and_autosaves_each(state_home: Path) -> None:
    server = Server(state_home=state_home)
    try:
        async with aiohttp.ClientSession() as http:
            tabs = [await Tab(http, server.url).open() for _ in range(2)]
            for tab, presses in zip(tabs, (3, 1), strict=True):
                await tab.wait_for("Next: step 0")
                await tab.press(["n"] * presses)
                await tab.wait_for(f"Next: step {presses}")
            pids = server.sessions()
            assert len(pids) == 2
            code = server.stop()
            for tab in tabs:
                await tab.closed.wait()
    finally:
        server.stop()
    assert code == 0
    assert not any(alive(pid) for pid in pids)
    saved = sorted(state_home.glob("gd-tui/served/*/session-*/gd-tui/*.json"))
    assert sorted(restore(load(path)).state.t for path in saved) == [1, 3], server.output
    assert "ended 2 session(s); 2 saved" in server.output


async def test_a_killed_server_leaves_no_orphans(state_home: Path) -> None:
    server = Server(state_home=state_home)
    try:
        async with aiohttp.ClientSession() as http:
            tab = await Tab(http, server.url).open()
            await tab.wait_for("Next: step 0")
            await tab.press(["n", "n"])
            await tab.wait_for("Next: step 2")
            (pid,) = server.sessions()
            server.process.kill()  # SIGKILL: the server cannot hang up anyone
            wait_until(lambda: not alive(pid), timeout=15, what="the session to end with its server")
    finally:
        server.stop()
    (saved,) = state_home.glob("gd-tui/served/*/session-*/gd-tui/*.json")
    assert restore(load(saved)).state.t == 2  # it hung up as over a dropped connection, and saved


def test_a_tabs_terminal_size_is_clamped() -> None:
    from gd_tui.serve import MAX_COLUMNS, MAX_ROWS, terminal_size

    assert terminal_size(-5, -5) == (1, 1)
    assert terminal_size(3000, 3000) == (MAX_COLUMNS, MAX_ROWS) == (1000, 500)
    assert terminal_size("x", None) == terminal_size(True, float("nan")) == (80, 24)
    assert terminal_size(120.7, 40) == (120, 40)


async def test_a_negative_or_huge_terminal_size_does_not_end_the_session(server: Server) -> None:
    # ws?width=-5&height=-5 crashed the session in Textual's compositor; 3000 x 3000 took gigabytes.
    async with aiohttp.ClientSession() as http:
        before = server.sessions()
        tab = Tab(http, server.url, columns=80, rows=24)
        tab._socket = await http.ws_connect(server.url.replace("http://", "ws://", 1) + "ws?width=-5&height=-5")
        tab._reader = asyncio.create_task(tab._read())
        for size in ({"width": -5, "height": -5}, {"width": 3000, "height": 3000}, {"width": "x", "height": None}):
            await tab._socket.send_str(json.dumps(["resize", size]))
        await asyncio.sleep(1)
        await tab._socket.send_str(json.dumps(["resize", {"width": 80, "height": 24}]))
        await tab.press("n")
        await tab.wait_for("Next: step 1")
        (pid,) = server.sessions() - before
        assert alive(pid)
        await tab.close()
