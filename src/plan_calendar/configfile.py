"""The configuration file: found, read from TOML and checked, into :class:`~plan_calendar.config.Config`.

Found from ``--config``, then ``$PLAN_CAL_CONFIG``, then ``./plan-cal.toml``, then
``$XDG_CONFIG_HOME/plan-cal/config.toml``. Without any, the defaults apply. Each section's keys are its
settings' fields (:func:`plan_calendar.config.setting_keys`).
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plan_calendar.config import (
    CalendarSettings,
    Config,
    DisplaySettings,
    FeedSpec,
    ReminderSettings,
    Security,
    SmtpSettings,
    setting_keys,
)
from plan_calendar.dates.closed import holiday_calendar
from plan_calendar.durations import parse_duration
from plan_calendar.errors import ConfigError
from plan_calendar.plan import Display, Kind
from plan_calendar.tomlsource import TomlReader
from plan_calendar.validation import ID_RULE, allowed_values, enum_member, is_address, is_id, parse_clock

__all__ = ["find_config", "load_config", "parse_config"]

ENV_VAR = "PLAN_CAL_CONFIG"


def find_config(explicit: str | Path | None, *, cwd: Path | None = None) -> Path | None:
    """The configuration file to use, in the documented order; None when there is none."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"файл настроек «{path}» не найден", hint="Проверьте путь в --config.")
        return path
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(
                f"файл настроек «{path}» (из переменной {ENV_VAR}) не найден", hint="Исправьте переменную."
            )
        return path
    local = (cwd or Path.cwd()) / "plan-cal.toml"
    if local.is_file():
        return local
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "plan-cal" / "config.toml"
    return xdg if xdg.is_file() else None


def load_config(explicit: str | Path | None = None) -> Config:
    """Find and read the configuration; the defaults when there is no file."""
    path = find_config(explicit)
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"не удалось прочитать файл настроек «{path}»: {exc}") from None
    return parse_config(text, path)


_PG_SCHEMES = ("postgresql", "postgres")
_LEASE_PER_TIMEOUT = 6  # a claim outlasts one letter's SMTP exchange: a handful of replies, each within timeout


