"""The parts of a date cell: the words the grammar counts as temporal, and the passes that split a cell into
parts and join those that only make sense with their neighbour («12, 13 ноября», «Ноябрь, 2023»)."""

from __future__ import annotations

from plan_calendar.dates.lexicon import Word, lexicon
from plan_calendar.dates.periods import NUMBER_TAGS
from plan_calendar.dates.tokens import Tag, Tok

__all__ = [
    "DATE_TAGS",
    "HARD_TAGS",
    "LEADING",
    "PERIOD_WORDS",
    "QUANTIFIERS",
    "RELATIVE",
    "TEMPORAL_WORDS",
    "except_holidays_at",
    "join_parts",
    "split_parts",
]

# Key words that say "this is about a time" even without a number or a month: a text with one of them that
# cannot be read is an error, not an undated item.
TEMPORAL_WORDS = frozenset(
    {
        Word.DAILY,
        Word.WEEKLY,
        Word.MONTHLY,
        Word.QUARTERLY,
        Word.YEARLY,
        Word.ALWAYS,
        Word.QUARTER,
        Word.HALF_YEAR,
        Word.TRIMESTER,
        Word.HOLIDAYS,
        Word.DECADE,
        Word.WORKDAYS,
        Word.WEEKEND,
        Word.CAL_QUARTER,
    }
)

HARD_TAGS = frozenset({Tag.NUM, Tag.DOT, Tag.TIME, Tag.ORD, Tag.MONTH, Tag.WDAY})
# Tokens that are (part of) a date or a time of day.
DATE_TAGS = frozenset({Tag.DOT, Tag.MONTH, Tag.NUM, Tag.ORD, Tag.ORDW, Tag.WDAY, Tag.WCHECK, Tag.TIME})

QUANTIFIERS = frozenset({Word.DURING, Word.WHOLE, Word.EVERY, Word.TIMES, Word.START, Word.END, Word.MIDDLE})

PERIOD_WORDS = frozenset({Word.YEAR, Word.MONTH, Word.WEEK, Word.QUARTER, Word.HALF_YEAR})

# Runs of words that add nothing where they stand (TokStream.skip).
# «в течение месяца», «в конце месяца»: a time inside a month the text does not name.
RELATIVE = frozenset({Word.DURING, Word.START, Word.MIDDLE, Word.END})

LEADING = frozenset({Word.IN, Word.FILLER, Word.DEADLINE})  # "в", "на", "в срок", "срок", "дата проведения"

_SEPARATORS = frozenset({",", ";"})

# What a number before it counts: «1, 2 неделя декабря», «I и III четверть».
_COUNTED = frozenset(
    {Word.WEEK, Word.DECADE, Word.HALF, Word.QUARTER, Word.HALF_YEAR, Word.TRIMESTER, Word.CAL_QUARTER}
)

# Words after which a line break cannot end a part: the phrase goes on.
_NEEDS_MORE = frozenset(
    {
        Word.FROM,
        Word.TO,
        Word.UNTIL,
        Word.BY,
        Word.NOT,
        Word.LATER,
        Word.IN,
        Word.DURING,
        Word.START,
        Word.MIDDLE,
        Word.END,
        Word.HALF,
        Word.DECADE,
        Word.WEEK,
        Word.EVERY,
        Word.DEADLINE,
    }
)

Parts = list[list[Tok]]


def split_parts(tokens: list[Tok]) -> Parts:
    """Commas, semicolons, line breaks and «и» split a cell into parts; a line break inside a range does not."""
    parts: Parts = [[]]
    for i, t in enumerate(tokens):
        if t.tag is Tag.NL and _continues(tokens, i):
            continue  # a line break inside a range: "12-\n16 ноября", "с 12\nпо 16 ноября"
        if (
            (t.tag is Tag.PUNCT and t.value in _SEPARATORS)
            or t.tag is Tag.NL
            or (t.tag is Tag.WORD and t.value is Word.AND)
        ):
            if parts[-1]:
                parts.append([])
            continue
        parts[-1].append(t)
    parts = [p for p in parts if p]
    return join_parts(parts) if len(parts) > 1 else parts


def join_parts(parts: Parts) -> Parts:
    """Parts that only make sense with their neighbour are joined to it (the passes of ``_JOINS``, in order)."""
    for join in _JOINS:
        parts = [p for p in join(parts) if p]
    return parts


