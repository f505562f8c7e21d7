"""What `check` warns about the people reminders go to, before `remind` tries to send anything.

A `notify:` name that is neither an address nor a group of the config would stop `remind`; an address with
non-Latin letters before the @ is refused by most mail servers. Each warning is added to the plan's warnings, so
`check` prints it and `check --json` lists it with the others.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from plan_calendar.errors import Source
from plan_calendar.plan import PlanWarning
from plan_calendar.reminders.addresses import UTF8_WARNING, needs_smtputf8
from plan_calendar.schedule import Schedule

if TYPE_CHECKING:
    from plan_calendar.config import ReminderSettings

__all__ = ["with_address_warnings", "with_group_warnings"]


def with_group_warnings(schedule: Schedule, settings: ReminderSettings, config: Path) -> Schedule:
    """Warnings for `notify:` names that are neither addresses nor groups of the config (`remind` would stop),
    and for the config's addresses most mail servers refuse."""
    extra = [
        PlanWarning(
            f"notify: группы «{name}» нет в [reminders.groups] файла {config} — "
            "plan-cal remind с этими настройками остановится с ошибкой",
            item.notify_source or item.source,
            item.id,
        )
        for item in schedule.plan.items
        for name in item.notify or ()
        if settings.addresses(name) is None
    ]
    configured = [settings.recipients, *settings.groups.values()]
    extra.extend(
        PlanWarning(f"настройки: {UTF8_WARNING.format(address=address)}", Source(str(config)))
        for address in dict.fromkeys(a for addresses in configured for a in addresses)
        if needs_smtputf8(address)
    )
    return _with_warnings(schedule, extra)


def with_address_warnings(schedule: Schedule) -> Schedule:
    """Warnings for `notify:` addresses most mail servers refuse (a non-ASCII local part)."""
    extra = [
        PlanWarning(f"notify: {UTF8_WARNING.format(address=name)}", item.notify_source or item.source, item.id)
        for item in schedule.plan.items
        for name in item.notify or ()
        if "@" in name and needs_smtputf8(name)
    ]
    return _with_warnings(schedule, extra)


def _with_warnings(schedule: Schedule, extra: list[PlanWarning]) -> Schedule:
    if not extra:
        return schedule
    return replace(schedule, plan=replace(schedule.plan, warnings=(*schedule.plan.warnings, *extra)))
