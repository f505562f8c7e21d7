"""The settings: what the configuration file can say, as typed values with their defaults.

Every field of these dataclasses is a key of the file (``setting_keys``), in the section ``SECTIONS`` names;
``config.example.toml`` describes each one. The file is found and read by :mod:`plan_calendar.configfile`.
Secrets are never in the file: it names the environment variable that holds them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from datetime import time, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from plan_calendar.errors import ConfigError
from plan_calendar.plan import Display
from plan_calendar.validation import is_address

__all__ = [
    "DEFAULT_DOMAIN",
    "SECTIONS",
    "CalendarSettings",
    "Config",
    "DisplaySettings",
    "FeedSpec",
    "ReminderSettings",
    "Security",
    "SmtpSettings",
    "setting_keys",
]

_NOT_A_KEY = {"key": False}  # metadata of a field that is not written in the file


@dataclass(frozen=True, slots=True)
class DisplaySettings:
    """Default display policy per shape of reading; an item's ``display:`` overrides them."""

    period: Display = Display.START  # a month, part of a month, a term, a month range
    campaign: Display = Display.SPAN  # the same for campaigns (месячник, неделя, декада, акция, конкурс)
    ongoing: Display = Display.MONTHLY  # throughout the year


DEFAULT_DOMAIN = "plan-cal.local"  # not unique: `build` warns while it is in use


@dataclass(frozen=True, slots=True)
class CalendarSettings:
    """What every feed carries."""

    domain: str = DEFAULT_DOMAIN  # the right side of every UID; the host of ``url`` when only that is set
    url: str | None = None  # where the feeds are published (https://…/); links in descriptions
    refresh: timedelta = timedelta(hours=12)  # REFRESH-INTERVAL and X-PUBLISHED-TTL
    default_duration: timedelta = timedelta(hours=1, minutes=30)  # timed events without a duration
    alarms: bool = False  # VALARM (most subscribers never see them; docs/client-rules.md)
    alarm_before: timedelta = timedelta(days=1)
    organizer_name: str | None = None  # overrides the plan's organizer
    organizer_email: str | None = None


class Security(Enum):
    """How the SMTP connection is protected."""

    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (port 587)
    TLS = "tls"  # TLS from the first byte (port 465)
    NONE = "none"  # no encryption: only for a relay on the same machine


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """The mail server. The password is never in the file: ``password_env`` names the variable holding it."""

    host: str = "localhost"
    port: int = 587
    security: Security = Security.STARTTLS
    username: str | None = None
    password_env: str = "PLAN_CAL_SMTP_PASSWORD"
    sender: str = "plan-cal <plan-cal@localhost>"
    timeout: float = 30.0

    def password(self) -> str | None:
        """The password from the environment; an error when a username is set and the variable is empty."""
        if self.username is None:
            return None
        value = os.environ.get(self.password_env)
        if not value:
            raise ConfigError(
                f"пароль для SMTP не задан: переменная окружения {self.password_env} пуста",
                hint=f"Задайте её перед запуском, например: export {self.password_env}='…'.",
            )
        return value


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """When reminders go out and to whom."""

    recipients: tuple[str, ...] = ()
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    before_deadline: tuple[timedelta, ...] = (timedelta(days=14), timedelta(days=3), timedelta(days=1))
    before_event: tuple[timedelta, ...] = (timedelta(days=1),)
    month_start: bool = True  # «в ноябре по плану: …» on the first working day of month-long items
    send_at: time = time(9, 0)
    timezone: str = "Europe/Moscow"
    working_days_only: bool = True
    country: str = "RU"
    state: Path | str = Path("plan-cal-state.sqlite3")  # a SQLite file, or a "postgresql://…" URL (no password)
    digest: bool = True
    catch_up: timedelta = timedelta(days=3)
    retry: float = 60.0  # seconds before the scheduler tries a failed run again (doubling up to 15 minutes)
    lease: float = 300.0  # seconds a run's claim on a reminder lasts: after that, another run may send it

    @property
    def shared(self) -> bool:
        """Whether the ledger is a PostgreSQL database (shared by hosts) rather than a SQLite file."""
        return isinstance(self.state, str)

    def addresses(self, name: str) -> tuple[str, ...] | None:
        """What a `notify:` name stands for: a group's addresses, all recipients (``all``) or the address itself;
        None for a group these settings do not define."""
        if name in self.groups:
            return self.groups[name]
        if name == "all":
            return self.recipients
        if is_address(name):
            return (name,)
        return None


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """An extra feed: items of any plan that pass every given filter."""

    name: str
    title: str
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """All settings; ``source`` is the file they came from (None: the defaults).

    Every field is a key of the file (a section or a value at its top), except those marked ``_NOT_A_KEY``."""

    source: Path | None = field(default=None, metadata=_NOT_A_KEY)
    plans: tuple[Path, ...] = ()
    out: Path = Path("public")
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    feeds: tuple[FeedSpec, ...] = ()
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    templates: Path | None = None  # a folder whose templates replace the built-in ones
    # Whether the file has an [smtp] section: the defaults name no real server, so reminders need one.
    smtp_written: bool = field(default=False, metadata=_NOT_A_KEY)


def setting_keys(settings: type[Any]) -> tuple[str, ...]:
    """The keys a section of the file may have: its dataclass's fields, in their order (hints list them so)."""
    return tuple(f.name for f in fields(settings) if f.metadata.get("key", True))


# The file's sections and the settings each holds ("" is the file's top level; [[feeds]] is a list of them).
SECTIONS: dict[str, type[Any]] = {
    "": Config,
    "calendar": CalendarSettings,
    "display": DisplaySettings,
    "feeds": FeedSpec,
    "smtp": SmtpSettings,
    "reminders": ReminderSettings,
}