# --------------------------------------------------------------------- helpers
def _only_word(part: list[Tok], word: Word) -> bool:
    return len(part) == 1 and part[0].tag is Tag.WORD and part[0].value is word


def _says_when(part: list[Tok]) -> bool:
    """After «ежемесячно,»: «до 5 числа», «в конце месяца», «последняя неделя» — when in each month."""
    i = 1 if part[0].tag is Tag.WORD and part[0].value is Word.IN else 0
    if i >= len(part):
        return False
    t = part[i]
    if t.tag is Tag.WORD and t.value in (Word.UNTIL, Word.BY, Word.NOT, Word.START, Word.MIDDLE, Word.END):
        return True
    unit = part[i + 1] if i + 1 < len(part) else None
    if t.tag in NUMBER_TAGS and unit is not None and unit.tag is Tag.WDAY:
        return True  # «ежемесячно, последняя пятница»
    return (
        t.tag in NUMBER_TAGS
        and unit is not None
        and unit.tag is Tag.WORD
        and unit.value in (Word.HALF, Word.DECADE, Word.WEEK)
    )


def _continues(tokens: list[Tok], i: int) -> bool:
    """Whether the line break at ``i`` sits inside a range rather than between two parts."""
    before = next((t for t in reversed(tokens[:i]) if t.tag is not Tag.NL), None)
    after = next((t for t in tokens[i + 1 :] if t.tag is not Tag.NL), None)
    if before is None or after is None:
        return False
    if before.tag in (Tag.ORD, Tag.ORDW) or (before.tag is Tag.WORD and before.value in _NEEDS_MORE):
        return True  # "1-я неделя\nноября", "до\n1 октября"
    if before.tag is Tag.PUNCT and before.value == "-":
        return True
    if before.tag is Tag.NUM and after.tag is Tag.MONTH:
        return True  # "10-13\nоктября": the month of the days above
    if before.tag is Tag.NUM and after.tag is Tag.WORD and after.value in (Word.DAYS, Word.TIMES):
        return _a_count(tokens, i)  # "Не позднее 5\nдней со дня принятия", "2\nраза в месяц": what it counts
    if before.tag in (Tag.MONTH, Tag.DOT) and after.tag is Tag.NUM and 1900 <= after.value <= 2200:
        return True  # "Апрель\n2007": the year of the month above
    return (after.tag is Tag.PUNCT and after.value == "-") or (
        after.tag is Tag.WORD and after.value in (Word.TO, Word.UNTIL)
    )


def _a_count(tokens: list[Tok], i: int) -> bool:
    """Whether the number that ends the line before the break at ``i`` is a count: not a year, and not after a
    date on its line («2020\nраз в неделю», «Октябрь, 20\nДни здоровья» are not «2020 раз», «20 дней»)."""
    j = i - 1
    while j >= 0 and tokens[j].tag is Tag.NL:
        j -= 1
    number = tokens[j]
    if number.tag is not Tag.NUM or 1900 <= number.value <= 2200:
        return False
    j -= 1
    while j >= 0 and tokens[j].tag is not Tag.NL:
        if tokens[j].tag in DATE_TAGS:
            return False
        j -= 1
    return True


def except_holidays_at(tokens: list[Tok]) -> int | None:
    """Where «кроме (дней) каникул» starts at the end of a part, if it does."""
    n = len(tokens)
    for i in range(n - 1, -1, -1):
        t = tokens[i]
        if t.tag is Tag.WORD and t.value is Word.EXCEPT:
            rest = [
                x for x in tokens[i + 1 :] if not (x.tag is Tag.WORD and x.value in (Word.IN, Word.DAYS, Word.FILLER))
            ]
            return i if len(rest) == 1 and rest[0].tag is Tag.WORD and rest[0].value is Word.HOLIDAYS else None
    return None


def _repetition_and_its_when(parts: Parts) -> Parts:
    """«ежемесячно, до 5 числа», «ежедневно, кроме выходных»: the rest belongs to the repetition before it."""
    for i in range(len(parts) - 1):
        first, rest = parts[i], parts[i + 1]
        monthly = _only_word(first, Word.MONTHLY) and _says_when(rest)
        daily = _only_word(first, Word.DAILY) and rest[0].tag is Tag.WORD and rest[0].value is Word.EXCEPT
        if monthly or daily:
            parts[i], parts[i + 1] = [], [*first, *rest]
    return parts


