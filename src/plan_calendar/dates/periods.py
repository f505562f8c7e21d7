"""School periods in the date grammar: terms and holidays, their parts, term ranges, the school year by name.

«I четверть», «осенние каникулы», «I-II четверть», «конец I четверти», «в конце четверти» (of every term),
«начало учебного года», «2019-2020 уч. год», «в течение года». Plain functions
over a :class:`~plan_calendar.dates.context.Context`; they build on :mod:`~plan_calendar.dates.recurrence`.
"""

from __future__ import annotations

from datetime import timedelta

from plan_calendar.dates.context import Context
from plan_calendar.dates.describe import day_range as _ru_range
from plan_calendar.dates.lexicon import PART_WORDS, Word, lexicon, term_genitive
from plan_calendar.dates.recurrence import per_period, school_year
from plan_calendar.dates.school import AcademicYear, Season, Term, TermType
from plan_calendar.dates.tokens import (
    NoMatch,
    Tag,
    Tok,
    TokStream,
    number_token,
    tokenize,
)
from plan_calendar.when import Each, Ongoing, Recurring, Span, SpanShape, When

__all__ = [
    "NUMBER_TAGS",
    "edge_of_period",
    "every_holiday",
    "named_school_year",
    "read_ongoing",
    "read_term",
    "term_of",
    "whole_year",
]

_SEASONS = {
    Word.AUTUMN: Season.AUTUMN,
    Word.WINTER: Season.WINTER,
    Word.SPRING: Season.SPRING,
    Word.SUMMER: Season.SUMMER,
}
_TERM_WORDS = {Word.QUARTER: TermType.QUARTER, Word.HALF_YEAR: TermType.HALF, Word.TRIMESTER: TermType.TRIMESTER}
NUMBER_TAGS = frozenset({Tag.ORDW, Tag.ORD, Tag.NUM})
_EDGE_DAYS = 7  # the start or end of a term: its first or last week


def _term_word(t: Tok | None) -> TermType | None:
    """What term ``t`` names («четверть», «полугодие», «триместр»), if it is such a word."""
    return _TERM_WORDS.get(t.value) if t is not None and t.tag is Tag.WORD else None


def _edge_span(term: Span, edge: Word) -> Span:
    """The first, middle or last week of a school period, labelled «конец I четверти»."""
    week = timedelta(days=_EDGE_DAYS - 1)
    if edge is Word.START:
        a, b = term.start, min(term.start + week, term.end)
    elif edge is Word.END:
        a, b = max(term.end - week, term.start), term.end
    else:
        middle = term.start + (term.end - term.start) / 2
        a, b = max(middle - timedelta(days=3), term.start), min(middle + timedelta(days=3), term.end)
    name = term_genitive(term.label) if term.label else ""
    return Span(a, b, SpanShape.TERM, f"{PART_WORDS[edge]} {name}".strip(), term.approximate)


_FILLER = frozenset({Word.FILLER})
_BEFORE_TERM = frozenset({Word.FILLER, Word.DAYS})
_BEFORE_HOLIDAYS = frozenset({Word.IN, Word.FILLER, Word.DAYS, Word.DURING})  # «во время», «в дни», «в период»


def _approximate_warning(name: str, period: Span | Term) -> str:
    return (
        f"даты «{name}» приблизительные ({_ru_range(period.start, period.end)}): "
        "укажите сроки четвертей и каникул в разделе terms: плана"
    )


# ----------------------------------------------------------------- terms
def read_term(cx: Context, s: TokStream) -> Span | None:
    """«I четверть», «2 четверть», «первое полугодие», «осенние каникулы», «в дни осенних каникул»."""
    save = s.pos
    s.skip(_BEFORE_TERM)
    t = s.peek()
    if t is not None and t.tag is Tag.WORD and t.value in _SEASONS:
        season = _SEASONS[t.value]
        s.next()
        if not s.word(Word.HOLIDAYS):
            s.pos = save
            return None
        return _term_span(cx, TermType.HOLIDAY, season.value, t.text)
    number = number_token(t)
    if number is None:
        s.pos = save
        return None
    nxt = s.peek(1)
    if nxt is not None and nxt.tag is Tag.PUNCT and nxt.value == "-":  # «I-II четверть», «1–2 четверти»
        t2, word = number_token(s.peek(2)), s.peek(3)
        term_type = _term_word(word)
        if t2 is not None and word is not None and term_type is not None:
            s.pos += 4
            said = len(cx.warnings)
            first = _term_span(cx, term_type, number.value, f"{number.text} {word.text}")
            last = _term_span(cx, term_type, t2.value, f"{t2.text} {word.text}")
            del cx.warnings[said:]  # one warning for the range, below
            if first.start > last.start:
                raise NoMatch(f"начало периода ({first.label}) позже конца ({last.label})")
            label = f"{(first.label or '').split()[0]}–{term_genitive(last.label or '')}"  # «I–II четверти»
            span = Span(first.start, last.end, SpanShape.TERM, label, first.approximate or last.approximate)
            if span.approximate:
                cx.warnings.append(_approximate_warning(label, span))
            return span
    term_type = _term_word(nxt)
    if nxt is None or term_type is None:
        s.pos = save
        return None
    s.pos += 2
    return _term_span(cx, term_type, number.value, f"{number.text} {nxt.text}")


