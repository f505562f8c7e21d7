"""An exclusive lock file, waited for with a time limit: builds into one folder and sending runs take turns.

The lock is the operating system's own (filelock's FileLock: flock on Linux and macOS, LockFileEx through msvcrt on
Windows), so it is released when the process dies, however it dies; no stale lock file ever blocks a run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from plan_calendar.errors import PlanError, ServiceError, file_error

__all__ = ["exclusive"]

_POLL = 0.05  # seconds between attempts while another run holds the lock


@contextlib.contextmanager
def exclusive(path: Path, wait: float, busy: str, unwritable: str | None = None) -> Iterator[None]:
    """Hold ``path`` locked; after ``wait`` seconds of waiting raise ServiceError(``busy``), exit code 3.

    The lock file is never reached through a symbolic link (which could make plan-cal create or hold a file
    elsewhere) and must be a regular file: anything else is a PlanError. A lock file that cannot be created
    (permissions, a read-only or full disk) is an error that starts with ``unwritable`` (by default it names the
    lock file)."""
    failed = unwritable or f"не удалось открыть файл блокировки «{path}»"
    _check(path, failed)
    # No soft-lock fallback: a soft lock left by a killed run would hold every later run back.
    lock = FileLock(path, fallback_to_soft=False)
    try:
        lock.acquire(timeout=wait, poll_interval=_POLL)
    except Timeout:
        raise ServiceError(busy, hint="Повторите позже.") from None
    except OSError as exc:  # swapped for a link since the check, a disk fault, a file system without locks
        if exc.errno == errno.ELOOP:
            raise _not_a_file(path) from None
        raise file_error(exc, failed) from None
    try:
        yield
    finally:
        lock.release()


def _not_a_file(path: Path) -> PlanError:
    return PlanError(
        f"файл блокировки «{path}» — символическая ссылка или не обычный файл",
        hint="Удалите его (plan-cal создаст новый) и запустите команду снова.",
    )


def _check(path: Path, failed: str) -> None:
    """Create the lock file if needed, never through a symbolic link, and make sure it is a regular file (a FIFO
    would make the lock wait forever). O_NOFOLLOW where the system has it; the link check covers Windows."""
    if path.is_symlink():
        raise _not_a_file(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    for name in ("O_NOFOLLOW", "O_CLOEXEC", "O_NONBLOCK"):  # POSIX only; absent on Windows
        flags |= getattr(os, name, 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO):  # a symbolic link; a FIFO nobody reads
            raise _not_a_file(path) from None
        raise file_error(exc, failed) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _not_a_file(path)
    finally:
        os.close(fd)
