"""Recurrences of the date grammar: «по средам», «2-я среда каждого месяца», «1 раз в четверть», «ежемесячно».

Plain functions over a :class:`~plan_calendar.dates.context.Context` (the cell's academic year and warnings).
"""

from __future__ import annotations

import calendar
from datetime import date

from plan_calendar.dates.context import Context
from plan_calendar.dates.lexicon import PART_WORDS, Word
from plan_calendar.dates.school import TermType
from plan_calendar.dates.tokens import IntTok, NoMatch, Tag, TokStream, WordTok, number_token
from plan_calendar.when import (
    DAILY,
    EACH_MONTH,
    EACH_WEEK,
    Each,
    Recurring,
    Rule,
    Span,
    SpanShape,
    monthly_day,
    monthly_weekday,
    weekly,
)

__all__ = ["monthly_due", "per_period", "read_recurrence", "school_year"]


def school_year(cx: Context) -> Span:
    """The school year proper: the bounds of recurrences and of «в течение года»."""
    start, end = cx.year.school_span()
    return Span(start, end, SpanShape.YEAR, "учебный год")


def read_recurrence(cx: Context, s: TokStream) -> Recurring | None:
    """A repetition: a part of each month, weekdays, a repetition word («ежемесячно», «по средам»,
    «каждый …», «раз в …»), or a number that repeats («2 раза в месяц», «2-я среда месяца», «15 числа»)."""
    t = s.peek()
    if t is None:
        return None
    within = school_year(cx)
    found = _part_of_each_month(cx, s, within, monthly=False) or _weekdays(cx, s, within)
    if found is not None:
        return found
    if t.tag is Tag.WORD:
        return _repetition_word(cx, s, t.value, within)
    number = number_token(t)
    if number is not None:
        return _repeating_number(cx, s, number, within)
    return None


def _repetition_word(cx: Context, s: TokStream, word: Word, within: Span) -> Recurring | None:
    """«ежедневно», «еженедельно», «ежемесячно …», «ежеквартально», «ежегодно», «по средам», «каждый …»,
    «раз в …»."""
    if word is Word.DAILY:
        s.next()
        return _daily(cx, s, within)
    if word is Word.WEEKLY:
        s.next()
        _throughout(s)
        days = _weekday_list(cx, s, allow_to=True)
        s.expect_done()
        if days:
            return Recurring(_weekly(days), within, Each.DAY)
        return Recurring(EACH_WEEK, within, Each.WEEK)
    if word is Word.MONTHLY:
        s.next()
        return _monthly(cx, s, within)
    if word in (Word.QUARTERLY, Word.YEARLY):
        s.next()
        s.expect_done()
        return per_period(cx, within, Each.TERM if word is Word.QUARTERLY else Each.YEAR, 1)
    if word is Word.TO:  # "по средам", "по понедельникам и четвергам"
        nxt = s.peek(1)
        if nxt is None or nxt.tag is not Tag.WDAY:
            return None
        s.next()
        days = _weekday_list(cx, s, allow_to=False)
        within = _within_month(cx, s, within)  # «по средам октября»
        s.expect_done()
        return Recurring(_weekly(days), within, Each.DAY)
    if word is Word.EVERY:
        s.next()
        return _every(cx, s, within)
    if word is Word.TIMES:  # "раз в месяц"
        return _times(cx, s, within, 1)
    return None


def _daily(cx: Context, s: TokStream, within: Span) -> Recurring:
    """After «ежедневно»: nothing, or «кроме выходных»."""
    if s.word(Word.EXCEPT):  # «ежедневно, кроме выходных»
        if not s.word(Word.WEEKEND):
            raise NoMatch("после «ежедневно, кроме» ожидается «выходных»")
        s.word(Word.DAYS)
        s.expect_done()
        return Recurring(_weekly([0, 1, 2, 3, 4]), within, Each.DAY)
    s.expect_done()
    return Recurring(DAILY, within, Each.DAY)


