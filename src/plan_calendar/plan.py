"""The plan as a value: :class:`Plan` and its :class:`Item` rows, every value tied to its file, line and column.

The format is documented in docs/plan-format.md. Plans are read from YAML by :mod:`plan_calendar.yamlplan` and
from documents by :mod:`plan_calendar.docplan`; what the ``when`` texts mean is the grammar's business
(:mod:`plan_calendar.schedule`); ``check --json`` shapes them in :mod:`plan_calendar.report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta
from enum import Enum

from plan_calendar.dates.school import AcademicYear
from plan_calendar.errors import PlanError, Source

__all__ = [
    "KIND_WORDS",
    "Display",
    "Item",
    "Kind",
    "Organizer",
    "Plan",
    "PlanWarning",
]


class Kind(Enum):
    """What an item is; it decides how the item is shown in calendars (docs/plan-format.md)."""

    MEETING = "meeting"  # заседание, совещание
    SEMINAR = "seminar"  # семинар, практикум, вебинар, конференция
    EVENT = "event"  # мероприятие, выставка, конкурс в один день
    CAMPAIGN = "campaign"  # месячник, неделя, декада, акция: длится весь период
    DEADLINE = "deadline"  # сдача плана, отчёта
    TASK = "task"  # работа, которую делают в течение периода: мониторинг, оформление заказа
    CONSULTATION = "consultation"  # консультации


# What people write in `kind:` in Russian (docs/plan-format.md); the English values are accepted as well.
KIND_WORDS: dict[str, Kind] = {
    "заседание": Kind.MEETING,
    "совещание": Kind.MEETING,
    "семинар": Kind.SEMINAR,
    "практикум": Kind.SEMINAR,
    "вебинар": Kind.SEMINAR,
    "конференция": Kind.SEMINAR,
    "мероприятие": Kind.EVENT,
    "событие": Kind.EVENT,
    "акция": Kind.CAMPAIGN,
    "месячник": Kind.CAMPAIGN,
    "неделя": Kind.CAMPAIGN,
    "декада": Kind.CAMPAIGN,
    "срок": Kind.DEADLINE,
    "сдача": Kind.DEADLINE,
    "задача": Kind.TASK,
    "работа": Kind.TASK,
    "консультация": Kind.CONSULTATION,
    "консультации": Kind.CONSULTATION,
}


class Display(Enum):
    """How an item whose reading is a period is shown in calendars (docs/display.md)."""

    SPAN = "span"  # one all-day event over the whole period, as free time
    START = "start"  # a one-day marker on the period's first day: «… (дата уточняется)»
    MONTHLY = "monthly"  # a monthly recurring marker: for what goes on throughout the year
    HIDDEN = "hidden"  # not in calendars (still in check and on the page)


@dataclass(frozen=True, slots=True)
class Organizer:
    """Who publishes the plan: shown in feeds (ORGANIZER) and emails."""

    name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class PlanWarning:
    """Something the author should look at; the plan is still usable."""

    message: str
    source: Source
    item_id: str | None = None

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass(frozen=True, slots=True)
class Item:
    """One row of the plan. ``when`` is the date text exactly as the plan has it."""

    id: str
    title: str
    when: str
    source: Source
    when_source: Source
    kind: Kind | None = None
    time: time | None = None
    duration: timedelta | None = None
    agenda: tuple[str, ...] = ()
    description: str | None = None
    responsible: tuple[str, ...] = ()
    location: str | None = None
    tags: tuple[str, ...] = ()
    remind: tuple[timedelta, ...] | None = None  # own lead times, longest first; () = none; None = the settings'
    display: Display | None = None
    notify: tuple[str, ...] | None = None  # addresses and recipient group names; None = the settings' recipients
    notify_source: Source | None = None
    id_written: bool = True  # False when the plan has no id and one was proposed


@dataclass(frozen=True, slots=True)
class Plan:
    """A yearly plan: its settings and its items, as read from one file."""

    id: str
    title: str
    academic_year: AcademicYear
    items: tuple[Item, ...]
    source: Source
    timezone: str = "Europe/Moscow"
    locale: str = "ru"
    organizer: Organizer | None = None
    description: str | None = None
    until_inclusive: bool = False
    warnings: tuple[PlanWarning, ...] = field(default=())
    # Items that could not be read (a missing title, an unknown key, a bad time): left out, each with its error,
    # and the id it had when one can be told (its published entries are kept, docs/dates.md).
    broken: tuple[tuple[str | None, PlanError], ...] = field(default=())
