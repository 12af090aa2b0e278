"""Writing files so that a crash or a dropped connection never leaves half of one."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def atomic_write_text(path: str | os.PathLike[str], text: str, mode: int = 0o666) -> Path:
    """Write `text` to `path` through a temporary file in the same directory and an atomic rename."""
    target = Path(path)
    directory = target.parent
    # Same directory: os.replace is atomic only within one file system.
    # A short name of its own: the longest legal target name must still fit beside it.
    temporary = directory / f".gd-tui-{secrets.token_hex(6)}.tmp"
    # os.open with a mode lets the umask apply, as a plain open() would; O_EXCL never follows
    # a symlink planted at the temporary name.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)
    return target


def _sync_directory(directory: Path) -> None:
    # The rename itself reaches the disk only when the directory is synced (power loss).
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
