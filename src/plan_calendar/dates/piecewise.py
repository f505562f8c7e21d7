"""Reading a cell piece by piece, when it does not read whole (docs/dates.md, «Что кроме даты»).

Each part is read from left to right: the longest run of tokens from here that reads is a date (or a time of
the day before it); a token that starts no such run is not part of the date, and is quoted in a warning
(:func:`~plan_calendar.dates.lenient.warn_rest`). :func:`leftover_is_safe` is the precision rule: what may be left
over without the cell being wrong. The strict reader of one part is passed in (``read_part``), so that this
module sits below :mod:`~plan_calendar.dates.grammar`, which uses it."""

from __future__ import annotations

from collections.abc import Callable

from plan_calendar.dates.clock import clock_text, time_range
from plan_calendar.dates.context import Context
from plan_calendar.dates.describe import describe
from plan_calendar.dates.lenient import SHIFTING_WORDS, named_day, only_time, temporal, without_date
from plan_calendar.dates.lexicon import Word
from plan_calendar.dates.parts import DATE_TAGS, PERIOD_WORDS, QUANTIFIERS, TEMPORAL_WORDS
from plan_calendar.dates.tokens import NoMatch, Tag, Tok, TokStream
from plan_calendar.errors import DateError
from plan_calendar.when import When

__all__ = ["ReadPart", "describe_parts", "leftover_is_safe", "read_piecewise"]

ReadPart = Callable[[Context, list[Tok], list[When]], None]
"""Read one part strictly, appending (or completing) its reading in the list; raise NoMatch if it does not read."""


def read_piecewise(cx: Context, parts: list[list[Tok]], error: DateError, read_part: ReadPart) -> list[When]:
    """A cell that does not read whole: read every date in it, keep the rest as words that are not a date.

    Each part is read from left to right: the longest run of tokens from here that reads is a date (or a time
    of the day before it); a token that starts no such run is not part of the date. What is left over may
    only be words, numbers of something else («3 урок», «(7 дней)») and years: a leftover that could be part
    of a date («с 16 по 12 ноября», «середина учебного года») means the cell is wrong, and the error stands.
    Every guess leaves a warning (the words left over, or the pieces a part was read as)."""
    whens: list[When] = []
    times: list[str] = []
    pieces = 0
    dated = any(t.tag in (Tag.DOT, Tag.MONTH) for part in parts for t in part)
    for part in parts:
        p, n = 0, len(part)
        before = len(whens)
        read = [False] * n
        while p < n:
            end = _longest_reading(cx, part, p, whens, read_part, dated=dated)
            if end is not None:
                read[p:end] = [True] * (end - p)
                p = end
                continue
            clock = TokStream(part[p:])
            mark = len(cx.warnings)
            try:
                found = time_range(cx, clock)
            except NoMatch:
                found = None
                del cx.warnings[mark:]
            if found is not None and clock.pos > 0:
                times.append(clock_text(found))
                read[p : p + clock.pos] = [True] * clock.pos
                p += clock.pos
                continue
            cx.rest.append(part[p])
            p += 1
        if not leftover_is_safe(part, read, dated=dated):
            raise error
        pieces = max(pieces, len(whens) - before)
    if not whens:
        del cx.rest[:]
        named = named_day(cx)
        if named is not None:
            return [named]
        if times:
            return [only_time(cx, times)]
        if all(leftover_is_safe(part, [False] * len(part), dated=False, years=False) for part in parts):
            return [without_date(cx, [])]  # «2-й урок», «5-7 классы»: numbers of something else
        raise error
    if pieces > 1:
        cx.warnings.append(f"«{' '.join(cx.text.split())}» прочитано по частям: {describe_parts(whens)} — проверьте")
    if times:
        cx.warnings.append(f"время {', '.join(times)} не отнесено ни к одному дню — не учтено")
    return whens


def _longest_reading(
    cx: Context, part: list[Tok], p: int, whens: list[When], read_part: ReadPart, *, dated: bool
) -> int | None:
    """The end of the longest run of ``part`` from ``p`` that reads (appended to ``whens``), or None.

    In a cell that writes a date («Осенние каникулы: 29.10.2018 — 04.11.2018»), only runs with a date count:
    the words around it name the period, they do not date it a second time."""
    for j in range(len(part), p, -1):
        window = part[p:j]
        if not temporal(window):
            return None  # shorter runs hold no more temporal tokens than this one
        if dated and not any(t.tag in (Tag.DOT, Tag.MONTH) for t in window):
            return None
        mark = len(cx.warnings)
        trial = list(whens)
        try:
            read_part(cx, window, trial)
        except NoMatch:
            del cx.warnings[mark:]
            continue
        whens[:] = trial
        return j
    return None


# ----------------------------------------------------------------- what may be left over
# Unknown words that still name a time (so «каждый …» before them is a repetition that did not read).
_TIME_NOUNS = (
    "ден",
    "дня",
    "дн",
    "утр",
    "вечер",
    "ноч",
    "семестр",
    "сезон",
    "осен",
    "зим",
    "весн",
    "лет",
    "час",
    "мин",
    "нед",
    "мес",
    "мс",
    "год",
    "кварт",
    "четв",
    "полуг",
    "урок",
    "занят",
    "смен",
)


