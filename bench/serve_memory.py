"""`gd-tui serve` under a class's load: concurrent sessions, each stepping, and the memory each costs.

    python bench/serve_memory.py                      # 20 sessions, 100+ steps each
    python bench/serve_memory.py --sessions 4 --steps 10 --json out.json

Starts `gd-tui serve` on a free loopback port, opens the sessions at once over the
websocket (as the page does), and sends session k `steps + k` presses of `n`, all
sessions at the same time. Each one must end at the numbers the engine gives for its
own count, so a key that reached the wrong session would show. Each then draws every
chart once, as a student would, and the script reads the
proportional set size (PSS, /proc/PID/smaps_rollup: shared pages split among the
processes that share them) of every session's process and of the server, and says how
many sessions fit in 4 GB and 8 GB. Needs the serve-test extra. Exits 1 when a session
ends at the wrong numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "serve"))  # the websocket client the tests use

import aiohttp  # noqa: E402
from webterm import Server, Tab, updates_done  # noqa: E402

from gd_tui.app.format import num  # noqa: E402
from gd_tui.engine import Config, Machine  # noqa: E402

SYSTEM_RESERVE_MB = 1024  # left to the operating system and the rest when counting seats


def expected(presses: int) -> Callable[[str], bool]:
    """A screen condition: the Parameters pane shows the book's run after `presses` steps."""
    machine = Machine(Config())
    for _ in range(presses):
        machine.advance()
    state = machine.state
    lines = (f"b {num(state.b).rjust(12)}", f"w {num(state.w).rjust(12)}")
    done = updates_done(state.update)
    return lambda text: all(line in text for line in lines) and done(text)


def _rollup_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} line for {pid}")


def shows_chart(title: str, previous: str) -> Callable[[str], bool]:
    """A screen condition: the chart pane shows `title` (titled "TITLE  t: next chart")."""
    return lambda text: f"{title}  t:" in text and f"{previous}  t:" not in text


def pss_mb(pid: int) -> float:
    """The process's proportional set size in MB (Linux 4.14+): what it adds, shared pages split."""
    return _rollup_mb(pid, "Pss")


def rss_mb(pid: int) -> float:
    """The process's resident set size in MB: shared pages counted in full (what `top` shows)."""
    return _rollup_mb(pid, "Rss")


async def run(sessions: int, steps: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as state_home:
        server = Server(state_home=Path(state_home))
        try:
            async with aiohttp.ClientSession() as http:
                started = time.perf_counter()
                tabs = await asyncio.gather(*(Tab(http, server.url).open() for _ in range(sessions)))
                await asyncio.gather(*(tab.wait_for("Next: step 0", timeout=300) for tab in tabs))
                ready = time.perf_counter() - started
                counts = [steps + k for k in range(sessions)]  # all different: a stray key shows

                async def step(tab: Tab, count: int) -> None:
                    await tab.press(["n"] * count)

                started = time.perf_counter()
                await asyncio.gather(*(step(tab, count) for tab, count in zip(tabs, counts, strict=True)))
                wrong = []
                for k, (tab, count) in enumerate(zip(tabs, counts, strict=True)):
                    try:
                        await tab.wait_for(expected(count), timeout=300)
                    except AssertionError:
                        wrong.append(k)
                stepped = time.perf_counter() - started
                # Every chart drawn once, as a student would, before the memory is read.
                titles = ("Data and fit", "Loss surface", "Cross-sections", "Loss history")
                for previous, title in zip(("Loss history", *titles), titles, strict=False):
                    await asyncio.gather(*(tab.press("t") for tab in tabs))
                    await asyncio.gather(*(tab.wait_for(shows_chart(title, previous), 300) for tab in tabs))
                pids = sorted(server.sessions())
                session_pss = [pss_mb(pid) for pid in pids]
                session_rss = [rss_mb(pid) for pid in pids]
                server_pss = pss_mb(server.pid)
                for tab in tabs:
                    await tab.close()
        finally:
            server.stop()
    per_session = statistics.mean(session_pss)
    return {
        "sessions": sessions,
        "steps": f"{steps}..{steps + sessions - 1} per session",
        "wrong_sessions": wrong,
        "seconds_to_open_all": round(ready, 1),
        "seconds_to_step_all": round(stepped, 1),
        "session_pss_mb": {
            "mean": round(per_session, 1),
            "min": round(min(session_pss), 1),
            "max": round(max(session_pss), 1),
        },
        "session_rss_mb": round(statistics.mean(session_rss), 1),
        "server_pss_mb": round(server_pss, 1),
        "total_pss_mb": round(server_pss + sum(session_pss), 1),
        "fit_4gb": math.floor((4096 - SYSTEM_RESERVE_MB - server_pss) / per_session),
        "fit_8gb": math.floor((8192 - SYSTEM_RESERVE_MB - server_pss) / per_session),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    options = parser.parse_args()
    result = asyncio.run(run(options.sessions, options.steps))
    pss = result["session_pss_mb"]
    print(
        f"{result['sessions']} sessions, {result['steps']}: "
        f"{'all at the right numbers' if not result['wrong_sessions'] else 'WRONG: ' + str(result['wrong_sessions'])}\n"
        f"opened in {result['seconds_to_open_all']} s, stepped in {result['seconds_to_step_all']} s "
        f"(load average {result['load_average'][0]})\n"
        f"PSS per session {pss['mean']} MB (min {pss['min']}, max {pss['max']}); server {result['server_pss_mb']} MB; "
        f"total {result['total_pss_mb']} MB (RSS per session {result['session_rss_mb']} MB)\n"
        f"sessions that fit, {SYSTEM_RESERVE_MB} MB left to the system: "
        f"4 GB: {result['fit_4gb']}, 8 GB: {result['fit_8gb']}"
    )
    if options.json is not None:
        options.json.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if result["wrong_sessions"] else 0


if __name__ == "__main__":
    sys.exit(main())
