"""Days and months alone, ranges, periods and deadlines in the date grammar: «19.09», «октябрь», «12-16 ноября»,
«с 20 мая», «до 1 октября», «в течение октября», «I квартал». Their ends are read by
:mod:`~plan_calendar.dates.points`.

Plain functions over a :class:`~plan_calendar.dates.context.Context`, like :mod:`~plan_calendar.dates.recurrence`."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from plan_calendar.dates.clock import check_weekday
from plan_calendar.dates.context import Context
from plan_calendar.dates.describe import day as _ru_date
from plan_calendar.dates.describe import day_range
from plan_calendar.dates.lexicon import Word
from plan_calendar.dates.monthly import monthly_due
from plan_calendar.dates.named_days import BEFORE_DAYS, named_day_on
from plan_calendar.dates.periods import named_school_year, read_term, whole_year
from plan_calendar.dates.points import (
    NO_TAIL,
    BareDay,
    Point,
    Tail,
    make_day,
    month_point,
    range_start,
    read_point,
    year_after,
)
from plan_calendar.dates.recurrence import school_year
from plan_calendar.dates.tokens import (
    IntTok,
    NoMatch,
    Tag,
    TokStream,
    number_token,
    weekday_token,
)
from plan_calendar.when import (
    Deadline,
    Recurring,
    Span,
    SpanShape,
    When,
)

__all__ = [
    "bounds",
    "calendar_quarter",
    "from_range",
    "point_or_range",
    "read_deadline",
    "read_period",
    "span_between",
]

_SUMMER = frozenset({6, 7, 8})


_FILLER = frozenset({Word.FILLER})


_WHOLE_FILLER = frozenset({Word.WHOLE, Word.FILLER})


def calendar_quarter(cx: Context, s: TokStream) -> Span | None:
    """«I квартал», «1 кв. 2017 г.», «1-4 квартал»: quarters of the calendar year (three months each)."""
    t = number_token(s.peek())
    if t is None:
        return None
    last_t: IntTok | None = t
    word_at = 1
    dash = s.peek(1)
    if dash is not None and dash.tag is Tag.PUNCT and dash.value == "-":
        last_t, word_at = number_token(s.peek(2)), 3
    if not s.peek_word(Word.CAL_QUARTER, word_at):
        return None
    a, b = t.value, (last_t.value if last_t is not None else 0)
    if not 1 <= a <= b <= 4:
        raise NoMatch("кварталов в году четыре")
    s.pos += word_at + 1
    y = year_after(cx, s)
    s.expect_done()
    start = month_point(cx, 3 * a - 2, y)
    end_year = start.first.year  # quarters count in the calendar year of the first one
    end_month = 3 * b
    end = Point(
        date(end_year, end_month, 1),
        date(end_year, end_month, calendar.monthrange(end_year, end_month)[1]),
        True,
        y is not None,
        end_month,
    )
    span = span_between(cx, start, end)
    label = f"{a}–{b} кварталы" if a != b else f"{a} квартал"
    return Span(span.start, span.end, SpanShape.MONTHS, label)


def read_deadline(cx: Context, s: TokStream, *, inclusive: bool, by: bool = False) -> Deadline | Recurring | Span:
    """After «до», «к» (``by``) or «не позднее»: the due day. «к 8 Марта», «к 23 февраля» name a holiday:
    the days just before it, as «к Международному женскому дню» (docs/dates.md)."""
    s.skip(_FILLER)
    monthly = monthly_due(cx, s, school_year(cx), inclusive=inclusive, monthly=False)
    if monthly is not None:  # «до 5 числа каждого месяца»
        return monthly
    if s.peek_word(Word.END) or s.peek_word(Word.START):
        edge = s.next().value
        period = read_period(cx, s, during=False)
        first, last = bounds(period)
        due = last if edge is Word.END else first - timedelta(days=1)
        return Deadline(due)
    term = read_term(cx, s)
    if term is not None:
        s.expect_done()
        due = term.end if inclusive else term.start - timedelta(days=1)
        return Deadline(due)
    point = read_point(cx, s)
    if point is None:
        raise NoMatch("после «до» ожидается дата, например «до 1 октября» или «до конца сентября»")
    tail = Tail.read(cx, s)
    tail.check(cx, point.first)
    s.expect_done()
    holiday = named_day_on(point.first, cx.year.month_years()) if by and not point.is_month else None
    if holiday is not None and tail.times is None:
        first, last = point.first - timedelta(days=BEFORE_DAYS), point.first - timedelta(days=1)
        taken = day_range(first, last)
        cx.warnings.append(f"«к {_ru_date(point.first)}» — {holiday.name}: взяты дни перед ним: {taken} — проверьте")
        return Span(first, last, SpanShape.DAYS)
    due = point.last if inclusive else point.first - timedelta(days=1)
    tail.time_not_kept(cx, "у срока")
    return Deadline(due)


def from_range(cx: Context, s: TokStream) -> When:
    start = range_start(cx, s)
    if start is None:
        raise NoMatch("после «с» ожидается дата")
    tail = _start_tail(cx, s, start)
    if s.done():
        if isinstance(start, BareDay):  # «с 20» with no month
            raise NoMatch("не указан месяц")
        _, last_day = cx.year.school_span()
        if start.first > last_day:  # "с 1 июня": a summer start runs to the academic year's last day
            last_day = cx.year.end
        if start.first > last_day:
            raise NoMatch("начало позже конца учебного года")
        cx.warnings.append(f"конец не указан: считается до конца учебного года ({_ru_date(last_day)})")
        tail.check(cx, start.first)
        return Span(start.first, last_day, SpanShape.OPEN)
    if not (s.word(Word.TO) or s.word(Word.UNTIL) or s.punct("-")):
        raise NoMatch("после начала ожидается «по …» или «до …»")
    return _range_end(cx, s, start, tail)


def _start_tail(cx: Context, s: TokStream, start: Point | BareDay) -> Tail:
    """What follows a range's first day: its weekday is checked once the range is known (_range_end: the end may
    give the day its month or year); its time is not kept, and says so."""
    if isinstance(start, Point) and start.is_month:
        return NO_TAIL
    tail = Tail.read(cx, s)
    tail.time_not_kept(cx, "у начала периода")
    return tail


def _range_end(cx: Context, s: TokStream, start: Point | BareDay, start_tail: Tail = NO_TAIL) -> Span:
    """After «-», «по» or «до»: the end of a range, then nothing more."""
    s.punct("-")  # «с 28.01. по-31.01.»
    end = read_point(cx, s)
    if end is None:
        raise NoMatch("не указан конец периода")
    weekdays = _weekdays_of_ends(s)
    end_tail = NO_TAIL
    if not end.is_month and weekdays is None:
        end_tail = Tail.read(cx, s)
        end_tail.time_not_kept(cx, "у конца периода")
    s.expect_done()
    span = span_between(cx, start, end)
    # The days as the range has them: «11 (пн) - 15 ноября» gives the 11th its month, «19.01 (вс) - 23.01.2014»
    # its year. The end first: its warnings stand after the start's.
    end_tail.check(cx, span.end)
    start_tail.check(cx, span.start)
    if weekdays is not None:  # «17-18 октября (чт-пт)»: the weekdays of the first and the last day
        check_weekday(cx, span.start, weekdays[0].value, weekdays[0].text)
        check_weekday(cx, span.end, weekdays[1].value, weekdays[1].text)
    return span


def read_period(cx: Context, s: TokStream, *, during: bool) -> When:
    """After "в течение" / "до конца": a month, a term, or the (school) year."""
    s.skip(_WHOLE_FILLER)
    if named_school_year(cx, s):
        return whole_year(cx)
    t = s.peek()
    if t is not None and t.tag is Tag.NUM and 1900 <= t.value <= 2200 and s.peek_word(Word.YEAR, 1):
        s.pos += 2  # «в течение 2010 года»: that calendar year
        s.expect_done()
        start, end = month_point(cx, 1, t.value), month_point(cx, 12, t.value)
        return Span(start.first, end.last, SpanShape.MONTHS, f"{t.value} год")
    if s.word(Word.CALENDAR):  # «в течение календарного года» in a plan for a school year
        if not s.word(Word.YEAR):
            raise NoMatch("ожидается «календарного года»")
        s.expect_done()
        cx.warnings.append("«календарный год» прочитан как учебный год плана — проверьте")
        return whole_year(cx)
    if s.word(Word.SCHOOL) or s.peek_word(Word.YEAR):
        if s.word(Word.YEAR):
            s.word(Word.SCHOOL)
            s.expect_done()
            return whole_year(cx)
        raise NoMatch("ожидается «года»")
    term = read_term(cx, s)
    if term is not None:
        s.expect_done()
        return term
    if during and s.done() and s.tokens[s.pos - 1].text.startswith("период"):
        return whole_year(cx)  # «в течение всего периода»: the plan's whole period
    point = read_point(cx, s)
    if point is None or not point.is_month:
        if during:
            raise NoMatch("после «в течение» ожидается месяц, четверть или «года»")
        raise NoMatch("ожидается месяц, четверть или «года»")
    last = point
    if s.punct("-") or s.word(Word.TO):
        last = read_point(cx, s) or point
    s.expect_done()
    return span_between(cx, point, last)


def point_or_range(cx: Context, s: TokStream) -> When:
    t, dash, month = s.peek(), s.peek(1), s.peek(2)
    if (
        t is not None
        and t.tag is Tag.NUM
        and dash is not None
        and dash.tag is Tag.PUNCT
        and dash.value == "-"
        and month is not None
        and month.tag is Tag.MONTH
    ):
        s.tokens = [t, *s.tokens[s.pos + 2 :]]  # "5-сентября" is "5 сентября"
        s.pos = 0
    start = range_start(cx, s)
    if start is None:
        t = s.peek()
        what = f"«{t.text}»" if t is not None else "конец строки"
        raise NoMatch(f"непонятно {what}")
    tail = NO_TAIL
    if not (isinstance(start, Point) and start.is_month):
        tail = Tail.read(cx, s)
        if isinstance(start, Point) and s.done():
            tail.check(cx, start.first)
            return tail.day(start.first)
    if s.punct("-") or s.word(Word.TO) or s.word(Word.UNTIL):
        tail.time_not_kept(cx, "у начала периода")
        return _range_end(cx, s, start, tail)
    if isinstance(start, BareDay):
        raise NoMatch(f"у числа {start.day} не указан месяц")
    s.expect_done()
    tail.check(cx, start.first)  # «19.09 (ср) г.»
    if start.is_month:
        if start.label:
            return Span(start.first, start.last, SpanShape.MONTH_PART, start.label)
        return Span(start.first, start.last, SpanShape.MONTH)
    return tail.day(start.first)  # «19.09 (ср) г.»


def span_between(cx: Context, start: Point | BareDay, end: Point) -> Span:
    if isinstance(start, BareDay):  # «12-16 ноября»: the bare day takes the end's month
        start = make_day(cx, start.day, end.month, end.first.year, end.explicit_year, inherited=True)
    first, last = start.first, end.last
    if end.explicit_year and not start.explicit_year and first.year != last.year:
        # «январь - март 2020 года», «19.01.-23.01.2014»: the year written at the end is the start's too
        first = _shift_year(first, last.year - first.year)
        if first > last:
            first = _shift_year(first, -1)
    if first > last and not start.explicit_year and first.month in _SUMMER and last.month not in _SUMMER:
        # "август-сентябрь": the range crosses the start of the school year, so August comes first.
        first = _shift_year(first, -1)
    elif first > last and start.explicit_year and not end.explicit_year:
        last = _shift_year(last, 1)
    elif first > last and not start.explicit_year and not end.explicit_year and start.is_month:
        # «май - октябрь»: from the spring to the autumn after it, across the summer
        last = _shift_year(last, 1)
        cx.warnings.append(f"период через лето: прочитан как {day_range(first, last)} — проверьте")
    if first > last:
        raise NoMatch(f"начало периода ({_ru_date(first)}) позже конца ({_ru_date(last)})")
    if start.is_month and end.is_month and not start.label and not end.label:
        if start.first.month == end.first.month and first.year == last.year:
            return Span(first, last, SpanShape.MONTH)
        return Span(first, last, SpanShape.MONTHS)
    return Span(first, last, SpanShape.DAYS)


def _weekdays_of_ends(s: TokStream) -> tuple[IntTok, IntTok] | None:
    """«чт-пт», «(чт, пт)» after a range of days: the weekdays of its first and last day (taken from ``s``)."""
    rest = s.tokens[s.pos :]
    days = [w for t in rest if (w := weekday_token(t)) is not None]
    if len(days) != 2 or any(t.tag is Tag.PUNCT and t.value not in "-," for t in rest if t not in days):
        return None
    if not all(t.tag in (Tag.WDAY, Tag.WCHECK, Tag.PUNCT) for t in rest):
        return None
    s.pos = len(s.tokens)
    return days[0], days[1]


def bounds(when: When) -> tuple[date, date]:
    occ = when.occurrences()
    return min(a for a, _ in occ), max(b for _, b in occ)


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)
