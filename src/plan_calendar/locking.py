"""An exclusive lock file, waited for with a time limit: builds into one folder and sending runs take turns."""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator
from pathlib import Path

from plan_calendar.errors import ServiceError, file_error

__all__ = ["exclusive"]


@contextlib.contextmanager
def exclusive(path: Path, wait: float, busy: str, unwritable: str | None = None) -> Iterator[None]:
    """Hold ``path`` locked (flock); after ``wait`` seconds of waiting raise ServiceError(``busy``), exit code 3.

    A lock file that cannot be created (permissions, a read-only or full disk) is a PlanError that starts with
    ``unwritable`` (by default it names the lock file)."""
    try:
        handle = path.open("a")
    except OSError as exc:
        raise file_error(exc, unwritable or f"не удалось открыть файл блокировки «{path}»") from None
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
