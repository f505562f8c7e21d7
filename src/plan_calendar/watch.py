"""Noticing that plan and config files changed: `plan-cal serve --watch` and the `scheduler` service.

Both poll the files' modification times rather than asking the operating system for change notifications: a plan
is saved a few times a day, a look costs one ``stat`` per file, and polling needs no extra dependency, works the same
on every system and also sees a file changed on a network folder by another computer, which notifications (inotify)
miss. A missing file counts as time -1, so a file that appears or disappears is a change too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["FileWatch", "modification_times"]


def modification_times(paths: Iterable[Path]) -> dict[Path, float]:
    """Each file's modification time, -1 for a file that does not exist; raises OSError when one cannot be read."""
    return {p: p.stat().st_mtime if p.exists() else -1.0 for p in paths}


class FileWatch:
    """The files ``paths()`` names, compared at each look with what they were at the previous one.

    ``paths`` is asked again at each look: the scheduler watches the plans its config names *now*, so a reloaded
    config that lists other plans counts as a change once more.
    """

    def __init__(self, paths: Callable[[], Iterable[Path]]) -> None:
        self._paths = paths
        self._seen = modification_times(paths())

    def changed(self) -> bool:
        """Whether any file changed since the last look; the new times are remembered. Raises OSError."""
        current = modification_times(self._paths())
        if current == self._seen:
            return False
        self._seen = current
        return True

    def poll(self, every: float, stop: threading.Event, on_change: Callable[[], None]) -> None:
        """Look every ``every`` seconds until ``stop`` is set, calling ``on_change`` after each look that finds a
        change (in this thread: a change during ``on_change`` is seen at the next look)."""
        while not stop.wait(every):
            if self.changed():
                on_change()
