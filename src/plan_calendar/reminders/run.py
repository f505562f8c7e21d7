"""One reminder run: what `plan-cal remind` and each scheduler job do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from plan_calendar.config import Config, ReminderSettings, SmtpSettings
from plan_calendar.errors import ConfigError, PlanError
from plan_calendar.identity import IdStore
from plan_calendar.memory import cyclic_gc_paused
from plan_calendar.plan import Item
from plan_calendar.reminders.compose import Message, compose
from plan_calendar.reminders.ledger import UNSENT, Key, Ledger, SendState, ledger_exists, open_ledger
from plan_calendar.reminders.rules import Reminder, due, recipients_of
from plan_calendar.reminders.smtp import PermanentFailure, SetupFailure, SmtpSender, TemporaryFailure
from plan_calendar.schedule import Schedule, interpret
from plan_calendar.yamlplan import load_plan

__all__ = ["RemindReport", "check_setup", "remind"]


@dataclass
class RemindReport:
    """What a run did."""

    planned: list[Message] = field(default_factory=list)  # what was due (all of it with --dry-run)
    sent: list[Message] = field(default_factory=list)
    failed: list[tuple[Message, str]] = field(default_factory=list)  # refused for good
    deferred: list[tuple[Message, str]] = field(default_factory=list)  # left for the next run
    missed: list[Reminder] = field(default_factory=list)  # older than the catch-up window
    past: list[Reminder] = field(default_factory=list)  # due late, about an event already over: not sent
    already: int = 0  # reminders due but sent before
    refused_before: int = 0  # reminders due that the server refused for good in an earlier run (not retried)
    elsewhere: int = 0  # reminders due that another run (this host or another) claimed first: it sends them
    stopped: ConfigError | None = None  # the server refused the run itself (sender, login): all left unsent
    dry_run: bool = False
    errors: list[PlanError] = field(default_factory=list)  # plans and items left out this run


def load_schedules(
    paths: list[Path], country: str = "RU", ids: IdStore | None = None
) -> tuple[list[Schedule], list[PlanError]]:
    """Read and interpret plans: the usable ones, and an error for each plan or item that cannot be used.

    One rule with `build` (docs/dates.md): an item whose date cannot be read is left out of reminders until it is
    fixed (its reminders then go out within catch_up); the plan's other items and the other plans are not held
    back by it. A plan that cannot be read at all is left out whole."""
    schedules: list[Schedule] = []
    errors: list[PlanError] = []
    for path in paths:
        try:
            with cyclic_gc_paused():  # plan_calendar.memory
                schedule = interpret(load_plan(path, ids), country)  # ids: a document plan's rows keep build's ids
        except PlanError as exc:
            errors.append(exc)
            continue
        schedules.append(schedule)
        errors.extend(
            PlanError(
                problem.message,
                source=problem.source,
                hint="Напоминания по этому пункту не отправлены, по остальным — отправлены. "
                "Исправьте его (plan-cal check).",
            )
            for problem in schedule.errors
        )
    return schedules, errors


def check_setup(config: Config, schedules: list[Schedule], *, sending: bool = True) -> None:
    """Stop with a set-up error when reminders could never go out, rather than report «0 letters sent»: no
    [smtp] section (when ``sending``), nobody to send to (no recipients, groups or `notify:` anywhere)."""
    if sending and not config.smtp_written:
        if config.source is None:
            raise ConfigError(
                "файл настроек не найден, а без него напоминаниям некуда и не через что уходить: в нём задают "
                "почтовый сервер ([smtp]) и получателей ([reminders] recipients)",
                hint="Укажите --config ФАЙЛ или положите plan-cal.toml в текущую папку (образец — "
                "config.example.toml).",
            )
        raise ConfigError(
            f"в файле настроек «{config.source}» нет раздела [smtp]: напоминаниям не через что уходить",
            hint="Добавьте [smtp] с host, port, security и sender (образец — config.example.toml) и проверьте его "
            "командой plan-cal remind --test ваш@адрес.",
        )
    settings = config.reminders
    anyone = bool(settings.recipients) or any(settings.groups.values())
    if not anyone and not any(item.notify for s in schedules for item in s.plan.items):
        where = f"в файле настроек «{config.source}»" if config.source is not None else "без файла настроек"
        raise ConfigError(
            f"напоминания некому отправлять: {where} нет получателей (recipients в [reminders]), а у пунктов "
            "плана нет notify",
            hint='Укажите recipients = ["…@…"] в [reminders] (образец — config.example.toml).',
        )


def remind(
    config: Config,
    plan_paths: list[Path],
    now: datetime,
    *,
    dry_run: bool = False,
    sender: Callable[[SmtpSettings], SmtpSender] = SmtpSender,
) -> RemindReport:
    """Send every reminder due at ``now`` that the ledger has not seen sent; record each step."""
    ids = IdStore.load(config.out)  # the ids `build` gave a document plan's rows (plan_calendar.identity)
    schedules, plan_errors = load_schedules(plan_paths, config.reminders.country, ids)
    check_setup(config, schedules, sending=not dry_run)
    report = RemindReport(dry_run=dry_run, errors=plan_errors)
    recipients = _recipients_or_error(report)
    if dry_run:  # reads the ledger if there is one, and writes nothing
        to_send, _, past = due(schedules, config, now, since=now, recipients=recipients)
        statuses: dict[Key, str] = {}
        if ledger_exists(config.reminders.state):
            with open_ledger(config.reminders) as ledger:
                statuses = ledger.statuses([r.key for r in [*to_send, *past]])
        pending = [r for r in to_send if statuses.get(r.key, "pending") in UNSENT]
        _count_earlier(report, to_send, statuses)
        report.past = [r for r in past if statuses.get(r.key, "pending") in UNSENT]
        report.planned = compose(pending, config, now)
        return report
    # No lock: runs on this host and others go side by side, and each message is claimed in the ledger just before
    # it is sent (see ledger.py), so a reminder another run has taken is left to it.
    with open_ledger(config.reminders) as ledger:
        to_send, missed, past = due(schedules, config, now, since=ledger.last_run(), recipients=recipients)
        entries = ledger.lookup([r.key for r in [*to_send, *missed, *past]])
        statuses = {key: entry.status for key, entry in entries.items()}
        pending = [r for r in to_send if statuses.get(r.key, "pending") in UNSENT]
        _count_earlier(report, to_send, statuses)
        # Never sent (no row, or deferred / pending when the window closed): missed, as docs/reminders.md says.
        # The ledger leaves alone any of them another run has claimed meanwhile.
        report.missed = [r for r in missed if statuses.get(r.key, "pending") in UNSENT]
        # A late run does not announce what is already over (yesterday's meeting): recorded as missed too.
        report.past = [r for r in past if statuses.get(r.key, "pending") in UNSENT]
        if report.missed or report.past:
            ledger.missed([r.key for r in [*report.missed, *report.past]], now)
        report.planned = _compose(pending, entries, config, now)
        if report.planned:
            _send_all(report, ledger, config, now, sender)
        ledger.record_run(now)
    if ids.changed:  # new or changed rows of a document plan: their ids are kept for build and the next run
        from plan_calendar.files import build_lock  # noqa: PLC0415

        config.out.mkdir(parents=True, exist_ok=True)
        with build_lock(config.out):
            ids.save()
    return report


def _compose(pending: list[Reminder], entries: dict[Key, SendState], config: Config, now: datetime) -> list[Message]:
    """The messages to send. Reminders left ``pending`` by a run that died mid-send may have reached the server:
    they go again as the same letter, with the Message-ID the ledger kept, so that mail systems drop the copy."""
    again: dict[str, list[Reminder]] = {}
    fresh: list[Reminder] = []
    for reminder in pending:
        entry = entries.get(reminder.key)
        if entry is not None and entry.status == "pending" and entry.message_id:
            again.setdefault(entry.message_id, []).append(reminder)
        else:
            fresh.append(reminder)
    messages = [
        _with_message_id(message, message_id)
        for message_id, group in again.items()
        for message in compose(group, config, now)
    ]
    return messages + compose(fresh, config, now)


def _with_message_id(message: Message, message_id: str) -> Message:
    """``message`` under a Message-ID given before (the same reminders give the same one; fewer would not)."""
    if message.message_id == message_id:
        return message
    message.email.replace_header("Message-ID", message_id)
    return replace(message, message_id=message_id)


def _count_earlier(report: RemindReport, to_send: list[Reminder], statuses: dict[Key, str]) -> None:
    """Due reminders an earlier run settled: sent, or refused for good (which are not "sent")."""
    done = [statuses.get(r.key) for r in to_send]
    report.already = done.count("sent")
    report.refused_before = done.count("failed")


def _recipients_or_error(report: RemindReport) -> Callable[[Item, ReminderSettings], tuple[str, ...]]:
    """Recipients of an item; an item whose `notify:` names a group the config lacks gets none this run and is
    reported, so that one typo does not hold back every other reminder (its own go out once it is fixed, within
    the catch-up window)."""
    reported: set[tuple[str, str]] = set()

    def recipients(item: Item, settings: ReminderSettings) -> tuple[str, ...]:
        try:
            return recipients_of(item, settings)
        except PlanError as exc:
            key = (item.source.file, item.id)
            if key not in reported:
                reported.add(key)
                report.errors.append(exc)
            return ()

    return recipients


def _send_all(
    report: RemindReport,
    ledger: Ledger,
    config: Config,
    now: datetime,
    sender: Callable[[SmtpSettings], SmtpSender],
) -> None:
    messages = list(report.planned)
    try:
        with sender(config.smtp) as smtp:
            while messages:
                claimed = _claim(ledger, messages.pop(0), report, config, now)  # before the SMTP transaction
                if claimed is None:
                    continue
                message = claimed
                keys = [r.key for r in message.reminders]
                try:
                    answer = smtp.send(message)
                except PermanentFailure as exc:
                    ledger.failed(keys, now, exc.detail)
                    report.failed.append((message, exc.detail))
                except TemporaryFailure as exc:
                    ledger.deferred(keys, now, exc.detail)
                    report.deferred.append((message, exc.detail))
                    if exc.connection_lost:
                        raise
                except SetupFailure:
                    messages.insert(0, message)  # not this letter's fault: back with the others, unsent
                    raise
                else:
                    ledger.sent(keys, now, answer)
                    report.sent.append(message)
    except (TemporaryFailure, SetupFailure) as exc:
        # The server is unreachable, or refused the sender or the login: everything not yet sent waits for the
        # next run (after a set-up error, for the fix). Rows another run has claimed or sent meanwhile stay its.
        if isinstance(exc, SetupFailure):
            report.stopped = exc.error
        for message in messages:
            ledger.deferred([r.key for r in message.reminders], now, exc.detail)
            report.deferred.append((message, exc.detail))


def _claim(ledger: Ledger, message: Message, report: RemindReport, config: Config, now: datetime) -> Message | None:
    """``message`` claimed for this run; if another run took some of its reminders first, the letter with the rest
    (None when nothing is left). Those are the other run's to send: counted in ``report.elsewhere``."""
    while True:
        taken = ledger.claim([r.key for r in message.reminders], message.message_id, message.send_at, now)
        if not taken:
            return message
        report.elsewhere += sum(r.key in taken for r in message.reminders)
        rest = [r for r in message.reminders if r.key not in taken]
        if not rest:
            return None
        [message] = compose(rest, config, now)  # one recipient: one letter
