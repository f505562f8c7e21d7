"""What is due when: the reminder rules, pure (``now`` is a parameter; no mail, no database).

For every dated item the rules give *targets* (a deadline's due day, an event's day, the start of a month-long
item) and, for each, lead times (``before_deadline``, ``before_event``, or the item's ``remind:``). A reminder
goes out ``lead`` before its target at ``send_at`` local time; with ``working_days_only`` a send day that is a
weekend or a holiday of the production calendar moves to the working day before. A reminder is *due* at ``now``
when its send time has passed, by no more than the catch-up window (later ones are *missed*: logged, not sent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

import holidays

from plan_calendar.config import ReminderSettings, holiday_calendar
from plan_calendar.durations import format_duration
from plan_calendar.errors import ConfigError, PlanFormatError
from plan_calendar.plan import Item, Plan
from plan_calendar.schedule import Schedule
from plan_calendar.when import Day, Deadline, Each, Recurring, Several, Span, SpanShape, When

__all__ = ["Reminder", "Target", "TargetKind", "due", "next_send_time", "reminders_between", "targets"]

_MAX_WORKDAY_SEARCH = 31


class TargetKind(Enum):
    """What a reminder is about."""

    DEADLINE = "deadline"  # due by this day
    EVENT = "event"  # happens on this day
    PERIOD_START = "period-start"  # a month-long item begins («в ноябре по плану: …»)


@dataclass(frozen=True, slots=True)
class Target:
    """A day the plan cares about, with the lead times of its reminders."""

    plan: Plan
    item: Item
    kind: TargetKind
    day: date  # the deadline's due day, the event's day, the period's first day
    end: date  # the last day (= day except for periods)
    leads: tuple[timedelta, ...]
    when: When


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder to one recipient: the ledger's unit (plan, item, occurrence, lead, recipient)."""

    target: Target
    lead: timedelta
    recipient: str
    send_at: datetime  # aware, local time

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        t = self.target
        return (t.plan.id, t.item.id, t.day.isoformat(), _lead_name(self.lead, t.kind), self.recipient)


def _lead_name(lead: timedelta, kind: TargetKind) -> str:
    return "start" if kind is TargetKind.PERIOD_START else format_duration(lead)


# ----------------------------------------------------------------------------- targets
def targets(schedule: Schedule, settings: ReminderSettings) -> list[Target]:
    """Every reminder target of a plan's dated items."""
    out: list[Target] = []
    for entry in schedule.entries:
        if entry.reading is None:
            continue
        leads = entry.item.remind
        if leads == ():
            continue  # remind: false
        out.extend(_targets_of(schedule.plan, entry.item, entry.reading.when, settings, leads))
    return out


def _targets_of(
    plan: Plan, item: Item, when: When, settings: ReminderSettings, leads: tuple[timedelta, ...] | None
) -> Iterable[Target]:
    event_leads = leads if leads is not None else settings.before_event
    match when:
        case Deadline(due=due):
            yield Target(
                plan,
                item,
                TargetKind.DEADLINE,
                due,
                due,
                leads if leads is not None else settings.before_deadline,
                when,
            )
        case Day(date=day):
            yield Target(plan, item, TargetKind.EVENT, day, day, event_leads, when)
        case Several(parts=parts):
            for part in parts:
                yield from _targets_of(plan, item, part, settings, leads)
        case Span(shape=SpanShape.DAYS | SpanShape.OPEN, start=start, end=end):
            yield Target(plan, item, TargetKind.EVENT, start, end, event_leads, when)
        case Span(start=start, end=end, shape=shape) if shape is not SpanShape.YEAR:
            if settings.month_start or leads is not None:
                yield Target(plan, item, TargetKind.PERIOD_START, start, end, (timedelta(0),), when)
        case Recurring(rule=None, periods=periods):
            if settings.month_start or leads is not None:
                for period in periods:
                    yield Target(plan, item, TargetKind.PERIOD_START, period.start, period.end, (timedelta(0),), when)
        case Recurring(each=Each.DAY, deadline=True):  # «до 5 числа каждого месяца»
            deadline_leads = leads if leads is not None else settings.before_deadline
            for start, _ in when.occurrences():
                yield Target(plan, item, TargetKind.DEADLINE, start, start, deadline_leads, when)
        case Recurring(each=Each.DAY):
            for start, _ in when.occurrences():
                yield Target(plan, item, TargetKind.EVENT, start, start, event_leads, when)
        case _:
            return  # Ongoing, weekly/monthly repetitions without a day: nothing to count down to


# ----------------------------------------------------------------------------- when to send
def _calendar(country: str) -> holidays.HolidayBase:
    calendar = holiday_calendar(country)
    if calendar is None:  # settings made in code; a config file's country was checked when it was read
        raise ConfigError(f"календарь праздников страны «{country}» неизвестен")
    return calendar


