"""Files in the output folder: atomic replacement, the build lock, and what killed builds leave behind.

A file is written to a temporary file in the same folder, fsynced and renamed over the old one, so a reader
(the web server, a subscribed client) sees the old file or the new one, never half of one. One build at a time
writes into a folder: an OS file lock (:mod:`plan_calendar.locking`) on ``.plan-cal.lock``.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from plan_calendar.locking import exclusive

__all__ = ["LOCK_NAME", "build_lock", "remove_leftovers", "sources_time", "write_atomic"]

LOCK_NAME = ".plan-cal.lock"
_LOCK_WAIT = 120.0


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` through a temporary file in the same folder; False if unchanged."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the web server must read the feed
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return True


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# What write_atomic leaves behind when a build is killed while writing: ".<name>.ics.<8 random>.tmp".
_LEFTOVER = re.compile(r"\..+\.(?:ics|html)\.[a-z0-9_]{8}\.tmp")


def remove_leftovers(folder: Path) -> None:
    """Remove temporary files of builds that were killed (called under the build lock: none is in use)."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if _LEFTOVER.fullmatch(entry.name) and not entry.is_dir(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


def build_lock(folder: Path, wait: float = _LOCK_WAIT) -> contextlib.AbstractContextManager[None]:
    """One build at a time per output folder; a second one waits for the first."""
    return exclusive(
        folder / LOCK_NAME,
        wait,
        f"другая сборка в папке «{folder}» не закончилась за {int(wait)} с",
        f"не удалось записать календари в папку «{folder}»",
    )


def sources_time(paths: list[Path]) -> datetime:
    """The newest modification time of the files a build reads (whole seconds, UTC): the LAST-MODIFIED of what
    they changed. The same for `build` and for the attachments of `remind` (reminders/compose.py)."""
    mtimes = [int(p.stat().st_mtime) for p in paths if p.exists()]
    return datetime.fromtimestamp(max(mtimes, default=0), UTC)