def _year_to_part_before(parts: Parts) -> Parts:
    """«Ноябрь, 2023», «Апрель\n2007 года»: a year alone belongs to the part before it."""
    for i in range(len(parts) - 1, 0, -1):
        year = parts[i]
        alone = year[0].tag is Tag.NUM and 1900 <= year[0].value <= 2200
        if alone and all(t.tag is Tag.WORD and t.value is Word.YEAR for t in year[1:]):
            parts[i - 1], parts[i] = [*parts[i - 1], *year], []
    return parts


def _exception_to_repetition(parts: Parts) -> Parts:
    """«по средам, кроме каникул»: the exception belongs to the repetition before it."""
    for i in range(len(parts) - 1, 0, -1):
        if parts[i][0].tag is Tag.WORD and parts[i][0].value is Word.EXCEPT and except_holidays_at(parts[i]) == 0:
            parts[i - 1], parts[i] = [*parts[i - 1], *parts[i]], []
    return parts


def _drop_yearly(parts: Parts) -> Parts:
    """«октябрь, ежегодно»: in a plan for one year, the months named are this year's."""
    if len(parts) > 1:
        return [p for p in parts if not _only_word(p, Word.YEARLY)] or parts
    return parts


def _weekday_to_its_day(parts: Parts) -> Parts:
    """«пятница, 17 октября»: a weekday alone before a day is that day's weekday."""
    for i in range(len(parts) - 1):
        wday, day = parts[i], parts[i + 1]
        if len(wday) == 1 and wday[0].tag is Tag.WDAY and day[0].tag in (Tag.DOT, Tag.NUM):
            parts[i], parts[i + 1] = [], [*wday, *day]
    return parts


def _unit_takes_month(parts: Parts) -> Parts:
    """«апрель, 2 неделя»: a week, decade or half without a month takes the month before it."""
    for i in range(len(parts) - 1):
        month, unit = parts[i], parts[i + 1]
        if (
            month[0].tag is Tag.MONTH
            and all(t.tag in (Tag.MONTH, Tag.NUM, Tag.WORD) for t in month)
            and len(unit) == 2
            and unit[0].tag in NUMBER_TAGS
            and unit[1].tag is Tag.WORD
            and unit[1].value in (Word.WEEK, Word.DECADE, Word.HALF)
        ):
            parts[i], parts[i + 1] = [], [*unit, *month]
    return parts


def _number_borrows_unit(parts: Parts) -> Parts:
    """«12, 13 ноября», «5 и 6 мая»: a bare day borrows the month (and year) of the next part; «1, 2 неделя
    декабря», «I и III четверть», «1 и 3 четверг месяца»: a bare number borrows what the next number counts."""
    for i in range(len(parts) - 2, -1, -1):
        part, nxt = parts[i], parts[i + 1]
        if not (len(part) == 1 and part[0].tag in NUMBER_TAGS and isinstance(part[0].value, int)):
            continue
        if len(nxt) < 2 or nxt[0].tag not in NUMBER_TAGS:
            continue
        counted = nxt[1]
        day_of_month = part[0].tag is Tag.NUM and 1 <= part[0].value <= 31 and counted.tag is Tag.MONTH
        if day_of_month or counted.tag is Tag.WDAY or (counted.tag is Tag.WORD and counted.value in _COUNTED):
            parts[i] = part + nxt[1:]
    return parts


def _month_after_month_part(parts: Parts) -> Parts:
    """«1-я неделя октября, ноября»: a month in the genitive alone after a week, decade or half of a month is
    that part of it."""
    genitives = lexicon().month_genitives
    for i in range(1, len(parts)):
        before, month = parts[i - 1], parts[i]
        if not (len(month) == 1 and month[0].tag is Tag.MONTH and month[0].text == genitives[month[0].value]):
            continue
        if (
            len(before) >= 3
            and before[-1].tag is Tag.MONTH
            and before[-2].tag is Tag.WORD
            and before[-2].value in (Word.WEEK, Word.DECADE, Word.HALF)
        ):
            parts[i] = [*before[:-1], month[0]]
    return parts


_JOINS = (
    _repetition_and_its_when,
    _year_to_part_before,
    _exception_to_repetition,
    _drop_yearly,
    _weekday_to_its_day,
    _unit_takes_month,
    _number_borrows_unit,
    _month_after_month_part,
)
