"""Versions without state files: an event's next version, the feed's digest, and what the previous feed says.

Each event carries X-PLAN-CAL-DIGEST, a hash of what it says (:func:`~plan_calendar.ics.event.event_digest`,
computed from the entry, not from the bytes); the calendar carries one over all its events (:func:`feed_digest`).
A build reads the previous feed in the output folder with a line scan (:func:`read_previous`): an unchanged
calendar digest means the bytes would be identical; otherwise each event keeps its SEQUENCE and LAST-MODIFIED when
its digest is unchanged (:func:`next_version`). :func:`previous_events` gives the previous feed's events as bytes
(the events kept for items that cannot be read this time).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from plan_calendar.config import CalendarSettings
from plan_calendar.display import Entry
from plan_calendar.ics.event import DIGEST_VERSION
from plan_calendar.ics.feed import PRODID, Feed, organizer_of

__all__ = [
    "DIGEST_PROPERTY",
    "Previous",
    "Version",
    "feed_digest",
    "next_version",
    "previous_events",
    "read_previous",
]

DIGEST_PROPERTY = "X-PLAN-CAL-DIGEST"  # what the event said, to tell a change at the next build
_VERSION_FIELDS = frozenset({"UID", "SEQUENCE", "LAST-MODIFIED", DIGEST_PROPERTY})


@dataclass(frozen=True, slots=True)
class Version:
    """One event's version as the previous feed wrote it: SEQUENCE, LAST-MODIFIED and the digest."""

    sequence: int
    modified: datetime
    digest: str


def next_version(before: Version | None, digest: str, stamp: datetime) -> Version:
    """The version of an event that says ``digest`` now: ``before`` itself when it said the same; else SEQUENCE
    one higher (0 for a new event) and LAST-MODIFIED ``stamp``, the sources' time (a second after the previous
    LAST-MODIFIED when the sources are not newer, so that clients see a change)."""
    if before is not None and before.digest == digest:
        return before
    if before is None:
        return Version(0, stamp, digest)
    modified = stamp if stamp > before.modified else before.modified + timedelta(seconds=1)
    return Version(before.sequence + 1, modified, digest)


def feed_digest(feed: Feed, settings: CalendarSettings, events: list[tuple[Entry, str, str]]) -> str:
    """A hash of the whole feed's content: equal digests mean equal bytes (stamps come from the same feed)."""
    organizer = organizer_of(feed, settings)
    content: tuple[object, ...] = (
        feed.title,
        feed.description,
        feed.timezone,
        feed.first_year,
        feed.last_year,
        settings.refresh.total_seconds(),
        str(organizer) if organizer is not None else None,
        [(uid, digest) for _, uid, digest in events],
        DIGEST_VERSION,
    )
    if feed.kept:  # (only then, so that feeds without kept events keep their digests)
        content = (*content, [hashlib.sha256(block).hexdigest() for block in feed.kept])
    return hashlib.sha256(repr(content).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Previous:
    """What the feed written before says: its content digest and each event's version."""

    digest: str | None
    versions: dict[str, Version]


def read_previous(path: Path) -> Previous:
    """The digest and versions of a feed plan-cal wrote before (empty if there is none).

    The feed is our own output, so a scan of its unfolded lines is enough; a file without our PRODID or
    digests (someone else's, or damaged) starts the versions afresh.
    """
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return Previous(None, {})
    lines = text.replace("\r\n ", "").replace("\r\n\t", "").splitlines()
    if f"PRODID:{PRODID}" not in lines:
        return Previous(None, {})
    versions: dict[str, Version] = {}
    feed: str | None = None
    fields: dict[str, str] = {}
    depth = 0
    for line in lines:
        if line.startswith("BEGIN:"):
            depth += 1
            if line == "BEGIN:VEVENT":
                fields = {}
        elif line.startswith("END:"):
            depth -= 1
            if line == "END:VEVENT":
                try:
                    modified = datetime.strptime(fields["LAST-MODIFIED"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                    versions[fields["UID"]] = Version(int(fields["SEQUENCE"]), modified, fields[DIGEST_PROPERTY])
                except (KeyError, ValueError):
                    continue
        else:
            name, _, value = line.partition(":")
            if depth == 1 and name == DIGEST_PROPERTY:
                feed = value
            elif name in _VERSION_FIELDS:
                fields[name] = value
    return Previous(feed, versions)


def previous_events(path: Path) -> dict[str, bytes]:
    """Each event of a feed plan-cal wrote before, as its exact bytes, by UID (empty if there is none)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    if f"PRODID:{PRODID}".encode() not in data:
        return {}
    out: dict[str, bytes] = {}
    for chunk in data.split(b"BEGIN:VEVENT\r\n")[1:]:
        body, end, _ = chunk.partition(b"END:VEVENT\r\n")
        if not end:
            continue
        unfolded = body.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
        for line in unfolded.split(b"\r\n"):
            if line.startswith(b"UID:"):
                out[line[4:].decode("utf-8", "replace")] = b"BEGIN:VEVENT\r\n" + body + end
                break
    return out
