"""The display policy: readings → calendar entries (docs/display.md).

Pure: a :class:`~plan_calendar.schedule.Schedule` and settings in, :class:`Entry` values out. Feeds, the
overview page and the emailed ``.ics`` all place items through this module, so an item looks the same
everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import assert_never
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from plan_calendar.config import DisplaySettings
from plan_calendar.dates.describe import day_range, describe, every, month, plural
from plan_calendar.dates.lexicon import CAMPAIGN_STEMS, KIND_NAMES
from plan_calendar.plan import Display, Item, Kind, Organizer, Plan
from plan_calendar.schedule import Schedule, Scheduled
from plan_calendar.when import (
    Day,
    Deadline,
    Each,
    Freq,
    Ongoing,
    Recurring,
    Rule,
    Several,
    Span,
    SpanShape,
    Undated,
    When,
)

__all__ = ["Entry", "calendar_entries", "is_campaign", "item_entries"]

_ONE_DAY = timedelta(days=1)
# Kinds whose day inside a period is simply not known yet: shown as «… (дата уточняется)».
_SINGLE_ACTIVITY = frozenset({None, Kind.MEETING, Kind.SEMINAR, Kind.EVENT, Kind.CONSULTATION})


@dataclass(frozen=True, slots=True)
class Entry:
    """One calendar entry: what a VEVENT will say, before it is iCalendar.

    All-day entries have ``date`` bounds with an exclusive ``end``; timed entries have aware datetimes.
    ``rrule`` (without DTSTART/UNTIL) repeats the entry until ``until`` (inclusive). The entry carries what the
    renderer needs from its plan and item (``location``, ``timezone``, ``organizer``, ``uid_stem``), so
    rendering never reaches back into them.
    """

    plan: Plan
    item: Item
    key: str  # UID suffix that tells the parts of one item apart ("" or "-20191201")
    summary: str
    start: date | datetime
    end: date | datetime
    description: str
    categories: tuple[str, ...]
    location: str | None  # the item's
    timezone: str  # the plan's: a repetition's UNTIL in UTC
    organizer: Organizer | None  # the plan's: the feed's ORGANIZER when all its plans have the same one
    transparent: bool = True
    tentative: bool = False
    rrule: str | None = None
    until: date | None = None
    exdates: tuple[date | datetime, ...] = ()  # days of the rule without an occurrence (holidays)
    # One occurrence of a repeating entry (an emailed event): RECURRENCE-ID, with no rule of its own.
    recurrence_id: date | datetime | None = None
    # What the entry was read from (for reminders): the part of the reading, and for a repetition per school
    # period («1 раз в четверть») the period this entry is. Not written to feeds.
    part: When | None = None
    period: Span | None = None
    hidden: bool = False  # `display: hidden`: in no feed or page (reminders only); see item_entries(hidden=True)
    # For one occurrence: the repeating entry it is one of (its version is the series', reminders/compose.py).
    series: Entry | None = field(default=None, compare=False, repr=False)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    def occurrences(self) -> list[date | datetime]:
        """The start of every occurrence, as a calendar expands the entry's RRULE, UNTIL and EXDATE."""
        if self.rrule is None:
            return [self.start]
        start = self.start
        zone = start.tzinfo if isinstance(start, datetime) else None
        naive = start.replace(tzinfo=None) if isinstance(start, datetime) else datetime.combine(start, time())
        until = f";UNTIL={self.until:%Y%m%d}T235959" if self.until is not None else ""
        skipped = {d.date() if isinstance(d, datetime) else d for d in self.exdates}
        out: list[date | datetime] = []
        for moment in rrulestr(f"RRULE:{self.rrule}{until}", dtstart=naive):
            if moment.date() in skipped:
                continue
            out.append(moment.replace(tzinfo=zone) if isinstance(start, datetime) else moment.date())
        return out

    def occurrence(self, start: date | datetime) -> Entry:
        """One occurrence of a repeating entry (``start`` from :meth:`occurrences`) as an event of its own: the
        same UID, RECURRENCE-ID ``start``, no rule. A single entry is returned as it is."""
        if self.rrule is None:
            return self
        return replace(
            self,
            start=start,
            end=start + (self.end - self.start),  # type: ignore[operator]
            rrule=None,
            until=None,
            exdates=(),
            recurrence_id=start,
            series=self,
        )

    @property
    def uid_stem(self) -> str:
        """plan + item + part: the stable part of the UID."""
        return f"{self.plan.id}-{self.item.id}{self.key}"


def is_campaign(item: Item) -> bool:
    """A campaign fills its whole period: kind ``campaign``, or no kind and a title like «Месячник …»."""
    if item.kind is not None:
        return item.kind is Kind.CAMPAIGN
    words = re.findall(r"[а-яё]+", item.title.lower())
    return any(w.startswith(stem) for w in words for stem in CAMPAIGN_STEMS)


def calendar_entries(schedule: Schedule, display: DisplaySettings, default_duration: timedelta) -> list[Entry]:
    """Every entry of a plan's dated items, in plan order. Undated items and errors give none."""
    entries: list[Entry] = []
    for scheduled in schedule.scheduled:
        entries.extend(item_entries(schedule.plan, scheduled, display, default_duration))
    return entries


