"""Repetitions by the month in the date grammar: «ежемесячно», «до 5 числа каждого месяца», «ежемесячно, до 5
числа», «в конце каждого месяца», «2 неделя каждого месяца», «ежемесячно, последняя неделя».

Plain functions over a :class:`~plan_calendar.dates.context.Context`, like :mod:`~plan_calendar.dates.recurrence`,
which uses them."""

from __future__ import annotations

from plan_calendar.dates.context import Context
from plan_calendar.dates.lexicon import PART_WORDS, Word
from plan_calendar.dates.tokens import NoMatch, Tag, TokStream, WordTok, number_token
from plan_calendar.when import (
    EACH_MONTH,
    Each,
    Recurring,
    Rule,
    Span,
    monthly_day,
    monthly_weekday,
)

__all__ = ["due_words", "month_day", "monthly_due", "ordinal_day", "part_of_each_month", "read_monthly", "throughout"]


def read_monthly(cx: Context, s: TokStream, within: Span) -> Recurring:
    """After «ежемесячно»: a weekday of the month, a part of it, a due day, or nothing (some day of each)."""
    throughout(s)  # «ежемесячно в течение года»: the school year is what repetitions fill anyway
    nth, wday = s.peek(), s.peek(1)
    if nth is not None and nth.tag in (Tag.ORD, Tag.ORDW, Tag.NUM) and wday is not None and wday.tag is Tag.WDAY:
        s.pos += 2  # «ежемесячно, последняя пятница»
        s.word(Word.MONTH)
        s.expect_done()
        return Recurring(ordinal_day(nth.value, wday.value), within, Each.DAY)
    part = part_of_each_month(cx, s, within, monthly=True)  # «ежемесячно, в конце месяца»
    if part is not None:
        return part
    inclusive = due_words(cx, s)
    if inclusive is not None:  # «ежемесячно до 5 числа»
        due = monthly_due(cx, s, within, inclusive=inclusive, monthly=True)
        if due is None:
            raise NoMatch("после «ежемесячно до» ожидается число месяца, например «до 5 числа»")
        return due
    s.expect_done()
    return Recurring(EACH_MONTH, within, Each.MONTH)


def due_words(cx: Context, s: TokStream) -> bool | None:
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
    day = month_day(t.value) if inclusive else month_day(t.value) - 1
    if day > 28:
        raise NoMatch(f"{day}-го числа бывает не в каждом месяце: напишите «до 28 числа» или «до 1 числа»")
    by = day if day >= 1 else -1  # «до 1 числа»: the last day of the month before
    return Recurring(monthly_day(by), within, Each.DAY, deadline=True)


def part_of_each_month(cx: Context, s: TokStream, within: Span, *, monthly: bool) -> Recurring | None:
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


def month_day(n: int) -> int:
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


def throughout(s: TokStream) -> None:
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


def ordinal_day(n: int, weekday: int) -> Rule:
    if n not in (1, 2, 3, 4, 5, -1):
        raise NoMatch("в месяце не больше пяти одинаковых дней недели")
    return monthly_weekday(n, weekday)