def _monthly(cx: Context, s: TokStream, within: Span) -> Recurring:
    """After «ежемесячно»: a weekday of the month, a part of it, a due day, or nothing (some day of each)."""
    _throughout(s)  # «ежемесячно в течение года»: the school year is what repetitions fill anyway
    nth, wday = s.peek(), s.peek(1)
    if nth is not None and nth.tag in (Tag.ORD, Tag.ORDW, Tag.NUM) and wday is not None and wday.tag is Tag.WDAY:
        s.pos += 2  # «ежемесячно, последняя пятница»
        s.word(Word.MONTH)
        s.expect_done()
        return Recurring(_ordinal_day(nth.value, wday.value), within, Each.DAY)
    part = _part_of_each_month(cx, s, within, monthly=True)  # «ежемесячно, в конце месяца»
    if part is not None:
        return part
    inclusive = _due_words(cx, s)
    if inclusive is not None:  # «ежемесячно до 5 числа»
        due = monthly_due(cx, s, within, inclusive=inclusive, monthly=True)
        if due is None:
            raise NoMatch("после «ежемесячно до» ожидается число месяца, например «до 5 числа»")
        return due
    s.expect_done()
    return Recurring(EACH_MONTH, within, Each.MONTH)


def _repeating_number(cx: Context, s: TokStream, t: IntTok, within: Span) -> Recurring | None:
    """«2 раза в месяц», «2-я среда каждого месяца», «2 пятница месяца», «15 числа каждого месяца»."""
    save = s.pos
    if t.tag in (Tag.NUM, Tag.ORDW) and s.peek_word(Word.TIMES, 1):
        s.next()
        return _times(cx, s, within, t.value)
    nxt = s.peek(1)
    if nxt is not None and nxt.tag is Tag.WDAY:
        s.pos += 2
        s.word(Word.EVERY)
        said = s.word(Word.MONTH)
        if said or (s.done() and t.tag is Tag.ORDW):
            if not said:  # «последний четверг»: of each month, as «последний четверг месяца»
                cx.warnings.append(f"«{t.text} {nxt.text}» прочитано как «{t.text} {nxt.text} каждого месяца»")
            s.expect_done()
            return Recurring(_ordinal_day(t.value, nxt.value), within, Each.DAY)
    elif t.tag is Tag.NUM and s.peek_word(Word.NUMBER, 1):
        s.pos += 2
        s.word(Word.EVERY)
        if s.word(Word.MONTH):
            s.expect_done()
            return Recurring(monthly_day(_month_day(t.value)), within, Each.DAY)
    s.pos = save
    return None


def _within_month(cx: Context, s: TokStream, within: Span) -> Span:
    """«(каждую среду) октября»: a month after a weekday schedule bounds it; otherwise ``within``."""
    t = s.peek()
    if t is None or t.tag is not Tag.MONTH:
        return within
    s.next()
    year = cx.year.year_of(t.value)
    last = calendar.monthrange(year, t.value)[1]
    return Span(date(year, t.value, 1), date(year, t.value, last), SpanShape.MONTH)


def _due_words(cx: Context, s: TokStream) -> bool | None:
    """«до», «к», «не позднее»: None when absent, else whether the named day itself is allowed."""
    if s.word(Word.UNTIL) or s.word(Word.BY):
        return cx.until_inclusive
    if s.peek_word(Word.NOT) and s.peek_word(Word.LATER, 1):
        s.pos += 2
        return True
    return None