def _this_machine(host: str) -> bool:
    """Whether ``host`` names this machine, the only place a password may go unencrypted: localhost, its own
    host name, a loopback address or an address of its own (one it can bind to). No DNS is asked."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name in ("localhost", socket.gethostname().lower()) or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if address.is_loopback:
        return True
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((str(address), 0))
    except OSError:
        return False
    return True


def parse_config(text: str, path: Path) -> Config:
    """Read configuration text; ``path`` is used in messages and to resolve relative plan paths."""
    reader = _ConfigReader(text, path)
    return reader.read()


class _ConfigReader(TomlReader):
    def read(self) -> Config:
        data = self.load()
        self.check_keys(data, setting_keys(Config), None)
        base = self.path.parent
        plans = tuple(base / p for p in self.str_list(data, "plans", None))
        out = base / self.string(data, "out", None, "public")
        smtp = self.smtp(self.table(data, "smtp"))
        reminders = self.reminders(self.table(data, "reminders"), base)
        if reminders.lease < _LEASE_PER_TIMEOUT * smtp.timeout:
            raise self.fail(
                f"«lease» ({reminders.lease:g} с) короче, чем может длиться отправка одного письма "
                f"({_LEASE_PER_TIMEOUT} × timeout из [smtp] = {_LEASE_PER_TIMEOUT * smtp.timeout:g} с)",
                "reminders",
                "lease",
                "Увеличьте lease или уменьшите timeout: иначе другой запуск мог бы взять письмо, которое ещё "
                "отправляется.",
            )
        return Config(
            source=self.path,
            plans=plans,
            out=out,
            calendar=self.calendar(self.table(data, "calendar")),
            display=self.display(self.table(data, "display")),
            feeds=self.feeds(data.get("feeds", [])),
            smtp=smtp,
            reminders=reminders,
            templates=base / self.string(data, "templates", None) if "templates" in data else None,
            smtp_written="smtp" in data,
        )

    def calendar(self, data: dict[str, Any]) -> CalendarSettings:
        self.check_keys(data, setting_keys(CalendarSettings), "calendar")
        defaults = CalendarSettings()
        url = self.optional_string(data, "url", "calendar")
        host = None
        if url is not None:
            m = re.match(r"^https?://(?:[^\s/@]*@)?([A-Za-z0-9.-]+)(?::\d+)?(?:/|$)", url)
            if not m:
                raise self.fail(
                    f"адрес «{url}» должен начинаться с https:// и имени сервера",
                    "calendar",
                    "url",
                    "Например: https://plan.example.org/",
                )
            host = m.group(1).lower()
            url = url if url.endswith("/") else url + "/"
        domain = self.string(data, "domain", "calendar", host or defaults.domain)
        if not re.fullmatch(r"[A-Za-z0-9.-]+", domain):
            raise self.fail(f"домен «{domain}» записан неверно", "calendar", "domain", "Например: plan.example.org.")
        email = self.optional_string(data, "organizer_email", "calendar")
        if email is not None and not is_address(email):
            raise self.fail(f"адрес «{email}» не похож на email", "calendar", "organizer_email")
        return CalendarSettings(
            domain=domain,
            url=url,
            refresh=self.duration(data, "refresh", "calendar", defaults.refresh),
            default_duration=self.duration(data, "default_duration", "calendar", defaults.default_duration),
            alarms=self.boolean(data, "alarms", "calendar", defaults.alarms),
            alarm_before=self.duration(data, "alarm_before", "calendar", defaults.alarm_before),
            organizer_name=self.optional_string(data, "organizer_name", "calendar"),
            organizer_email=email,
        )

    def smtp(self, data: dict[str, Any]) -> SmtpSettings:
        self.check_keys(data, setting_keys(SmtpSettings), "smtp")
        d = SmtpSettings()
        security = enum_member(Security, data.get("security", d.security.value))
        if security is None:
            raise self.fail(f"«security = {data['security']!r}»: допустимо starttls, tls или none", "smtp", "security")
        port = data.get("port", 465 if security is Security.TLS and "port" not in data else d.port)
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise self.fail("«port» должен быть числом от 1 до 65535", "smtp", "port")
        timeout = data.get("timeout", d.timeout)
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            raise self.fail("«timeout» должен быть числом секунд больше нуля", "smtp", "timeout")
        sender = self.string(data, "sender", "smtp", d.sender)
        if "@" not in parseaddr(sender)[1] or any(c in sender for c in "\r\n"):
            raise self.fail(
                f"отправитель «{sender}» не похож на адрес",
                "smtp",
                "sender",
                "Например: «РМО библиотекарей <rmo@example.org>».",
            )
        host = self.string(data, "host", "smtp", d.host)
        username = self.optional_string(data, "username", "smtp")
        if security is Security.NONE and username is not None and not _this_machine(host):
            raise self.fail(
                f'security = "none" и username: пароль ушёл бы на {host} по сети открытым текстом',
                "smtp",
                "security",
                'Укажите security = "starttls" (порт 587) или "tls" (порт 465). Без шифрования — только с '
                'сервером на этом компьютере (host = "localhost").',
            )
        return SmtpSettings(
            host=host,
            port=port,
            security=security,
            username=username,
            password_env=self.string(data, "password_env", "smtp", d.password_env),
            sender=sender,
            timeout=float(timeout),
        )

    def reminders(self, data: dict[str, Any], base: Path) -> ReminderSettings:
        self.check_keys(data, setting_keys(ReminderSettings), "reminders")
        d = ReminderSettings()
        recipients = self.emails(self.str_list(data, "recipients", "reminders"), "recipients")
        groups_table = data.get("groups", {})
        if not isinstance(groups_table, dict):
            raise self.fail("«groups» должен быть таблицей «имя = [адреса]»", "reminders", "groups")
        groups = {}
        for name, members in groups_table.items():
            values = self.str_list(groups_table, name, "reminders")
            groups[str(name)] = self.emails(values, "groups")
            del members
        send_at_text = self.string(data, "send_at", "reminders", d.send_at.strftime("%H:%M"))
        send_at = parse_clock(send_at_text, seconds=True)
        if send_at is None:
            raise self.fail(
                f"«send_at = {send_at_text!r}»: время записано непонятно", "reminders", "send_at", "Пишите «09:00»."
            )
        zone = self.string(data, "timezone", "reminders", d.timezone)
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(f"неизвестный часовой пояс «{zone}»", "reminders", "timezone") from None
        country = self.string(data, "country", "reminders", d.country)
        if holiday_calendar(country) is None:
            raise self.fail(
                f"календарь праздников страны «{country}» неизвестен",
                "reminders",
                "country",
                "Укажите код страны, например RU.",
            )
        return ReminderSettings(
            recipients=recipients,
            groups=groups,
            before_deadline=self.leads(data, "before_deadline", d.before_deadline),
            before_event=self.leads(data, "before_event", d.before_event),
            month_start=self.boolean(data, "month_start", "reminders", d.month_start),
            send_at=send_at,
            timezone=zone,
            working_days_only=self.boolean(data, "working_days_only", "reminders", d.working_days_only),
            country=country,
            state=self.state(self.string(data, "state", "reminders", str(d.state)), base),
            digest=self.boolean(data, "digest", "reminders", d.digest),
            catch_up=self.duration(data, "catch_up", "reminders", d.catch_up),
            retry=self.seconds(data, "retry", "reminders", d.retry),
            lease=self.seconds(data, "lease", "reminders", d.lease),
        )

    def state(self, value: str, base: Path) -> Path | str:
        """A SQLite file (relative to the config's folder) or a PostgreSQL URL, which must carry no password: libpq
        reads it from PGPASSWORD, a service file or ~/.pgpass. The URL is never repeated in an error here, since
        the mistake may be the password itself."""
        scheme, colon, _ = value.partition(":")
        if not colon or scheme.lower() not in _PG_SCHEMES:
            return base / value
        try:
            parts = urlsplit(value)
            _ = parts.port  # raises on a port that is not a number
        except ValueError:
            raise self.fail(
                "адрес базы PostgreSQL в state записан неправильно",
                "reminders",
                "state",
                "Пишите postgresql://пользователь@сервер:5432/база.",
            ) from None
        if parts.password is not None or any(k.lower() == "password" for k, _ in parse_qsl(parts.query)):
            raise self.fail(
                "в адресе базы PostgreSQL (state) указан пароль: в файле настроек его быть не должно",
                "reminders",
                "state",
                "Уберите пароль из адреса и задайте его в переменной окружения PGPASSWORD, в файле ~/.pgpass "
                "(права 600) или в файле служб pg_service.conf (см. docs/deploy-two-hosts.md).",
            )
        return value

    def emails(self, values: tuple[str, ...], key: str) -> tuple[str, ...]:
        for value in values:
            if not is_address(value):
                raise self.fail(f"«{value}» не похож на адрес электронной почты", "reminders", key)
        return values

    def leads(self, data: dict[str, Any], key: str, default: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
        if key not in data:
            return default
        out = []
        for text in self.str_list(data, key, "reminders"):
            try:
                value = parse_duration(text)
            except ValueError:
                raise self.fail(
                    f"«{key}»: «{text}» записано непонятно", "reminders", key, "Пишите как «14d», «3d», «1d»."
                ) from None
            out.append(value)
        return tuple(sorted(set(out), reverse=True))

    def display(self, data: dict[str, Any]) -> DisplaySettings:
        keys = setting_keys(DisplaySettings)
        self.check_keys(data, keys, "display")
        values: dict[str, Display] = {}
        for key in keys:
            if key in data:
                values[key] = self.display_value(data[key], "display", key)
        return DisplaySettings(**values)

    def display_value(self, value: Any, section: str, key: str) -> Display:
        display = enum_member(Display, value)
        if display is None:
            raise self.fail(
                f"«{key} = {value!r}»: неизвестный способ показа",
                section,
                key,
                f"Допустимо: {allowed_values(Display)}.",
            )
        return display

    def feeds(self, value: Any) -> tuple[FeedSpec, ...]:
        if not isinstance(value, list):
            raise self.fail("feeds должен быть списком разделов [[feeds]]", None, "feeds")
        specs: list[FeedSpec] = []
        for table in value:
            if not isinstance(table, dict):
                raise self.fail("каждый [[feeds]] — раздел с name и title", "feeds")
            self.check_keys(table, setting_keys(FeedSpec), "feeds")
            name = self.string(table, "name", "feeds")
            if not is_id(name):
                raise self.fail(
                    f"имя календаря «{name}» {ID_RULE}",
                    "feeds",
                    "name",
                )
            if any(s.name == name for s in specs):
                raise self.fail(f"календарь «{name}» описан дважды", "feeds", "name")
            kinds = self.str_list(table, "kinds", "feeds")
            for kind in kinds:
                if enum_member(Kind, kind) is None:
                    raise self.fail(
                        f"неизвестный вид пункта «{kind}» в календаре «{name}»",
                        "feeds",
                        "kinds",
                        f"Допустимые виды: {allowed_values(Kind)}.",
                    )
            specs.append(
                FeedSpec(
                    name=name,
                    title=self.string(table, "title", "feeds"),
                    kinds=kinds,
                    tags=self.str_list(table, "tags", "feeds"),
                    responsible=self.str_list(table, "responsible", "feeds"),
                    plans=self.str_list(table, "plans", "feeds"),
                    description=self.optional_string(table, "description", "feeds"),
                )
            )
        return tuple(specs)