# ----------------------------------------------------------------- parts of school periods
def edge_of_period(cx: Context, s: TokStream) -> When | None:
    """«конец I четверти», «в начале учебного года», «в конце четверти» (of each), «конец полугодия».

    The start or end of a term is its first or last week, its middle the week around its midpoint; the
    start of the school year is its first ten days, its end the last ten (as «начало» and «конец» of a month).
    """
    t = s.peek()
    if t is None or t.tag is not Tag.WORD or t.value not in PART_WORDS:
        return None
    save = s.pos
    s.next()
    edge = t.value
    every = s.word(Word.EVERY)
    term = None if every else read_term(cx, s)
    if term is not None:
        s.expect_done()
        return _edge_span(term, edge)
    word = s.peek()
    if word is not None and word.tag is Tag.WORD and word.value in (Word.QUARTER, Word.HALF_YEAR):
        s.next()
        s.expect_done()
        each = Each.HALF_YEAR if word.value is Word.HALF_YEAR else Each.TERM
        per_term = per_period(cx, school_year(cx), each, 1)
        periods = tuple(_edge_span(p, edge) for p in per_term.periods)
        return Recurring(None, per_term.within, each, 1, periods)
    if not every and (s.word(Word.SCHOOL) or s.peek_word(Word.YEAR)) and s.word(Word.YEAR):
        s.word(Word.SCHOOL)
        s.expect_done()
        if edge is Word.MIDDLE:
            raise NoMatch("«середина учебного года» — непонятно когда: укажите месяц, например «январь»")
        start, end = cx.year.school_span()
        a, b = (start, start + timedelta(days=9)) if edge is Word.START else (end - timedelta(days=9), end)
        return Span(a, b, SpanShape.TERM, f"{PART_WORDS[edge]} учебного года")
    s.pos = save
    return None


def every_holiday(cx: Context, s: TokStream) -> Recurring | None:
    """«в каникулы», «на каникулах», «во время каникул», «в дни каникул»: each school holiday of the year."""
    save = s.pos
    s.skip(_BEFORE_HOLIDAYS)
    if not s.word(Word.HOLIDAYS):
        s.pos = save
        return None
    s.expect_done()
    holidays = cx.year.terms_of(TermType.HOLIDAY)
    periods = tuple(Span(t.start, t.end, SpanShape.TERM, t.name, t.approximate) for t in holidays)
    if any(t.approximate for t in holidays):
        cx.warnings.append("сроки каникул приблизительные: укажите их в разделе terms: плана")
    within = Span(cx.year.start, cx.year.end, SpanShape.YEAR, "учебный год")
    return Recurring(None, within, Each.HOLIDAYS, 1, periods)


def _term_span(cx: Context, term_type: TermType, number: int, written: str) -> Span:
    term = cx.year.term(term_type, number)
    if term is None:
        names = {TermType.QUARTER: "четвертей 4", TermType.HALF: "полугодий 2", TermType.TRIMESTER: "триместров 3"}
        raise NoMatch(f"такого периода нет ({names.get(term_type, '')}): «{written}»")
    if term.approximate:
        cx.warnings.append(_approximate_warning(term.name, term))
    return Span(term.start, term.end, SpanShape.TERM, term.name, term.approximate)


# ----------------------------------------------------------------- throughout
def named_school_year(cx: Context, s: TokStream) -> bool:
    """«2019-2020 уч. год», «2019/2020 учебного года»: the plan's own year by name (another year is an error)."""
    a = s.peek()
    if a is None or a.tag is not Tag.NUM or len(a.text) != 4:
        return False
    dash, b = s.peek(1), s.peek(2)
    if not (
        dash is not None
        and dash.tag is Tag.PUNCT
        and dash.value in ("-", "/")
        and b is not None
        and b.tag is Tag.NUM
        and len(b.text) in (2, 4)
    ):
        return False
    second = b.value if len(b.text) == 4 else a.value // 100 * 100 + b.value
    s.pos += 3
    school = s.word(Word.SCHOOL)
    if not (s.word(Word.YEAR) or school):
        raise NoMatch(f"«{a.text}-{b.text}» — это учебный год? Напишите «{a.text}-{b.text} учебный год»")
    s.word(Word.SCHOOL)
    s.expect_done()
    if (a.value, second) != (cx.year.first, cx.year.second):
        raise NoMatch(f"учебный год {a.value}-{second}, а план — на {cx.year.name}")
    return True


def read_ongoing(cx: Context, s: TokStream) -> Ongoing | None:
    save = s.pos
    if named_school_year(cx, s):
        return whole_year(cx)
    if s.word(Word.ALWAYS):
        s.expect_done()
        return whole_year(cx)
    if s.word(Word.WHOLE):
        t = s.peek()
        if t is not None and t.tag is Tag.WORD and t.value is Word.FILLER and t.text.startswith("период"):
            s.next()  # «весь период»: the whole period of the plan
            s.expect_done()
            return whole_year(cx)
        s.word(Word.SCHOOL)
        if s.word(Word.YEAR):
            s.word(Word.SCHOOL)
            s.expect_done()
            return whole_year(cx)
    s.pos = save
    return None


def whole_year(cx: Context) -> Ongoing:
    return Ongoing(school_year(cx))


def term_of(name: str, year: AcademicYear) -> tuple[TermType, int] | None:
    """Which school period a name in the plan's ``terms:`` means («II четверть» → quarter 2)."""
    stream = TokStream(tokenize(name, lexicon(), []))
    t = stream.peek()
    if t is not None and t.tag is Tag.WORD and t.value in _SEASONS:
        stream.next()
        if stream.word(Word.HOLIDAYS) and stream.done():
            return TermType.HOLIDAY, _SEASONS[t.value].value
        return None
    nxt = stream.peek(1)
    if (
        t is not None
        and t.tag in NUMBER_TAGS
        and isinstance(t.value, int)
        and nxt is not None
        and nxt.tag is Tag.WORD
        and nxt.value in _TERM_WORDS
    ):
        stream.pos += 2
        term_type = _TERM_WORDS[nxt.value]
        if stream.done() and year.term(term_type, t.value) is not None:
            return term_type, t.value
    return None
