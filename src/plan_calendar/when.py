"""What a date expression means: a small closed set of values.

A plan's ``when`` text is read into a :class:`Reading`: the original text, one :data:`When` value and the
warnings produced while reading it. The values know nothing of files, feeds or clocks.

    >>> from datetime import date
    >>> Span(date(2019, 10, 1), date(2019, 10, 31), SpanShape.MONTH).occurrences()
    [(datetime.date(2019, 10, 1), datetime.date(2019, 10, 31))]
"""

from __future__ import annotations

import calendar
import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from typing import assert_never

from dateutil.rrule import rrulestr


class SpanShape(Enum):
    """What period a :class:`Span` came from (days, a month, a term…); it decides how the span is shown."""

    DAYS = "range"  # 12-16 ноября, 28.10-01.11
    OPEN = "open-range"  # с 20 мая: the end is the end of the school year
    MONTH = "month"  # октябрь
    MONTHS = "months"  # январь-апрель
    MONTH_PART = "month-part"  # начало октября, 1-я неделя ноября
    TERM = "term"  # I четверть, осенние каникулы
    YEAR = "year"  # the school year (throughout)


RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545 weekday codes, Monday first (as date.weekday())


class Freq(Enum):
    """How often a :class:`Rule` repeats."""

    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"


@dataclass(frozen=True, slots=True)
class Rule:
    """A calendar repetition, typed: its RFC 5545 RRULE text (without DTSTART/UNTIL) is made only where a feed is
    written (:meth:`ical`).

    >>> Rule(Freq.WEEKLY, weekdays=(0, 2)).ical(), Rule(Freq.MONTHLY, weekdays=(2,), nth=2).ical()
    ('FREQ=WEEKLY;BYDAY=MO,WE', 'FREQ=MONTHLY;BYDAY=+2WE')
    """

    freq: Freq
    interval: int = 1
    weekdays: tuple[int, ...] = ()  # 0 Monday … 6 Sunday: every such day (BYDAY=MO,WE)
    nth: int | None = None  # with one weekday: the n-th of the month, −1 the last (BYDAY=+2WE, BYDAY=-1FR)
    monthday: int | None = None  # BYMONTHDAY; −1 is the last day of the month

    def ical(self) -> str:
        parts = [f"FREQ={self.freq.value}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.weekdays and self.nth is not None:
            parts.append(f"BYDAY={self.nth:+d}{RRULE_DAYS[self.weekdays[0]]}")
        elif self.weekdays:
            parts.append("BYDAY=" + ",".join(RRULE_DAYS[d] for d in self.weekdays))
        if self.monthday is not None:
            parts.append(f"BYMONTHDAY={self.monthday}")
        return ";".join(parts)

    def __str__(self) -> str:
        return self.ical()

    def with_weekday(self, weekday: int) -> Rule:
        """A weekly rule with one more day («вторник, четверг»)."""
        return replace(self, weekdays=tuple(sorted({*self.weekdays, weekday})))


def weekly(days: Iterable[int], interval: int = 1) -> Rule:
    """Every such weekday (0 Monday … 6 Sunday)."""
    return Rule(Freq.WEEKLY, interval, tuple(sorted(set(days))))


def monthly_weekday(nth: int, weekday: int) -> Rule:
    """The n-th (−1: the last) such weekday of each month."""
    return Rule(Freq.MONTHLY, weekdays=(weekday,), nth=nth)


def monthly_day(day: int, interval: int = 1) -> Rule:
    """This day of each month (−1: the last)."""
    return Rule(Freq.MONTHLY, interval, monthday=day)


DAILY = Rule(Freq.DAILY)
EACH_WEEK = weekly([0])  # a marker on each week's Monday
EACH_MONTH = monthly_day(1)  # a marker on each month's 1st


class Each(Enum):
    """What one occurrence of a :class:`Recurring` covers."""

    DAY = "day"  # каждый понедельник, 2-я среда каждого месяца
    WEEK = "week"  # еженедельно: some day of each week
    MONTH = "month"  # ежемесячно: some day of each month
    TERM = "term"  # 1 раз в четверть
    HALF_YEAR = "half-year"  # 2 раза в год
    YEAR = "year"  # 3 раза в год
    HOLIDAYS = "holidays"  # в каникулы: each school holiday


@dataclass(frozen=True, slots=True)
class Day:
    """One day, maybe at a time of day, maybe until a time («11.00-13.00»)."""

    date: _dt.date
    time: _dt.time | None = None
    end_time: _dt.time | None = None

    def occurrences(self) -> list[tuple[_dt.date, _dt.date]]:
        return [(self.date, self.date)]


@dataclass(frozen=True, slots=True)
class Span:
    """A closed range of days: a day range, a month, part of a month, a term, a month range."""

    start: date
    end: date
    shape: SpanShape = SpanShape.DAYS
    label: str | None = None  # how the period is named in the plan, e.g. "I четверть", "начало октября"
    approximate: bool = False  # term dates taken from the built-in approximation

    def occurrences(self) -> list[tuple[date, date]]:
        return [(self.start, self.end)]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class Deadline:
    """Due by this day at the latest (the plan's own wording is the reading's text)."""

    due: date

    def occurrences(self) -> list[tuple[date, date]]:
        return [(self.due, self.due)]


@dataclass(frozen=True, slots=True)
class Recurring:
    """A repeated activity bounded by the school year.

    ``rule`` is an RRULE (without DTSTART/UNTIL) when the repetition is a calendar rule; it is ``None`` when the
    occurrences are the school's own periods (terms, half-years), listed in ``periods``. ``times`` says how many
    times within each occurrence ("2 раза в месяц").
    """

    rule: Rule | None
    within: Span
    each: Each
    times: int = 1
    periods: tuple[Span, ...] = ()
    deadline: bool = False  # each occurrence is a due day («до 5 числа каждого месяца»)
    length: int | None = None  # days of each monthly occurrence from the rule's day (None: to the month's end)
    label: str | None = None  # how the plan put it, when the rule alone does not say («в конце каждого месяца»)
    time: _dt.time | None = None  # «по средам в 15.00»: the time of each day-long occurrence
    end_time: _dt.time | None = None
    # Days of the rule with no occurrence: public and school holidays (EXDATE in a feed, no reminder).
    exceptions: tuple[_dt.date, ...] = ()
    skip_holidays: bool = False  # «по средам, кроме каникул»: the holidays' approximation if the plan gives none

    def _rule_days(self) -> tuple[date, ...]:
        assert self.rule is not None
        return _rule_days(self.rule.ical(), self.first_start(), self.within.end)

    def occurrences(self) -> list[tuple[date, date]]:
        if self.rule is None:
            return [(p.start, p.end) for p in self.periods]
        days = self._rule_days()
        if self.each is Each.DAY:
            skipped = self.exceptions
            return [(d, d) for d in days if d >= self.within.start and d not in skipped]
        if self.each is Each.MONTH:
            ends = [
                _month_end(d) if self.length is None else min(_month_end(d), d + timedelta(self.length - 1))
                for d in days
            ]
            return [(max(d, self.within.start), min(e, self.within.end)) for d, e in zip(days, ends, strict=True)]
        return [(max(d, self.within.start), min(_week_end(d), self.within.end)) for d in days]

    def rule_start(self) -> _dt.date:
        """DTSTART for a feed: the rule's first day (an instance of the rule, as RFC 5545 wants).

        A weekly marker starts on the first of its Mondays inside the school year (not on the Monday before it,
        in August); a monthly one on its first day, which may be the 1st just before the first school day."""
        if self.each is Each.DAY:
            occurrences = self.occurrences()
            return occurrences[0][0] if occurrences else self.first_start()
        days = self._rule_days()
        if self.each is Each.WEEK:
            days = tuple(d for d in days if d >= self.within.start) or days
        return days[0] if days else self.first_start()

    @property
    def interval(self) -> int:
        """Every how many weeks or months the rule repeats (1 when not given)."""
        return self.rule.interval if self.rule is not None else 1

    def first_start(self) -> _dt.date:
        """DTSTART for the rule: a week or month repetition starts on the Monday or 1st on or before the year."""
        start = self.within.start
        if self.each is Each.MONTH:
            return start.replace(day=1)
        if self.each is Each.WEEK:
            return start - timedelta(days=start.weekday())
        return start


@dataclass(frozen=True, slots=True)
class Ongoing:
    """Throughout a period ("в течение года"): no single day to mark."""

    span: Span

    def occurrences(self) -> list[tuple[date, date]]:
        return [(self.span.start, self.span.end)]


@dataclass(frozen=True, slots=True)
class Undated:
    """No time is named ("по мере необходимости", "по плану"): kept and shown, never guessed."""

    reason: str
    month_unnamed: bool = False  # a time within a month the text does not name («в конце месяца», «1 неделя»)

    def occurrences(self) -> list[tuple[date, date]]:
        return []


@dataclass(frozen=True, slots=True)
class Several:
    """Several parts in one cell ("декабрь, март", "23.09, 24.09, 25.09")."""

    parts: tuple[Day | Span | Deadline | Recurring | Ongoing, ...]

    def occurrences(self) -> list[tuple[date, date]]:
        return [occ for part in self.parts for occ in part.occurrences()]


When = Day | Span | Deadline | Several | Recurring | Ongoing | Undated


@dataclass(frozen=True, slots=True)
class Reading:
    """The original text, what it was read as, and every assumption or correction made on the way."""

    text: str
    when: When
    warnings: tuple[str, ...] = field(default=())

    @property
    def shape_name(self) -> str:
        """The name of its shape, the ``kind`` field of ``explain --json`` and ``check --json``."""
        return shape_name(self.when)

    def bounds(self) -> tuple[date, date] | None:
        """First and last day of the whole reading (inclusive), or None when undated."""
        occ = self.when.occurrences()
        if not occ:
            return None
        return min(a for a, _ in occ), max(b for _, b in occ)


def shape_name(when: When) -> str:
    """The name of a value's shape: date, range, deadline, month, months, ... (docs/dates.md; in JSON, ``kind``)."""
    match when:
        case Day():
            return "date"
        case Span(shape=shape):
            return "range" if shape is SpanShape.OPEN else shape.value
        case Deadline():
            return "deadline"
        case Several():
            return "several"
        case Recurring():
            return "recurring"
        case Ongoing():
            return "ongoing"
        case Undated():
            return "undated"
        case _:  # pragma: no cover - mypy proves every shape is handled
            assert_never(when)


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time())


def _week_end(d: date) -> date:
    return d + timedelta(days=6 - d.weekday())


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


@lru_cache(maxsize=4096)
def _rule_days(rule: str, start: date, end: date) -> tuple[date, ...]:
    """The days an RRULE gives from ``start`` to ``end`` inclusive; plans repeat their rules, so once each."""
    expanded = rrulestr(rule, dtstart=_midnight(start))
    return tuple(d.date() for d in expanded.between(_midnight(start), _midnight(end), inc=True))
