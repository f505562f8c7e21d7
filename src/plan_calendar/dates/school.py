"""The school's calendar: the academic year, its terms and holidays.

The year of a date without one comes from the academic year: September to December are in the first
calendar year, January to August in the second. Terms come from the plan's ``terms:``; where the plan gives
none, :data:`APPROXIMATE_TERMS` are used and every reading that relies on them says so.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import lru_cache

from plan_calendar.errors import DateError


class TermType(Enum):
    """The school periods a plan can name."""

    QUARTER = "quarter"  # четверть
    HALF = "half"  # полугодие
    HOLIDAY = "holiday"  # каникулы
    TRIMESTER = "trimester"  # триместр


class Season(Enum):
    """Holidays are named by season: осенние, зимние, весенние, летние каникулы."""

    AUTUMN = 1
    WINTER = 2
    SPRING = 3
    SUMMER = 4


@dataclass(frozen=True, slots=True)
class Term:
    """One school period: the 2nd quarter, the first half-year, the autumn holidays."""

    type: TermType
    number: int  # quarter/half/trimester number, or the Season value for holidays
    start: date
    end: date
    name: str
    approximate: bool = False


# (type, number, name, (start month, day), (end month, day)). Approximates the calendar most Russian schools
# follow (the federal recommendation since 2023-2024); the plan's ``terms:`` replaces it.
_APPROXIMATE: tuple[tuple[TermType, int, str, tuple[int, int], tuple[int, int]], ...] = (
    (TermType.QUARTER, 1, "I четверть", (9, 1), (10, 26)),
    (TermType.HOLIDAY, Season.AUTUMN.value, "осенние каникулы", (10, 27), (11, 4)),
    (TermType.QUARTER, 2, "II четверть", (11, 5), (12, 28)),
    (TermType.HOLIDAY, Season.WINTER.value, "зимние каникулы", (12, 29), (1, 8)),
    (TermType.QUARTER, 3, "III четверть", (1, 9), (3, 21)),
    (TermType.HOLIDAY, Season.SPRING.value, "весенние каникулы", (3, 22), (3, 30)),
    (TermType.QUARTER, 4, "IV четверть", (3, 31), (5, 26)),
    (TermType.HOLIDAY, Season.SUMMER.value, "летние каникулы", (5, 27), (8, 31)),
    (TermType.HALF, 1, "I полугодие", (9, 1), (12, 28)),
    (TermType.HALF, 2, "II полугодие", (1, 9), (5, 26)),
    (TermType.TRIMESTER, 1, "I триместр", (9, 1), (11, 30)),
    (TermType.TRIMESTER, 2, "II триместр", (12, 1), (2, 28)),
    (TermType.TRIMESTER, 3, "III триместр", (3, 1), (5, 26)),
)

APPROXIMATE_TERMS = tuple(name for _, _, name, _, _ in _APPROXIMATE)

_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[-–—/]\s*(\d{2}|\d{4})\s*$")


@dataclass(frozen=True, slots=True)
class AcademicYear:
    """An academic year, named by its first calendar year: ``AcademicYear(2019)`` is 2019-2020.

    ``school_end`` is the last day of the school year proper (recurrences and "в течение года" stop there);
    ``terms`` are the plan's own periods, if it gives them.
    """

    first: int
    terms: tuple[Term, ...] = ()
    school_end: date | None = None

    @classmethod
    def parse(cls, text: str) -> AcademicYear:
        """Read "2019-2020", "2019–2020", "2019/20"; the second year must follow the first."""
        match = _YEAR_RE.match(str(text))
        if not match:
            raise DateError(
                f"учебный год «{text}» записан непонятно",
                expression=str(text),
                hint="Пишите два года через дефис, например «2019-2020».",
            )
        first = int(match.group(1))
        second_text = match.group(2)
        second = int(second_text) if len(second_text) == 4 else first // 100 * 100 + int(second_text)
        if second != first + 1:
            raise DateError(
                f"учебный год «{text}»: второй год должен идти сразу за первым ({first}-{first + 1})",
                expression=str(text),
            )
        return cls(first)

    @property
    def second(self) -> int:
        return self.first + 1

    @property
    def name(self) -> str:
        return f"{self.first}-{self.second}"

    @property
    def start(self) -> date:
        """1 September of the first year."""
        return date(self.first, 9, 1)

    @property
    def end(self) -> date:
        """31 August of the second year: the academic year's last day, summer included."""
        return date(self.second, 8, 31)

    def year_of(self, month: int) -> int:
        """The calendar year a month without a year falls in.

        >>> AcademicYear(2019).year_of(10), AcademicYear(2019).year_of(3)
        (2019, 2020)
        """
        return self.first if month >= 9 else self.second

    def month_years(self) -> dict[int, int]:
        """The calendar year of each month, September–August."""
        return {month: self.year_of(month) for month in range(1, 13)}

    def school_span(self) -> tuple[date, date]:
        """From the first school day to the last: the plan's terms, or 1 September to 31 May."""
        return _school_span(self)

    def term(self, term_type: TermType, number: int) -> Term | None:
        """The plan's term of this type and number, else the approximation, else None."""
        for t in self.terms:
            if t.type is term_type and t.number == number:
                return t
        if term_type is TermType.HALF:
            derived = self._half_from_quarters(number)
            if derived is not None:
                return derived
        for k, n, name, (m1, d1), (m2, d2) in _APPROXIMATE:
            if k is term_type and n == number:
                start = date(self.year_of(m1), m1, d1)
                end = date(self.year_of(m2), m2, min(d2, calendar.monthrange(self.year_of(m2), m2)[1]))
                return Term(term_type, number, start, end, name, approximate=True)
        return None

    def terms_of(self, term_type: TermType) -> tuple[Term, ...]:
        """All terms of a type in order (the plan's own where it gives them)."""
        count = {TermType.QUARTER: 4, TermType.HOLIDAY: 4, TermType.TRIMESTER: 3}.get(term_type, 2)
        numbers = range(1, count + 1)
        found = [self.term(term_type, n) for n in numbers]
        return tuple(t for t in found if t is not None)

    def _half_from_quarters(self, number: int) -> Term | None:
        quarters = {t.number: t for t in self.terms if t.type is TermType.QUARTER}
        first, last = (1, 2) if number == 1 else (3, 4)
        if first in quarters and last in quarters:
            name = "I полугодие" if number == 1 else "II полугодие"
            return Term(TermType.HALF, number, quarters[first].start, quarters[last].end, name)
        return None


@lru_cache(maxsize=64)
def _school_span(year: AcademicYear) -> tuple[date, date]:
    """AcademicYear.school_span, computed once per year (the grammar asks for it in every part it reads)."""
    study = [t for t in year.terms if t.type in (TermType.QUARTER, TermType.HALF, TermType.TRIMESTER)]
    if study:
        return min(t.start for t in study), max(t.end for t in study)
    return year.start, year.school_end or date(year.second, 5, 31)
