"""Readings in plain Russian: «срок — 30 сентября 2019, пн», «весь октябрь 2019».

Dates are formatted by babel from CLDR; plurals («1 раз», «3 раза», «5 раз») use CLDR's Russian plural rule.
"""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache
from typing import assert_never

from babel import Locale
from babel.dates import format_date

from plan_calendar.dates.lexicon import lexicon
from plan_calendar.when import (
    Day,
    Deadline,
    Each,
    Freq,
    Ongoing,
    Reading,
    Recurring,
    Rule,
    Several,
    Span,
    SpanShape,
    Undated,
    When,
)

_LOCALE = Locale.parse("ru")


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form for ``n`` by CLDR's rule.

    >>> [plural(n, "день", "дня", "дней") for n in (1, 3, 5, 21)]
    ['день', 'дня', 'дней', 'день']
    """
    form = _LOCALE.plural_form(n)
    return one if form == "one" else few if form == "few" else many


@lru_cache(maxsize=8192)
def day(d: date, *, weekday: bool = False) -> str:
    """«30 сентября 2019», with weekday «30 сентября 2019, пн»."""
    return format_date(d, "d MMMM y, EEE" if weekday else "d MMMM y", locale=_LOCALE)


def day_range(a: date, b: date) -> str:
    """«12–16 ноября 2019», «30 сентября – 4 октября 2019», «28 декабря 2019 – 10 января 2020».

    >>> day_range(date(2019, 11, 12), date(2019, 11, 16))
    '12–16 ноября 2019'
    >>> day_range(date(2019, 12, 28), date(2020, 1, 10))
    '28 декабря 2019 – 10 января 2020'
    """
    if a == b:
        return day(a)
    if a.year != b.year:
        return f"{day(a)} – {day(b)}"
    if a.month != b.month:
        return f"{format_date(a, 'd MMMM', locale=_LOCALE)} – {day(b)}"
    return f"{a.day}–{day(b)}"


@lru_cache(maxsize=1024)
def month(d: date) -> str:
    """«октябрь 2019»."""
    return format_date(d, "LLLL y", locale=_LOCALE)


@lru_cache(maxsize=4096)
def describe(reading: Reading | When) -> str:
    """How a reading is understood, in one Russian line.

    >>> from plan_calendar.dates.grammar import read_when
    >>> from plan_calendar.dates.school import AcademicYear
    >>> describe(read_when("до 1 октября", AcademicYear(2019)))
    'срок — 30 сентября 2019, пн'
    >>> describe(read_when("19.09 10.00-12.00", AcademicYear(2019)))
    '19 сентября 2019, чт, 10:00–12:00'
    """
    when = reading.when if isinstance(reading, Reading) else reading
    match when:
        case Day(date=d, time=t, end_time=end):
            text = day(d, weekday=True)
            return f"{text}, {_clock(t, end)}" if t is not None else text
        case Span():
            return _span(when)
        case Deadline(due=due):
            return f"срок — {day(due, weekday=True)}"
        case Several(parts=parts):
            return "; ".join(describe(p) for p in parts)
        case Recurring():
            return _recurring(when)
        case Ongoing(span=span):
            return f"в течение учебного года: {day_range(span.start, span.end)}"
        case Undated(reason=reason):
            return f"без даты ({reason})"
        case _:  # pragma: no cover - mypy proves every shape is handled
            assert_never(when)


def _span(span: Span) -> str:
    a, b = span.start, span.end
    match span.shape:
        case SpanShape.MONTH:
            return f"весь {month(a)}"
        case SpanShape.MONTHS:
            if a.year == b.year:
                return f"{format_date(a, 'LLLL', locale=_LOCALE)}–{month(b)}"
            return f"{month(a)} – {month(b)}"
        case SpanShape.MONTH_PART:
            return f"{span.label} ({day_range(a, b)})"
        case SpanShape.TERM:
            note = ", приблизительно" if span.approximate else ""
            return f"{span.label} ({day_range(a, b)}{note})"
        case SpanShape.OPEN:
            return f"с {day(a)} до конца учебного года ({day(b)})"
        case SpanShape.YEAR:
            return f"учебный год ({day_range(a, b)})"
    return day_range(a, b)


def _weekday_plural(weekday: int) -> str:
    name = lexicon().weekday_names[weekday]
    if name.endswith("е"):
        return name[:-1] + "ям"
    if name.endswith("а"):
        return name[:-1] + "ам"
    return name + "ам"


def _times(n: int) -> str:
    return f"{n} {plural(n, 'раз', 'раза', 'раз')}"


_EDGE_PHRASES = {"начало": "в начале", "середина": "в середине", "конец": "в конце"}


def every(rec: Recurring) -> str:
    """«в неделю», «в 2 недели», «в месяц», «в 3 месяца» for a week or month repetition."""
    n = rec.interval
    if rec.each is Each.WEEK:
        return "в неделю" if n == 1 else f"в {n} {plural(n, 'неделю', 'недели', 'недель')}"
    return "в месяц" if n == 1 else f"в {n} {plural(n, 'месяц', 'месяца', 'месяцев')}"


def _recurring(rec: Recurring) -> str:
    bounds = day_range(rec.within.start, rec.within.end)
    count = len(rec.occurrences())
    if rec.rule is None:
        names = ", ".join(p.label or day_range(p.start, p.end) for p in rec.periods)
        per = {Each.TERM: "в четверть", Each.HALF_YEAR: "в полугодие", Each.YEAR: "за учебный год"}.get(rec.each, "")
        approx = " (сроки приблизительные)" if any(p.approximate for p in rec.periods) else ""
        if rec.each is Each.YEAR:
            return f"{_times(rec.times)} {per}: {bounds}"
        if rec.each is Each.HOLIDAYS:
            spans = ", ".join(f"{p.label} ({day_range(p.start, p.end)})" for p in rec.periods)
            return f"в каникулы: {spans}{approx}"
        edges = {(p.label or "").split(" ", 1)[0] for p in rec.periods}
        if len(edges) == 1 and (edge := edges.pop()) in _EDGE_PHRASES:  # «в конце четверти»
            each = "каждой четверти" if rec.each is Each.TERM else "каждого полугодия"
            weeks = ", ".join(day_range(p.start, p.end) for p in rec.periods)
            return f"{_EDGE_PHRASES[edge]} {each}: {weeks}{approx}"
        return f"{_times(rec.times)} {per}: {names}{approx}"
    head = _rule_head(rec, rec.rule)
    if rec.interval > 1 or rec.label:
        total = _times(count)
    elif rec.each is Each.WEEK:
        total = f"{count} {plural(count, 'неделя', 'недели', 'недель')}"
    elif rec.each is Each.MONTH:
        total = f"{count} {plural(count, 'месяц', 'месяца', 'месяцев')}"
    else:
        total = _times(count)
    at = f" в {_clock(rec.time, rec.end_time)}" if rec.time is not None else ""
    return f"{head}{at}, {bounds}: {total}"


def _rule_head(rec: Recurring, rule: Rule) -> str:
    """What a calendar rule repeats on: «по средам», «2-я среда каждого месяца», «срок — 4-го числа …»."""
    if rec.label:
        return rec.label
    if rec.each in (Each.WEEK, Each.MONTH):
        return f"{_times(rec.times)} {every(rec)}"
    if rule.freq is Freq.DAILY:
        return "ежедневно"
    if rule.freq is Freq.WEEKLY:
        if rule.weekdays == (0, 1, 2, 3, 4):
            return "по будням (понедельник – пятница)"
        days = [_weekday_plural(d) for d in rule.weekdays]
        return "по " + (", ".join(days[:-1]) + " и " + days[-1] if len(days) > 1 else days[0])
    if rule.monthday is not None:
        day = rule.monthday
        head = "последний день каждого месяца" if day == -1 else f"{day}-го числа каждого месяца"
        return f"срок — {head}" if rec.deadline else head
    n, name = rule.nth or 1, lexicon().weekday_names[rule.weekdays[0]]
    # Weekday names are masculine (понедельник), feminine (среда) or neuter (воскресенье).
    gender = "f" if name.endswith("а") else "n" if name.endswith("е") else "m"
    if n == -1:
        return f"{ {'m': 'последний', 'f': 'последняя', 'n': 'последнее'}[gender] } {name} месяца"
    return f"{n}-{ {'m': 'й', 'f': 'я', 'n': 'е'}[gender] } {name} каждого месяца"


def _clock(start: time, end: time | None) -> str:
    """«14:00», «11:00–13:00»."""
    return f"{start:%H:%M}–{end:%H:%M}" if end is not None else f"{start:%H:%M}"
