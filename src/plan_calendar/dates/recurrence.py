"""Recurrences of the date grammar: «по средам», «2-я среда каждого месяца», «1 раз в четверть», «ежемесячно».

Plain functions over a :class:`~plan_calendar.dates.context.Context` (the cell's academic year and warnings);
repetitions by the month are read by :mod:`~plan_calendar.dates.monthly`.
"""

from __future__ import annotations

import calendar
from datetime import date

from plan_calendar.dates.context import Context
from plan_calendar.dates.lexicon import Word
from plan_calendar.dates.monthly import month_day, ordinal_day, part_of_each_month, read_monthly, throughout
from plan_calendar.dates.school import TermType
from plan_calendar.dates.tokens import IntTok, NoMatch, Tag, TokStream, number_token
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
    weekly,
)

__all__ = ["per_period", "read_recurrence", "school_year"]


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
    found = part_of_each_month(cx, s, within, monthly=False) or _weekdays(cx, s, within)
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
        throughout(s)
        days = _weekday_list(cx, s, allow_to=True)
        s.expect_done()
        if days:
            return Recurring(_weekly(days), within, Each.DAY)
        return Recurring(EACH_WEEK, within, Each.WEEK)
    if word is Word.MONTHLY:
        s.next()
        return read_monthly(cx, s, within)
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


def _repeating_number(cx: Context, s: TokStream, t: IntTok, within: Span) -> Recurring | None:
    """«2 раза в месяц», «2-я среда каждого месяца», «2 пятница месяца», «15 числа каждого месяца»."""
    save = s.pos
    if t.tag in (Tag.NUM, Tag.ORDW) and s.peek_word(Word.TIMES, 1):
        s.next()
        return _times(cx, s, within, t.value)
    dash, most = s.peek(1), s.peek(2)
    if (
        t.tag is Tag.NUM
        and dash is not None
        and dash.tag is Tag.PUNCT
        and dash.value == "-"
        and most is not None
        and most.tag is Tag.NUM
        and t.value < most.value
        and s.peek_word(Word.TIMES, 3)
    ):  # «1-2 раза в неделю»: at least the smaller number
        s.pos += 3
        times_word = s.tokens[s.pos].text  # «раза», «раз»
        cx.warnings.append(f"«{t.text}–{most.text} {times_word}»: взято меньшее число, {t.value} — проверьте")
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
            return Recurring(ordinal_day(t.value, nxt.value), within, Each.DAY)
    elif t.tag is Tag.NUM and s.peek_word(Word.NUMBER, 1):
        s.pos += 2
        s.word(Word.EVERY)
        if s.word(Word.MONTH):
            s.expect_done()
            return Recurring(monthly_day(month_day(t.value)), within, Each.DAY)
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
            return Recurring(ordinal_day(t.value, nxt.value), within, Each.DAY)
    if t.tag is Tag.NUM and s.peek_word(Word.NUMBER, 1):  # "каждое 15 число"
        s.pos += 2
        s.word(Word.MONTH)
        s.expect_done()
        return Recurring(monthly_day(month_day(t.value)), within, Each.DAY)
    every_other = _interval(cx, s, within, 1)  # «каждые 2 недели», «каждую вторую неделю»
    if every_other is not None:
        return every_other
    if s.word(Word.WEEK):
        s.expect_done()
        return Recurring(EACH_WEEK, within, Each.WEEK)
    if s.word(Word.MONTH):
        s.expect_done()
        return Recurring(EACH_MONTH, within, Each.MONTH)
    if s.word(Word.QUARTER) or s.word(Word.CAL_QUARTER):  # «каждый квартал»: a term, as «ежеквартально»
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
    if s.word(Word.QUARTER) or s.word(Word.CAL_QUARTER):  # «раз в квартал»: a term, as «ежеквартально»
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


def _weekly(days: list[int]) -> Rule:
    return weekly(days)
