"""Writing files so that a crash or a dropped connection never leaves half of one."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
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


class FileProblem(ValueError):
    """A file the user named cannot be read; the message says why, without the path."""


def read_limited(path: str | os.PathLike[str], limit: int, kind: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (`kind` names what was expected)."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise FileProblem("no such file") from None
    except PermissionError:
        raise FileProblem("permission denied; the file must be readable") from None
    except OSError as error:
        raise FileProblem(f"cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileProblem(f"is a directory; expected {kind}")
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or a device would block or never end: only regular files are read.
        raise FileProblem(f"is not a regular file; expected {kind}")
    try:
        with open(path, "rb") as file:
            raw = file.read(limit + 1)  # never more than the limit, whatever stat said
    except PermissionError:
        raise FileProblem("permission denied; the file must be readable") from None
    except OSError as error:
        raise FileProblem(f"cannot be read ({error.strerror})") from None
    if len(raw) > limit:
        raise FileProblem(f"is larger than {limit} bytes (at most {limit} bytes are allowed for {kind})")
    return raw
