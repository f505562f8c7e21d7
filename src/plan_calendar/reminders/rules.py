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
from typing import NamedTuple, assert_never
from zoneinfo import ZoneInfo

import holidays

from plan_calendar.config import Config, ReminderSettings
from plan_calendar.dates.closed import holiday_calendar
from plan_calendar.display import Entry, item_entries
from plan_calendar.durations import format_duration
from plan_calendar.errors import ConfigError, PlanFormatError
from plan_calendar.plan import Item, Plan
from plan_calendar.schedule import Schedule
from plan_calendar.when import Day, Deadline, Each, Ongoing, Recurring, Several, Span, SpanShape, Undated, When

__all__ = ["Due", "Occasion", "Reminder", "Target", "due", "next_send_time", "reminders_between", "targets"]

_MAX_WORKDAY_SEARCH = 31


class Occasion(Enum):
    """What a reminder is about."""

    DEADLINE = "deadline"  # due by this day
    EVENT = "event"  # happens on this day
    PERIOD_START = "period-start"  # a month-long item begins («в ноябре по плану: …»)


@dataclass(frozen=True, slots=True)
class Target:
    """A day the plan cares about, with the lead times of its reminders, and the calendar entry it is.

    ``entry`` is the very entry the feed shows (its UID is the feed's); for one occurrence of a repeating entry it
    is that occurrence (RECURRENCE-ID, no rule)."""

    plan: Plan
    item: Item
    occasion: Occasion
    day: date  # the deadline's due day, the event's day, the period's first day
    end: date  # the last day (= day except for periods and day ranges)
    leads: tuple[timedelta, ...]
    when: When  # the part of the reading (for a repetition per school period: the period)
    entry: Entry

    def over(self, now: datetime) -> bool:
        """Whether the event or period has ended by ``now`` (a deadline is never over: it has passed)."""
        if self.occasion is Occasion.DEADLINE:
            return False
        if isinstance(self.entry.end, datetime):
            return self.entry.end <= now
        return self.end < now.astimezone(ZoneInfo(self.plan.timezone)).date()


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
        return (t.plan.id, t.item.id, t.day.isoformat(), _lead_name(self.lead, t.occasion), self.recipient)


def _lead_name(lead: timedelta, occasion: Occasion) -> str:
    return "start" if occasion is Occasion.PERIOD_START else format_duration(lead)


# ----------------------------------------------------------------------------- targets
def targets(schedule: Schedule, config: Config) -> list[Target]:
    """Every reminder target of a plan's dated items, built from the calendar entries the feed is built from
    (the same display settings and duration), so a reminder and its attachment are the feed's event."""
    settings = config.reminders
    out: list[Target] = []
    for scheduled in schedule.scheduled:
        if scheduled.reading is None:
            continue
        leads = scheduled.item.remind
        if leads == ():
            continue  # remind: false
        entries = item_entries(schedule.plan, scheduled, config.display, config.calendar.default_duration, hidden=True)
        for entry in entries:
            out.extend(_targets_of(entry, settings, leads))
    return out


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _targets_of(entry: Entry, settings: ReminderSettings, leads: tuple[timedelta, ...] | None) -> Iterable[Target]:
    plan, item, part = entry.plan, entry.item, entry.part
    event_leads = leads if leads is not None else settings.before_event
    deadline_leads = leads if leads is not None else settings.before_deadline
    periods_wanted = settings.month_start or leads is not None
    start = (timedelta(0),)
    match part:
        case Deadline(due=due):
            yield Target(plan, item, Occasion.DEADLINE, due, due, deadline_leads, part, entry)
        case Day(date=day):
            yield Target(plan, item, Occasion.EVENT, day, day, event_leads, part, entry)
        case Span(shape=SpanShape.DAYS | SpanShape.OPEN, start=first, end=last):
            yield Target(plan, item, Occasion.EVENT, first, last, event_leads, part, entry)
        case Span(start=first, end=last, shape=shape) if shape is not SpanShape.YEAR:
            if periods_wanted:
                first_entry = entry.occurrence(entry.start)
                yield Target(plan, item, Occasion.PERIOD_START, first, last, start, part, first_entry)
        case Recurring(rule=None):
            if periods_wanted and entry.period is not None:
                period = entry.period
                first_entry = entry.occurrence(entry.start)
                yield Target(plan, item, Occasion.PERIOD_START, period.start, period.end, start, period, first_entry)
        case Recurring(each=Each.DAY, deadline=True):  # «до 5 числа каждого месяца»
            for moment in entry.occurrences():
                day = _day(moment)
                yield Target(plan, item, Occasion.DEADLINE, day, day, deadline_leads, part, entry.occurrence(moment))
        case Recurring(each=Each.DAY):
            for moment in entry.occurrences():
                day = _day(moment)
                yield Target(plan, item, Occasion.EVENT, day, day, event_leads, part, entry.occurrence(moment))
        case Span() | Ongoing() | Recurring():
            return  # the school year, throughout it, weekly/monthly markers without a day: nothing to count down to
        case Undated() | Several() | None:  # pragma: no cover - an entry's part is one of the shapes above
            raise AssertionError(f"not a part of a reading: {part!r}")
        case _:  # pragma: no cover - mypy proves every shape is handled
            assert_never(part)


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
    if target.occasion is Occasion.PERIOD_START:
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
    config: Config,
    start: datetime,
    end: datetime,
    recipients: Callable[[Item, ReminderSettings], tuple[str, ...]] = recipients_of,
) -> list[Reminder]:
    """Every reminder whose send time is in ``(start, end]``, ordered by send time and key."""
    every = [t for schedule in schedules for t in targets(schedule, config)]
    return _between(every, config.reminders, start, end, recipients)