def monthly_due(cx: Context, s: TokStream, within: Span, *, inclusive: bool, monthly: bool) -> Recurring | None:
    """«5 числа каждого месяца», «5 числа ежемесячно» after «до»/«к»/«не позднее»: a deadline every month.

    ``monthly`` says «ежемесячно» came before, so «5 числа» alone is enough. None when this is not one.
    """
    save = s.pos
    t = s.peek()
    if t is None or t.tag is not Tag.NUM or not s.peek_word(Word.NUMBER, 1):
        return None
    s.pos += 2
    if s.word(Word.EVERY):
        if not s.word(Word.MONTH):
            raise NoMatch("ожидается «каждого месяца»")
    elif not (s.word(Word.MONTHLY) or monthly):
        s.pos = save
        return None
    elif monthly:
        s.word(Word.MONTH)  # «ежемесячно до 15 числа месяца»
    s.expect_done()
    day = _month_day(t.value) if inclusive else _month_day(t.value) - 1
    if day > 28:
        raise NoMatch(f"{day}-го числа бывает не в каждом месяце: напишите «до 28 числа» или «до 1 числа»")
    by = day if day >= 1 else -1  # «до 1 числа»: the last day of the month before
    return Recurring(monthly_day(by), within, Each.DAY, deadline=True)


def _part_of_each_month(cx: Context, s: TokStream, within: Span, *, monthly: bool) -> Recurring | None:
    """«в конце каждого месяца», «последняя неделя каждого месяца», «1 неделя каждого месяца», and after
    «ежемесячно» also «в конце месяца». The same days as a part of a named month (docs/dates.md)."""
    save = s.pos
    s.word(Word.IN)
    t = s.peek()
    if t is None:
        s.pos = save
        return None
    unit: WordTok | None = None
    number = number_token(t)
    part: Word | int
    if t.tag is Tag.WORD and t.value in PART_WORDS:
        part = t.value
        s.next()
    elif number is not None and s.peek(1) is not None:
        found = s.peek(1)
        if found is None or found.tag is not Tag.WORD or found.value not in (Word.HALF, Word.DECADE, Word.WEEK):
            s.pos = save
            return None
        part, unit = number.value, found
        s.pos += 2
    else:
        s.pos = save
        return None
    every = s.word(Word.EVERY)
    named = s.word(Word.MONTH)
    if not ((every and named) or monthly):
        s.pos = save
        return None
    s.expect_done()
    first, length = _month_part_days(part, None if unit is None else unit.value)
    if isinstance(part, Word):
        label = {"начало": "в начале", "середина": "в середине", "конец": "в конце"}[PART_WORDS[part]]
        label = f"{label} каждого месяца"
    elif unit is None:  # pragma: no cover - a number is read above only with its unit
        raise NoMatch()
    elif part == -1:
        label = f"{t.text} {unit.text} каждого месяца"
    else:
        label = f"{part}-я {unit.text} каждого месяца"
    return Recurring(monthly_day(first), within, Each.MONTH, 1, length=length, label=label)


def _every(cx: Context, s: TokStream, within: Span) -> Recurring:
    t = s.peek()
    if t is None:
        raise NoMatch("после «каждый» ожидается день недели или период")
    if t.tag is Tag.WDAY:
        days = _weekday_list(cx, s, allow_to=False)
        s.word(Word.MONTH)  # «каждую пятницу месяца»
        within = _within_month(cx, s, within)  # «каждую среду октября»
        s.expect_done()
        return Recurring(_weekly(days), within, Each.DAY)
    if t.tag in (Tag.ORD, Tag.ORDW) and isinstance(t.value, int):
        nxt = s.peek(1)
        if nxt is not None and nxt.tag is Tag.WDAY:  # "каждую вторую среду месяца"
            s.pos += 2
            s.word(Word.MONTH)
            s.expect_done()
            return Recurring(_ordinal_day(t.value, nxt.value), within, Each.DAY)
    if t.tag is Tag.NUM and s.peek_word(Word.NUMBER, 1):  # "каждое 15 число"
        s.pos += 2
        s.word(Word.MONTH)
        s.expect_done()
        return Recurring(monthly_day(_month_day(t.value)), within, Each.DAY)
    every_other = _interval(cx, s, within, 1)  # «каждые 2 недели», «каждую вторую неделю»
    if every_other is not None:
        return every_other
    if s.word(Word.WEEK):
        s.expect_done()
        return Recurring(EACH_WEEK, within, Each.WEEK)
    if s.word(Word.MONTH):
        s.expect_done()
        return Recurring(EACH_MONTH, within, Each.MONTH)
    if s.word(Word.QUARTER):
        s.expect_done()
        return per_period(cx, within, Each.TERM, 1)
    if s.word(Word.HALF_YEAR):
        s.expect_done()
        return per_period(cx, within, Each.HALF_YEAR, 1)
    if s.word(Word.YEAR):
        s.expect_done()
        return per_period(cx, within, Each.YEAR, 1)
    raise NoMatch("после «каждый» ожидается день недели или период")


