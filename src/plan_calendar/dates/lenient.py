"""Leniency in the date grammar: what is in a cell besides its dates (docs/dates.md, «Что кроме даты»).

Words left over are quoted in warnings; a cell with no date is undated with a warning; a named day or a season
dates a cell that has no date. What may be left over when a cell is read piece by piece is decided in
:mod:`~plan_calendar.dates.piecewise`.
Plain functions over a :class:`~plan_calendar.dates.context.Context`, like :mod:`~plan_calendar.dates.recurrence`."""

from __future__ import annotations

import re
from datetime import timedelta

from plan_calendar.dates.context import Context
from plan_calendar.dates.days import bounds, span_between
from plan_calendar.dates.describe import day as _ru_date
from plan_calendar.dates.describe import day_range
from plan_calendar.dates.lexicon import Word
from plan_calendar.dates.named_days import BEFORE_DAYS, EVE_DAYS, QUIET_WORDS, Found, find_named_days
from plan_calendar.dates.parts import HARD_TAGS, LEADING, PERIOD_WORDS, QUANTIFIERS, RELATIVE, TEMPORAL_WORDS
from plan_calendar.dates.periods import NUMBER_TAGS
from plan_calendar.dates.points import month_point
from plan_calendar.dates.tokens import Tag, Tok
from plan_calendar.when import (
    Day,
    Deadline,
    Several,
    Span,
    SpanShape,
    Undated,
    When,
)

__all__ = [
    "SHIFTING_WORDS",
    "named_day",
    "names_a_time",
    "only_time",
    "temporal",
    "warn_rest",
    "without_date",
]


_TRAILING_WORDS = frozenset({Word.YEAR, Word.FILLER, Word.IN, Word.AND, Word.HOUR})


_QUOTES = frozenset('«»"“”„')


# «летом», «осенью»: the months of the season (summer after the school year).
_SEASON_MONTHS = {"осенью": (9, 11), "зимой": (12, 2), "весной": (3, 5), "летом": (6, 8)}


_SEASON_WORD_MONTHS = {Word.AUTUMN: (9, 11), Word.WINTER: (12, 2), Word.SPRING: (3, 5), Word.SUMMER: (6, 8)}


_SEASON_STEMS = ("осен", "зим", "весен", "лет")  # not «новогодний период»: the New Year holidays, not the winter


# Adjectives that begin the names of days («Международный женский день», «Всемирный день книги»).
_NAME_PREFIXES = ("международн", "всемирн", "общероссийск", "всероссийск", "российск")
# Words that move a date somewhere the cell does not say («после Дня Победы», «за неделю до …»).
SHIFTING_WORDS = frozenset({"после", "через", "за", "кроме", "спустя", "ранее", "раньше", "позже", "позднее"})


def warn_rest(cx: Context) -> None:
    """One warning per run of words that were not part of the date, quoted as the plan wrote them."""
    if not cx.rest:
        return
    runs: list[list[Tok]] = []
    previous = -2
    for t in sorted(cx.rest, key=lambda t: t.span):
        if runs and not cx.source[previous : t.span[0]].strip(' \t\n\r,.«»"()'):
            runs[-1].append(t)
        else:
            runs.append([t])
        previous = t.span[1]
    for run in runs:
        if all(t.tag is Tag.PUNCT or (t.tag is Tag.WORD and t.value in _TRAILING_WORDS) for t in run):
            continue
        start, end = run[0].span[0], run[-1].span[1]
        while start > 0 and cx.source[start - 1] in _QUOTES:
            start -= 1  # the quotes of a name belong to it: «ДК «Строитель»»
        while end < len(cx.source) and cx.source[end] in _QUOTES:
            end += 1
        words = cx.source[start:end].strip(" ,;.-–—")
        if len(words) > 2 and words[0] in _QUOTES and words[-1] in _QUOTES and words.count("«") <= 1:
            words = words[1:-1]  # «День учителя» in the cell: quoted once in the warning
        words = " ".join(words.split())
        if not words:
            continue
        if any(t.tag in HARD_TAGS for t in run):
            cx.warnings.append(f"не прочитано как дата: «{words}» — проверьте, нет ли здесь даты")
        else:
            cx.warnings.append(f"не часть даты: «{words}» (текст ячейки сохранён в описании)")
    cx.rest.clear()


