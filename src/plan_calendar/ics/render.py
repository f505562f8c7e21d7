"""A feed's entries → the bytes of its .ics file: the one renderer of feeds and of emailed events.

Every rule of docs/client-rules.md is kept by this package: CRLF and folding (by icalendar 7.3+), DATE values with
exclusive DTEND, a VTIMEZONE for every TZID, stable UIDs, REFRESH-INTERVAL with X-PUBLISHED-TTL, METHOD:PUBLISH
only with an ORGANIZER. Output is deterministic: there is no wall clock in it. An item's LAST-MODIFIED and DTSTAMP
are the modification time of its sources (plan and config files) in the build that first saw that version of the
item; its SEQUENCE rises with each change. Both are read back from the previous feed in the output folder (with a
digest of each event's content kept in X-PLAN-CAL-DIGEST), so nothing else needs to be kept.

A feed is assembled from the calendar's own header and footer and each event's ``to_ical()`` (exactly its part of
``Calendar.to_ical()``), so that the events can be serialised apart (:mod:`plan_calendar.ics.serialise`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from icalendar import Calendar, Timezone, vDuration, vText

from plan_calendar.config import CalendarSettings
from plan_calendar.display import Entry
from plan_calendar.ics.event import event_digest
from plan_calendar.ics.feed import PRODID, Feed, clean, organizer_of, uid_of
from plan_calendar.ics.folding import repair_folds
from plan_calendar.ics.serialise import EventContext, serialise_events
from plan_calendar.ics.versions import DIGEST_PROPERTY, Version, feed_digest

__all__ = ["plan_events", "render"]


def plan_events(feed: Feed, settings: CalendarSettings) -> list[tuple[Entry, str, str]]:
    """Each entry with its UID and content digest, in the feed's order (by day, then UID)."""
    organizer = organizer_of(feed, settings)
    ordered = sorted(feed.entries, key=lambda e: (_sort_day(e.start), uid_of(feed, e)))
    out = []
    for entry in ordered:
        uid = uid_of(feed, entry, settings.domain)
        out.append((entry, uid, event_digest(entry, uid, settings, organizer)))
    return out


def render(
    feed: Feed,
    settings: CalendarSettings,
    previous: dict[str, Version] | None = None,
    progress: Callable[[int], None] | None = None,
    events: list[tuple[Entry, str, str]] | None = None,
) -> tuple[bytes, int]:
    """The feed's bytes, and how many of its events are new or changed since ``previous``."""
    previous = previous or {}
    events = plan_events(feed, settings) if events is None else events
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    organizer = organizer_of(feed, settings)
    if organizer is not None:
        # RFC 5546 wants an ORGANIZER in every PUBLISH event; without one, METHOD is left out.
        cal.add("method", "PUBLISH")
    title, description = clean(feed.title), clean(feed.description)  # the config's names, too
    cal.add("name", title)
    cal.add("x-wr-calname", title)
    cal.add("description", description)
    cal.add("x-wr-caldesc", description)
    cal.add("x-wr-timezone", feed.timezone)
    cal.add("refresh-interval", settings.refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(settings.refresh))
    cal[DIGEST_PROPERTY] = vText(feed_digest(feed, settings, events))
    if any(not e.all_day for e in feed.entries) or any(b"TZID=" in block for block in feed.kept):
        cal.add_component(_timezone(feed))
    # The calendar's own lines, then each event's: an event's to_ical() is exactly its part of cal.to_ical().
    header = cal.to_ical()
    footer = b"END:VCALENDAR\r\n"
    assert header.endswith(footer)
    context = EventContext(settings, organizer, previous, feed.stamp)
    body, changed = serialise_events(events, context, progress)
    return repair_folds(header[: -len(footer)] + body + b"".join(feed.kept) + footer), changed


def _timezone(feed: Feed) -> Timezone:
    """The feed's VTIMEZONE, covering every year an event falls in (written years may lie outside the plan's).

    icalendar adds a COMMENT («This timezone only works from … to …»); libical's RFC 5546 check of a PUBLISH
    calendar rejects the whole feed for it (docs/client-rules.md), so it is left out."""
    years = [feed.first_year, feed.last_year]
    years.extend(e.start.year for e in feed.entries if not e.all_day)
    years.extend(e.until.year for e in feed.entries if not e.all_day and e.until is not None)
    tz = Timezone.from_tzid(feed.timezone, first_date=date(min(years), 1, 1), last_date=date(max(years) + 1, 1, 1))
    tz.pop("COMMENT", None)
    return tz


def _sort_day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
