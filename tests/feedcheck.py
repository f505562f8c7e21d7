"""Checks every feed the tests produce: three independent parsers, libical's restrictions, docs/client-rules.md."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream

SYSTEM_PYTHON = "/usr/bin/python3"
LIBICAL_CHECK = Path(__file__).parent / "libical_check.py"


def parse_all(data: bytes) -> icalendar.Calendar:
    """Parse with icalendar, ical and vobject (validate=True); return icalendar's calendar."""
    text = data.decode("utf-8")
    cal = icalendar.Calendar.from_ical(data)
    n = len(list(cal.walk("VEVENT")))
    assert len(IcsCalendarStream.calendar_from_ics(text).events) == n
    parsed = vobject.readOne(text, validate=True)
    assert len(getattr(parsed, "vevent_list", [])) == n
    return cal


def libical_errors(paths: list[Path]) -> dict[str, list[str]]:
    """libical's restriction check on each file (through the system Python's GObject bindings)."""
    done = subprocess.run(
        [SYSTEM_PYTHON, str(LIBICAL_CHECK), *map(str, paths)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, (
        "libical check failed to run; install Debian python3-gi and gir1.2-ical-3.0 (.ci/run does):\n" + done.stderr
    )
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def check_client_rules(data: bytes) -> icalendar.Calendar:
    """Every rule of docs/client-rules.md that can be seen in the bytes."""
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines), "every line ends with CRLF"
    for raw in lines:
        assert len(raw) <= 75, f"line longer than 75 octets: {raw!r}"
        raw.decode("utf-8")  # a folded line never splits a UTF-8 character
    for first, second in itertools.pairwise(lines):
        if second.startswith(b" "):
            trailing = len(first) - len(first.rstrip(b"\\"))
            assert trailing % 2 == 0, f"a fold splits an escape: {first!r} / {second!r}"
    cal = parse_all(data)
    assert cal["VERSION"] == "2.0" and str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["PRODID"]).startswith("-//plan-cal//")
    for name in ("X-WR-CALNAME", "X-WR-CALDESC", "X-WR-TIMEZONE", "NAME", "DESCRIPTION"):
        assert str(cal.get(name, "")).strip(), name
    text = data.decode("utf-8")
    refresh = re.search(r"^REFRESH-INTERVAL;VALUE=DURATION:(\S+)\r$", text, flags=re.M)
    ttl = re.search(r"^X-PUBLISHED-TTL:(\S+)\r$", text, flags=re.M)
    assert refresh and ttl and refresh.group(1) == ttl.group(1)
    tzids = set(re.findall(r";TZID=([^:;]+)[:;]", text))
    defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert tzids <= defined, f"TZID without VTIMEZONE: {tzids - defined}"
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    method = cal.get("METHOD")
    for event in events:
        assert re.fullmatch(r"[a-z0-9-]+@[A-Za-z0-9.-]+", str(event["UID"]))
        assert isinstance(event["DTSTAMP"].dt, datetime)
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        if isinstance(start, datetime):
            assert start.tzinfo is not None, "timed events carry TZID"
            assert end > start
        else:
            assert isinstance(end, date) and not isinstance(end, datetime)
            assert end >= start + timedelta(days=1), "all-day DTEND is exclusive"
        if method is not None:
            assert str(method) == "PUBLISH" and "ORGANIZER" in event, "PUBLISH requires ORGANIZER"
    return cal


def expansions(data: bytes) -> dict[str, list[date]]:
    """The days of the feed's events with their repetitions expanded, by three independent expanders."""
    import recurring_ical_events
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    text = data.decode("utf-8")
    window = (date(2019, 1, 1), date(2021, 1, 1))

    def day(value: date | datetime) -> date:
        return value.date() if isinstance(value, datetime) else value

    cal = icalendar.Calendar.from_ical(text)
    out = {
        "recurring-ical-events": sorted(day(e["DTSTART"].dt) for e in recurring_ical_events.of(cal).between(*window))
    }
    timeline = IcsCalendarStream.calendar_from_ics(text).timeline
    out["ical"] = sorted(day(e.dtstart) for e in timeline.overlapping(*window) if e.dtstart is not None)
    days: list[date] = []
    for event in vobject.readOne(text).vevent_list:
        days.extend(day(d) for d in event.getrruleset(addRDate=True))
    out["vobject"] = sorted(days)
    return out
