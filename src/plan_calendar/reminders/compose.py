"""Reminder emails, composed: reminders grouped into messages and rendered (Jinja2 templates, Russian dates).

Each calendar event a message is about is attached as an .ics rendered by the feed's own renderer
(:mod:`plan_calendar.ics`), so it has the feed's UID, and the version the built feed in the config's `out` folder
gives it. Sending is :mod:`plan_calendar.reminders.smtp`.

A message is deterministic: the same reminders, plans and built feed give the same bytes (Date is the scheduled
send time, MIME boundaries and the Message-ID are derived from the reminders), so a rare resend is recognisable as
a duplicate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    select_autoescape,
)

from plan_calendar.config import Config
from plan_calendar.dates.describe import describe, plural
from plan_calendar.dates.lexicon import lexicon, prepositional
from plan_calendar.display import Entry
from plan_calendar.errors import ConfigError, Source
from plan_calendar.files import sources_time
from plan_calendar.ics.event import event_digest
from plan_calendar.ics.feed import Feed, organizer_of
from plan_calendar.ics.render import plan_events, render
from plan_calendar.ics.versions import Version, next_version, read_previous
from plan_calendar.reminders.addresses import wire_address
from plan_calendar.reminders.rules import Occasion, Reminder
from plan_calendar.when import Span, SpanShape

__all__ = ["Message", "compose"]

_LATE_AFTER = timedelta(hours=1)  # sent this much after its time, a reminder says it is late


@dataclass(frozen=True, slots=True)
class Message:
    """One email to one recipient, with the reminders it carries."""

    recipient: str
    send_at: datetime
    reminders: tuple[Reminder, ...]
    message_id: str
    subject: str
    text: str
    email: EmailMessage

    def as_bytes(self) -> bytes:
        return self.email.as_bytes(policy=SMTP_POLICY)


def _environment(templates: Path | None) -> Environment:
    loaders: list[Any] = [PackageLoader("plan_calendar", "templates")]
    if templates is not None:
        loaders.insert(0, FileSystemLoader(templates))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.globals["plural"] = plural
    return env


def _long_date(d: date) -> str:
    """«30 сентября 2019 г., понедельник»."""
    return format_date(d, "d MMMM y 'г.', EEEE", locale="ru")


def _countdown(days: int) -> str | None:
    """How far off an event or a deadline is, counted from the day the letter goes out."""
    if days < 0:
        return None
    if days == 0:
        return "сегодня"
    if days == 1:
        return "завтра"
    return f"через {days} {plural(days, 'день', 'дня', 'дней')}"


def _deadline_countdown(days: int) -> str:
    """A deadline reminded late may have passed: say so, with how long ago."""
    if days >= 0:
        return _countdown(days) or ""
    if days == -1:
        return "срок прошёл вчера"
    ago = -days
    return f"срок прошёл {ago} {plural(ago, 'день', 'дня', 'дней')} назад"


def _view(reminder: Reminder, now: datetime) -> dict[str, Any]:
    target = reminder.target
    item = target.item
    entry = target.entry
    # Counted from the moment the letter actually goes out (a catch-up run too), on the plan's calendar.
    today = now.astimezone(ZoneInfo(target.plan.timezone)).date()
    at = entry.start.strftime("%H:%M") if isinstance(entry.start, datetime) else None
    if target.occasion is Occasion.DEADLINE:
        heading, when_text = "Срок", f"срок — {_long_date(target.day)}"
        countdown: str | None = _deadline_countdown((target.day - today).days)
    elif target.occasion is Occasion.EVENT:
        heading = "Скоро по плану"
        when_text = _long_date(target.day)
        if target.day != target.end:
            when_text = f"{when_text} – {_long_date(target.end)}"
        countdown = _countdown((target.day - today).days)
        if countdown is None:  # a day range under way
            countdown = "уже идёт"
    else:
        when = target.when
        if isinstance(when, Span) and when.shape is SpanShape.MONTH:
            heading = f"В {prepositional(lexicon().month_names[target.day.month])} по плану"
        else:
            heading = f"С {format_date(target.day, 'd MMMM', locale='ru')} по плану"
        when_text, countdown = describe(when), None
    if at is not None:
        when_text = f"{when_text}, {at}"
    late = now - reminder.send_at > _LATE_AFTER
    return {
        "heading": heading,
        "title": item.title,
        "when_text": when_text,
        "countdown": countdown,
        "wording": " ".join(item.when.split()),
        "late": late,
        "due_text": _long_date(reminder.send_at.date()),
        "location": item.location,
        "responsible": list(item.responsible),
        "agenda": list(item.agenda),
        "description": item.description,
        "plan": target.plan.title,
    }


def compose(reminders: Iterable[Reminder], config: Config, now: datetime) -> list[Message]:
    """Group reminders into messages (a digest per recipient for this run, or one each) and render them.

    A run normally covers one send time; after downtime it also carries late reminders, which join the same
    digest rather than arriving as a burst of emails.
    """
    env = _environment(config.templates)
    groups: dict[tuple[object, ...], list[Reminder]] = {}
    for reminder in reminders:
        key: tuple[object, ...] = (reminder.recipient,)
        if not config.reminders.digest:
            key = (*key, reminder.key)
        groups.setdefault(key, []).append(reminder)
    try:
        stamps: dict[str, datetime] = {}  # the sources' time by plan file, once per call (a stat per plan)
        return [_message(env, group, config, now, stamps) for group in groups.values()]
    except TemplateError as exc:  # a custom template: a set-up error with its file and line, not a traceback
        where = Source(exc.filename or exc.name or "", exc.lineno) if isinstance(exc, TemplateSyntaxError) else None
        raise ConfigError(
            f"ошибка в шаблоне письма: {exc.message}",
            source=where if where and where.file else None,
            hint="Исправьте шаблон (папка templates в настройках): напоминания не отправлены и уйдут после "
            "исправления (в пределах catch_up).",
        ) from None


def _message(
    env: Environment, group: list[Reminder], config: Config, now: datetime, stamps: dict[str, datetime]
) -> Message:
    recipient, send_at = group[0].recipient, max(r.send_at for r in group)
    # Date is the scheduled time (resends are the same bytes); a letter that goes out on a later day (a catch-up
    # run) is dated when it goes out, as its «завтра» and «через N дней» are counted from then.
    if now.astimezone(send_at.tzinfo).date() != send_at.date():
        send_at = now.astimezone(send_at.tzinfo).replace(second=0, microsecond=0)
    # An item shows once even when two of its lead times fall on the same send time (3d and a shifted 1d).
    shown = {(r.target.plan.id, r.target.item.id, r.target.day): r for r in reversed(group)}
    views = [_view(r, now) for r in sorted(shown.values(), key=lambda r: (r.target.day, r.key))]
    context = {
        "reminders": views,
        "plan_titles": list(dict.fromkeys(r.target.plan.title for r in group)),
        "send_day": format_date(send_at.date(), "d MMMM y", locale="ru"),
        "feed_url": _feed_url(config, group),
        "recipient": recipient,
    }
    subject = " ".join(env.get_template("email/subject.txt").render(**context).split())
    text = env.get_template("email/body.txt").render(**context, subject=subject)
    html = env.get_template("email/body.html").render(**context, subject=subject)
    digest = hashlib.sha256(repr((recipient, sorted(r.key for r in group))).encode()).hexdigest()
    _, sender_address = parseaddr(config.smtp.sender)
    domain = sender_address.rpartition("@")[2] or "plan-cal.local"
    message_id = f"<{digest[:32]}@{domain}>"

    msg = EmailMessage(policy=SMTP_POLICY)
    sender_name, _ = parseaddr(config.smtp.sender)
    if wire_address(sender_address) != sender_address:
        msg["From"] = Address(display_name=sender_name, addr_spec=wire_address(sender_address))
    else:
        msg["From"] = config.smtp.sender
    msg["To"] = wire_address(recipient)  # the domain in IDNA: readable by every server and client
    msg["Date"] = format_datetime(send_at)
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    for name, data in _attachments(group, config, stamps):
        msg.add_attachment(data, maintype="text", subtype="calendar", filename=name, params={"method": "PUBLISH"})
    for n, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_plan-cal-{digest[:16]}-{n}")  # random boundaries would make resends differ
    return Message(recipient, send_at, tuple(group), message_id, subject, text, msg)


def _feed_url(config: Config, group: list[Reminder]) -> str | None:
    if not config.calendar.url:
        return None
    plans = list(dict.fromkeys(r.target.plan.id for r in group))
    return f"{config.calendar.url}{plans[0]}.ics" if len(plans) == 1 else config.calendar.url


def _attachments(group: list[Reminder], config: Config, stamps: dict[str, datetime]) -> list[tuple[str, bytes]]:
    """One .ics per calendar event: the feed's own event, rendered by the feed's renderer (the same UID; for one
    occurrence of a repetition, that occurrence with RECURRENCE-ID) and its version (`_feed_versions`),
    METHOD:PUBLISH, no alarms (docs/client-rules.md). An item that `display: hidden` keeps out of the calendar
    has none."""
    name, address = parseaddr(config.smtp.sender)
    out: list[tuple[str, bytes]] = []
    seen: set[tuple[str, str]] = set()
    for reminder in group:
        target = reminder.target
        entry = target.entry
        key = (entry.uid_stem, entry.recurrence_id.isoformat() if entry.recurrence_id is not None else "")
        if entry.hidden or key in seen:
            continue
        seen.add(key)
        settings = replace(config.calendar, alarms=False)
        plan = target.plan
        if plan.source.file not in stamps:
            stamps[plan.source.file] = _sources_stamp(config, plan.source.file)
        if settings.organizer_email is None and (plan.organizer is None or not plan.organizer.email):
            # PUBLISH needs an ORGANIZER (the feed omits METHOD instead): the sender of the letter.
            settings = replace(settings, organizer_email=address or None, organizer_name=name or None)
        feed = Feed(
            name=plan.id,
            title=plan.title,
            description=plan.title,
            timezone=plan.timezone,
            entries=(entry,),
            first_year=plan.academic_year.first,
            last_year=plan.academic_year.second,
            stamp=stamps[plan.source.file],
        )
        events = plan_events(feed, config.calendar)  # content digests as the built feed computes them
        previous = _feed_versions(config.out / feed.filename, feed, events, config)
        data, _ = render(feed, settings, previous, events=events)
        out.append((f"{target.item.id}-{target.day:%Y%m%d}.ics", data))
    return out


def _sources_stamp(config: Config, plan_file: str) -> datetime:
    """The LAST-MODIFIED `build` gives what changed: the newest of the plans and the settings file."""
    plans = list(config.plans) or [Path(plan_file)]
    return sources_time([*plans, *([config.source] if config.source else [])])


def _feed_versions(path: Path, feed: Feed, events: list[tuple[Entry, str, str]], config: Config) -> dict[str, Version]:
    """The versions the built feed gives these events, so that an attachment says the feed's SEQUENCE and
    LAST-MODIFIED: an event as the feed has it keeps them; one changed in the plan since the build gets the
    version the next build will give it (render's ``next_version`` with the sources' time); one occurrence of a
    repetition has its series' version, by the same rule. Without a built feed in the config's `out` folder, every
    event is version 0 of the sources' time, as a first build would write it."""
    versions = _built_versions(path)
    organizer = organizer_of(feed, config.calendar)
    out: dict[str, Version] = {}
    for entry, uid, digest in events:
        before = versions.get(uid)
        if before is None:
            continue
        if entry.series is None:
            out[uid] = before  # render compares the digests
            continue
        series = event_digest(entry.series, uid, config.calendar, organizer)
        out[uid] = replace(next_version(before, series, feed.stamp), digest=digest)
    return out


_BUILT: dict[Path, tuple[tuple[int, int, int], dict[str, Version]]] = {}


def _built_versions(path: Path) -> dict[str, Version]:
    """A built feed's versions, read once per version of the file (a run composes many letters from one feed; the
    scheduler keeps one reading per feed, replaced when the build replaces the file)."""
    try:
        stat = path.stat()
    except OSError:
        return {}
    key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    cached = _BUILT.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    versions = read_previous(path).versions
    _BUILT[path] = (key, versions)
    return versions
