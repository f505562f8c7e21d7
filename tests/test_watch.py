"""watch.py: the poller `serve --watch` and the scheduler share (both are also tested end to end)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from plan_calendar.watch import FileWatch, modification_times


def _touch(path: Path, mtime: float) -> None:
    path.write_text("x", encoding="utf-8")
    os.utime(path, (mtime, mtime))


def test_a_changed_time_is_seen_once(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    _touch(plan, 1_000_000)
    watch = FileWatch(lambda: [plan])
    assert not watch.changed()
    _touch(plan, 1_000_001)
    assert watch.changed()
    assert not watch.changed(), "the new time is remembered"


def test_a_file_that_appears_or_disappears_is_a_change(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    assert modification_times([plan]) == {plan: -1.0}
    watch = FileWatch(lambda: [plan])
    _touch(plan, 1_000_000)
    assert watch.changed()
    plan.unlink()
    assert watch.changed()


def test_the_files_are_asked_for_at_each_look(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    _touch(first, 1_000_000)
    _touch(second, 1_000_000)
    watched = [first]
    watch = FileWatch(lambda: list(watched))
    watched.append(second)  # a reloaded config that names another plan
    assert watch.changed()
    assert not watch.changed()


def test_poll_calls_back_on_a_change_until_stopped(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    _touch(plan, 1_000_000)
    stop = threading.Event()
    calls: list[int] = []

    def on_change() -> None:
        calls.append(1)
        stop.set()

    watch = FileWatch(lambda: [plan])
    _touch(plan, 1_000_001)
    thread = threading.Thread(target=watch.poll, args=(0.01, stop, on_change))
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert calls == [1]
