"""One entry → one VEVENT (the properties of docs/client-rules.md), and the digest of what it says.

SEQUENCE, DTSTAMP, LAST-MODIFIED and the digest are set by :mod:`plan_calendar.ics.serialise` from the previous
versions (:mod:`plan_calendar.ics.versions`). A new property of an event goes into :func:`event_of` and into what
:func:`event_digest` covers, so that a change shows as a new version.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Alarm, Event, vCalAddress, vCategory, vDDDLists, vDDDTypes, vRecur, vText, vUri

from plan_calendar.config import CalendarSettings
from plan_calendar.display import Entry
from plan_calendar.ics.feed import clean

__all__ = ["DIGEST_VERSION", "event_digest", "event_of"]

DIGEST_VERSION = 1  # raise when the rendering of unchanged entries changes, so every event gets a new version

# Values that are the same in every event; they carry no parameters, so events can share them.
_TRANSPARENT, _OPAQUE = vText("TRANSPARENT"), vText("OPAQUE")
_TENTATIVE, _CONFIRMED = vText("TENTATIVE"), vText("CONFIRMED")


def event_of(entry: Entry, uid: str, settings: CalendarSettings, organizer: vCalAddress | None) -> Event:
    """The VEVENT of ``entry`` with UID ``uid``, before its version stamps."""
    # Properties are set with icalendar's value types directly: the same bytes as Component.add(), without its
    # per-call type dispatch, which costs as much as the serialisation itself on large plans.
    event = Event()
    event["UID"] = vText(clean(uid))
    summary = clean(entry.summary)
    event["SUMMARY"] = vText(summary)
    event["DTSTART"] = vDDDTypes(entry.start)
    event["DTEND"] = vDDDTypes(entry.end)
    if entry.recurrence_id is not None:  # one occurrence of a repeating event, as sent in a reminder
        event["RECURRENCE-ID"] = vDDDTypes(entry.recurrence_id)
    if entry.rrule is not None:
        rule = vRecur.from_ical(entry.rrule)
        if entry.until is not None:
            if isinstance(entry.start, datetime):
                # With a TZID start, UNTIL must be a UTC date-time (RFC 5545 3.3.10).
                tz = entry.start.tzinfo or ZoneInfo(entry.timezone)
                rule["UNTIL"] = datetime.combine(entry.until, time(23, 59, 59), tz).astimezone(UTC)
            else:
                rule["UNTIL"] = entry.until
        event["RRULE"] = rule
        if entry.exdates:  # holidays: one EXDATE line, of the same value type as DTSTART
            exdates = vDDDLists(list(entry.exdates))
            if entry.all_day:
                exdates.params["VALUE"] = "DATE"
            event["EXDATE"] = exdates
    description = entry.description
    if settings.url:
        description = f"{description}\nПодробнее: {settings.url}"
        event["URL"] = vUri(clean(settings.url))
    event["DESCRIPTION"] = vText(clean(description))
    if entry.location:
        event["LOCATION"] = vText(clean(entry.location))
    if entry.categories:
        event["CATEGORIES"] = vCategory([clean(c) for c in entry.categories])
    event["TRANSP"] = _TRANSPARENT if entry.transparent else _OPAQUE
    event["STATUS"] = _TENTATIVE if entry.tentative else _CONFIRMED
    if organizer is not None:
        event["ORGANIZER"] = organizer
    if settings.alarms:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -settings.alarm_before)
        event.add_component(alarm)
    return event


def event_digest(entry: Entry, uid: str, settings: CalendarSettings, organizer: vCalAddress | None) -> str:
    """A hash of everything an event says except its version stamps (computed from the entry, not the bytes)."""
    content = (
        uid,
        entry.summary,
        entry.start.isoformat(),
        entry.end.isoformat(),
        entry.rrule,
        entry.until.isoformat() if entry.until else None,
        *((tuple(d.isoformat() for d in entry.exdates),) if entry.exdates else ()),
        *((entry.recurrence_id.isoformat(),) if entry.recurrence_id is not None else ()),
        entry.description,
        entry.location,
        entry.categories,
        entry.transparent,
        entry.tentative,
        str(organizer) if organizer is not None else None,
        organizer.params.get("CN") if organizer is not None else None,
        settings.url,
        settings.alarms and settings.alarm_before.total_seconds(),
        DIGEST_VERSION,
    )
    return hashlib.sha256(repr(content).encode("utf-8")).hexdigest()[:32]