def without_date(cx: Context, tokens: list[Tok]) -> When:
    """A cell that names no day: a named day («ко Дню учителя»), a season («летом»), only a time, or undated."""
    named = named_day(cx)
    if named is not None:
        return named
    season = _season(cx, tokens)
    if season is not None:
        return season
    times = [t for t in tokens if t.tag is Tag.TIME]
    if times and all(t.tag in (Tag.TIME, Tag.PUNCT, Tag.NL) or t.tag is Tag.WORD for t in tokens):
        return only_time(cx, [f"{h:02d}:{m:02d}" for h, m in (t.value for t in times)])
    reason = " ".join(cx.text.split())
    if not cx.month_unnamed:
        if reason:
            cx.warnings.append(f"в ячейке нет даты: «{reason}» — пункт без даты, в календарь не попадёт")
        else:
            cx.warnings.append("дата не указана — пункт без даты, в календарь не попадёт")
    return Undated(reason or "дата не указана", month_unnamed=cx.month_unnamed)


def only_time(cx: Context, times: list[str]) -> Undated:
    reason = " ".join(cx.text.split())
    cx.warnings.append(
        f"указано только время ({', '.join(times)}), а день не назван: «{reason}» — пункт без даты; "
        "напишите день, например «19.09 14:00»"
    )
    return Undated(reason)


def named_day(cx: Context) -> When | None:
    """«ко Дню учителя», «День матери», «к Новому году», «с Дня учителя до Дня матери»: named days as the
    day, the days just before it, a deadline or a range; always with a warning saying which days were taken.
    «после Дня Победы», «через неделю после …» name no day: undated, with a warning."""
    text = cx.source.lower().replace("ё", "е")
    found = find_named_days(text)
    if not found:
        return None
    leftover = text
    for f in found:
        leftover = leftover[: f.start] + " " * (f.end - f.start) + leftover[f.end :]
    words = [
        w for w in re.findall(r"[а-яa-z0-9]+", leftover) if w not in QUIET_WORDS and not w.startswith(_NAME_PREFIXES)
    ]
    cell = " ".join(cx.text.split())
    if any(f.before == "после" for f in found) or any(w in SHIFTING_WORDS for w in words):
        cx.warnings.append(f"«{cell}»: день по названию праздника не определить — напишите дату")
        return Undated(cell)
    if words:
        cx.warnings.append(f"не часть даты: «{' '.join(words)}» (текст ячейки сохранён в описании)")
    if len(found) == 2 and found[0].before == "с" and found[1].before in ("до", "по"):
        first = _named_when(cx, found[0], "")
        last = _named_when(cx, found[1], "" if found[1].before == "по" else "до")
        a, b = bounds(first)[0], bounds(last)[1]
        return Span(a, b, SpanShape.DAYS) if a <= b else None
    whens = [_named_when(cx, f, f.before) for f in found]
    return whens[0] if len(whens) == 1 else Several(tuple(whens))


def _named_when(cx: Context, found: Found, before: str) -> Day | Span | Deadline:
    day = found.day
    first = day.start(cx.year.month_years())
    last = first + timedelta(days=day.days - 1)
    when: Day | Span | Deadline
    if before == "до":
        due = first if cx.until_inclusive else first - timedelta(days=1)
        when, taken = Deadline(due), f"срок — {_ru_date(due)}"
    elif before in ("к", "накануне", "канун"):
        length = {"к": BEFORE_DAYS, "накануне": EVE_DAYS, "канун": 1}[before]
        first, last = first - timedelta(days=length), first - timedelta(days=1)
        when = Span(first, last, SpanShape.DAYS) if first != last else Day(first)
        taken = f"взяты дни перед ним: {day_range(first, last)}" if first != last else f"взят {_ru_date(first)}"
    else:
        when = Span(first, last, SpanShape.DAYS) if first != last else Day(first)
        taken = f"взят {day_range(first, last)}" if day.days > 1 else f"взят этот день: {_ru_date(first)}"
    cx.warnings.append(f"дата по названию праздника «{day.name}»: {taken} — проверьте")
    return when


def _season(cx: Context, tokens: list[Tok]) -> Span | None:
    """«летом», «осенью», «зимой», «весной», «в летний период», «в зимнее время»: the season's months in the school
    year, with a warning."""
    words = [t for t in tokens if not (t.tag is Tag.WORD and t.value in LEADING)]
    said = " ".join(t.text for t in tokens if t.tag is not Tag.PUNCT)
    if len(words) == 1 and words[0].tag is Tag.UNK and words[0].value in _SEASON_MONTHS:
        first_month, last_month = _SEASON_MONTHS[words[0].value]
    elif (
        len(words) == 2  # the season's adjective, then «время» («период» is a filler word, left out above)
        and words[0].tag is Tag.WORD
        and words[0].value in _SEASON_WORD_MONTHS
        and words[0].text.startswith(_SEASON_STEMS)
        and words[1].tag is Tag.WORD
        and words[1].value is Word.DURING
        and words[1].text.startswith("врем")
    ) or (
        len(words) == 1
        and words[0].tag is Tag.WORD
        and words[0].value in _SEASON_WORD_MONTHS
        and words[0].text.startswith(_SEASON_STEMS)
        and any(t.tag is Tag.WORD and t.text.startswith("период") for t in tokens)
    ):
        first_month, last_month = _SEASON_WORD_MONTHS[words[0].value]
    else:
        return None
    start = month_point(cx, first_month, None)
    end = month_point(cx, last_month, None)
    if first_month == 6:  # summer: after the school year, in the plan's second calendar year
        start = month_point(cx, 6, cx.year.second)
        end = month_point(cx, 8, cx.year.second)
    span = span_between(cx, start, end)
    cx.warnings.append(f"«{said}» прочитано как {day_range(span.start, span.end)} — проверьте")
    return Span(span.start, span.end, SpanShape.MONTHS)


