"""`plan-cal remind` (one run, a dry run, a test letter) and `plan-cal scheduler` (the service): what a user sees
of the reminders that reminders/ decides and sends."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from plan_calendar.cli.output import safe
from plan_calendar.cli.root import ConfigOpt, PlansArg, QuietOpt, state
from plan_calendar.errors import ExitCode

if TYPE_CHECKING:
    from plan_calendar.reminders.run import RemindReport

__all__ = ["remind", "scheduler"]


def remind(  # noqa: PLR0917 - a Typer command: its options are its parameters
    plans: PlansArg = None,
    config_file: ConfigOpt = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="Момент отправки, например 2019-09-16T09:00 (по умолчанию — сейчас).", metavar="ДАТА-ВРЕМЯ"
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Показать, что было бы отправлено, ничего не отправляя и не записывая.")
    ] = False,
    test: Annotated[
        str | None,
        typer.Option(
            "--test",
            help="Отправить одно пробное письмо на этот адрес с текущими настройками [smtp] и сказать, какой шаг "
            "не удался (имя сервера, соединение, TLS, вход, отправитель, получатель).",
            metavar="АДРЕС",
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Отправить напоминания, срок которых наступил, и записать их в журнал.

    Повторный запуск в тот же момент ничего не отправит. Код выхода 3 — SMTP-сервер недоступен или просит
    повторить позже (напоминания уйдут при следующем запуске); 1 — ошибки в плане, настройках или адрес
    отклонён сервером. С --test АДРЕС — только пробное письмо (журнал не трогается).
    """
    from plan_calendar.configfile import load_config  # noqa: PLC0415 - reminders load their own modules
    from plan_calendar.reminders.run import remind as run_reminders  # noqa: PLC0415

    config = load_config(config_file)
    if test is not None:
        _test_letter(config, test, at)
        return
    paths = list(plans or config.plans)
    if not paths:
        raise typer.BadParameter("укажите файлы планов или plans в файле настроек", param_hint="ПЛАН")
    now = _moment(at, config.reminders.timezone)
    report = run_reminders(config, paths, now, dry_run=dry_run)
    for error in report.errors:
        typer.echo(safe(f"ошибка: {error}"), err=True)
    if report.errors:
        typer.echo("Пропущено только то, где ошибка; остальные напоминания обработаны как обычно.", err=True)
    if dry_run:
        _print_dry_run(report)
        if report.errors:
            raise typer.Exit(ExitCode.PLAN_ERROR)
        return
    _print_run(report, now, quiet)
    if report.errors or report.stopped:  # the config needs a human before the server does
        raise typer.Exit(ExitCode.PLAN_ERROR)
    if report.deferred:
        raise typer.Exit(ExitCode.SERVICE)
    if report.failed:
        raise typer.Exit(ExitCode.PLAN_ERROR)


def _print_dry_run(report: RemindReport) -> None:
    """`remind --dry-run`: each letter that would go out, then the totals."""
    for message in report.planned:
        typer.echo(
            safe(
                f"Кому: {message.recipient}\nКогда: {message.send_at:%Y-%m-%d %H:%M}\n"
                f"Тема: {message.subject}\n\n{message.text}\n{'-' * 60}"
            )
        )
    past = f"; об уже прошедших событиях не было бы отправлено: {len(report.past)}" if report.past else ""
    typer.echo(
        f"Пробный запуск: было бы отправлено писем: {len(report.planned)} (напоминаний: "
        f"{_reminders_in(report.planned)}); уже отправлено раньше: {report.already}{past}. "
        "Ничего не отправлено и не записано."
    )


