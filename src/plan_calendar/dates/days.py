"""Days, months and their parts, ranges and deadlines in the date grammar: «19.09», «5 сентября 2019», «начало
октября», «12-16 ноября», «с 20 мая», «до 1 октября», «в течение октября», «I квартал».

Plain functions over a :class:`~plan_calendar.dates.context.Context`, like :mod:`~plan_calendar.dates.recurrence`."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, time, timedelta

from plan_calendar.dates.clock import check_weekday, clock_text, next_is_month_at, time_range
from plan_calendar.dates.context import Context
from plan_calendar.dates.describe import day as _ru_date
from plan_calendar.dates.describe import day_range, plural
from plan_calendar.dates.lexicon import PART_WORDS, Word, prepositional
from plan_calendar.dates.named_days import BEFORE_DAYS, named_day_on
from plan_calendar.dates.periods import named_school_year, read_term, whole_year
from plan_calendar.dates.recurrence import monthly_due, school_year
from plan_calendar.dates.tokens import (
    IntTok,
    NoMatch,
    Tag,
    TokStream,
    TokTag,
    WordTok,
    number_token,
    weekday_token,
)
from plan_calendar.errors import DateError
from plan_calendar.when import (
    Day,
    Deadline,
    Recurring,
    Span,
    SpanShape,
    When,
)

__all__ = [
    "BareDay",
    "Point",
    "bounds",
    "calendar_quarter",
    "check_year",
    "from_range",
    "month_point",
    "next_is",
    "next_is_month",
    "point_or_range",
    "read_deadline",
    "read_period",
    "read_point",
    "span_between",
]

_SUMMER = frozenset({6, 7, 8})

_FILLER = frozenset({Word.FILLER})

_WHOLE_FILLER = frozenset({Word.WHOLE, Word.FILLER})

_FILLER_IN = frozenset({Word.FILLER, Word.IN})


@dataclass(frozen=True, slots=True)
class Point:
    """One end of a range, or a whole reading of a day or month."""

    first: date
    last: date
    is_month: bool
    explicit_year: bool
    month: int
    label: str | None = None  # "начало октября"


@dataclass(frozen=True, slots=True)
class BareDay:
    """A day of the month written without its month: «12» in «12-16 ноября», «с 20 по 25 мая». It takes the month
    (and year) of the range's end; alone («с 20») it is an error."""

    day: int


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
    y = _year_after(cx, s)
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


# ----------------------------------------------------------------- deadlines
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
    day = _day_tail(cx, s, point)
    s.expect_done()
    holiday = named_day_on(point.first, cx.year.month_years()) if by and not point.is_month else None
    if holiday is not None and day.time is None:
        first, last = point.first - timedelta(days=BEFORE_DAYS), point.first - timedelta(days=1)
        taken = day_range(first, last)
        cx.warnings.append(f"«к {_ru_date(point.first)}» — {holiday.name}: взяты дни перед ним: {taken} — проверьте")
        return Span(first, last, SpanShape.DAYS)
    due = point.last if inclusive else point.first - timedelta(days=1)
    return Deadline(due)


# ----------------------------------------------------------------- "с ... по ..."
def from_range(cx: Context, s: TokStream) -> When:
    start = _range_start(cx, s)
    if start is None:
        raise NoMatch("после «с» ожидается дата")
    tail = _Tail.read(cx, s) if not (isinstance(start, Point) and start.is_month) else _NO_TAIL
    if s.done():
        if isinstance(start, BareDay):  # «с 20» with no month
            raise NoMatch("не указан месяц")
        _, last_day = cx.year.school_span()
        if start.first > last_day:  # "с 1 июня": a summer start runs to the academic year's last day
            last_day = cx.year.end
        if start.first > last_day:
            raise NoMatch("начало позже конца учебного года")
        cx.warnings.append(f"конец не указан: считается до конца учебного года ({_ru_date(last_day)})")
        return tail.at_start_of(cx, Span(start.first, last_day, SpanShape.OPEN))
    if not (s.word(Word.TO) or s.word(Word.UNTIL) or s.punct("-")):
        raise NoMatch("после начала ожидается «по …» или «до …»")
    return tail.at_start_of(cx, _range_end(cx, s, start))


def _range_end(cx: Context, s: TokStream, start: Point | BareDay) -> Span:
    """After «-», «по» or «до»: the end of a range, then nothing more."""
    s.punct("-")  # «с 28.01. по-31.01.»
    end = read_point(cx, s)
    if end is None:
        raise NoMatch("не указан конец периода")
    weekdays = _weekdays_of_ends(s)
    if not end.is_month and weekdays is None:
        _day_tail(cx, s, end)
    s.expect_done()
    span = span_between(cx, start, end)
    if weekdays is not None:  # «17-18 октября (чт-пт)»: the weekdays of the first and the last day
        check_weekday(cx, span.start, weekdays[0].value, weekdays[0].text)
        check_weekday(cx, span.end, weekdays[1].value, weekdays[1].text)
    return span


# ----------------------------------------------------------------- periods
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


