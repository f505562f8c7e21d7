"""The events' bytes, each with its version; a large feed in two processes.

Serialisation is most of a large build (icalendar is pure Python), so from :data:`PARALLEL_MIN_EVENTS` events on,
in a single-threaded process on a machine with more than one core, the second half is serialised in a forked
child while this process does the first. The bytes are the same either way.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from icalendar import vCalAddress, vDDDTypes, vInt, vText

from plan_calendar.config import CalendarSettings
from plan_calendar.display import Entry
from plan_calendar.ics.event import event_of
from plan_calendar.ics.versions import DIGEST_PROPERTY, Version, next_version

__all__ = ["PARALLEL_MIN_EVENTS", "EventContext", "serialise_events"]

PARALLEL_MIN_EVENTS = 4000  # below this, a fork costs more than it saves


@dataclass(frozen=True)
class EventContext:
    """What every event of a feed is serialised with: the settings, the ORGANIZER, the previous versions by
    UID, and the sources' modification time (an event's new LAST-MODIFIED)."""

    settings: CalendarSettings
    organizer: vCalAddress | None
    previous: dict[str, Version]
    stamp: datetime


def serialise_events(
    events: list[tuple[Entry, str, str]], context: EventContext, progress: Callable[[int], None] | None
) -> tuple[bytes, int]:
    """The bytes of ``events`` (entry, UID, digest) with their versions, and how many are new or changed;
    ``progress`` is called once per event."""
    half = len(events) // 2
    if len(events) >= PARALLEL_MIN_EVENTS and _can_fork():
        return _serialise_in_two(events[:half], events[half:], context, progress)
    return _serialise(events, context, progress)


def _serialise(
    events: list[tuple[Entry, str, str]], context: EventContext, progress: Callable[[int], None] | None
) -> tuple[bytes, int]:
    """The events' bytes, with SEQUENCE and stamps from the previous versions, and how many changed."""
    changed = 0
    parts: list[bytes] = []
    stamps: dict[datetime, vDDDTypes] = {}  # one value object per distinct stamp (they carry no parameters)
    for entry, uid, digest in events:
        event = event_of(entry, uid, context.settings, context.organizer)
        before = context.previous.get(uid)
        version = next_version(before, digest, context.stamp)
        if version is not before:
            changed += 1
        stamp = stamps.get(version.modified)
        if stamp is None:
            stamp = stamps[version.modified] = vDDDTypes(version.modified)
        event["DTSTAMP"] = stamp
        event["LAST-MODIFIED"] = stamp
        event["SEQUENCE"] = vInt(version.sequence)
        event[DIGEST_PROPERTY] = vText(digest)
        parts.append(event.to_ical())
        if progress is not None:
            progress(1)
    return b"".join(parts), changed


def _can_fork() -> bool:
    # Only from a single-threaded process: a fork while another thread holds a lock could hang the child.
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


def _serialise_in_two(
    first: list[tuple[Entry, str, str]],
    second: list[tuple[Entry, str, str]],
    context: EventContext,
    progress: Callable[[int], None] | None,
) -> tuple[bytes, int]:
    """Serialise the second half in a forked child while this process does the first (serialisation is most
    of a large build, and icalendar is pure Python). The child's bytes come back through a pipe; if anything
    goes wrong there, the second half is serialised here. The result is byte-identical either way."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: serialise, send, and leave without running the parent's cleanup
        code = 1
        try:
            os.close(read_end)
            body, changed = _serialise(second, context, None)
            with os.fdopen(write_end, "wb") as out:
                out.write(changed.to_bytes(8, "big") + body)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    first_body, first_changed = _serialise(first, context, progress)
    with os.fdopen(read_end, "rb") as pipe:
        received = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or len(received) < 8:
        second_body, second_changed = _serialise(second, context, None)
    else:
        second_changed, second_body = int.from_bytes(received[:8], "big"), received[8:]
    if progress is not None:
        progress(len(second))
    return first_body + second_body, first_changed + second_changed
