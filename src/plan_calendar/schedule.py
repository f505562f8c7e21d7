"""Interpretation: a :class:`Plan`'s items with their ``when`` texts read.

Pure: no files, no clock. A date that cannot be read is an error of that item; the other items are still
read, so ``check`` can report every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from plan_calendar.dates.closed import closed_days, known_school_holidays
from plan_calendar.dates.grammar import read_when
from plan_calendar.errors import DateError, PlanError
from plan_calendar.plan import Item, Plan, PlanWarning
from plan_calendar.when import Day, Deadline, Each, Ongoing, Reading, Recurring, Several, Span, Undated, When

__all__ = ["Schedule", "Scheduled", "interpret"]


@dataclass(frozen=True, slots=True)
class Scheduled:
    """An item and what its ``when`` was read as (or why it could not be read)."""

    item: Item
    reading: Reading | None
    error: DateError | None = None

    @property
    def dated(self) -> bool:
        return self.reading is not None and not isinstance(self.reading.when, Undated)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A plan with every item read."""

    plan: Plan
    scheduled: tuple[Scheduled, ...]  # each item with its reading (or why it has none)

    @property
    def errors(self) -> list[PlanError]:
        """Items left out by the plan reader, then dates that could not be read, in the plan's order."""
        found = [error for _, error in self.plan.broken]
        found.extend(e.error for e in self.scheduled if e.error is not None)
        return sorted(found, key=lambda e: e.source.line if e.source and e.source.line else 0)

    @property
    def broken_ids(self) -> list[str]:
        """Ids of the items that could not be read this time (their published entries are kept)."""
        ids = [item_id for item_id, _ in self.plan.broken if item_id is not None]
        ids.extend(e.item.id for e in self.scheduled if e.error is not None)
        return ids

    @property
    def warnings(self) -> list[PlanWarning]:
        """The plan's own warnings, then each reading's, placed at the item's ``when``."""
        out = list(self.plan.warnings)
        for entry in self.scheduled:
            if entry.reading is not None:
                out.extend(PlanWarning(w, entry.item.when_source, entry.item.id) for w in entry.reading.warnings)
        return out

    @property
    def ok(self) -> bool:
        return not self.errors


def interpret(plan: Plan, country: str = "RU") -> Schedule:
    """Read every item's ``when`` in the context of the plan's academic year, terms and settings.

    Repetitions skip the days nobody works: the public holidays of ``country`` and the plan's school holidays
    (docs/dates.md, «Повторения и каникулы»)."""
    entries = []
    # Plans repeat their date texts («октябрь», «в течение года»); reading is pure, so each is read once.
    readings: dict[str, Reading | DateError] = {}
    for item in plan.items:
        reading = readings.get(item.when)
        if reading is None:
            try:
                reading = read_when(item.when, plan.academic_year, until_inclusive=plan.until_inclusive)
            except DateError as exc:
                reading = exc
            readings[item.when] = reading
        if isinstance(reading, DateError):
            error = DateError(
                reading.message, source=item.when_source, expression=reading.expression, hint=reading.hint
            )
            entries.append(Scheduled(item, None, error))
            continue
        entries.append(Scheduled(item, _with_item_time(item, _skip_closed_days(reading, plan, country))))
    return _with_holiday_note(Schedule(plan, tuple(entries)))


def _skip_closed_days(reading: Reading, plan: Plan, country: str) -> Reading:
    """A repetition's days that fall on a public or school holiday become its exceptions."""
    when = reading.when
    parts = when.parts if isinstance(when, Several) else (when,)
    if not any(_repeats_on_days(p) for p in parts):
        return reading
    changed: list[Day | Span | Deadline | Recurring | Ongoing] = []
    for part in parts:
        if isinstance(part, Undated):  # pragma: no cover - never a part of a reading that repeats
            return reading
        if isinstance(part, Recurring) and _repeats_on_days(part):
            closed = closed_days(plan.academic_year, country, approximate_holidays=part.skip_holidays)
            skipped = tuple(d for d, _ in part.occurrences() if d in closed)
            changed.append(replace(part, exceptions=skipped) if skipped else part)
            continue
        changed.append(part)
    new: When = Several(tuple(changed)) if isinstance(when, Several) else changed[0]
    return replace(reading, when=new)


def _repeats_on_days(when: object) -> bool:
    return isinstance(when, Recurring) and when.rule is not None and when.each is Each.DAY and not when.deadline


def _with_holiday_note(schedule: Schedule) -> Schedule:
    """Once per plan: without school holidays in ``terms:``, repetitions go on through the holidays."""
    plan = schedule.plan
    if known_school_holidays(plan.academic_year):
        return schedule
    first = next(
        (
            e.item
            for e in schedule.scheduled
            if e.reading is not None
            and any(
                _repeats_on_days(p) and not p.skip_holidays  # type: ignore[union-attr]
                for p in (e.reading.when.parts if isinstance(e.reading.when, Several) else (e.reading.when,))
            )
        ),
        None,
    )
    if first is None:
        return schedule
    note = PlanWarning(
        "сроки каникул в плане не указаны: повторения («по четвергам» и другие) идут и в каникулы, праздники "
        "пропускаются. Добавьте каникулы в раздел terms: плана — тогда повторения их пропустят",
        first.when_source,
        first.id,
    )
    return replace(schedule, plan=replace(plan, warnings=(*plan.warnings, note)))


def _with_item_time(item: Item, reading: Reading) -> Reading:
    """The item's ``time:`` applies to its days that have none in the text."""
    if item.time is None:
        return reading
    when = reading.when
    warnings = list(reading.warnings)
    if isinstance(when, Day):
        if when.time is not None and when.time != item.time:
            warnings.append(
                f"в дате указано время {when.time:%H:%M}, а в поле time — {item.time:%H:%M}: взято {when.time:%H:%M}"
            )
            return reading if len(warnings) == len(reading.warnings) else replace(reading, warnings=tuple(warnings))
        return replace(reading, when=replace(when, time=when.time or item.time))
    if isinstance(when, Several):
        parts = tuple(replace(p, time=p.time or item.time) if isinstance(p, Day) else p for p in when.parts)
        return replace(reading, when=Several(parts))
    return reading