def _between(
    every: list[Target],
    settings: ReminderSettings,
    start: datetime,
    end: datetime,
    recipients: Callable[[Item, ReminderSettings], tuple[str, ...]],
) -> list[Reminder]:
    out: list[Reminder] = []
    # Cheap pre-filter before the working-day arithmetic: a send day is never after its nominal day (lead before
    # the target) and a holiday shift moves it back by at most _MAX_WORKDAY_SEARCH days.
    first_day, last_day = start.date() - timedelta(days=1), end.date() + timedelta(days=_MAX_WORKDAY_SEARCH)
    for target in every:
        for lead in target.leads:
            nominal = target.day - timedelta(days=lead.days)
            if target.occasion is not Occasion.PERIOD_START and not first_day <= nominal <= last_day:
                continue
            at = send_time(target, lead, settings)
            if start < at <= end:
                out.extend(Reminder(target, lead, who, at) for who in recipients(target.item, settings))
    out.sort(key=lambda r: (r.send_at, r.key))
    return out


def next_send_time(schedules: list[Schedule], config: Config, now: datetime) -> datetime | None:
    """The earliest send time after ``now`` (within a year), or None when nothing is left to remind."""
    horizon = now + timedelta(days=366)
    best: datetime | None = None
    for schedule in schedules:
        for target in targets(schedule, config):
            for lead in target.leads:
                at = send_time(target, lead, config.reminders)
                if now < at <= horizon and (best is None or at < best):
                    best = at
    return best


class Due(NamedTuple):
    """What a run at one moment has to do."""

    send: list[Reminder]  # due, within the catch-up window, about what is still ahead
    missed: list[Reminder]  # fell out of the catch-up window since the previous run
    past: list[Reminder]  # due, but the event or period is already over: not sent (recorded as missed)


def due(
    schedules: list[Schedule],
    config: Config,
    now: datetime,
    since: datetime | None = None,
    recipients: Callable[[Item, ReminderSettings], tuple[str, ...]] = recipients_of,
) -> Due:
    """Reminders to send at ``now`` (within the catch-up window), those that fell out of the window since
    the previous run at ``since`` (missed: logged, not sent), and those due whose event is already over at
    ``now`` (a catch-up run does not announce yesterday's meeting). Without ``since``, a month back is examined."""
    settings = config.reminders
    every = [t for schedule in schedules for t in targets(schedule, config)]
    window_start = now - settings.catch_up
    in_window = _between(every, settings, window_start, now, recipients)
    oldest = window_start - timedelta(days=31)
    missed_from = max(oldest, since - settings.catch_up) if since is not None else oldest
    missed = _between(every, settings, missed_from, window_start, recipients) if missed_from < window_start else []
    send = [r for r in in_window if not r.target.over(now)]
    past = [r for r in in_window if r.target.over(now)]
    return Due(send, missed, past)
