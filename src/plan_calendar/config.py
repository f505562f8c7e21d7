"""The configuration file: TOML → typed settings.

Found from ``--config``, then ``$PLAN_CAL_CONFIG``, then ``./plan-cal.toml``, then
``$XDG_CONFIG_HOME/plan-cal/config.toml``. Without any, the defaults apply. Secrets are never in the file:
it names the environment variable that holds them. Every key is described in ``config.example.toml``.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import tomllib
from dataclasses import dataclass, field, fields
from datetime import time, timedelta
from email.utils import parseaddr
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plan_calendar.durations import parse_duration
from plan_calendar.errors import ConfigError, Source
from plan_calendar.plan import Display, Kind
from plan_calendar.reminders.workdays import holiday_calendar
from plan_calendar.validation import ID_RULE, allowed_values, enum_member, is_address, is_id, key_hint, parse_clock

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
    "find_config",
    "load_config",
    "parse_config",
    "setting_keys",
]

ENV_VAR = "PLAN_CAL_CONFIG"
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


# tomllib's messages (CPython's tomllib/_parser.py), in Russian: a user never sees the English parser text.
_TOML_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), russian)
    for pattern, russian in (
        (r"Expected '=' after a key in a key/value pair", "после ключа нужен знак «=»"),
        (r"Expected '\]' at the end of a table declaration", "заголовок раздела должен кончаться «]»"),
        (r"Expected '\]\]' at the end of an array declaration", "заголовок [[…]] должен кончаться «]]»"),
        (r"Invalid statement", "непонятная строка: нужно «ключ = значение» или [раздел]"),
        (r"Invalid value", "непонятное значение (текст пишут в кавычках, списки — в [ ])"),
        (r"Invalid initial character for a key part", "ключ не может начинаться с этого знака"),
        (r"Invalid date or datetime", "неверная дата или время"),
        (r"Invalid hex value", "неверный шестнадцатеричный код"),
        (r"Escaped character is not a Unicode scalar value", "такого символа Юникода нет"),
        (r"Unclosed array", "список не закрыт: нет «]»"),
        (r"Unclosed inline table", "таблица в { } не закрыта: нет «}»"),
        (
            r"Unescaped '\\' in a string",
            "обратная черта «\\» в тексте в двойных кавычках: пишите «\\\\» или берите текст в одинарные кавычки",
        ),
        (r"Unterminated string", "текст не закрыт: нет закрывающей кавычки"),
        (r"Cannot overwrite a value", "этот ключ уже задан выше"),
        (r"Cannot declare (.+) twice", "раздел {0} задан дважды"),
        (r"Cannot mutate immutable namespace (.+)", "{0} уже задан целиком, дополнить его нельзя"),
        (r"Cannot redefine namespace (.+)", "{0} уже задан"),
        (r"Duplicate inline table key (.+)", "ключ {0} повторяется"),
        (r"Illegal character '\\n'", "текст не закрыт: строка кончилась раньше закрывающей кавычки"),
        (r"Found invalid character (.+)", "недопустимый знак {0}"),
        (r"Illegal character (.+)", "недопустимый знак {0}"),
        (r"Expected (.+)", "здесь нужно {0}"),
    )
)


def _toml_problem(english: str) -> str:
    for pattern, russian in _TOML_PROBLEMS:
        m = pattern.fullmatch(english)
        if m:
            return russian.format(*(_toml_name(g) for g in m.groups()))
    return "запись не по правилам TOML"


def _toml_name(text: str) -> str:
    """A key as tomllib quotes it (``('reminders', 'groups')``, ``'x'``) → «reminders.groups», «x»."""
    parts = re.findall(r"'((?:[^'\\]|\\.)*)'", text)
    return f"«{'.'.join(parts)}»" if parts else text


def parse_config(text: str, path: Path) -> Config:
    """Read configuration text; ``path`` is used in messages and to resolve relative plan paths."""
    reader = _ConfigReader(text, path)
    return reader.read()


class _ConfigReader:
    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.lines = text.splitlines()
        self.path = path

    def fail(
        self, message: str, section: str | None = None, key: str | None = None, hint: str | None = None
    ) -> ConfigError:
        return ConfigError(message, source=Source(str(self.path), self.line_of(section, key)), hint=hint)

    def line_of(self, section: str | None, key: str | None) -> int | None:
        """The line of ``key`` in ``[section]`` (tomllib keeps no positions, so look for it in the text)."""
        start = 0
        if section:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?\s*$")
            for i, line in enumerate(self.lines):
                if header.match(line):
                    start = i
                    break
            else:
                return None
            if key is None:
                return start + 1
        if key is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, len(self.lines)):
            if i > start and section and self.lines[i].lstrip().startswith("["):
                break
            if not section and self.lines[i].lstrip().startswith("["):
                break
            if pattern.match(self.lines[i]):
                return i + 1
        return None

    def check_keys(self, table: dict[str, Any], allowed: tuple[str, ...], section: str | None) -> None:
        for key in table:
            if key not in allowed:
                where = f"в разделе [{section}]" if section else "в файле настроек"
                raise self.fail(f"неизвестный ключ «{key}» {where}", section, key, key_hint(key, allowed))

    def read(self) -> Config:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            raise self.syntax_error(str(exc)) from None
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

    def syntax_error(self, english: str) -> ConfigError:
        """tomllib's message in Russian, at its line and column («(at end of document)»: the last line)."""
        m = re.search(r"\(at line (\d+), column (\d+)\)", english)
        if m:
            source = Source(str(self.path), int(m.group(1)), int(m.group(2)))
        else:
            source = Source(str(self.path), max(1, len(self.lines)) if "end of document" in english else None)
        problem = re.sub(r" [(]at (line|end of document).*", "", english).strip()
        return ConfigError(
            f"ошибка в записи TOML: {_toml_problem(problem)}",
            source=source,
            hint="Проверьте кавычки, скобки и знаки «=» в этой строке.",
        )

    # ---------------------------------------------------------------- value helpers
    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(f"«{key}» должен быть разделом [{key}]", None, key)
        return value

    def string(self, data: dict[str, Any], key: str, section: str | None, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"«{key}» должен быть непустой строкой", section, key)
        return value.strip()

    def optional_string(self, data: dict[str, Any], key: str, section: str | None) -> str | None:
        return self.string(data, key, section) if key in data else None

    def str_list(self, data: dict[str, Any], key: str, section: str | None) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"«{key}» должен быть списком строк", section, key)
        return tuple(v.strip() for v in value if v.strip())

    def duration(self, data: dict[str, Any], key: str, section: str, default: timedelta) -> timedelta:
        if key not in data:
            return default
        try:
            value = parse_duration(str(data[key]))
        except ValueError:
            raise self.fail(
                f"«{key} = {data[key]!r}»: длительность записана непонятно",
                section,
                key,
                "Пишите как «14d», «12h», «90m» или «1h30m».",
            ) from None
        if value <= timedelta(0):
            raise self.fail(f"«{key}» должно быть больше нуля", section, key)
        return value

    def boolean(self, data: dict[str, Any], key: str, section: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"«{key}» должен быть true или false", section, key)
        return value

    # ---------------------------------------------------------------- sections
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

    def seconds(self, data: dict[str, Any], key: str, section: str, default: float) -> float:
        value = data.get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
            raise self.fail(f"«{key}» должен быть числом секунд больше нуля", section, key)
        return float(value)

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