# ----------------------------------------------------------------- days, months, ranges
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
    start = _range_start(cx, s)
    if start is None:
        t = s.peek()
        what = f"«{t.text}»" if t is not None else "конец строки"
        raise NoMatch(f"непонятно {what}")
    tail = _NO_TAIL
    if isinstance(start, Point) and not start.is_month:
        tail = _Tail.read(cx, s)
        if s.done():
            tail.check(cx, start.first)
            return Day(start.first) if tail.times is None else Day(start.first, tail.times[0], tail.times[1])
    elif isinstance(start, BareDay):
        tail = _Tail.read(cx, s)  # «11 (пн) - 15 ноября»: checked once the end gives the month
    if s.punct("-") or s.word(Word.TO) or s.word(Word.UNTIL):
        return tail.at_start_of(cx, _range_end(cx, s, start))
    if isinstance(start, BareDay):
        raise NoMatch(f"у числа {start.day} не указан месяц")
    s.expect_done()
    if start.is_month:
        if start.label:
            return Span(start.first, start.last, SpanShape.MONTH_PART, start.label)
        return Span(start.first, start.last, SpanShape.MONTH)
    return Day(start.first)  # pragma: no cover - handled by _day_tail above


def span_between(cx: Context, start: Point | BareDay, end: Point) -> Span:
    if isinstance(start, BareDay):  # «12-16 ноября»: the bare day takes the end's month
        start = _make_day(cx, start.day, end.month, end.first.year, end.explicit_year, inherited=True)
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


def _range_start(cx: Context, s: TokStream) -> Point | BareDay | None:
    """The start of a range or a day: a point, or a day whose month the range's end gives («12-16 ноября»)."""
    point = read_point(cx, s)
    if point is not None:
        return point
    t = s.peek()
    if t is not None and t.tag is Tag.NUM and 1 <= t.value <= 31:
        s.next()
        return BareDay(t.value)
    return None


def read_point(cx: Context, s: TokStream) -> Point | None:
    """A day ("19.09", "5 сентября 2019"), a month ("октябрь 2019"), or part of a month ("начало мая")."""
    s.skip(_FILLER_IN)
    nxt = s.peek(1)
    if s.peek_word(Word.WHOLE) and nxt is not None and nxt.tag is Tag.MONTH:  # "весь октябрь"
        s.next()
    t = s.peek()
    if t is None:
        return None
    if t.tag is Tag.DOT:
        s.next()
        d, m, y = t.value
        if y is None:
            y = _year_after(cx, s)
        else:
            s.word(Word.YEAR)  # «01.09.2024 г.»
        return _make_day(cx, d, m, y if y is not None else cx.year.year_of(m), y is not None)
    if t.tag is Tag.ORD and next_is_month_at(s, 1):  # «11-го ноября»
        t = t._replace(tag=Tag.NUM)
    if t.tag is Tag.NUM:
        nxt = s.peek(1)
        if nxt is not None and nxt.tag is Tag.MONTH:
            s.pos += 2
            y = _year_after(cx, s)
            m = nxt.value
            return _make_day(cx, t.value, m, y if y is not None else cx.year.year_of(m), y is not None)
        if nxt is not None and nxt.tag is Tag.WORD and nxt.value in (Word.HALF, Word.DECADE, Word.WEEK):
            s.pos += 2  # «2 неделя апреля»
            return _month_part(cx, s, t, nxt)
        return None
    if t.tag is Tag.MONTH:
        s.next()
        return month_point(cx, t.value, _year_after(cx, s))
    if t.tag is Tag.WORD and t.value in PART_WORDS:
        s.next()
        return _month_part(cx, s, t)
    if t.tag in (Tag.ORD, Tag.ORDW) and isinstance(t.value, int):
        nxt = s.peek(1)
        if nxt is not None and nxt.tag is Tag.WORD and nxt.value in (Word.HALF, Word.DECADE, Word.WEEK):
            s.pos += 2
            return _month_part(cx, s, t, nxt)
    return None


def month_point(cx: Context, month: int, y: int | None, label: str | None = None) -> Point:
    year = y if y is not None else cx.year.year_of(month)
    check_year(cx, year, y is not None, month)
    last = calendar.monthrange(year, month)[1]
    return Point(date(year, month, 1), date(year, month, last), True, y is not None, month, label)


