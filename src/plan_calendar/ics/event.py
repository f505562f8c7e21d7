"""One entry → one VEVENT: the properties of docs/client-rules.md, without its version stamps.

SEQUENCE, DTSTAMP, LAST-MODIFIED and the digest are set by :mod:`plan_calendar.ics.serialise` from the previous
versions (:mod:`plan_calendar.ics.versions`). Where to add a property of an event: here, and to what the event's
digest covers (``versions.event_digest``), so that a change shows as a new version.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Alarm, Event, vCalAddress, vCategory, vDDDLists, vDDDTypes, vRecur, vText, vUri

from plan_calendar.config import CalendarSettings
from plan_calendar.expand import Entry
from plan_calendar.ics.feed import clean

__all__ = ["event_of"]

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
