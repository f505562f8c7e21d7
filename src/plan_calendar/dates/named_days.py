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

__all__ = ["NamedDay", "find_named_days", "named_day_on", "named_days"]

# «к», «ко», «накануне» before the name: the days just before it (docs/dates.md).
BEFORE_DAYS = 7  # «ко Дню учителя»: the week before the day
EVE_DAYS = 3  # «накануне Дня Победы»: the three days before it
# Words of a cell around a name that carry no date («концерт ко Дню учителя»: «концерт» is quoted, these are not).
QUIET_WORDS = frozenset(
    {"и", "в", "во", "на", "честь", "праздник", "праздника", "празднику", "празднование", "неделя", "недели", "неделю"}
)


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
    by_date: bool = False  # «к 8 Марта»: the date names the holiday

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
                by_date=raw.get("by_date", False),
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Found:
    """A named day found in a cell: the day, the word before it, and where (with that word) it stands."""

    day: NamedDay
    before: str  # "" (the day itself), "к", "накануне", "канун", "до", "с", "по", "после"
    start: int
    end: int


# The word before a name: «ко Дню учителя», «накануне Дня Победы», «в канун Нового года», «до Дня знаний»,
# «с Дня учителя до Дня матери», «после Дня Победы»; up to two words between («к Международному дню …»).
_BEFORE = re.compile(r"(?:^|(?<=\s))(к|ко|накануне|в\s+преддверии|в\s+канун|до|с|со|по|после)(?:\s+[а-я]+){0,2}\s*$")
_BEFORE_WORDS = {"ко": "к", "в преддверии": "к", "в канун": "канун", "со": "с"}


def find_named_days(text: str) -> list[Found]:
    """Every named day in ``text`` (lower case, «ё» as «е»), in the order they stand, with the word before each.

    >>> [(f.day.name, f.before) for f in find_named_days("концерт ко дню учителя и дню пожилых людей")]
    [('День учителя', 'к'), ('Международный день пожилых людей', '')]
    """
    found: list[Found] = []
    for day in named_days():
        for m in day.pattern.finditer(text):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue  # a longer name already covers it («день детской книги» before «день книги»)
            end = m.end()
            while end < len(text) and text[end].isalpha():
                end += 1  # to the end of the word the pattern stops in («учител» → «учителя»)
            head = _BEFORE.search(text, 0, m.start())
            before, start = "", m.start()
            if head is not None:
                word = " ".join(head.group(1).split())
                before, start = _BEFORE_WORDS.get(word, word), head.start(1)
            found.append(Found(day, before, start, end))
    return sorted(found, key=lambda f: f.start)


def named_day_on(day: date, year_of: dict[int, int]) -> NamedDay | None:
    """The holiday whose date names it and falls on ``day`` («к 8 Марта» is Международный женский день)."""
    for named in named_days():
        if named.by_date and named.start(year_of) == day:
            return named
    return None
