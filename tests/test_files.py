"""Atomic writes: what they refuse, what they write through, the modes they keep, what they leave behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gd_tui import files
from gd_tui.files import atomic_write_text, sweep_temporary, user_path, writable_target


def temporaries(directory: Path) -> list[Path]:
    return sorted(directory.glob(".gd-tui-*.tmp"))


def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as caught:
        atomic_write_text(fifo, "x\n")
    assert caught.value.strerror == "is not a regular file (a device, a FIFO or a socket), so it is not replaced"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert not temporaries(tmp_path)


def test_a_device_is_refused() -> None:
    with pytest.raises(OSError, match="not a regular file"):
        writable_target("/dev/null")


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert atomic_write_text(link, "new\n") == target
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "full.csv"
    link.symlink_to("/dev/null")
    with pytest.raises(OSError, match="not a regular file"):
        atomic_write_text(link, "x\n")
    assert link.is_symlink()


def test_an_existing_files_mode_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "private.csv"
    path.write_text("old\n")
    path.chmod(0o600)
    atomic_write_text(path, "new\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text() == "new\n"


def test_an_empty_name_is_refused() -> None:
    with pytest.raises(OSError) as caught:
        writable_target("")
    assert caught.value.strerror == "no file name given"


def test_stale_temporary_files_of_a_dead_process_are_swept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".gd-tui-{int(dead.stdout)}-0123abcd.tmp"
    stale.write_text("half a file")
    alive = tmp_path / f".gd-tui-{os.getppid()}-0123abcd.tmp"  # a process that runs: maybe mid-write
    alive.write_text("being written")
    other = tmp_path / ".gd-tui-notours.tmp"
    other.write_text("not a name we make")
    atomic_write_text(tmp_path / "out.csv", "x\n")
    assert not stale.exists() and alive.exists() and other.exists()
    assert sweep_temporary(tmp_path) == []


# `gd-tui run --history` whose history is 160 MB of text: the write takes long enough to interrupt.
LONG_WRITE = """
import sys
import gd_tui.export

gd_tui.export.updates_csv = lambda machine: "0,1.0,2.0,3.0\\n" * 10_000_000
from gd_tui.cli import main

sys.exit(main(["run", "--epochs", "1", "--history", sys.argv[1]]))
"""


def test_sigterm_during_a_history_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    """kill during `--history` once left a 90 MB .gd-tui-….tmp behind."""
    process = subprocess.Popen(
        [sys.executable, "-c", LONG_WRITE, str(tmp_path / "run.csv")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not temporaries(tmp_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    if not temporaries(tmp_path):
        process.kill()
        pytest.skip("the write finished before it could be interrupted")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert err == ""
    assert not temporaries(tmp_path) and not (tmp_path / "run.csv").exists()


def test_user_path_refuses_what_no_file_can_be_named() -> None:
    with pytest.raises(files.FileProblem) as caught:
        user_path("~nosuchuser-here/x.csv")
    assert str(caught.value) == "no such user's home directory (~nosuchuser-here)"
    with pytest.raises(files.FileProblem) as caught:
        user_path("a\x00b")
    assert str(caught.value) == "a file name cannot hold a NUL character"
