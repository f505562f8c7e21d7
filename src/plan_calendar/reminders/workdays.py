"""The production calendar: which days are working days in a country (the `holidays` package).

Reminders move to the working day before a weekend or a holiday (:mod:`plan_calendar.reminders.rules`); the
settings reader checks that the configured country has a calendar.
"""

from __future__ import annotations

from functools import lru_cache

import holidays

__all__ = ["holiday_calendar"]


@lru_cache(maxsize=8)
def holiday_calendar(country: str) -> holidays.HolidayBase | None:
    """The country's holiday calendar with its transferred days (the `holidays` package); None if unknown."""
    try:
        return holidays.country_holidays(country)
    except NotImplementedError:
        return None
