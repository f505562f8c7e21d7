"""The Russian date grammar: free-form date text → :class:`~plan_calendar.when.Reading`.

Reading goes in three steps:

1. *Tokens.* The text is lower-cased, dashes and ``ё`` are normalised, and a single regular expression cuts it
   into numbers, dotted dates (``19.09.``), times (``14:00``), ordinals (``1-я``), words and punctuation.
   Words are classified by the :mod:`lexicon <plan_calendar.dates.lexicon>` (months, weekdays, ordinals,
   key words), with typo correction.
2. *Parts.* Commas, semicolons, line breaks and «и» split a cell into parts ("декабрь, март"); a part that is
   only a time or a weekday belongs to the day before it ("19.09.\\n14:00"), a bare day borrows the month of
   the next part ("12, 13 ноября").
3. *Shapes.* Each part is matched against the shapes of docs/dates.md: deadlines, ranges, terms, parts of a
   month, recurrences, throughout-the-year, days and months.

Text that names no time at all is :class:`~plan_calendar.when.Undated`; text that names a time the grammar
cannot read is a :class:`~plan_calendar.errors.DateError` that says what was not understood.

    >>> from plan_calendar.dates.school import AcademicYear
    >>> read_when("Январь-апрель", AcademicYear(2019)).when
    Span(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 4, 30), shape=<SpanShape.MONTHS: 'months'>, \
label=None, approximate=False)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from plan_calendar.dates.clock import check_weekday, time_range
from plan_calendar.dates.context import Context
from plan_calendar.dates.days import calendar_quarter, from_range, point_or_range, read_deadline, read_period
from plan_calendar.dates.describe import day as _ru_date
from plan_calendar.dates.describe import day_range
from plan_calendar.dates.lenient import (
    names_a_time,
    warn_rest,
    without_date,
)
from plan_calendar.dates.lexicon import Word, lexicon
from plan_calendar.dates.named_days import EVE_DAYS
from plan_calendar.dates.parts import HARD_TAGS, LEADING, except_holidays_at, split_parts
from plan_calendar.dates.periods import edge_of_period, every_holiday, named_school_year, read_ongoing, read_term
from plan_calendar.dates.piecewise import read_piecewise
from plan_calendar.dates.points import check_year, next_is, next_is_month, read_point
from plan_calendar.dates.recurrence import read_recurrence
from plan_calendar.dates.school import AcademicYear, TermType
from plan_calendar.dates.tokens import (
    IntTok,
    NoMatch,
    Tag,
    Tok,
    TokStream,
    clean_text,
    tokenize,
    weekday_token,
)
from plan_calendar.errors import DateError
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
    weekly,
)

__all__ = ["read_when"]


def read_when(text: str, year: AcademicYear, *, until_inclusive: bool = False, locale: str = "ru") -> Reading:
    """Read a date expression as written in a plan.

    ``year`` gives the year of dates without one and the bounds of recurrences; ``until_inclusive`` decides
    whether «до 1 октября» is due on 1 October (True) or on 30 September (False, the default).
    Raises :class:`DateError` for text that names a time it cannot read, or an impossible date.
    """
    cx = Context(text, year, until_inclusive, lexicon(locale), source=text)
    when = _read(cx)
    return Reading(text=text, when=when, warnings=tuple(dict.fromkeys(cx.warnings)))


# ----------------------------------------------------------------- top level
def _read(cx: Context) -> When:
    text = cx.source = clean_text(cx.text, cx.lex)
    tokens = _unwrap_parentheses(cx, tokenize(text, cx.lex, cx.warnings))
    if not names_a_time(cx, tokens):
        return without_date(cx, tokens)
    parts = split_parts(tokens)
    said, remarks = len(cx.warnings), len(cx.rest)
    try:
        whens: list[When] = []
        for part in parts:
            _read_part_into(cx, part, whens)
        if not whens:
            raise NoMatch()
    except NoMatch as exc:  # an impossible date («31 февраля») is an error as it stands: no leniency
        error = _error(cx, str(exc) or None)
        del cx.warnings[said:]  # what the failed reading assumed does not stand
        del cx.rest[remarks:]
        cx.salvaging = True
        whens = read_piecewise(cx, parts, error, _read_part_into)
    warn_rest(cx)
    if len(whens) == 1:
        return whens[0]
    flat: list[Day | Span | Deadline | Recurring | Ongoing] = []
    for w in whens:
        if isinstance(w, Several):
            flat.extend(w.parts)
        elif isinstance(w, Undated):  # pragma: no cover - parts are never undated
            continue
        else:
            flat.append(w)
    return Several(tuple(flat))


def _error(cx: Context, detail: str | None) -> DateError:
    text = " ".join(cx.text.split())
    message = f"не удалось прочитать дату «{text}»"
    if detail:
        message = f"{message}: {detail}"
    return DateError(
        message,
        expression=cx.text,
        hint="Запишите дату одним из способов из docs/dates.md, например «19.09», «до 1 октября», "
        "«октябрь», «12-16 ноября», «по средам», «в течение года», «по плану».",
    )


def _unwrap_parentheses(cx: Context, tokens: list[Tok]) -> list[Tok]:
    """Parenthesised notes: a weekday is checked later, dates are read, anything else is a remark."""
    out: list[Tok] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.tag is Tag.PUNCT and t.value == "(":
            j = i + 1
            while j < len(tokens) and not (tokens[j].tag is Tag.PUNCT and tokens[j].value == ")"):
                j += 1
            inner = [x for x in tokens[i + 1 : j] if not (x.tag is Tag.PUNCT and x.value == ",")]
            only = inner[0] if len(inner) == 1 else None
            if only is not None and only.tag is Tag.WDAY:
                out.append(IntTok(Tag.WCHECK, only.value, only.text))
            elif any(x.tag in HARD_TAGS for x in inner) or except_holidays_at(inner) == 0:
                out.extend(tokens[i + 1 : j])  # a date, or «(кроме каникул)» after a repetition
            else:  # a remark such as "(по согласованию)": no date in it, but shown
                cx.rest.extend(tokens[i + 1 : j])
            i = j + 1
            continue
        if t.tag is Tag.PUNCT and t.value == ")":
            i += 1
            continue
        out.append(t)
        i += 1
    return out


def _read_part_into(cx: Context, part: list[Tok], whens: list[When]) -> None:
    # A part that is only a time or a weekday completes the day before it.
    previous = whens[-1] if whens else None
    if isinstance(previous, Day | Recurring) and (not isinstance(previous, Recurring) or previous.each is Each.DAY):
        tail = TokStream(part)
        times = time_range(cx, tail)
        if times is not None and tail.done() and previous.time is None:
            whens[-1] = replace(previous, time=times[0], end_time=times[1])
            return
    wday = weekday_token(part[0]) if len(part) == 1 else None
    if wday is not None and previous is not None:
        completed = _weekday_of(cx, previous, wday)
        if completed is not None:
            whens[-1] = completed
            return
    when = _part(cx, TokStream(part))
    if isinstance(when, Recurring) and when.each is Each.DAY and when.rule and not when.deadline:
        match previous:
            case Ongoing():  # «в течение года, по средам»: the year is what the repetition fills anyway
                whens[-1] = when
                return
            case Span(shape=SpanShape.MONTH | SpanShape.MONTHS, start=start, end=end):
                # «октябрь, по средам»: the repetition within the month
                cx.warnings.append("повторение после месяца прочитано как повторение в этом месяце — проверьте")
                whens[-1] = replace(when, within=Span(start, end, SpanShape.MONTH))
                return
    whens.append(when)


def _weekday_of(cx: Context, previous: When, wday: IntTok) -> When | None:
    """A weekday alone after a day checks it; after a range of days it is one of them; after a month it is
    every such weekday of that month; after a weekday schedule it is one more day of it."""
    match previous:
        case Day(date=day):
            check_weekday(cx, day, wday.value, wday.text)
            return previous
        case Span(shape=SpanShape.DAYS, start=start, end=end):  # «17-18 октября, чт, пт»
            days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
            if not any(d.weekday() == wday.value for d in days):
                cx.warnings.append(f"в {day_range(start, end)} нет дня «{wday.text}»: проверьте числа или дни недели")
            return previous
        case Span(shape=SpanShape.MONTH, start=start, end=end):  # «октябрь, среда»: every Wednesday of it
            cx.warnings.append(f"«{wday.text}» после месяца прочитано как каждый такой день этого месяца — проверьте")
            return Recurring(weekly([wday.value]), Span(start, end, SpanShape.MONTH), Each.DAY)
        case Recurring(rule=Rule(freq=Freq.WEEKLY, interval=1, nth=None) as rule, each=Each.DAY):
            return replace(previous, rule=rule.with_weekday(wday.value))  # «вторник, четверг»
        case Recurring(rule=Rule(freq=Freq.WEEKLY, interval=1), each=Each.WEEK):  # «еженедельно, пятница»
            return replace(previous, rule=weekly([wday.value]), each=Each.DAY)
    return None


# ----------------------------------------------------------------- one part
def _part(cx: Context, s: TokStream) -> When:
    # Leading words that add nothing: "в", "на", "в срок", "срок", "дата проведения".
    s.skip(LEADING)
    if s.peek_word(Word.NOT) and s.peek_word(Word.LESS_OFTEN, 1) and _repetition_at(s, 2):
        s.pos += 2  # «не реже 1 раза в месяц»: at least as often as the repetition, which is what is read
    if s.done():
        raise NoMatch()
    last = s.tokens[-1]
    if last.tag is Tag.WORD and last.value is Word.YEARLY and len(s.tokens) - s.pos > 1:
        s.tokens = s.tokens[:-1]  # «май ежегодно»: in a plan for one year, that month of this year
    holidays_at = except_holidays_at(s.tokens)
    if holidays_at is not None and holidays_at > s.pos:  # «по средам, кроме каникул»
        s.tokens = s.tokens[:holidays_at]
        return _except_holidays(cx, _part(cx, s))
    bounded = _bounded_repetition(cx, s)
    if bounded is not None:
        return bounded
    led = _led_by_first(cx, s, s.tokens[s.pos])
    if led is not None:
        return led
    for reader in _READERS:
        found = reader(cx, s)
        if found is not None:
            return found
    return point_or_range(cx, s)


def _bounded_repetition(cx: Context, s: TokStream) -> Recurring | None:
    """«по средам с 10 ноября», «каждый вторник до 20 декабря», «по четвергам с 5 сентября по 19 декабря»:
    a repetition within the days it names."""
    tokens = s.tokens
    at = next(
        (
            i
            for i in range(s.pos + 1, len(tokens))
            if tokens[i].tag is Tag.WORD
            and tokens[i].value in (Word.FROM, Word.UNTIL, Word.TO)
            and i + 1 < len(tokens)
            and tokens[i + 1].tag in (Tag.NUM, Tag.DOT, Tag.ORD)
        ),
        None,
    )
    if at is None:
        return None
    left = TokStream(tokens[:at])
    left.pos = s.pos
    said = len(cx.warnings)
    try:
        repetition = read_recurrence(cx, left)
    except NoMatch:
        repetition = None
    if not isinstance(repetition, Recurring) or not left.done() or repetition.each is not Each.DAY:
        del cx.warnings[said:]
        return None
    bound = TokStream(tokens[at:])
    start, end = repetition.within.start, repetition.within.end
    if bound.word(Word.FROM):
        first = read_point(cx, bound)
        if first is None:
            raise NoMatch("после «с» ожидается дата")
        start = first.first
    through = bound.word(Word.TO)  # «по 19 декабря» includes the day; «до 20 декабря» as a deadline does
    if through or bound.word(Word.UNTIL):
        last = read_point(cx, bound)
        if last is None:
            raise NoMatch("после «до» ожидается дата")
        end = last.last if through or cx.until_inclusive else last.first - timedelta(days=1)
    bound.expect_done()
    if start > end:
        raise NoMatch(f"начало периода ({_ru_date(start)}) позже конца ({_ru_date(end)})")
    s.pos = len(tokens)
    return replace(repetition, within=Span(start, end, SpanShape.DAYS))


def _led_by_first(cx: Context, s: TokStream, first: Tok) -> When | None:
    """Shapes their first token announces: a weekday or «накануне» before a day, a calendar quarter, a day or
    month, «до»/«к»/«не позднее», «в течение», «с … по»."""
    if first.tag is Tag.WDAY and len(s.tokens) - s.pos > 1 and s.tokens[s.pos + 1].tag in (Tag.DOT, Tag.NUM):
        s.next()  # «ЧТ. 17 октября», «пятница 13.03»
        when = point_or_range(cx, s)
        if not isinstance(when, Day):
            raise NoMatch(f"день недели «{first.text}» стоит перед периодом, а не перед днём")
        check_weekday(cx, when.date, first.value, first.text)
        return when
    quarter = calendar_quarter(cx, s)
    if quarter is not None:
        return quarter
    whole_part = not cx.salvaging  # a year inside a cell read piece by piece is no year of events
    if whole_part and first.tag is Tag.NUM and 1900 <= first.value <= 2200 and _only_years(s.tokens[s.pos + 1 :]):
        s.pos = len(s.tokens)  # «2020 год», «2019г.»: a whole calendar year
        start, end = date(first.value, 1, 1), date(first.value, 12, 31)
        check_year(cx, first.value, explicit=True)
        cx.warnings.append(f"«{first.text}» прочитано как весь {first.value} год — проверьте")
        return Span(start, end, SpanShape.MONTHS, f"{first.value} год")
    if first.tag in (Tag.DOT, Tag.MONTH) or (first.tag is Tag.NUM and next_is_month(s)):
        return point_or_range(cx, s)  # «19.09», «октябрь», «5 сентября»: no other shape starts so
    if first.tag is not Tag.WORD:
        return None
    word = first.value
    if word is Word.EVE:
        s.next()
        return _eve(cx, s)
    if word is Word.UNTIL or word is Word.BY:
        s.next()
        return read_deadline(cx, s, inclusive=cx.until_inclusive, by=word is Word.BY)
    if word is Word.NOT and s.peek_word(Word.LATER, 1):
        s.pos += 2
        return read_deadline(cx, s, inclusive=True)
    if word is Word.DURING:
        holidays = every_holiday(cx, s)  # «во время каникул»
        if holidays is not None:
            return holidays
        s.next()
        return read_period(cx, s, during=True)
    if word is Word.FROM and not next_is(s, Tag.WDAY):  # «с понедельника по пятницу» is a recurrence
        s.next()
        return from_range(cx, s)
    return None


def _eve(cx: Context, s: TokStream) -> Span:
    """After «накануне»: a day; the days just before it."""
    eve = point_or_range(cx, s)
    if not isinstance(eve, Day):
        raise NoMatch("после «накануне» ожидается день, например «накануне 23 февраля»")
    a, b = eve.date - timedelta(days=EVE_DAYS), eve.date - timedelta(days=1)
    cx.warnings.append(f"«накануне»: взяты {EVE_DAYS} дня перед {_ru_date(eve.date)} ({day_range(a, b)})")
    return Span(a, b, SpanShape.DAYS)


def _except_holidays(cx: Context, when: When) -> Recurring:
    """«по средам, кроме каникул»: the repetition skips the school holidays even without ``terms:``."""
    if not isinstance(when, Recurring) or when.rule is None or when.each is not Each.DAY:
        raise NoMatch("«кроме каникул» относится к повторению по дням, например «по средам, кроме каникул»")
    if not any(t.type is TermType.HOLIDAY for t in cx.year.terms):
        cx.warnings.append(
            "«кроме каникул»: сроки каникул в плане не указаны, взяты приблизительные — укажите их в "
            "разделе terms: плана"
        )
    return replace(when, skip_holidays=True)


def _term_alone(cx: Context, s: TokStream) -> Span | None:
    """A term and nothing else («I четверть», «1 полугодие 2009-2010 уч. года»)."""
    term = read_term(cx, s)
    if term is not None:
        named_school_year(cx, s)  # the plan's year, said again
        s.expect_done()
    return term


# The readers of a part that no first token announces, tried in this order, most specific first; the first that
# returns a value wins. Each either returns None without consuming (not its shape), or reads the whole part.
_READERS: tuple[Callable[[Context, TokStream], When | None], ...] = (
    every_holiday,  # «в каникулы» is every holiday, while «осенние каникулы» is one term (read by _term_alone)
    edge_of_period,  # «конец I четверти» before the term alone would stop at «конец»
    read_recurrence,  # «2-я среда каждого месяца» starts with a number, which a day would take
    read_ongoing,  # «постоянно», «весь учебный год», «2019-2020 уч. год»: the year as a whole, not a term of it
    _term_alone,  # «I четверть»; after it only days, months and ranges are left (point_or_range)
)


_REPETITION_WORDS = frozenset(
    {Word.TIMES, Word.EVERY, Word.DAILY, Word.WEEKLY, Word.MONTHLY, Word.QUARTERLY, Word.YEARLY}
)


def _repetition_at(s: TokStream, ahead: int) -> bool:
    """Whether a repetition starts ``ahead`` tokens on: «раз в месяц», «1 раза в месяц», «ежемесячно»."""
    t = s.peek(ahead)
    if t is None:
        return False
    if t.tag is Tag.WORD:
        return t.value in _REPETITION_WORDS
    if t.tag is Tag.NUM and s.peek(ahead + 1) is not None and s.punct_at("-", ahead + 1):
        ahead += 2  # «не реже 1–2 раза в неделю»
        t = s.peek(ahead)
        if t is None or t.tag is not Tag.NUM:
            return False
    return (t.tag is Tag.NUM or t.tag is Tag.ORDW) and s.peek_word(Word.TIMES, ahead + 1)


def _only_years(tokens: list[Tok]) -> bool:
    """«год», «г.»: nothing but the word for a year."""
    return bool(tokens) and all(t.tag is Tag.WORD and t.value is Word.YEAR for t in tokens)
