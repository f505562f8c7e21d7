"""Named days: «ко Дню учителя», «к Новому году», «День матери» — the days school plans are built around.

The days are data (``named_days.toml`` beside this module): a fixed day, a rule (the last Sunday of November), an
official public holiday from the `holidays` package, or a number of days from Orthodox Easter. A cell that names
one and no date is read as that day, and always with a warning that says which day was taken
(docs/dates.md, «Праздники и памятные дни»).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from dateutil.easter import EASTER_ORTHODOX, easter

__all__ = ["NamedDay", "find_named_day", "named_days"]

# «к», «ко», «накануне» before the name: the days just before it (docs/dates.md).
BEFORE_DAYS = 7  # «ко Дню учителя»: the week before the day
EVE_DAYS = 3  # «накануне Дня Победы»: the three days before it


@dataclass(frozen=True, slots=True)
class NamedDay:
    """One named day of the data file."""

    name: str
    pattern: re.Pattern[str]
    date: tuple[int, int] | None = None  # (month, day)
    month: int | None = None  # with weekday and nth: a day that moves by rule
    weekday: int | None = None
    nth: int | None = None
    public: str | None = None  # the official holiday's name in the `holidays` package
    easter: int | None = None  # days from Orthodox Easter
    days: int = 1

    def start(self, year_of: dict[int, int]) -> _dt.date:
        """The first day in the school year; ``year_of`` maps a month to its calendar year."""
        if self.date is not None:
            month, day = self.date
            return date(year_of[month], month, day)
        if self.month is not None and self.weekday is not None and self.nth is not None:
            return _nth_weekday(year_of[self.month], self.month, self.weekday, self.nth)
        if self.public is not None:
            return _public_holiday(self.public, year_of)
        assert self.easter is not None
        return easter(year_of[3], EASTER_ORTHODOX) + timedelta(days=self.easter)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1) if date(year, month, d).weekday() == weekday]
    return date(year, month, days[nth - 1] if nth > 0 else days[nth])


def _public_holiday(name: str, year_of: dict[int, int]) -> date:
    import holidays  # noqa: PLC0415 - a large package, needed only when a cell names a public holiday

    for year in sorted(set(year_of.values())):
        found = [d for d, n in holidays.country_holidays("RU", years=year, language="ru").items() if n == name]
        for day in sorted(found):
            if year_of[day.month] == day.year:
                return day
    raise LookupError(name)  # pragma: no cover - the data file names only holidays the package has


@cache
def named_days() -> tuple[NamedDay, ...]:
    """The named days of the data file, in its order."""
    data = tomllib.loads(resources.files(__package__).joinpath("named_days.toml").read_text(encoding="utf-8"))
    out = []
    for raw in data["day"]:
        fixed = raw.get("date")
        out.append(
            NamedDay(
                name=raw["name"],
                pattern=re.compile(raw["pattern"]),
                date=(int(fixed[:2]), int(fixed[3:])) if fixed else None,
                month=raw.get("month"),
                weekday=raw.get("weekday"),
                nth=raw.get("nth"),
                public=raw.get("public"),
                easter=raw.get("easter"),
                days=raw.get("days", 1),
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Found:
    """A named day found in a cell: the day, what stands before it, and where."""

    day: NamedDay
    before: str  # "" (the day itself), "к" or "накануне"
    start: int
    end: int


# «к Международному дню школьных библиотек»: up to two words between the preposition and the name.
_BEFORE = re.compile(r"(?:^|\s)(к|ко|накануне|в\s+преддверии)(?:\s+[а-я]+){0,2}\s*$")


def find_named_day(text: str) -> Found | None:
    """The first named day in ``text`` (lower case, «ё» as «е»), with the preposition before it.

    >>> found = find_named_day("концерт ко дню учителя")
    >>> found.day.name, found.before
    ('День учителя', 'к')
    """
    for day in named_days():
        m = day.pattern.search(text)
        if m is None:
            continue
        head = _BEFORE.search(text[: m.start()])
        before = ""
        if head is not None:
            before = "накануне" if head.group(1) == "накануне" else "к"
        return Found(day, before, m.start(), m.end())
    return None
