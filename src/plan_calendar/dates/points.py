"""Points of the date grammar — one day, one month or a part of a month, the ends of every range: «19.09»,
«5 сентября 2019», «октябрь 2019», «начало октября», «2 неделя апреля»; a day written without its month
(:class:`BareDay`); what may follow a day (a weekday to check, a time).

Plain functions over a :class:`~plan_calendar.dates.context.Context`, like :mod:`~plan_calendar.dates.recurrence`."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, time

from plan_calendar.dates.clock import check_weekday, clock_text, next_is_month_at, time_range
from plan_calendar.dates.context import Context
from plan_calendar.dates.describe import plural
from plan_calendar.dates.lexicon import PART_WORDS, Word, prepositional
from plan_calendar.dates.tokens import (
    IntTok,
    NoMatch,
    Tag,
    TokStream,
    TokTag,
    WordTok,
    weekday_token,
)
from plan_calendar.errors import DateError
from plan_calendar.when import (
    Day,
)

__all__ = [
    "NO_TAIL",
    "BareDay",
    "Point",
    "Tail",
    "check_year",
    "make_day",
    "month_point",
    "next_is",
    "next_is_month",
    "range_start",
    "read_point",
    "year_after",
]


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


def range_start(cx: Context, s: TokStream) -> Point | BareDay | None:
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
            y = year_after(cx, s)
        else:
            s.word(Word.YEAR)  # «01.09.2024 г.»
        return make_day(cx, d, m, y if y is not None else cx.year.year_of(m), y is not None)
    if t.tag is Tag.ORD and next_is_month_at(s, 1):  # «11-го ноября»
        t = t._replace(tag=Tag.NUM)
    if t.tag is Tag.NUM:
        nxt = s.peek(1)
        if nxt is not None and nxt.tag is Tag.MONTH:
            s.pos += 2
            y = year_after(cx, s)
            m = nxt.value
            return make_day(cx, t.value, m, y if y is not None else cx.year.year_of(m), y is not None)
        if nxt is not None and nxt.tag is Tag.WORD and nxt.value in (Word.HALF, Word.DECADE, Word.WEEK):
            s.pos += 2  # «2 неделя апреля»
            return _month_part(cx, s, t, nxt)
        return None
    if t.tag is Tag.MONTH:
        s.next()
        return month_point(cx, t.value, year_after(cx, s))
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
    whole = month_point(cx, month, year_after(cx, s))
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


def year_after(cx: Context, s: TokStream) -> int | None:
    t = s.peek()
    if t is not None and t.tag is Tag.NUM and 1900 <= t.value <= 2200:
        s.next()
        s.word(Word.YEAR)
        return int(t.value)
    if t is not None and t.tag is Tag.NUM and len(t.text) == 2 and s.peek_word(Word.YEAR, 1):
        s.pos += 2  # «05.01. 23г»
        return 2000 + int(t.value)
    return None


def make_day(cx: Context, d: int, m: int, y: int, explicit: bool, *, inherited: bool = False) -> Point:
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


@dataclass(frozen=True, slots=True)
class Tail:
    """What may follow a day: weekdays to check against it (before and after the time), a time or time range,
    and where in the warnings it was read (a range's ends are checked once the range is known, their warnings
    put where the plan wrote them)."""

    weekdays: tuple[IntTok, ...]
    times: tuple[time, time | None] | None
    at: int = 0

    @classmethod
    def read(cls, cx: Context, s: TokStream) -> Tail:
        if s.pos >= len(s.tokens):
            return NO_TAIL  # most days end their part
        at = len(cx.warnings)
        before = weekday_token(s.peek())
        if before is not None:
            s.next()
        times = time_range(cx, s, after_day=True)
        after = weekday_token(s.peek())
        if after is not None:
            s.next()
        weekdays = tuple(w for w in (before, after) if w is not None)
        return NO_TAIL if not weekdays and times is None else cls(weekdays, times, at)

    def check(self, cx: Context, day: date) -> None:
        """Check the weekdays against ``day``; what is wrong is said where the tail was read."""
        said = len(cx.warnings)
        for wday in self.weekdays:
            check_weekday(cx, day, wday.value, wday.text)
        if self.at < said < len(cx.warnings):
            new = cx.warnings[said:]
            del cx.warnings[said:]
            cx.warnings[self.at : self.at] = new

    def day(self, day: date) -> Day:
        """The day with this tail's time, if any."""
        return Day(day) if self.times is None else Day(day, self.times[0], self.times[1])

    def time_not_kept(self, cx: Context, of_what: str) -> None:
        """A time where the reading has none (the first or last day of a range, a due day) says it is not kept."""
        if self.times is not None:
            cx.warnings.append(f"время {clock_text(self.times)} {of_what} не учтено: в календаре это целые дни")


NO_TAIL = Tail((), None)


def next_is_month(s: TokStream) -> bool:
    return next_is(s, Tag.MONTH)


def next_is(s: TokStream, tag: TokTag) -> bool:
    t = s.peek(1)
    return t is not None and t.tag == tag