def names_a_time(cx: Context, tokens: list[Tok]) -> bool:
    if _month_unnamed(cx, tokens):
        return False
    for t in tokens:
        if t.tag in HARD_TAGS:
            return True
        if t.tag is Tag.WORD and t.value in TEMPORAL_WORDS:
            return True
        if t.tag is Tag.ORDW and isinstance(t.text, str) and t.text in ("i", "ii", "iii", "iv"):
            return True
    # "в течение года", "весь год", "каждый месяц": a period word after a quantifier.
    words = {t.value for t in tokens if t.tag is Tag.WORD}
    if Word.WHOLE in words and any(t.text.startswith("период") for t in tokens):
        return True  # «весь период»
    return bool(words & QUANTIFIERS) and bool(words & PERIOD_WORDS)


def _month_unnamed(cx: Context, tokens: list[Tok]) -> bool:
    """«в течение месяца», «в конце месяца», «1 неделя», «последняя декада»: a time inside a month the text
    does not name. Honest answer: no date, with a warning (in a Word table a month heading above the row is
    what dated it: `import` puts that month in)."""
    if len(tokens) > 5:
        return False
    words = [t for t in tokens if not (t.tag is Tag.WORD and t.value in LEADING)]
    example = None
    if (
        len(words) == 2
        and words[0].tag is Tag.WORD
        and words[0].value in RELATIVE
        and words[1].tag is Tag.WORD
        and words[1].value in (Word.MONTH, Word.WEEK)
    ):
        phrase = {Word.DURING: "в течение", Word.START: "в начале", Word.MIDDLE: "в середине"}
        example = f"{phrase.get(words[0].value, 'в конце')} октября"  # «в течение месяца»
        which = "какого месяца" if words[1].value is Word.MONTH else "какой недели"
    elif (
        len(words) in (2, 3)
        and words[0].tag in NUMBER_TAGS
        and words[1].tag is Tag.WORD
        and words[1].value in (Word.WEEK, Word.DECADE, Word.HALF)
        and all(t.tag is Tag.WORD and t.value is Word.MONTH for t in words[2:])
    ):
        example = f"{words[0].text} {words[1].text} октября"  # «1 неделя», «последняя декада месяца»
        which = "какого месяца"
    else:
        days = [
            t
            for t in words
            if t.tag not in (Tag.WDAY, Tag.WCHECK) and not (t.tag is Tag.WORD and t.value is Word.NUMBER)
        ]
        if _bare_days(days):  # «15», «20-25», «1 (суббота)», «15 числа»: days of a month not named
            example = f"{' '.join(t.text for t in days)} октября".replace(" - ", "-")
            which = "какого месяца"
    if example is None:
        return False
    cx.month_unnamed = True
    cx.warnings.append(
        f"«{' '.join(cx.text.split())}»: не сказано, {which} — пункт без даты; напишите, например, «{example}»"
    )
    return True


def temporal(tokens: list[Tok]) -> bool:
    """Whether a run of tokens holds anything that can say when (without side effects)."""
    for t in tokens:
        if t.tag in HARD_TAGS or t.tag is Tag.WCHECK:
            return True
        if t.tag is Tag.WORD and (t.value in TEMPORAL_WORDS or t.value in QUANTIFIERS or t.value in PERIOD_WORDS):
            return True
        if t.tag is Tag.ORDW:
            return True
    return False


def _bare_days(tokens: list[Tok]) -> bool:
    """«15», «20-25»: a day or a range of days, nothing else."""
    if len(tokens) == 1:
        return tokens[0].tag is Tag.NUM and 1 <= tokens[0].value <= 31
    if len(tokens) == 3 and tokens[1].tag is Tag.PUNCT and tokens[1].value == "-":
        a, b = tokens[0], tokens[2]
        return a.tag is Tag.NUM and b.tag is Tag.NUM and 1 <= a.value < b.value <= 31
    return False