def item_entries(
    plan: Plan,
    scheduled: Scheduled,
    display: DisplaySettings,
    default_duration: timedelta,
    *,
    hidden: bool = False,
) -> list[Entry]:
    """The entries of one item (several for a list of dates, none when undated or hidden).

    With ``hidden``, periods that `display: hidden` keeps out of the calendar are returned too, marked ``hidden``
    (reminders still count down to them)."""
    reading = scheduled.reading
    if reading is None or isinstance(reading.when, Undated):
        return []
    builder = _Builder(plan, scheduled.item, display, default_duration, describe(reading), hidden=hidden)
    parts = reading.when.parts if isinstance(reading.when, Several) else (reading.when,)
    entries: list[Entry] = []
    for part in parts:
        entries.extend(builder.part(part, keyed=len(parts) > 1))
    # Two parts on the same day ("5 сентября, 5 сентября 14:00") still need distinct UIDs.
    seen: dict[str, int] = {}
    unique = []
    for entry in entries:
        n = seen.get(entry.key, 0)
        seen[entry.key] = n + 1
        unique.append(entry if n == 0 else _with_key(entry, f"{entry.key}-{n + 1}"))
    return unique


def _with_key(entry: Entry, key: str) -> Entry:
    return replace(entry, key=key)


class _Builder:
    def __init__(
        self,
        plan: Plan,
        item: Item,
        display: DisplaySettings,
        duration: timedelta,
        reading_text: str,
        *,
        hidden: bool = False,
    ) -> None:
        self.keep_hidden = hidden
        self.part_read: When | None = None
        self.period_read: Span | None = None
        self.plan = plan
        self.item = item
        self.display = display
        self.duration = item.duration or duration
        self.reading_text = reading_text
        self.tz = ZoneInfo(plan.timezone)
        self.campaign = is_campaign(item)
        kinds = [KIND_NAMES[item.kind.value]] if item.kind is not None else []
        self.categories = tuple(dict.fromkeys([*kinds, *item.tags]))

    # ------------------------------------------------------------------ dispatch
    def part(self, when: When, *, keyed: bool) -> list[Entry]:
        self.part_read, self.period_read = when, None
        match when:
            case Day():
                return [self.day(when, keyed)]
            case Deadline():
                return [self.deadline(when, keyed)]
            case Span():
                return self.span(when, keyed)
            case Recurring():
                return self.recurring(when, keyed)
            case Ongoing():
                return self.ongoing(when, keyed)
            case Undated() | Several():  # pragma: no cover - a reading's parts are never these (when.Several)
                raise AssertionError(f"not a part of a reading: {when!r}")
            case _:  # pragma: no cover - mypy proves every shape is handled
                assert_never(when)

    def policy_for_period(self) -> Display:
        if self.item.display is not None:
            return self.item.display
        return self.display.campaign if self.campaign else self.display.period

    # ------------------------------------------------------------------ shapes
    def day(self, day: Day, keyed: bool) -> Entry:
        key = _key(day.date) if keyed else ""
        if day.time is None:
            return self.entry(key, self.item.title, day.date, day.date + _ONE_DAY)
        start = datetime.combine(day.date, day.time, self.tz)
        end = self._end(start, day.end_time)
        return self.entry(key, self.item.title, start, end, transparent=False)

    def _end(self, start: datetime, end_time: time | None) -> datetime:
        """The end of a timed entry: the written end («11.00-13.00»), else the item's or default duration."""
        if end_time is not None and end_time > start.timetz().replace(tzinfo=None):
            return datetime.combine(start.date(), end_time, self.tz)
        return start + self.duration

    def deadline(self, deadline: Deadline, keyed: bool) -> Entry:
        key = _key(deadline.due) if keyed else ""
        return self.entry(key, f"Срок: {self.item.title}", deadline.due, deadline.due + _ONE_DAY)

    def span(self, span: Span, keyed: bool) -> list[Entry]:
        key = _key(span.start) if keyed else ""
        if span.shape in (SpanShape.DAYS, SpanShape.OPEN):
            return [self.entry(key, self.item.title, span.start, span.end + _ONE_DAY)]
        return self.period(span, key, self.policy_for_period(), _period_label(span))

    def period(self, span: Span, key: str, policy: Display, label: str) -> list[Entry]:
        title = self.item.title
        if policy is Display.HIDDEN:
            if not self.keep_hidden:
                return []
            return [replace(self.entry(key, title, span.start, span.start + _ONE_DAY), hidden=True)]
        if policy is Display.SPAN:
            return [self.entry(key, title, span.start, span.end + _ONE_DAY)]
        if policy is Display.MONTHLY:
            first = span.start
            return [
                self.entry(
                    key, f"{title} ({label})", first, first + _ONE_DAY, rrule=Rule(Freq.MONTHLY).ical(), until=span.end
                )
            ]
        # START: a marker on the first day that says the day is not known yet
        if self.item.kind in _SINGLE_ACTIVITY and not self.campaign:
            return [
                self.entry(
                    key,
                    f"{title} (дата уточняется)",
                    span.start,
                    span.start + _ONE_DAY,
                    tentative=True,
                    note=f"Точная дата уточняется: по плану — {label}.",
                )
            ]
        return [self.entry(key, f"{title} ({label})", span.start, span.start + _ONE_DAY, note=f"По плану — {label}.")]

    def recurring(self, rec: Recurring, keyed: bool) -> list[Entry]:
        if rec.rule is None:  # once in each term / half-year / the year: one entry per period
            label = _times_label(rec)
            policy = self.item.display if self.item.display is not None else Display.START
            out: list[Entry] = []
            for period in rec.periods:
                # «в конце четверти»: each period is already «конец I четверти», the count would add nothing.
                edge = rec.times == 1 and (period.label or "").split(" ", 1)[0] in ("начало", "середина", "конец")
                named = edge or rec.each is Each.HOLIDAYS  # «осенние каникулы» says it all
                text = _period_label(period) if named else f"{label}: {_period_label(period)}"
                self.period_read = period
                out.extend(self.period(period, _key(period.start), policy, text))
            self.period_read = None
            return out
        key = _key(rec.within.start) if keyed else ""
        first = rec.rule_start()
        until = rec.within.end
        summary = self.item.title if rec.each is Each.DAY else f"{self.item.title} ({rec.label or _times_label(rec)})"
        if rec.deadline:
            summary = f"Срок: {self.item.title}"
        at = rec.time or self.item.time
        skipped = [d for d in rec.exceptions if d > first]
        if rec.each is Each.DAY and at is not None:
            start = datetime.combine(first, at, self.tz)
            end = self._end(start, rec.end_time if rec.time is not None else None)
            exdates = tuple(datetime.combine(d, at, self.tz) for d in skipped)
            return [
                self.entry(
                    key, summary, start, end, transparent=False, rrule=rec.rule.ical(), until=until, exdates=exdates
                )
            ]
        return [
            self.entry(
                key, summary, first, first + _ONE_DAY, rrule=rec.rule.ical(), until=until, exdates=tuple(skipped)
            )
        ]

    def ongoing(self, ongoing: Ongoing, keyed: bool) -> list[Entry]:
        key = _key(ongoing.span.start) if keyed else ""
        policy = self.item.display if self.item.display is not None else self.display.ongoing
        return self.period(ongoing.span, key, policy, "в течение года")

    # ------------------------------------------------------------------ one entry
    def entry(
        self,
        key: str,
        summary: str,
        start: date | datetime,
        end: date | datetime,
        *,
        transparent: bool = True,
        tentative: bool = False,
        rrule: str | None = None,
        until: date | None = None,
        note: str | None = None,
        exdates: tuple[date | datetime, ...] = (),
    ) -> Entry:
        return Entry(
            plan=self.plan,
            item=self.item,
            key=key,
            summary=summary,
            start=start,
            end=end,
            description=self.describe(note),
            categories=self.categories,
            location=self.item.location,
            timezone=self.plan.timezone,
            organizer=self.plan.organizer,
            transparent=transparent,
            tentative=tentative,
            rrule=rrule,
            until=until,
            exdates=exdates,
            part=self.part_read,
            period=self.period_read,
        )

    def describe(self, note: str | None) -> str:
        item = self.item
        lines: list[str] = []
        if note:
            lines.append(note)
        if item.agenda:
            lines.append("Повестка:")
            lines.extend(f"{i}. {point}" for i, point in enumerate(item.agenda, 1))
        if item.description:
            lines.append(item.description)
        if item.responsible:
            lines.append(f"Ответственные: {', '.join(item.responsible)}")
        lines.append(f"Сроки по плану: {' '.join(item.when.split())}")
        lines.append(f"Как прочитано: {self.reading_text}")
        lines.append(f"План: {self.plan.title}")
        return "\n".join(lines)


def _key(d: date) -> str:
    return f"-{d:%Y%m%d}"


def _period_label(span: Span) -> str:
    """«октябрь 2019», «январь–апрель 2020», «I четверть», «начало октября»."""
    if span.shape is SpanShape.MONTH:
        return month(span.start)
    if span.shape in (SpanShape.TERM, SpanShape.MONTH_PART) and span.label:
        return span.label if span.shape is SpanShape.TERM else f"{span.label} {span.start.year}"
    if span.shape is SpanShape.MONTHS:
        return describe(span)
    return day_range(span.start, span.end)


def _times_label(rec: Recurring) -> str:
    if rec.each in (Each.WEEK, Each.MONTH):
        if rec.times == 1 and rec.interval == 1:
            return "ежемесячно" if rec.each is Each.MONTH else "еженедельно"
        per = every(rec)
    else:
        per = {Each.TERM: "в четверть", Each.HALF_YEAR: "в полугодие", Each.YEAR: "за год"}.get(rec.each, "")
    return f"{rec.times} {plural(rec.times, 'раз', 'раза', 'раз')} {per}"