def _interval(cx: Context, s: TokStream, within: Span, times: int) -> Recurring | None:
    """«2 недели», «две недели», «3 месяца» after «раз в» or «каждые»: every n-th week or month."""
    t, unit = s.peek(), s.peek(1)
    if (
        t is None
        or t.tag not in (Tag.NUM, Tag.ORDW, Tag.ORD)
        or not isinstance(t.value, int)
        or unit is None
        or unit.tag is not Tag.WORD
        or unit.value not in (Word.WEEK, Word.MONTH)
    ):
        return None
    n = t.value
    if not 1 <= n <= 12:
        raise NoMatch(f"«{t.text} {unit.text}»: повторение реже, чем раз в 12 недель или месяцев, не читается")
    s.pos += 2
    s.expect_done()
    if unit.value is Word.WEEK:
        rule = weekly([0], interval=n)
        return Recurring(rule, within, Each.WEEK, times)
    rule = monthly_day(1, interval=n)
    return Recurring(rule, within, Each.MONTH, times)


def _times(cx: Context, s: TokStream, within: Span, times: int) -> Recurring:
    """«2 раза в год», «1 раз в четверть», «раз в месяц»."""
    if times < 1:
        raise NoMatch("число раз должно быть больше нуля")
    s.word(Word.TIMES)
    s.word(Word.IN)
    every_other = _interval(cx, s, within, times)  # «1 раз в 2 недели», «раз в два месяца»
    if every_other is not None:
        return every_other
    if s.word(Word.WEEK):
        s.expect_done()
        return Recurring(EACH_WEEK, within, Each.WEEK, times)
    if s.word(Word.MONTH):
        s.expect_done()
        return Recurring(EACH_MONTH, within, Each.MONTH, times)
    if s.word(Word.QUARTER):
        s.expect_done()
        return per_period(cx, within, Each.TERM, times)
    if s.word(Word.HALF_YEAR):
        s.expect_done()
        return per_period(cx, within, Each.HALF_YEAR, times)
    s.word(Word.SCHOOL)
    if s.word(Word.YEAR):
        s.word(Word.SCHOOL)
        s.expect_done()
        if times == 2:  # twice a year: once in each half-year
            return per_period(cx, within, Each.HALF_YEAR, 1)
        if times == 4:  # four times a year: once a term
            return per_period(cx, within, Each.TERM, 1)
        return per_period(cx, within, Each.YEAR, times)
    raise NoMatch("после «раз в» ожидается неделю, месяц, четверть, полугодие или год")


def per_period(cx: Context, within: Span, each: Each, times: int) -> Recurring:
    if each is Each.YEAR:
        return Recurring(None, within, each, times, (within,))
    term_type = TermType.QUARTER if each is Each.TERM else TermType.HALF
    terms = cx.year.terms_of(term_type)
    periods = tuple(Span(t.start, t.end, SpanShape.TERM, t.name, t.approximate) for t in terms)
    if any(t.approximate for t in terms):
        what = "четвертей" if term_type is TermType.QUARTER else "полугодий"
        cx.warnings.append(f"сроки {what} приблизительные: укажите их в разделе terms: плана")
    return Recurring(None, within, each, times, periods)


