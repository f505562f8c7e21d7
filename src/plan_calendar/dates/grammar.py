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

    >>> from plan_calendar.dates.school import AcademicYear, TermKind
    >>> read_when("Январь-апрель", AcademicYear(2019)).when
    Span(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 4, 30), shape=<SpanShape.MONTHS: 'months'>, \
label=None, approximate=False)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from plan_calendar.dates.describe import day as _ru_date
from plan_calendar.dates.describe import day_range, describe, plural
from plan_calendar.dates.lexicon import PART_WORDS, Lexicon, Word, lexicon, prepositional
from plan_calendar.dates.named_days import BEFORE_DAYS, EVE_DAYS, find_named_day
from plan_calendar.dates.periods import NUMBER_KINDS, PeriodReader
from plan_calendar.dates.recurrence import RRULE_DAYS
from plan_calendar.dates.school import AcademicYear, TermKind
from plan_calendar.dates.tokens import NoMatch, Tok, TokStream, tokenize
from plan_calendar.errors import DateError
from plan_calendar.when import (
    Day,
    Deadline,
    Each,
    Ongoing,
    Reading,
    Recurring,
    Several,
    Span,
    SpanShape,
    Undated,
    When,
)

__all__ = ["read_when"]


# Key words that say "this is about a time" even without a number or a month: a text with one of them that
# cannot be read is an error, not an undated item.
_TEMPORAL_WORDS = frozenset(
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
_HARD_KINDS = frozenset({"NUM", "DOT", "TIME", "ORD", "MONTH", "WDAY"})
_QUANTIFIERS = frozenset({Word.DURING, Word.WHOLE, Word.EVERY, Word.TIMES, Word.START, Word.END, Word.MIDDLE})
_PERIODS = frozenset({Word.YEAR, Word.MONTH, Word.WEEK, Word.QUARTER, Word.HALF_YEAR})
_TRAILING_WORDS = frozenset({Word.YEAR, Word.FILLER, Word.IN, Word.AND, Word.HOUR})
# «сен-\nтября», «те- чение»: a word broken by hyphenation at a line end (PDF exports), joined before reading.
_HYPHENATION = re.compile(r"([а-яё])- *\n\s*([а-яё])")
_QUOTES = frozenset('«»"“”„')
_ABBREVIATED_DURING = re.compile(r"(?<![а-яё])теч(?:-е|\.)", re.IGNORECASE)
# «летом», «осенью»: the months of the season (summer after the school year).
_SEASON_MONTHS = {"осенью": (9, 11), "зимой": (12, 2), "весной": (3, 5), "летом": (6, 8)}
_SEPARATORS = frozenset({",", ";"})
# What a number before it counts: «1, 2 неделя декабря», «I и III четверть».
_COUNTED = frozenset(
    {Word.WEEK, Word.DECADE, Word.HALF, Word.QUARTER, Word.HALF_YEAR, Word.TRIMESTER, Word.CAL_QUARTER}
)
_SUMMER = frozenset({6, 7, 8})
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


@dataclass(frozen=True, slots=True)
class _Point:
    """One end of a range, or a whole reading of a day or month."""

    first: date
    last: date
    is_month: bool
    explicit_year: bool
    month: int
    label: str | None = None  # "начало октября"


# Runs of words that add nothing where they stand (TokStream.skip).
# «в течение месяца», «в конце месяца»: a time inside a month the text does not name.
_RELATIVE = frozenset({Word.DURING, Word.START, Word.MIDDLE, Word.END})
_LEADING = frozenset({Word.IN, Word.FILLER, Word.DEADLINE})  # "в", "на", "в срок", "срок", "дата проведения"
_FILLER = frozenset({Word.FILLER})
_WHOLE_FILLER = frozenset({Word.WHOLE, Word.FILLER})
_FILLER_IN = frozenset({Word.FILLER, Word.IN})


def read_when(text: str, year: AcademicYear, *, until_inclusive: bool = False, locale: str = "ru") -> Reading:
    """Read a date expression as written in a plan.

    ``year`` gives the year of dates without one and the bounds of recurrences; ``until_inclusive`` decides
    whether «до 1 октября» is due on 1 October (True) or on 30 September (False, the default).
    Raises :class:`DateError` for text that names a time it cannot read, or an impossible date.
    """
    parser = _Reader(text, year, until_inclusive, lexicon(locale))
    when = parser.read()
    return Reading(text=text, when=when, warnings=tuple(dict.fromkeys(parser.warnings)))


class _Reader(PeriodReader):
    def __init__(self, text: str, year: AcademicYear, until_inclusive: bool, lex: Lexicon) -> None:
        self.text = text
        self.year = year
        self.until_inclusive = until_inclusive
        self.lex = lex
        self.warnings: list[str] = []
        self.month_unnamed = False
        self.source = text  # the text as read (after joining words broken by hyphenation)
        self.rest: list[Tok] = []  # tokens that are not part of the date (quoted in a warning)

    # ----------------------------------------------------------------- top level
    def read(self) -> When:
        text = self.text
        if "-" in text and "\n" in text:
            text = _HYPHENATION.sub(r"\1\2", text)  # «сен-\nтября»: a word broken by PDF hyphenation
        if "теч" in text:
            text = _ABBREVIATED_DURING.sub("течение", text)  # «в теч-е года», «в теч. года»
        self.source = text
        tokens = self._unwrap_parentheses(tokenize(text, self.lex, self.warnings))
        if not self._names_a_time(tokens):
            return self._without_date(tokens)
        parts = self._split(tokens)
        said, remarks = len(self.warnings), len(self.rest)
        try:
            whens: list[When] = []
            for part in parts:
                self._read_part_into(part, whens)
            if not whens:
                raise NoMatch()
        except NoMatch as exc:  # an impossible date («31 февраля») is an error as it stands: no leniency
            error = self._error(str(exc) or None)
            del self.warnings[said:]  # what the failed reading assumed does not stand
            del self.rest[remarks:]
            whens = self._salvage(parts, error)
        self._warn_rest()
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

    # ----------------------------------------------------------------- leniency (docs/dates.md, «Что кроме даты»)
    def _salvage(self, parts: list[list[Tok]], error: DateError) -> list[When]:
        """A cell that does not read whole: read every date in it, keep the rest as words that are not a date.

        Each part is read from left to right: the longest run of tokens from here that reads is a date (or a time
        of the day before it); a token that starts no such run is not part of the date. What is left over may
        only be words, numbers of something else («3 урок», «(7 дней)») and years: a leftover that could be part
        of a date («с 16 по 12 ноября», «середина учебного года») means the cell is wrong, and the error stands.
        Every guess leaves a warning (the words left over, or the pieces a part was read as)."""
        whens: list[When] = []
        times: list[str] = []
        pieces = 0
        dated = any(t.kind in ("DOT", "MONTH") for part in parts for t in part)
        for part in parts:
            p, n = 0, len(part)
            before = len(whens)
            read = [False] * n
            while p < n:
                end = self._longest_reading(part, p, whens, dated=dated)
                if end is not None:
                    read[p:end] = [True] * (end - p)
                    p = end
                    continue
                clock = TokStream(part[p:])
                mark = len(self.warnings)
                try:
                    found = self._time_range(clock)
                except NoMatch:
                    found = None
                    del self.warnings[mark:]
                if found is not None and clock.pos > 0:
                    times.append(_clock_text(found))
                    read[p : p + clock.pos] = [True] * clock.pos
                    p += clock.pos
                    continue
                self.rest.append(part[p])
                p += 1
            if not _leftover_is_safe(part, read, dated=dated):
                raise error
            pieces = max(pieces, len(whens) - before)
        if not whens:
            del self.rest[:]
            named = self._named_day()
            if named is not None:
                return [named]
            if times:
                return [self._only_time(times)]
            if all(_leftover_is_safe(part, [False] * len(part), dated=False, years=False) for part in parts):
                return [self._without_date([])]  # «2-й урок», «5-7 классы»: numbers of something else
            raise error
        if pieces > 1:
            self.warnings.append(
                f"«{' '.join(self.text.split())}» прочитано по частям: {describe_parts(whens)} — проверьте"
            )
        if times:
            self.warnings.append(f"время {', '.join(times)} не отнесено ни к одному дню — не учтено")
        return whens

    def _longest_reading(self, part: list[Tok], p: int, whens: list[When], *, dated: bool) -> int | None:
        """The end of the longest run of ``part`` from ``p`` that reads (appended to ``whens``), or None.

        In a cell that writes a date («Осенние каникулы: 29.10.2018 — 04.11.2018»), only runs with a date count:
        the words around it name the period, they do not date it a second time."""
        for j in range(len(part), p, -1):
            window = part[p:j]
            if not _temporal(window):
                return None  # shorter runs hold no more temporal tokens than this one
            if dated and not any(t.kind in ("DOT", "MONTH") for t in window):
                return None
            mark = len(self.warnings)
            trial = list(whens)
            try:
                self._read_part_into(window, trial)
            except NoMatch:
                del self.warnings[mark:]
                continue
            whens[:] = trial
            return j
        return None

    def _warn_rest(self) -> None:
        """One warning per run of words that were not part of the date, quoted as the plan wrote them."""
        if not self.rest:
            return
        runs: list[list[Tok]] = []
        previous = -2
        for t in sorted(self.rest, key=lambda t: t.span):
            if runs and not self.source[previous : t.span[0]].strip(' \t\n\r,.«»"()'):
                runs[-1].append(t)
            else:
                runs.append([t])
            previous = t.span[1]
        for run in runs:
            if all(t.kind == "PUNCT" or (t.kind == "WORD" and t.value in _TRAILING_WORDS) for t in run):
                continue
            start, end = run[0].span[0], run[-1].span[1]
            while start > 0 and self.source[start - 1] in _QUOTES:
                start -= 1  # the quotes of a name belong to it: «ДК «Строитель»»
            while end < len(self.source) and self.source[end] in _QUOTES:
                end += 1
            words = self.source[start:end].strip(" ,;.-–—")
            if len(words) > 2 and words[0] in _QUOTES and words[-1] in _QUOTES and words.count("«") <= 1:
                words = words[1:-1]  # «День учителя» in the cell: quoted once in the warning
            words = " ".join(words.split())
            if not words:
                continue
            if any(t.kind in _HARD_KINDS for t in run):
                self.warnings.append(f"не прочитано как дата: «{words}» — проверьте, нет ли здесь даты")
            else:
                self.warnings.append(f"не часть даты: «{words}» (текст ячейки сохранён в описании)")
        self.rest.clear()

    def _without_date(self, tokens: list[Tok]) -> When:
        """A cell that names no day: a named day («ко Дню учителя»), a season («летом»), only a time, or undated."""
        named = self._named_day()
        if named is not None:
            return named
        season = self._season(tokens)
        if season is not None:
            return season
        times = [t for t in tokens if t.kind == "TIME"]
        if times and all(t.kind in ("TIME", "PUNCT", "NL") or t.kind == "WORD" for t in tokens):
            return self._only_time([f"{h:02d}:{m:02d}" for h, m in (t.value for t in times)])
        reason = " ".join(self.text.split())
        if not self.month_unnamed:
            if reason:
                self.warnings.append(f"в ячейке нет даты: «{reason}» — пункт без даты, в календарь не попадёт")
            else:
                self.warnings.append("дата не указана — пункт без даты, в календарь не попадёт")
        return Undated(reason or "дата не указана", month_unnamed=self.month_unnamed)

    def _only_time(self, times: list[str]) -> Undated:
        reason = " ".join(self.text.split())
        self.warnings.append(
            f"указано только время ({', '.join(times)}), а день не назван — пункт без даты; "
            "напишите день, например «19.09 14:00»"
        )
        return Undated(reason)

    def _named_day(self) -> When | None:
        """«ко Дню учителя», «День матери», «к Новому году»: the day, or the days just before it."""
        found = find_named_day(self.source.lower().replace("ё", "е"))
        if found is None:
            return None
        day = found.day
        first = day.start(self.year.month_years())
        last = first + timedelta(days=day.days - 1)
        if found.before:
            length = BEFORE_DAYS if found.before == "к" else EVE_DAYS
            first, last = first - timedelta(days=length), first - timedelta(days=1)
            taken = f"взяты дни перед ним: {day_range(first, last)}"
        else:
            taken = f"взят {day_range(first, last)}" if day.days > 1 else f"взят этот день: {_ru_date(first)}"
        self.warnings.append(f"дата по названию праздника «{day.name}»: {taken} — проверьте")
        self._check_year(first.year, explicit=False)
        if first == last:
            return Day(first)
        return Span(first, last, SpanShape.DAYS)

    def _season(self, tokens: list[Tok]) -> Span | None:
        """«летом», «осенью», «зимой», «весной»: the season's months in the school year, with a warning."""
        words = [t for t in tokens if not (t.kind == "WORD" and t.value in _LEADING)]
        if len(words) != 1 or words[0].kind != "UNK" or words[0].value not in _SEASON_MONTHS:
            return None
        first_month, last_month = _SEASON_MONTHS[words[0].value]
        start = self._month_point(first_month, None)
        end = self._month_point(last_month, None)
        if first_month == 6:  # summer: after the school year, in the plan's second calendar year
            start = self._month_point(6, self.year.second)
            end = self._month_point(8, self.year.second)
        span = self._span(start, end)
        self.warnings.append(f"«{words[0].text}» прочитано как {day_range(span.start, span.end)} — проверьте")
        return Span(span.start, span.end, SpanShape.MONTHS)

    def _names_a_time(self, tokens: list[Tok]) -> bool:
        if self._month_unnamed(tokens):
            return False
        for t in tokens:
            if t.kind in _HARD_KINDS:
                return True
            if t.kind == "WORD" and t.value in _TEMPORAL_WORDS:
                return True
            if t.kind == "ORDW" and isinstance(t.text, str) and t.text in ("i", "ii", "iii", "iv"):
                return True
        # "в течение года", "весь год", "каждый месяц": a period word after a quantifier.
        words = {t.value for t in tokens if t.kind == "WORD"}
        if Word.WHOLE in words and any(t.text.startswith("период") for t in tokens):
            return True  # «весь период»
        return bool(words & _QUANTIFIERS) and bool(words & _PERIODS)

    def _month_unnamed(self, tokens: list[Tok]) -> bool:
        """«в течение месяца», «в конце месяца», «1 неделя», «последняя декада»: a time inside a month the text
        does not name. Honest answer: no date, with a warning (in a Word table a month heading above the row is
        what dated it: `import` puts that month in)."""
        if len(tokens) > 5:
            return False
        words = [t for t in tokens if not (t.kind == "WORD" and t.value in _LEADING)]
        example = None
        if (
            len(words) == 2
            and words[0].kind == "WORD"
            and words[0].value in _RELATIVE
            and words[1].kind == "WORD"
            and words[1].value in (Word.MONTH, Word.WEEK)
        ):
            phrase = {Word.DURING: "в течение", Word.START: "в начале", Word.MIDDLE: "в середине"}
            example = f"{phrase.get(words[0].value, 'в конце')} октября"  # «в течение месяца»
            which = "какого месяца" if words[1].value is Word.MONTH else "какой недели"
        elif (
            len(words) in (2, 3)
            and words[0].kind in NUMBER_KINDS
            and words[1].kind == "WORD"
            and words[1].value in (Word.WEEK, Word.DECADE, Word.HALF)
            and all(t.kind == "WORD" and t.value is Word.MONTH for t in words[2:])
        ):
            example = f"{words[0].text} {words[1].text} октября"  # «1 неделя», «последняя декада месяца»
            which = "какого месяца"
        else:
            days = [
                t
                for t in words
                if t.kind not in ("WDAY", "WCHECK") and not (t.kind == "WORD" and t.value is Word.NUMBER)
            ]
            if _bare_days(days):  # «15», «20-25», «1 (суббота)», «15 числа»: days of a month not named
                example = f"{' '.join(t.text for t in days)} октября".replace(" - ", "-")
                which = "какого месяца"
        if example is None:
            return False
        self.month_unnamed = True
        self.warnings.append(
            f"«{' '.join(self.text.split())}»: не сказано, {which} — пункт без даты; напишите, например, «{example}»"
        )
        return True

    def _error(self, detail: str | None) -> DateError:
        text = " ".join(self.text.split())
        message = f"не удалось прочитать дату «{text}»"
        if detail:
            message = f"{message}: {detail}"
        return DateError(
            message,
            expression=self.text,
            hint="Запишите дату одним из способов из docs/dates.md, например «19.09», «до 1 октября», "
            "«октябрь», «12-16 ноября», «по средам», «в течение года», «по плану».",
        )

    def _unwrap_parentheses(self, tokens: list[Tok]) -> list[Tok]:
        """Parenthesised notes: a weekday is checked later, dates are read, anything else is a remark."""
        out: list[Tok] = []
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.kind == "PUNCT" and t.value == "(":
                j = i + 1
                while j < len(tokens) and not (tokens[j].kind == "PUNCT" and tokens[j].value == ")"):
                    j += 1
                inner = [x for x in tokens[i + 1 : j] if not (x.kind == "PUNCT" and x.value == ",")]
                if len(inner) == 1 and inner[0].kind == "WDAY":
                    out.append(Tok("WCHECK", inner[0].value, inner[0].text))
                elif any(x.kind in _HARD_KINDS for x in inner) or _except_holidays_at(inner) == 0:
                    out.extend(tokens[i + 1 : j])  # a date, or «(кроме каникул)» after a repetition
                else:  # a remark such as "(по согласованию)": no date in it, but shown
                    self.rest.extend(tokens[i + 1 : j])
                i = j + 1
                continue
            if t.kind == "PUNCT" and t.value == ")":
                i += 1
                continue
            out.append(t)
            i += 1
        return out

    def _split(self, tokens: list[Tok]) -> list[list[Tok]]:
        parts: list[list[Tok]] = [[]]
        for i, t in enumerate(tokens):
            if t.kind == "NL" and _continues(tokens, i):
                continue  # a line break inside a range: "12-\n16 ноября", "с 12\nпо 16 ноября"
            if (
                (t.kind == "PUNCT" and t.value in _SEPARATORS)
                or t.kind == "NL"
                or (t.kind == "WORD" and t.value is Word.AND)
            ):
                if parts[-1]:
                    parts.append([])
                continue
            parts[-1].append(t)
        parts = [p for p in parts if p]
        return self._join_parts(parts) if len(parts) > 1 else parts

    def _join_parts(self, parts: list[list[Tok]]) -> list[list[Tok]]:
        """Parts that only make sense with their neighbour are joined to it (the passes of ``_JOINS``, in order)."""
        for join in _JOINS:
            parts = [p for p in join(parts) if p]
        return parts

    def _read_part_into(self, part: list[Tok], whens: list[When]) -> None:
        # A part that is only a time or a weekday completes the day before it.
        previous = whens[-1] if whens else None
        if isinstance(previous, Day | Recurring) and (not isinstance(previous, Recurring) or previous.each is Each.DAY):
            tail = TokStream(part)
            times = self._time_range(tail)
            if times is not None and tail.done() and previous.time is None:
                whens[-1] = replace(previous, time=times[0], end_time=times[1])
                return
        if len(part) == 1 and part[0].kind in ("WDAY", "WCHECK"):
            if isinstance(previous, Day):
                self._check_weekday(previous.date, part[0].value, part[0].text)
                return
            if isinstance(previous, Recurring) and previous.rule and "BYDAY=" in previous.rule:
                code = RRULE_DAYS[part[0].value]
                if previous.rule.count(";") == 1 and "BYDAY=" in previous.rule and previous.each is Each.DAY:
                    whens[-1] = replace(previous, rule=f"{previous.rule},{code}")
                    return
        whens.append(self._part(TokStream(part)))

    # ----------------------------------------------------------------- one part
    def _part(self, s: TokStream) -> When:
        # Leading words that add nothing: "в", "на", "в срок", "срок", "дата проведения".
        s.skip(_LEADING)
        if s.done():
            raise NoMatch()
        last = s.tokens[-1]
        if last.kind == "WORD" and last.value is Word.YEARLY and len(s.tokens) - s.pos > 1:
            s.tokens = s.tokens[:-1]  # «май ежегодно»: in a plan for one year, that month of this year
        holidays_at = _except_holidays_at(s.tokens)
        if holidays_at is not None and holidays_at > s.pos:  # «по средам, кроме каникул»
            s.tokens = s.tokens[:holidays_at]
            return self._except_holidays(self._part(s))
        led = self._led_by_first(s, s.tokens[s.pos])
        if led is not None:
            return led
        # The other readers, most specific first: a holiday word before a term («в каникулы» is every holiday,
        # «осенние каникулы» one term), edges before terms («конец I четверти»), repetitions before days
        # («2-я среда каждого месяца» starts with a number), throughout-the-year before terms.
        for reader in (self._every_holiday, self._edge_of_period, self._recurrence, self._ongoing, self._term_alone):
            found = reader(s)
            if found is not None:
                return found
        return self._point_or_range(s)

    def _led_by_first(self, s: TokStream, first: Tok) -> When | None:
        """Shapes their first token announces: a weekday or «накануне» before a day, a calendar quarter, a day or
        month, «до»/«к»/«не позднее», «в течение», «с … по»."""
        if first.kind == "WDAY" and len(s.tokens) - s.pos > 1 and s.tokens[s.pos + 1].kind in ("DOT", "NUM"):
            s.next()  # «ЧТ. 17 октября», «пятница 13.03»
            when = self._point_or_range(s)
            if not isinstance(when, Day):
                raise NoMatch(f"день недели «{first.text}» стоит перед периодом, а не перед днём")
            self._check_weekday(when.date, first.value, first.text)
            return when
        quarter = self._calendar_quarter(s)
        if quarter is not None:
            return quarter
        if first.kind in ("DOT", "MONTH") or (first.kind == "NUM" and _next_is_month(s)):
            return self._point_or_range(s)  # «19.09», «октябрь», «5 сентября»: no other shape starts so
        if first.kind != "WORD":
            return None
        word = first.value
        if word is Word.EVE:
            s.next()
            return self._eve(s)
        if word is Word.UNTIL or word is Word.BY:
            s.next()
            return self._deadline(s, inclusive=self.until_inclusive)
        if word is Word.NOT and s.peek_word(Word.LATER, 1):
            s.pos += 2
            return self._deadline(s, inclusive=True)
        if word is Word.DURING:
            holidays = self._every_holiday(s)  # «во время каникул»
            if holidays is not None:
                return holidays
            s.next()
            return self._period(s, during=True)
        if word is Word.FROM and not _next_is(s, "WDAY"):  # «с понедельника по пятницу» is a recurrence
            s.next()
            return self._from_range(s)
        return None

    def _eve(self, s: TokStream) -> Span:
        """After «накануне»: a day; the days just before it."""
        eve = self._point_or_range(s)
        if not isinstance(eve, Day):
            raise NoMatch("после «накануне» ожидается день, например «накануне 23 февраля»")
        a, b = eve.date - timedelta(days=EVE_DAYS), eve.date - timedelta(days=1)
        self.warnings.append(f"«накануне»: взяты {EVE_DAYS} дня перед {_ru_date(eve.date)} ({day_range(a, b)})")
        return Span(a, b, SpanShape.DAYS)

    def _except_holidays(self, when: When) -> Recurring:
        """«по средам, кроме каникул»: the repetition skips the school holidays even without ``terms:``."""
        if not isinstance(when, Recurring) or when.rule is None or when.each is not Each.DAY:
            raise NoMatch("«кроме каникул» относится к повторению по дням, например «по средам, кроме каникул»")
        if not any(t.kind is TermKind.HOLIDAY for t in self.year.terms):
            self.warnings.append(
                "«кроме каникул»: сроки каникул в плане не указаны, взяты приблизительные — укажите их в "
                "разделе terms: плана"
            )
        return replace(when, skip_holidays=True)

    def _term_alone(self, s: TokStream) -> Span | None:
        """A term and nothing else («I четверть», «1 полугодие 2009-2010 уч. года»)."""
        term = self._term(s)
        if term is not None:
            self._named_school_year(s)  # the plan's year, said again
            s.expect_done()
        return term

    def _calendar_quarter(self, s: TokStream) -> Span | None:
        """«I квартал», «1 кв. 2017 г.», «1-4 квартал»: quarters of the calendar year (three months each)."""
        t = s.peek()
        if t is None or t.kind not in NUMBER_KINDS or not isinstance(t.value, int):
            return None
        last_t, word_at = t, 1
        dash = s.peek(1)
        if dash is not None and dash.kind == "PUNCT" and dash.value == "-":
            last_t, word_at = s.peek(2) or t, 3
        word = s.peek(word_at)
        if word is None or word.kind != "WORD" or word.value is not Word.CAL_QUARTER:
            return None
        a, b = t.value, last_t.value
        if not (isinstance(b, int) and 1 <= a <= b <= 4):
            raise NoMatch("кварталов в году четыре")
        s.pos += word_at + 1
        y = self._year_after(s)
        s.expect_done()
        start = self._month_point(3 * a - 2, y)
        end_year = start.first.year  # quarters count in the calendar year of the first one
        end_month = 3 * b
        end = _Point(
            date(end_year, end_month, 1),
            date(end_year, end_month, calendar.monthrange(end_year, end_month)[1]),
            True,
            y is not None,
            end_month,
        )
        span = self._span(start, end)
        label = f"{a}–{b} кварталы" if a != b else f"{a} квартал"
        return Span(span.start, span.end, SpanShape.MONTHS, label)

    # ----------------------------------------------------------------- deadlines
    def _deadline(self, s: TokStream, *, inclusive: bool) -> Deadline | Recurring:
        s.skip(_FILLER)
        monthly = self._monthly_due(s, self._school_year(), inclusive=inclusive, monthly=False)
        if monthly is not None:  # «до 5 числа каждого месяца»
            return monthly
        if s.peek_word(Word.END) or s.peek_word(Word.START):
            edge = s.next().value
            period = self._period(s, during=False)
            first, last = _bounds(period)
            due = last if edge is Word.END else first - timedelta(days=1)
            return Deadline(due)
        term = self._term(s)
        if term is not None:
            s.expect_done()
            due = term.end if inclusive else term.start - timedelta(days=1)
            return Deadline(due)
        point = self._point(s)
        if point is None:
            raise NoMatch("после «до» ожидается дата, например «до 1 октября» или «до конца сентября»")
        self._day_tail(s, point)
        s.expect_done()
        due = point.last if inclusive else point.first - timedelta(days=1)
        return Deadline(due)

    # ----------------------------------------------------------------- "с ... по ..."
    def _from_range(self, s: TokStream) -> When:
        start = self._point(s, allow_bare_day=True)
        if start is None:
            raise NoMatch("после «с» ожидается дата")
        if start.is_month is False:
            self._day_tail(s, start)
        if s.done():
            if start.first.year == 1:  # bare day "с 20" with no month
                raise NoMatch("не указан месяц")
            _, last_day = self.year.school_span()
            if start.first > last_day:  # "с 1 июня": a summer start runs to the academic year's last day
                last_day = self.year.end
            if start.first > last_day:
                raise NoMatch("начало позже конца учебного года")
            self.warnings.append(f"конец не указан: считается до конца учебного года ({_ru_date(last_day)})")
            return Span(start.first, last_day, SpanShape.OPEN)
        if not (s.word(Word.TO) or s.word(Word.UNTIL) or s.punct("-")):
            raise NoMatch("после начала ожидается «по …» или «до …»")
        return self._range_end(s, start)

    def _range_end(self, s: TokStream, start: _Point) -> Span:
        """After «-», «по» or «до»: the end of a range, then nothing more."""
        s.punct("-")  # «с 28.01. по-31.01.»
        end = self._point(s)
        if end is None:
            raise NoMatch("не указан конец периода")
        if not end.is_month:
            self._day_tail(s, end)
        s.expect_done()
        return self._span(start, end)

    # ----------------------------------------------------------------- periods
    def _period(self, s: TokStream, *, during: bool) -> When:
        """After "в течение" / "до конца": a month, a term, or the (school) year."""
        s.skip(_WHOLE_FILLER)
        if self._named_school_year(s):
            return self._whole_year()
        t = s.peek()
        if t is not None and t.kind == "NUM" and 1900 <= t.value <= 2200 and s.peek_word(Word.YEAR, 1):
            s.pos += 2  # «в течение 2010 года»: that calendar year
            s.expect_done()
            start, end = self._month_point(1, t.value), self._month_point(12, t.value)
            return Span(start.first, end.last, SpanShape.MONTHS, f"{t.value} год")
        if s.word(Word.CALENDAR):  # «в течение календарного года» in a plan for a school year
            if not s.word(Word.YEAR):
                raise NoMatch("ожидается «календарного года»")
            s.expect_done()
            self.warnings.append("«календарный год» прочитан как учебный год плана — проверьте")
            return self._whole_year()
        if s.word(Word.SCHOOL) or s.peek_word(Word.YEAR):
            if s.word(Word.YEAR):
                s.word(Word.SCHOOL)
                s.expect_done()
                return self._whole_year()
            raise NoMatch("ожидается «года»")
        term = self._term(s)
        if term is not None:
            s.expect_done()
            return term
        if during and s.done() and s.tokens[s.pos - 1].text.startswith("период"):
            return self._whole_year()  # «в течение всего периода»: the plan's whole period
        point = self._point(s)
        if point is None or not point.is_month:
            if during:
                raise NoMatch("после «в течение» ожидается месяц, четверть или «года»")
            raise NoMatch("ожидается месяц, четверть или «года»")
        last = point
        if s.punct("-") or s.word(Word.TO):
            last = self._point(s) or point
        s.expect_done()
        return self._span(point, last)

    # ----------------------------------------------------------------- days, months, ranges
    def _point_or_range(self, s: TokStream) -> When:
        t, dash, month = s.peek(), s.peek(1), s.peek(2)
        if (
            t is not None
            and t.kind == "NUM"
            and dash is not None
            and dash.kind == "PUNCT"
            and dash.value == "-"
            and month is not None
            and month.kind == "MONTH"
        ):
            s.tokens = [t, *s.tokens[s.pos + 2 :]]  # "5-сентября" is "5 сентября"
            s.pos = 0
        start = self._point(s, allow_bare_day=True)
        if start is None:
            t = s.peek()
            what = f"«{t.text}»" if t is not None else "конец строки"
            raise NoMatch(f"непонятно {what}")
        if not start.is_month and start.first.year != 1:
            day_tail = self._day_tail(s, start)
            if s.done():
                return day_tail
        if s.punct("-") or s.word(Word.TO) or s.word(Word.UNTIL):
            return self._range_end(s, start)
        if start.first.year == 1:
            raise NoMatch(f"у числа {start.first.day} не указан месяц")
        s.expect_done()
        if start.is_month:
            if start.label:
                return Span(start.first, start.last, SpanShape.MONTH_PART, start.label)
            return Span(start.first, start.last, SpanShape.MONTH)
        return Day(start.first)  # pragma: no cover - handled by _day_tail above

    def _span(self, start: _Point, end: _Point) -> Span:
        if start.first.year == 1:  # "12-16 ноября": the bare day takes the end's month
            start = self._make_day(start.first.day, end.month, end.first.year, end.explicit_year, inherited=True)
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
            self.warnings.append(f"период через лето: прочитан как {day_range(first, last)} — проверьте")
        if first > last:
            raise NoMatch(f"начало периода ({_ru_date(first)}) позже конца ({_ru_date(last)})")
        if start.is_month and end.is_month and not start.label and not end.label:
            if start.first.month == end.first.month and first.year == last.year:
                return Span(first, last, SpanShape.MONTH)
            return Span(first, last, SpanShape.MONTHS)
        return Span(first, last, SpanShape.DAYS)

    def _point(self, s: TokStream, *, allow_bare_day: bool = False) -> _Point | None:
        """A day ("19.09", "5 сентября 2019"), a month ("октябрь 2019"), or part of a month ("начало мая")."""
        s.skip(_FILLER_IN)
        nxt = s.peek(1)
        if s.peek_word(Word.WHOLE) and nxt is not None and nxt.kind == "MONTH":  # "весь октябрь"
            s.next()
        t = s.peek()
        if t is None:
            return None
        if t.kind == "DOT":
            s.next()
            d, m, y = t.value
            if y is None:
                y = self._year_after(s)
            else:
                s.word(Word.YEAR)  # «01.09.2024 г.»
            return self._make_day(d, m, y if y is not None else self.year.year_of(m), y is not None)
        if t.kind == "NUM":
            nxt = s.peek(1)
            if nxt is not None and nxt.kind == "MONTH":
                s.pos += 2
                y = self._year_after(s)
                m = nxt.value
                return self._make_day(t.value, m, y if y is not None else self.year.year_of(m), y is not None)
            if nxt is not None and nxt.kind == "WORD" and nxt.value in (Word.HALF, Word.DECADE, Word.WEEK):
                s.pos += 2  # «2 неделя апреля»
                return self._month_part(s, t, nxt)
            if allow_bare_day and 1 <= t.value <= 31:
                s.next()
                return _Point(date(1, 1, t.value), date(1, 1, t.value), False, False, 0)
            return None
        if t.kind == "MONTH":
            s.next()
            return self._month_point(t.value, self._year_after(s))
        if t.kind == "WORD" and t.value in PART_WORDS:
            s.next()
            return self._month_part(s, t)
        if t.kind in ("ORD", "ORDW") and isinstance(t.value, int):
            nxt = s.peek(1)
            if nxt is not None and nxt.kind == "WORD" and nxt.value in (Word.HALF, Word.DECADE, Word.WEEK):
                s.pos += 2
                return self._month_part(s, t, nxt)
        return None

    def _month_point(self, month: int, y: int | None, label: str | None = None) -> _Point:
        year = y if y is not None else self.year.year_of(month)
        self._check_year(year, y is not None, month)
        last = calendar.monthrange(year, month)[1]
        return _Point(date(year, month, 1), date(year, month, last), True, y is not None, month, label)

    def _month_part(self, s: TokStream, first: Tok, unit: Tok | None = None) -> _Point:
        t = s.peek()
        if t is None or t.kind != "MONTH":
            raise NoMatch(f"после «{first.text}» ожидается месяц, например «{first.text} октября»")
        s.next()
        month = t.value
        whole = self._month_point(month, self._year_after(s))
        last_day = whole.last.day
        # From the lexicon: a corrected typo or a nominative («апрель, 2 неделя») is not shown in the label.
        genitive = self.lex.month_genitives[month]
        if unit is None:
            word = first.value
            ranges = {Word.START: (1, 10), Word.MIDDLE: (11, 20), Word.END: (21, last_day)}
            a, b = ranges[word]
            label = f"{PART_WORDS[word]} {genitive}"
        else:
            n = first.value
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
        return _Point(date(y, m, a), date(y, m, b), True, whole.explicit_year, m, label)

    def _year_after(self, s: TokStream) -> int | None:
        t = s.peek()
        if t is not None and t.kind == "NUM" and 1900 <= t.value <= 2200:
            s.next()
            s.word(Word.YEAR)
            return int(t.value)
        if t is not None and t.kind == "NUM" and len(t.text) == 2 and s.peek_word(Word.YEAR, 1):
            s.pos += 2  # «05.01. 23г»
            return 2000 + int(t.value)
        return None

    def _make_day(self, d: int, m: int, y: int, explicit: bool, *, inherited: bool = False) -> _Point:
        if not 1 <= m <= 12:
            raise NoMatch(f"месяца с номером {m} нет")
        last = calendar.monthrange(y, m)[1]
        if not 1 <= d <= last:
            month = self.lex.month_names[m]
            raise DateError(
                f"«{' '.join(self.text.split())}»: даты {d} {self.lex.month_genitives[m]} {y} не бывает — "
                f"в {prepositional(month)} {y} года {last} {plural(last, 'день', 'дня', 'дней')}",
                expression=self.text,
                hint="Исправьте число.",
            )
        if not inherited:
            self._check_year(y, explicit, m)
        return _Point(date(y, m, d), date(y, m, d), False, explicit, m)

    def _check_year(self, y: int, explicit: bool, month: int | None = None) -> None:
        if not explicit:
            return
        if y not in (self.year.first, self.year.second):
            self.warnings.append(f"год {y} не входит в учебный год {self.year.name}")
        elif month is not None and (
            (y == self.year.first and month < 9) or (y == self.year.second and month > 9)
        ):  # «19.01.2014» in a plan for 2014-2015 (September after it is allowed: «до 1 сентября 2020»)
            self.warnings.append(
                f"{self.lex.month_names[month]} {y} года — вне учебного года {self.year.name} "
                f"(сентябрь {self.year.first} – август {self.year.second}): проверьте год"
            )

    def _day_tail(self, s: TokStream, point: _Point) -> Day:
        """After a day: an optional weekday to check, then an optional time or time range."""
        wday = s.peek()
        if wday is not None and wday.kind in ("WDAY", "WCHECK"):
            s.next()
            self._check_weekday(point.first, wday.value, wday.text)
        times = self._time_range(s, after_day=True)
        wday = s.peek()
        if wday is not None and wday.kind in ("WDAY", "WCHECK"):
            s.next()
            self._check_weekday(point.first, wday.value, wday.text)
        if times is None:
            return Day(point.first)
        return Day(point.first, times[0], times[1])

    def _time_range(self, s: TokStream, *, after_day: bool = False) -> tuple[time, time | None] | None:
        """A time or a time range: «14:00», «в 15.00», «11.00-13.00», «с 10.00 до 13.00», «с 9 до 15 ч»,
        «11-30-13-30»; after a day also «- 16.00» («22.12-16.00»)."""
        save = s.pos
        if after_day:
            dash, nxt = s.peek(), s.peek(1)
            if (
                dash is not None
                and dash.kind == "PUNCT"
                and dash.value == "-"
                and nxt is not None
                and nxt.kind == "TIME"
            ):
                s.next()
        since = s.word(Word.FROM)
        if since and _hours_range(s):  # «с 9 до 15», «с 10 до 15 часов»
            a, b = s.next().value, s.peek(1)
            s.next()
            assert b is not None
            s.next()
            s.word(Word.HOUR)
            return time(a), time(b.value)
        start = self._clock(s, context=after_day or since)
        if start is None:
            s.pos = save
            return None
        mark = s.pos
        if s.punct("-") or s.word(Word.UNTIL) or s.word(Word.TO):
            end = self._clock(s, context=True)
            if end is not None:
                return start, end
            s.pos = mark
        return start, None

    def _time(self, s: TokStream) -> time | None:
        """A time alone (no range), as after «по средам»."""
        times = self._time_range(s)
        return None if times is None else times[0]

    def _clock(self, s: TokStream, *, context: bool) -> time | None:
        """«14:00», «в 14.00», «15.00ч», «в 14 ч», «в 14-00»; in the context of a day also «14-30»."""
        save = s.pos
        had_in = s.word(Word.IN) or context
        t = s.peek()
        if t is None:
            s.pos = save
            return None
        hm: tuple[int, int] | None = None
        if t.kind == "TIME":
            hm = t.value
            s.next()
        elif t.kind == "DOT" and t.value[2] is None:
            h, m, _ = t.value
            nxt = s.peek(1)
            hour_word = nxt is not None and nxt.kind == "WORD" and nxt.value is Word.HOUR
            if (had_in and not context) or hour_word:
                hm = (h, m)
                s.next()
        elif t.kind == "NUM":
            nxt = s.peek(1)
            if nxt is not None and nxt.kind == "WORD" and nxt.value is Word.HOUR:
                hm = (t.value, 0)
                s.next()
            elif had_in and nxt is not None and nxt.kind == "PUNCT" and nxt.value == "-":
                after = s.peek(2)
                minutes = after is not None and after.kind == "NUM" and len(after.text) == 2 and after.value < 60
                if minutes and after is not None and t.value <= 23 and not _next_is_month_at(s, 3):
                    hm = (t.value, after.value)
                    s.pos += 3
        if hm is None:
            s.pos = save
            return None
        s.word(Word.HOUR)
        h, m = hm
        if not (0 <= h <= 23 and 0 <= m <= 59):
            raise NoMatch(f"время {h}:{m:02d} невозможно")
        return time(h, m)

    def _check_weekday(self, day: date, weekday: int, written: str) -> None:
        if day.weekday() != weekday:
            actual = self.lex.weekday_names[day.weekday()]
            self.warnings.append(
                f"{_ru_date(day)} — {actual}, а в плане указано «{written}»: проверьте число или день недели"
            )


# --------------------------------------------------------------------- joining parts
# Each pass takes a cell's parts and returns them with some joined (an emptied part is dropped after the pass).
Parts = list[list[Tok]]


def _repetition_and_its_when(parts: Parts) -> Parts:
    """«ежемесячно, до 5 числа», «ежедневно, кроме выходных»: the rest belongs to the repetition before it."""
    for i in range(len(parts) - 1):
        first, rest = parts[i], parts[i + 1]
        monthly = _only_word(first, Word.MONTHLY) and _says_when(rest)
        daily = _only_word(first, Word.DAILY) and rest[0].kind == "WORD" and rest[0].value is Word.EXCEPT
        if monthly or daily:
            parts[i], parts[i + 1] = [], [*first, *rest]
    return parts


def _year_to_part_before(parts: Parts) -> Parts:
    """«Ноябрь, 2023», «Апрель\n2007 года»: a year alone belongs to the part before it."""
    for i in range(len(parts) - 1, 0, -1):
        year = parts[i]
        alone = year[0].kind == "NUM" and 1900 <= year[0].value <= 2200
        if alone and all(t.kind == "WORD" and t.value is Word.YEAR for t in year[1:]):
            parts[i - 1], parts[i] = [*parts[i - 1], *year], []
    return parts


def _exception_to_repetition(parts: Parts) -> Parts:
    """«по средам, кроме каникул»: the exception belongs to the repetition before it."""
    for i in range(len(parts) - 1, 0, -1):
        if parts[i][0].kind == "WORD" and parts[i][0].value is Word.EXCEPT and _except_holidays_at(parts[i]) == 0:
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
        if len(wday) == 1 and wday[0].kind == "WDAY" and day[0].kind in ("DOT", "NUM"):
            parts[i], parts[i + 1] = [], [*wday, *day]
    return parts


def _unit_takes_month(parts: Parts) -> Parts:
    """«апрель, 2 неделя»: a week, decade or half without a month takes the month before it."""
    for i in range(len(parts) - 1):
        month, unit = parts[i], parts[i + 1]
        if (
            month[0].kind == "MONTH"
            and all(t.kind in ("MONTH", "NUM", "WORD") for t in month)
            and len(unit) == 2
            and unit[0].kind in NUMBER_KINDS
            and unit[1].kind == "WORD"
            and unit[1].value in (Word.WEEK, Word.DECADE, Word.HALF)
        ):
            parts[i], parts[i + 1] = [], [*unit, *month]
    return parts


def _number_borrows_unit(parts: Parts) -> Parts:
    """«12, 13 ноября», «5 и 6 мая»: a bare day borrows the month (and year) of the next part; «1, 2 неделя
    декабря», «I и III четверть», «1 и 3 четверг месяца»: a bare number borrows what the next number counts."""
    for i in range(len(parts) - 2, -1, -1):
        part, nxt = parts[i], parts[i + 1]
        if not (len(part) == 1 and part[0].kind in NUMBER_KINDS and isinstance(part[0].value, int)):
            continue
        if len(nxt) < 2 or nxt[0].kind not in NUMBER_KINDS:
            continue
        counted = nxt[1]
        day_of_month = part[0].kind == "NUM" and 1 <= part[0].value <= 31 and counted.kind == "MONTH"
        if day_of_month or counted.kind == "WDAY" or (counted.kind == "WORD" and counted.value in _COUNTED):
            parts[i] = part + nxt[1:]
    return parts


_JOINS = (
    _repetition_and_its_when,
    _year_to_part_before,
    _exception_to_repetition,
    _drop_yearly,
    _weekday_to_its_day,
    _unit_takes_month,
    _number_borrows_unit,
)


# --------------------------------------------------------------------- helpers
def _only_word(part: list[Tok], word: Word) -> bool:
    return len(part) == 1 and part[0].kind == "WORD" and part[0].value is word


def _temporal(tokens: list[Tok]) -> bool:
    """Whether a run of tokens holds anything that can say when (without side effects)."""
    for t in tokens:
        if t.kind in _HARD_KINDS or t.kind == "WCHECK":
            return True
        if t.kind == "WORD" and (t.value in _TEMPORAL_WORDS or t.value in _QUANTIFIERS or t.value in _PERIODS):
            return True
        if t.kind == "ORDW":
            return True
    return False


_RANGE_WORDS = frozenset({Word.FROM, Word.TO, Word.UNTIL, Word.BY, Word.NOT, Word.LATER})


def _after_words(part: list[Tok], read: list[bool], i: int) -> bool:
    """Whether the token at ``i`` follows left-over words (across punctuation, «в» and other numbers)."""
    j = i - 1
    while j >= 0 and not read[j]:
        t = part[j]
        if t.kind == "UNK":
            return True
        if not (t.kind in ("PUNCT", "NUM") or (t.kind == "WORD" and t.value in (Word.IN, Word.FILLER))):
            return False
        j -= 1
    return False


def _is_period_word(t: Tok) -> bool:
    return t.value in _TEMPORAL_WORDS or t.value in _QUANTIFIERS or t.value in _PERIODS


def _leftover_is_safe(part: list[Tok], read: list[bool], *, dated: bool, years: bool = True) -> bool:
    """Whether the tokens of ``part`` not ``read`` are only words, counts of something else and years.

    Unsafe: a month, a dotted date or a weekday left over; a number that is not a count («3 урок», «7 дней») nor a
    year; «с», «по», «до» just before a date that was read, or a dash between two dates that were read (the
    range did not read); a word of time («середина», «каникулы») unless the cell writes its dates explicitly."""
    n = len(part)
    for i, t in enumerate(part):
        if read[i]:
            continue
        kind = t.kind
        if kind in ("DOT", "MONTH", "WDAY", "WCHECK"):
            return False
        if kind in ("NUM", "ORD", "ORDW"):
            if years and kind == "NUM" and 1900 <= t.value <= 2200:
                continue
            if _after_words(part, read, i):
                continue  # «Бай-Хаакская, 2», «школа N 5», «(при приеме в 1, 10 класс)»: a number of the words
            j = i + 1
            while j < n and not read[j] and part[j].kind in ("NUM", "ORD", "PUNCT"):
                j += 1  # «5-7 классы», «1-9, 11 кл.»
            if j >= n or read[j]:
                return False
            counted = part[j]
            if not (
                counted.kind == "UNK"
                or (counted.kind == "WORD" and counted.value in (Word.DAYS, Word.HOUR))  # «(7 дней)»
                or (dated and counted.kind == "WORD" and _is_period_word(counted))  # «I четверть: 01.09–28.10»
            ):
                return False
        elif kind == "WORD":
            if t.value in _RANGE_WORDS and i + 1 < n and read[i + 1]:
                return False
            if not dated and t.value is not Word.YEAR and _is_period_word(t):
                return False
        elif kind == "PUNCT" and t.value == "-" and 0 < i < n - 1 and read[i - 1] and read[i + 1]:
            return False
    return True


def _clock_text(times: tuple[time, time | None]) -> str:
    start, end = times
    return f"{start:%H:%M}–{end:%H:%M}" if end is not None else f"{start:%H:%M}"


def describe_parts(whens: list[When]) -> str:
    """The pieces a cell was read as, for a warning: «12 декабря 2019; 13 января 2020»."""
    return "; ".join(f"«{describe(w)}»" for w in whens)


def _bare_days(tokens: list[Tok]) -> bool:
    """«15», «20-25»: a day or a range of days, nothing else."""
    if len(tokens) == 1:
        return tokens[0].kind == "NUM" and 1 <= tokens[0].value <= 31
    if len(tokens) == 3 and tokens[1].kind == "PUNCT" and tokens[1].value == "-":
        a, b = tokens[0], tokens[2]
        return a.kind == "NUM" and b.kind == "NUM" and 1 <= a.value < b.value <= 31
    return False


def _except_holidays_at(tokens: list[Tok]) -> int | None:
    """Where «кроме (дней) каникул» starts at the end of a part, if it does."""
    n = len(tokens)
    for i in range(n - 1, -1, -1):
        t = tokens[i]
        if t.kind == "WORD" and t.value is Word.EXCEPT:
            rest = [
                x for x in tokens[i + 1 :] if not (x.kind == "WORD" and x.value in (Word.IN, Word.DAYS, Word.FILLER))
            ]
            return i if len(rest) == 1 and rest[0].kind == "WORD" and rest[0].value is Word.HOLIDAYS else None
    return None


def _next_is_month_at(s: TokStream, ahead: int) -> bool:
    t = s.peek(ahead)
    return t is not None and t.kind == "MONTH"


def _hours_range(s: TokStream) -> bool:
    """«9 до 15» after «с»: whole hours of a day."""
    a, until, b = s.peek(), s.peek(1), s.peek(2)
    return (
        a is not None
        and a.kind == "NUM"
        and a.value <= 23
        and until is not None
        and until.kind == "WORD"
        and until.value is Word.UNTIL
        and b is not None
        and b.kind == "NUM"
        and a.value < b.value <= 23
        and not _next_is_month_at(s, 3)
    )


def _next_is_month(s: TokStream) -> bool:
    return _next_is(s, "MONTH")


def _next_is(s: TokStream, kind: str) -> bool:
    t = s.peek(1)
    return t is not None and t.kind == kind


def _says_when(part: list[Tok]) -> bool:
    """After «ежемесячно,»: «до 5 числа», «в конце месяца», «последняя неделя» — when in each month."""
    i = 1 if part[0].kind == "WORD" and part[0].value is Word.IN else 0
    if i >= len(part):
        return False
    t = part[i]
    if t.kind == "WORD" and t.value in (Word.UNTIL, Word.BY, Word.NOT, Word.START, Word.MIDDLE, Word.END):
        return True
    unit = part[i + 1] if i + 1 < len(part) else None
    if t.kind in NUMBER_KINDS and unit is not None and unit.kind == "WDAY":
        return True  # «ежемесячно, последняя пятница»
    return (
        t.kind in NUMBER_KINDS
        and unit is not None
        and unit.kind == "WORD"
        and unit.value in (Word.HALF, Word.DECADE, Word.WEEK)
    )


def _continues(tokens: list[Tok], i: int) -> bool:
    """Whether the line break at ``i`` sits inside a range rather than between two parts."""
    before = next((t for t in reversed(tokens[:i]) if t.kind != "NL"), None)
    after = next((t for t in tokens[i + 1 :] if t.kind != "NL"), None)
    if before is None or after is None:
        return False
    if before.kind in ("ORD", "ORDW") or (before.kind == "WORD" and before.value in _NEEDS_MORE):
        return True  # "1-я неделя\nноября", "до\n1 октября"
    if before.kind == "PUNCT" and before.value == "-":
        return True
    if before.kind == "NUM" and after.kind == "MONTH":
        return True  # "10-13\nоктября": the month of the days above
    if before.kind in ("MONTH", "DOT") and after.kind == "NUM" and 1900 <= after.value <= 2200:
        return True  # "Апрель\n2007": the year of the month above
    return (after.kind == "PUNCT" and after.value == "-") or (
        after.kind == "WORD" and after.value in (Word.TO, Word.UNTIL)
    )


def _bounds(when: When) -> tuple[date, date]:
    occ = when.occurrences()
    return min(a for a, _ in occ), max(b for _, b in occ)


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)
