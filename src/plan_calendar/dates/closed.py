"""The days nobody works: public holidays (the `holidays` package) and the school holidays of a plan's terms.

Repetitions («по четвергам», «2-я среда каждого месяца») have no occurrence on them (docs/dates.md,
«Повторения и каникулы»). Pure: the holiday calendar is data, and the year and country are arguments.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from plan_calendar.dates.school import AcademicYear, TermType

if TYPE_CHECKING:
    import holidays

__all__ = ["closed_days", "holiday_calendar", "known_school_holidays", "public_holidays"]


@lru_cache(maxsize=8)
def holiday_calendar(country: str) -> holidays.HolidayBase | None:
    """The country's production calendar (holidays and the days off they move to; the `holidays` package), or
    None for a country it does not know. Reminders move to the working day before a holiday with it
    (:mod:`plan_calendar.reminders.rules`); the settings reader checks the configured country with it."""
    import holidays  # noqa: PLC0415 - a large package: imported when a repetition or a reminder needs it

    try:
        return holidays.country_holidays(country)
    except NotImplementedError:
        return None


@lru_cache(maxsize=64)
def public_holidays(country: str, first_year: int) -> frozenset[date]:
    """Public holidays (with the days off they move to) of a school year's two calendar years.

    >>> date(2020, 1, 2) in public_holidays("RU", 2019), date(2020, 1, 9) in public_holidays("RU", 2019)
    (True, False)
    """
    if holiday_calendar(country) is None:  # an unknown country: the config check reports it; none are skipped
        return frozenset()
    import holidays  # noqa: PLC0415 - see holiday_calendar

    return frozenset(holidays.country_holidays(country, years=(first_year, first_year + 1)))


def known_school_holidays(year: AcademicYear) -> bool:
    """Whether the plan gives its school holidays in ``terms:`` (not the built-in approximation)."""
    return any(t.type is TermType.HOLIDAY for t in year.terms)


def closed_days(year: AcademicYear, country: str, *, approximate_holidays: bool = False) -> frozenset[date]:
    """Public holidays, and the school holidays the plan gives (or, when asked, their approximation)."""
    days = set(public_holidays(country, year.first))
    if known_school_holidays(year) or approximate_holidays:
        for term in year.terms_of(TermType.HOLIDAY):
            day = term.start
            while day <= term.end:
                days.add(day)
                day += timedelta(days=1)
    return frozenset(days)
