"""An exclusive lock file, waited for with a time limit: builds into one folder and sending runs take turns."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from plan_calendar.errors import PlanError, ServiceError, file_error

__all__ = ["exclusive"]


@contextlib.contextmanager
def exclusive(path: Path, wait: float, busy: str, unwritable: str | None = None) -> Iterator[None]:
    """Hold ``path`` locked (flock); after ``wait`` seconds of waiting raise ServiceError(``busy``), exit code 3.

    The lock file is never reached through a symbolic link (which could make plan-cal create or hold a file
    elsewhere) and must be a regular file: anything else is a PlanError. A lock file that cannot be created
    (permissions, a read-only or full disk) is an error that starts with ``unwritable`` (by default it names the
    lock file)."""
    handle = _open(path, unwritable)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ServiceError(busy, hint="Повторите позже.") from None
                time.sleep(0.05)
        yield
    finally:
        handle.close()


def _open(path: Path, unwritable: str | None = None) -> io.BufferedWriter:
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    problem = f"файл блокировки «{path}» — символическая ссылка или не обычный файл"
    hint = "Удалите его (plan-cal создаст новый) и запустите команду снова."
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO):  # a symbolic link; a FIFO nobody reads
            raise PlanError(problem, hint=hint) from None
        raise file_error(exc, unwritable or f"не удалось открыть файл блокировки «{path}»") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise PlanError(problem, hint=hint)
    return os.fdopen(fd, "ab")