def working_day_on_or_before(day: date, country: str) -> date:
    """The day itself if it is a working day, else the nearest working day before it."""
    cal = _calendar(country)
    for _ in range(_MAX_WORKDAY_SEARCH):
        if cal.is_working_day(day):
            return day
        day -= timedelta(days=1)
    return day


def first_working_day_on_or_after(day: date, country: str) -> date:
    cal = _calendar(country)
    for _ in range(_MAX_WORKDAY_SEARCH):
        if cal.is_working_day(day):
            return day
        day += timedelta(days=1)
    return day


def send_time(target: Target, lead: timedelta, settings: ReminderSettings) -> datetime:
    """When the reminder of ``target`` with ``lead`` goes out (aware, in the reminders' time zone)."""
    tz = ZoneInfo(settings.timezone)
    if target.kind is TargetKind.PERIOD_START:
        day = target.day
        if settings.working_days_only:
            day = first_working_day_on_or_after(day, settings.country)
            if day > target.end:
                day = working_day_on_or_before(target.end, settings.country)
        return datetime.combine(day, settings.send_at, tz)
    nominal = datetime.combine(target.day, settings.send_at, tz) - lead
    day = nominal.date()
    if settings.working_days_only:
        day = working_day_on_or_before(day, settings.country)
    return datetime.combine(day, nominal.timetz() if lead % timedelta(days=1) else settings.send_at, tz)


def recipients_of(item: Item, settings: ReminderSettings) -> tuple[str, ...]:
    """Who gets reminders of an item: its ``notify:`` (addresses and group names) or the default recipients.

    The plan reader has checked each name's shape; whether a group exists is known only with the config.
    """
    if item.notify is None:
        return settings.recipients
    out: list[str] = []
    for name in item.notify:
        addresses = settings.addresses(name)
        if addresses is not None:
            out.extend(addresses)
        else:
            known = ", ".join(settings.groups) or "в настройках их нет"
            raise PlanFormatError(
                f"notify у пункта «{item.id}»: группы «{name}» нет в настройках",
                source=item.notify_source or item.source,
                hint=f"Группы получателей ([reminders.groups]): {known}.",
            )
    return tuple(dict.fromkeys(out))


# ----------------------------------------------------------------------------- what is due
def reminders_between(
    schedules: list[Schedule],
    settings: ReminderSettings,
    start: datetime,
    end: datetime,
    recipients: Callable[[Item, ReminderSettings], tuple[str, ...]] = recipients_of,
) -> list[Reminder]:
    """Every reminder whose send time is in ``(start, end]``, ordered by send time and key."""
    out: list[Reminder] = []
    # Cheap pre-filter before the working-day arithmetic: a send day is never after its nominal day (lead before
    # the target) and a holiday shift moves it back by at most _MAX_WORKDAY_SEARCH days.
    first_day, last_day = start.date() - timedelta(days=1), end.date() + timedelta(days=_MAX_WORKDAY_SEARCH)
    for schedule in schedules:
        for target in targets(schedule, settings):
            for lead in target.leads:
                nominal = target.day - timedelta(days=lead.days)
                if target.kind is not TargetKind.PERIOD_START and not first_day <= nominal <= last_day:
                    continue
                at = send_time(target, lead, settings)
                if start < at <= end:
                    out.extend(Reminder(target, lead, who, at) for who in recipients(target.item, settings))
    out.sort(key=lambda r: (r.send_at, r.key))
    return out


def next_send_time(schedules: list[Schedule], settings: ReminderSettings, now: datetime) -> datetime | None:
    """The earliest send time after ``now`` (within a year), or None when nothing is left to remind."""
    horizon = now + timedelta(days=366)
    best: datetime | None = None
    for schedule in schedules:
        for target in targets(schedule, settings):
            for lead in target.leads:
                at = send_time(target, lead, settings)
                if now < at <= horizon and (best is None or at < best):
                    best = at
    return best


def due(
    schedules: list[Schedule],
    settings: ReminderSettings,
    now: datetime,
    since: datetime | None = None,
    recipients: Callable[[Item, ReminderSettings], tuple[str, ...]] = recipients_of,
) -> tuple[list[Reminder], list[Reminder]]:
    """Reminders to send at ``now`` (within the catch-up window), and those that fell out of the window since
    the previous run at ``since`` (missed: logged, not sent). Without ``since``, a month back is examined."""
    window_start = now - settings.catch_up
    to_send = reminders_between(schedules, settings, window_start, now, recipients)
    oldest = window_start - timedelta(days=31)
    missed_from = max(oldest, since - settings.catch_up) if since is not None else oldest
    missed = (
        reminders_between(schedules, settings, missed_from, window_start, recipients)
        if missed_from < window_start
        else []
    )
    return to_send, missed
