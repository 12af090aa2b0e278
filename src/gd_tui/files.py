"""Writing files so that a crash or a dropped connection never leaves half of one."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from pathlib import Path

TEMPORARY_PREFIX = ".gd-tui-"
_live: set[Path] = set()  # temporary files being written now, removed on any exit the process sees


def writable_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to `path` replaces: a symlink's target; OSError for what is not a regular file.

    A write replaces a regular file, or creates one. A device (/dev/full), a FIFO or a
    socket at the path is refused, never replaced by a regular file; a symlink is
    written through, so the file it points to is the one replaced and the link stays.
    """
    name = os.fspath(path)
    if not name:
        raise OSError(errno.ENOENT, "no file name given")
    target = Path(os.path.realpath(name)) if os.path.islink(name) else Path(name)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return target
    if stat.S_ISDIR(info.st_mode):
        raise OSError(errno.EISDIR, "is a directory; give a file name")
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "is not a regular file (a device, a FIFO or a socket), so it is not replaced")
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, mode: int = 0o666) -> Path:
    """Write `text` to `path` through a temporary file in the same directory and an atomic rename.

    A new file gets `mode` (less the umask); an existing one keeps its own mode.
    """
    target = writable_target(path)
    directory = target.parent
    try:
        kept_mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        kept_mode = None
    sweep_temporary(directory)
    # Same directory: os.replace is atomic only within one file system. A short name
    # of its own (the longest legal target name must still fit beside it), with the
    # process id so that a later start can tell a stale one from one being written.
    temporary = directory / f"{TEMPORARY_PREFIX}{os.getpid()}-{os.urandom(4).hex()}.tmp"
    # os.open with a mode lets the umask apply, as a plain open() would; O_EXCL never follows
    # a symlink planted at the temporary name.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    _live.add(temporary)
    try:
        if kept_mode is not None:
            os.fchmod(descriptor, kept_mode)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    finally:
        _live.discard(temporary)
    _sync_directory(directory)
    return target


def remove_temporary_files() -> None:
    """Remove the temporary files being written now (from a signal handler, before exiting)."""
    for temporary in list(_live):
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        _live.discard(temporary)


def sweep_temporary(directory: str | os.PathLike[str]) -> list[Path]:
    """Remove our own temporary files left in `directory` by a process that no longer runs (kill -9)."""
    removed = []
    uid = os.geteuid()
    try:
        entries = [entry for entry in os.scandir(directory) if entry.name.startswith(TEMPORARY_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None:
            continue
        with contextlib.suppress(OSError):
            pid = int(match.group(1))
            if pid == os.getpid():
                if Path(entry.path) in _live:
                    continue
            elif entry.is_symlink() or entry.stat().st_uid != uid or _running(pid):
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


_TEMPORARY = re.compile(re.escape(TEMPORARY_PREFIX) + r"(\d+)-[0-9a-f]{8}\.tmp")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or a number no process has: leave it
    return True


def user_path(text: str) -> Path:
    """A path as the user wrote it, `~` expanded as a shell would; FileProblem for one no file can have."""
    if "\x00" in text:
        raise FileProblem("a file name cannot hold a NUL character")
    try:
        return Path(text).expanduser()
    except RuntimeError:  # ~user for a user that does not exist, or no home directory at all
        user = text[1:].split("/", 1)[0]
        raise FileProblem(f"no such user's home directory (~{user})" if user else "no home directory is set") from None


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


def check_regular_file(path: str | os.PathLike[str], kind: str) -> None:
    """FileProblem unless `path` is a regular file (`kind` names what was expected)."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise FileProblem("no such file") from None
    except PermissionError:
        raise FileProblem("permission denied; the file must be readable") from None
    except OSError as error:  # a name too long, a symlink loop
        raise FileProblem(f"cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileProblem(f"is a directory; expected {kind}")
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or a device would block or never end: only regular files are read.
        raise FileProblem(f"is not a regular file; expected {kind}")


def read_limited(path: str | os.PathLike[str], limit: int, kind: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (`kind` names what was expected)."""
    check_regular_file(path, kind)
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