def _print_run(report: RemindReport, now: datetime, quiet: bool) -> None:
    """A run's letters refused or put off, each on stderr, then the totals (with --quiet only after trouble)."""
    for message, detail in report.failed:
        typer.echo(safe(f"ошибка: письмо для {message.recipient} отклонено: {detail}"), err=True)
    if report.stopped is not None:
        typer.echo(safe(f"ошибка: {report.stopped}"), err=True)
    else:
        for message, detail in report.deferred:
            typer.echo(
                safe(f"не отправлено, повторится при следующем запуске: {message.recipient}: {detail}"), err=True
            )
    trouble = bool(report.failed or report.deferred or report.errors or report.stopped)
    if not quiet or trouble:
        elsewhere = f"; отправляет другой запуск: {report.elsewhere}" if report.elsewhere else ""
        refused_before = (
            f"; отклонены сервером в прошлые запуски (не повторяются): {report.refused_before}"
            if report.refused_before
            else ""
        )
        past = f"; об уже прошедших событиях не отправлено: {len(report.past)}" if report.past else ""
        deferred = [m for m, _ in report.deferred]
        failed = [m for m, _ in report.failed]
        # Letters and reminders apart: a digest carries several reminders in one letter.
        typer.echo(
            f"Напоминания на {now:%Y-%m-%d %H:%M}: отправлено писем {len(report.sent)} (напоминаний: "
            f"{_reminders_in(report.sent)}), отложено писем {len(deferred)} (напоминаний: {_reminders_in(deferred)}), "
            f"отклонено писем {len(failed)} (напоминаний: {_reminders_in(failed)}); уже были отправлены раньше: "
            f"{report.already}{refused_before}{elsewhere}; пропущено как слишком старые: {len(report.missed)}{past}.",
            err=trouble,
        )


def _reminders_in(messages: list[Any]) -> int:
    return sum(len(m.reminders) for m in messages)


def _test_letter(config: Any, address: str, at: str | None) -> None:
    """`remind --test ADDRESS`: one letter with the current settings, each step reported."""
    from dataclasses import replace  # noqa: PLC0415

    from plan_calendar.reminders.run import check_setup  # noqa: PLC0415
    from plan_calendar.reminders.smtp import send_test_letter  # noqa: PLC0415

    if "@" not in address or any(c.isspace() for c in address):
        raise typer.BadParameter(f"«{address}» — не адрес электронной почты", param_hint="--test")
    check_setup(replace(config, reminders=replace(config.reminders, recipients=(address,))), [])
    s = config.smtp
    typer.echo(safe(f"Пробное письмо: сервер {s.host}:{s.port}, отправитель {s.sender}, получатель {address}."))
    send_test_letter(config, address, _moment(at, config.reminders.timezone), lambda line: typer.echo(safe(line)))
    typer.echo("Настройки почты работают.")


def scheduler(
    plans: PlansArg = None,
    config_file: ConfigOpt = None,
    watch_every: Annotated[
        float, typer.Option("--watch-every", help="Как часто проверять, не изменились ли файлы (секунды).", min=0.5)
    ] = 10.0,
) -> None:
    """Работать службой: отправлять напоминания в их время (для systemd).

    При запуске отправляет то, что наступило, пока служба не работала (в пределах catch_up), затем ждёт
    следующего времени отправки. Перечитывает планы и настройки при их изменении. Останавливается по
    SIGTERM или Ctrl+C. Вместе с cron-запусками `remind` ничего не отправляет дважды.
    """
    import logging  # noqa: PLC0415

    from plan_calendar.configfile import load_config  # noqa: PLC0415
    from plan_calendar.reminders.run import check_setup, load_schedules  # noqa: PLC0415
    from plan_calendar.reminders.scheduler import ReminderService, ZoneFormatter  # noqa: PLC0415

    config = load_config(config_file)
    paths = list(plans or config.plans)
    if not paths:  # a service with nothing to do would idle forever: say so at once
        raise typer.BadParameter("укажите файлы планов или plans в файле настроек", param_hint="ПЛАН.yaml")
    check_setup(config, load_schedules(paths, config.reminders.country)[0])
    level = logging.DEBUG if state["debug"] else logging.INFO  # --debug: tracebacks of failed runs too
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ZoneFormatter(config.reminders.timezone))  # times in the reminders' time zone
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    ReminderService(config_file, list(plans) if plans else None, watch_every=watch_every).run()


def _moment(text: str | None, zone: str) -> datetime:
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    tz = ZoneInfo(zone)
    if text is None:
        return datetime.now(tz)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"«{text}» — не дата и время; пишите 2019-09-16T09:00", param_hint="--at") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
