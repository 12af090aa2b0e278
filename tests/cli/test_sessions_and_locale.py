"""`gd-tui sessions`, `--resume` with no file, and output in a locale that cannot encode Unicode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import gd_tui.app
from gd_tui import session as sessions
from gd_tui.engine import Config, Machine

C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}


def run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gd_tui", *argv], capture_output=True, env={**os.environ, **(env or {})}, timeout=60
    )


@pytest.mark.parametrize("argv", [["--help"], ["lessons"], ["run", "--help"], ["sessions"]])
def test_help_and_lists_work_in_the_c_locale(argv: list[str], tmp_path: Path) -> None:
    done = run(*argv, env={**C_LOCALE, "XDG_STATE_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr.decode("ascii", "replace")
    assert done.stderr == b""
    assert max(done.stdout) < 0x80 and b"\\u" not in done.stdout
    if argv == ["--help"]:
        assert b"gradient descent on y = b + w.x + e." in done.stdout


def test_an_error_in_the_c_locale_is_one_ascii_line(tmp_path: Path) -> None:
    done = run("run", "--data", f"{tmp_path}/d\n\x1b]2;x\x07.csv", env=C_LOCALE)
    assert done.returncode == 2
    assert done.stderr == f"gd-tui: error: --data: {tmp_path}/d|^]2;x^.csv: no such file\n".encode("ascii")


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return sessions.state_dir()


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(gd_tui.app, "run_app", lambda config=None, **options: calls.append(options) or 0)
    return calls


def two_autosaves() -> list[Path]:
    """Seed 42 at t=20 (the older, lesson book) and seed 7 at t=7, as two dropped sessions leave them."""
    older, newer = Machine(Config(seed=42)), Machine(Config(seed=7))
    older.goto(20)
    newer.goto(7)
    paths = [
        sessions.autosave(sessions.capture(older, lesson="book")),
        sessions.autosave(sessions.capture(newer)),
    ]
    os.utime(paths[0], (1_700_000_000, 1_700_000_000))
    os.utime(paths[1], (1_700_000_060, 1_700_000_060))
    return paths


def test_resume_with_no_file_resumes_the_newest_and_says_which(
    cli: Any, state: Path, no_app: list[dict[str, Any]]
) -> None:
    _, newer = two_autosaves()
    result = cli("--resume")
    assert result.code == 0
    assert result.err == f"gd-tui: resuming {newer} (the newest of 2 autosaves; `gd-tui sessions` lists them)\n"
    assert no_app[0]["session"].config.seed == 7 and no_app[0]["session"].t == 7


def test_sessions_lists_every_autosave_newest_first(cli: Any, state: Path) -> None:
    older, newer = two_autosaves()
    (state / "autosave-20200101-000000-1.json").write_text("{ broken")
    os.utime(state / "autosave-20200101-000000-1.json", (1_600_000_000, 1_600_000_000))
    result = cli("sessions")
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert len(lines) == 3
    assert lines[0].endswith(f"  -  1 epoch and 1 update done  {newer}")  # t = 7: one epoch of one update
    assert lines[1].endswith(f"  book  3 epochs and 4 updates done  {older}")  # t = 20: step 4 done
    assert "(cannot be resumed: " in lines[2]


def test_sessions_with_none_saved(cli: Any, state: Path) -> None:
    result = cli("sessions")
    assert (result.code, result.out) == (0, f"no autosaved sessions in {state}\n")