def _month_part(cx: Context, s: TokStream, first: IntTok | WordTok, unit: WordTok | None = None) -> Point:
    t = s.peek()
    if t is None or t.tag is not Tag.MONTH:
        raise NoMatch(f"после «{first.text}» ожидается месяц, например «{first.text} октября»")
    s.next()
    month = t.value
    whole = month_point(cx, month, _year_after(cx, s))
    last_day = whole.last.day
    # From the lexicon: a corrected typo or a nominative («апрель, 2 неделя») is not shown in the label.
    genitive = cx.lex.month_genitives[month]
    if first.tag is Tag.WORD:  # «начало октября»
        word = first.value
        ranges = {Word.START: (1, 10), Word.MIDDLE: (11, 20), Word.END: (21, last_day)}
        a, b = ranges[word]
        label = f"{PART_WORDS[word]} {genitive}"
    else:  # «2 неделя апреля»
        n = first.value
        if unit is None:  # pragma: no cover - a number is read as a part of a month only with its unit
            raise NoMatch()
        if unit.value is Word.HALF:
            if n not in (1, 2, -1):
                raise NoMatch("половин в месяце две")
            a, b = (1, 15) if n == 1 else (16, last_day)
        elif unit.value is Word.DECADE:
            if n not in (1, 2, 3, -1):
                raise NoMatch("декад в месяце три")
            a, b = {1: (1, 10), 2: (11, 20), 3: (21, last_day), -1: (21, last_day)}[n]
        else:
            if n not in (1, 2, 3, 4, 5, -1):
                raise NoMatch("недель в месяце не больше пяти")
            if n == -1:
                a, b = last_day - 6, last_day
            else:
                a, b = 7 * n - 6, min(7 * n, last_day)
                if a > last_day:
                    raise NoMatch(f"в этом месяце нет {n}-й недели")
        label = f"{first.text} {unit.text} {genitive}"
    y, m = whole.first.year, whole.first.month
    return Point(date(y, m, a), date(y, m, b), True, whole.explicit_year, m, label)


def _year_after(cx: Context, s: TokStream) -> int | None:
    t = s.peek()
    if t is not None and t.tag is Tag.NUM and 1900 <= t.value <= 2200:
        s.next()
        s.word(Word.YEAR)
        return int(t.value)
    if t is not None and t.tag is Tag.NUM and len(t.text) == 2 and s.peek_word(Word.YEAR, 1):
        s.pos += 2  # «05.01. 23г»
        return 2000 + int(t.value)
    return None


def _make_day(cx: Context, d: int, m: int, y: int, explicit: bool, *, inherited: bool = False) -> Point:
    if not 1 <= m <= 12:
        raise NoMatch(f"месяца с номером {m} нет")
    last = calendar.monthrange(y, m)[1]
    if not 1 <= d <= last:
        month = cx.lex.month_names[m]
        raise DateError(
            f"«{' '.join(cx.text.split())}»: даты {d} {cx.lex.month_genitives[m]} {y} не бывает — "
            f"в {prepositional(month)} {y} года {last} {plural(last, 'день', 'дня', 'дней')}",
            expression=cx.text,
            hint="Исправьте число.",
        )
    if not inherited:
        check_year(cx, y, explicit, m, d)
    return Point(date(y, m, d), date(y, m, d), False, explicit, m)


def check_year(cx: Context, y: int, explicit: bool, month: int | None = None, day: int | None = None) -> None:
    if not explicit:
        return
    if y not in (cx.year.first, cx.year.second):
        cx.warnings.append(f"год {y} не входит в учебный год {cx.year.name}")
    elif month is not None and (
        (y == cx.year.first and month < 9) or (y == cx.year.second and month >= 9 and (month, day) != (9, 1))
    ):  # «19.01.2014» in a plan for 2014-2015; 1 September after it is the next year's start («до 1 сентября»)
        cx.warnings.append(
            f"{cx.lex.month_names[month]} {y} года — вне учебного года {cx.year.name} "
            f"(сентябрь {cx.year.first} – август {cx.year.second}): проверьте год"
        )


def _day_tail(cx: Context, s: TokStream, point: Point) -> Day:
    """After a day: an optional weekday to check, then an optional time or time range."""
    tail = _Tail.read(cx, s)
    tail.check(cx, point.first)
    if tail.times is None:
        return Day(point.first)
    return Day(point.first, tail.times[0], tail.times[1])


@dataclass(frozen=True, slots=True)
class _Tail:
    """What may follow a day: weekdays to check against it (before and after the time), and a time or range."""

    weekdays: tuple[IntTok, ...]
    times: tuple[time, time | None] | None

    @classmethod
    def read(cls, cx: Context, s: TokStream) -> _Tail:
        if s.pos >= len(s.tokens):
            return _NO_TAIL  # most days end their part
        before = weekday_token(s.peek())
        if before is not None:
            s.next()
        times = time_range(cx, s, after_day=True)
        after = weekday_token(s.peek())
        if after is not None:
            s.next()
        weekdays = tuple(w for w in (before, after) if w is not None)
        return _NO_TAIL if not weekdays and times is None else cls(weekdays, times)

    def check(self, cx: Context, day: date) -> None:
        for wday in self.weekdays:
            check_weekday(cx, day, wday.value, wday.text)

    def at_start_of(self, cx: Context, span: Span) -> Span:
        """The tail of a range's first day, checked once the range is known; a time there is not kept."""
        self.check(cx, span.start)
        if self.times is not None:
            cx.warnings.append(
                f"время {clock_text(self.times)} у начала периода не учтено: период в календаре — целые дни"
            )
        return span


_NO_TAIL = _Tail((), None)


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


def next_is_month(s: TokStream) -> bool:
    return next_is(s, Tag.MONTH)


def next_is(s: TokStream, tag: TokTag) -> bool:
    t = s.peek(1)
    return t is not None and t.tag == tag


def bounds(when: When) -> tuple[date, date]:
    occ = when.occurrences()
    return min(a for a, _ in occ), max(b for _, b in occ)


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)