def _weekday_list(cx: Context, s: TokStream, *, allow_to: bool) -> list[int]:
    """«понедельник и четверг», «пн, ср, пт», «пн-пт», «понедельник – пятница»."""
    if allow_to:
        s.word(Word.TO)
    days: list[int] = []
    while True:
        t = s.peek()
        if t is None or t.tag is not Tag.WDAY:
            break
        days.append(t.value)
        s.next()
        last = s.peek(1)
        if last is not None and last.tag is Tag.WDAY and (s.punct("-") or s.word(Word.TO)):  # a range
            s.next()
            if last.value < t.value:
                raise NoMatch(f"дни недели «{t.text}–{last.text}» идут не по порядку")
            days.extend(range(t.value + 1, last.value + 1))
        if not (s.word(Word.AND) or s.punct(",")):
            break
    return days


def _weekdays(cx: Context, s: TokStream, within: Span) -> Recurring | None:
    """A part that is only weekdays («пн-пт», «вторник, четверг») or «по будням», «в будние дни»,
    «с понедельника по пятницу»: every such day of the school year."""
    save = s.pos
    since = s.word(Word.FROM)
    s.word(Word.TO)
    s.word(Word.IN)
    if not since and s.word(Word.WORKDAYS):
        s.word(Word.DAYS)
        s.expect_done()
        return Recurring(_weekly([0, 1, 2, 3, 4]), within, Each.DAY)
    days = _weekday_list(cx, s, allow_to=False)
    if not days or (since and len(days) < 2):  # «с понедельника» alone says when something starts, not a day
        s.pos = save
        return None
    s.word(Word.MONTH)  # «каждую пятницу месяца» is every Friday
    within = _within_month(cx, s, within)  # «по средам октября»
    s.expect_done()
    return Recurring(_weekly(days), within, Each.DAY)


def _throughout(s: TokStream) -> None:
    """Step over «в течение (учебного) года» after «ежемесячно», «еженедельно»."""
    save = s.pos
    s.word(Word.IN)
    if s.word(Word.DURING):
        s.word(Word.WHOLE)
        s.word(Word.SCHOOL)
        if s.word(Word.YEAR):
            s.word(Word.SCHOOL)
            return
    s.pos = save


def _weekly(days: list[int]) -> Rule:
    return weekly(days)


def _ordinal_day(n: int, weekday: int) -> Rule:
    if n not in (1, 2, 3, 4, 5, -1):
        raise NoMatch("в месяце не больше пяти одинаковых дней недели")
    return monthly_weekday(n, weekday)


def _month_day(n: int) -> int:
    if not 1 <= n <= 31:
        raise NoMatch(f"числа {n} в месяце нет")
    return n


def _month_part_days(part: Word | int, unit: Word | None) -> tuple[int, int | None]:
    """(the first day, how many days) of a part of every month; None days: to the month's end.

    ``part`` is «начало»/«середина»/«конец» (a Word) or the number of a half, decade or week (``unit``).
    Days past the 28th are not in every month, so «5-я неделя» cannot repeat monthly."""
    if isinstance(part, Word):
        return {Word.START: (1, 10), Word.MIDDLE: (11, 10), Word.END: (21, None)}[part]
    n = part
    if unit is Word.HALF:
        if n not in (1, 2, -1):
            raise NoMatch("половин в месяце две")
        return (1, 15) if n == 1 else (16, None)
    if unit is Word.DECADE:
        if n not in (1, 2, 3, -1):
            raise NoMatch("декад в месяце три")
        return {1: (1, 10), 2: (11, 10), 3: (21, None), -1: (21, None)}[n]
    if n == -1:
        return -7, None  # the last seven days
    if n not in (1, 2, 3, 4):
        raise NoMatch("5-я неделя бывает не в каждом месяце: напишите «последняя неделя каждого месяца»")
    return 7 * n - 6, 7