_RANGE_WORDS = frozenset({Word.FROM, Word.TO, Word.UNTIL, Word.BY, Word.NOT, Word.LATER})


def _after_words(part: list[Tok], read: list[bool], i: int) -> bool:
    """Whether the token at ``i`` follows left-over words (across punctuation, «в» and other numbers)."""
    j = i - 1
    while j >= 0 and not read[j]:
        t = part[j]
        if t.tag is Tag.UNK:
            return True
        if not (t.tag in (Tag.PUNCT, Tag.NUM) or (t.tag is Tag.WORD and t.value in (Word.IN, Word.FILLER))):
            return False
        j -= 1
    return False


def _counts_things(part: list[Tok], read: list[bool], i: int) -> bool:
    """«каждой» in «перед каждой выдачей пищи», «весь» in «весь коллектив»: a quantifier of a word that is not a
    unit of time, left over as well."""
    t = part[i]
    nxt = part[i + 1] if i + 1 < len(part) else None
    return (
        t.tag is Tag.WORD
        and t.value in (Word.EVERY, Word.WHOLE)
        and nxt is not None
        and nxt.tag is Tag.UNK
        and not read[i + 1]
        and not nxt.text.startswith(_TIME_NOUNS)  # «каждый день», «каждую осень», «каждый семестр»: a time
    )


def _is_period_word(t: Tok) -> bool:
    return t.value in TEMPORAL_WORDS or t.value in QUANTIFIERS or t.value in PERIOD_WORDS


def leftover_is_safe(part: list[Tok], read: list[bool], *, dated: bool, years: bool = True) -> bool:
    """Whether the tokens of ``part`` not ``read`` are only words, counts of something else and years.

    Unsafe: a month, a dotted date or a weekday left over; a number that is not a count («3 урок», «7 дней») nor a
    year; «с», «по», «до» just before a date that was read, or a dash between two dates that were read (the
    range did not read); a word of time («середина», «каникулы») unless the cell writes its dates explicitly."""
    n = len(part)
    durations = _durations(part, read)
    for i, t in enumerate(part):
        if read[i] or i in durations:
            continue
        tag = t.tag
        if tag in (Tag.DOT, Tag.MONTH, Tag.WDAY, Tag.WCHECK):
            return False
        if tag in (Tag.NUM, Tag.ORD, Tag.ORDW):
            if not _number_is_safe(part, read, i, dated=dated, years=years):
                return False
        elif (tag is Tag.UNK and t.text in SHIFTING_WORDS) or (tag is Tag.WORD and t.value is Word.EXCEPT):
            if any(read):
                return False  # «после 1 ноября», «кроме 10 ноября», «не ранее 10 ноября»: not that day
        elif tag is Tag.WORD:
            if t.value in _RANGE_WORDS and i + 1 < n and read[i + 1]:
                return False
            if not dated and t.value is not Word.YEAR and _is_period_word(t) and not _counts_things(part, read, i):
                return False
        elif (
            tag is Tag.PUNCT
            and t.value == "-"
            and 0 < i < n - 1
            and read[i - 1]
            and read[i + 1]
            and part[i - 1].tag in DATE_TAGS
            and part[i + 1].tag in DATE_TAGS
        ):  # «15 - 20 ноября» that did not read as a range; not «ежемесячно - не реже 1 раза в месяц»
            return False
    return True


def _durations(part: list[Tok], read: list[bool]) -> set[int]:
    """The tokens of «в течение 3 дней», «в течение 2 недель» left over: a length of time counted from something
    the cell names in words («со дня принятия»), not a date."""
    out: set[int] = set()
    for i in range(len(part) - 2):
        during, count, unit = part[i], part[i + 1], part[i + 2]
        if (
            not (read[i] or read[i + 1] or read[i + 2])
            and during.tag is Tag.WORD
            and during.value is Word.DURING
            and count.tag is Tag.NUM
            and unit.tag is Tag.WORD
            and unit.value in (Word.DAYS, Word.WEEK, Word.MONTH, Word.HOUR)
        ):
            out.update((i, i + 1, i + 2))
    return out


def _number_is_safe(part: list[Tok], read: list[bool], i: int, *, dated: bool, years: bool) -> bool:
    """A number left over is a year, a number of the words before it, or a count of what follows it."""
    t = part[i]
    if years and t.tag is Tag.NUM and 1900 <= t.value <= 2200:
        return True
    if _after_words(part, read, i):
        return True  # «Бай-Хаакская, 2», «школа N 5», «(при приеме в 1, 10 класс)»: a number of the words
    j, n = i + 1, len(part)
    while j < n and not read[j] and part[j].tag in (Tag.NUM, Tag.ORD, Tag.PUNCT):
        j += 1  # «5-7 классы», «1-9, 11 кл.»
    if j >= n or read[j]:
        return False
    counted = part[j]
    return (
        counted.tag is Tag.UNK
        or (counted.tag is Tag.WORD and counted.value in (Word.DAYS, Word.HOUR))  # «(7 дней)»
        or (dated and counted.tag is Tag.WORD and _is_period_word(counted))  # «I четверть: 01.09–28.10»
    )


def describe_parts(whens: list[When]) -> str:
    """The pieces a cell was read as, for a warning: «12 декабря 2019; 13 января 2020»."""
    return "; ".join(f"«{describe(w)}»" for w in whens)
