"""`plan-cal ledger status` and `plan-cal ledger migrate`: what the reminder ledger holds, and moving its history
to another ledger (a SQLite file to PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from plan_calendar.cli.localisation import Command, Group
from plan_calendar.cli.output import safe
from plan_calendar.cli.root import ConfigOpt
from plan_calendar.errors import ExitCode

__all__ = ["ledger_app"]

ledger_app = typer.Typer(
    cls=Group,
    help="Журнал напоминаний: что отправлено, и перенос в другой журнал (например, в PostgreSQL).",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

StateOpt = Annotated[
    str | None,
    typer.Option(
        "--state",
        help="Журнал: файл SQLite или адрес postgresql://… (по умолчанию — state из настроек).",
        metavar="ЖУРНАЛ",
    ),
]
_STATUS_NAMES = {
    "sent": "отправлено",
    "deferred": "отложено",
    "failed": "отклонено сервером",
    "missed": "пропущено (старше catch_up)",
    "pending": "отправляется или прервано",
}
_STATUS_TITLES = {
    "deferred": "Отложены — уйдут при следующем запуске",
    "failed": "Отклонены сервером — не повторяются",
    "missed": "Пропущены — были старше окна catch_up",
    "pending": "Отправляются сейчас или прерваны — после аренды (lease) их отправит следующий запуск",
}


def _state_value(text: str, option: str) -> Path | str:
    """A ledger named on the command line: a PostgreSQL URL (never with a password) or a SQLite file."""
    from urllib.parse import parse_qsl, urlsplit  # noqa: PLC0415

    if not text.lower().startswith(("postgresql:", "postgres:")):
        return Path(text)
    try:
        parts = urlsplit(text)
        has_password = parts.password is not None or any(k.lower() == "password" for k, _ in parse_qsl(parts.query))
    except ValueError:
        raise typer.BadParameter("адрес базы PostgreSQL записан неправильно", param_hint=option) from None
    if has_password:
        raise typer.BadParameter(
            "в адресе базы не должно быть пароля: задайте его в PGPASSWORD, ~/.pgpass или pg_service.conf",
            param_hint=option,
        )
    return text


@ledger_app.command("status", cls=Command)
def ledger_status(
    config_file: ConfigOpt = None,
    state: StateOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="Сколько последних записей каждого вида показать.", min=0)] = 20,
) -> None:
    """Показать, что записано в журнале: сколько отправлено, отложено, отклонено и пропущено, и последние из них."""
    from plan_calendar.configfile import load_config  # noqa: PLC0415
    from plan_calendar.reminders.ledger import ledger_exists, open_ledger  # noqa: PLC0415

    settings = load_config(config_file).reminders
    where = _state_value(state, "--state") if state else settings.state
    if not ledger_exists(where):
        typer.echo(safe(f"ошибка: журнала «{where}» нет: напоминания ещё не отправлялись"), err=True)
        raise typer.Exit(ExitCode.PLAN_ERROR)
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    zone = ZoneInfo(settings.timezone)  # times as the config's time zone shows them, whatever the ledger stores
    with open_ledger(settings, where) as ledger:
        summary = ledger.summary(limit)
    last = f"{summary.last_run.astimezone(zone):%Y-%m-%d %H:%M}" if summary.last_run else "не было"
    typer.echo(safe(f"Журнал: {summary.where}\nПоследний запуск отправки: {last}"))
    typer.echo("; ".join(f"{_STATUS_NAMES[s]}: {summary.counts.get(s, 0)}" for s in _STATUS_NAMES) + ".")
    for status, title in _STATUS_TITLES.items():
        records = summary.recent.get(status, [])
        if not records:
            continue
        shown = (
            f" (последние {len(records)} из {summary.counts[status]})" if len(records) < summary.counts[status] else ""
        )
        typer.echo(f"\n{title}{shown}:")
        for record in records:
            plan, item, occurrence, lead, recipient = record.key
            detail = f": {record.detail}" if record.detail else ""
            when = f"{record.updated.astimezone(zone):%Y-%m-%d %H:%M}"
            typer.echo(safe(f"  {when}  {plan}/{item} {occurrence} ({lead}) → {recipient}{detail}"))


@ledger_app.command("migrate", cls=Command)
def ledger_migrate(
    to: Annotated[
        str,
        typer.Option("--to", help="Куда: адрес postgresql://… или файл SQLite.", metavar="ЖУРНАЛ", show_default=False),
    ],
    source: Annotated[
        str | None,
        typer.Option(
            "--from", help="Откуда перенести историю: файл SQLite (или адрес postgresql://…).", metavar="ЖУРНАЛ"
        ),
    ] = None,
    config_file: ConfigOpt = None,
) -> None:
    """Создать или обновить схему журнала и перенести в него историю другого журнала.

    Так при переходе с файла SQLite на PostgreSQL ничего не уходит повторно: всё отправленное, отклонённое
    и пропущенное переносится (для напоминания, записанного в обоих журналах, остаётся более окончательное
    состояние). Перенос — одна транзакция: при ошибке журнал назначения не меняется. Службы scheduler и cron на
    время переноса остановите. Без --from только создаёт или обновляет схему (от имени её владельца).
    """
    from collections import Counter  # noqa: PLC0415

    from plan_calendar.configfile import load_config  # noqa: PLC0415
    from plan_calendar.reminders.ledger import SCHEMA_VERSION, Record, ledger_exists, open_ledger  # noqa: PLC0415

    settings = load_config(config_file).reminders
    target = _state_value(to, "--to")
    origin = _state_value(source, "--from") if source else None
    if origin is not None and str(origin) == str(target):
        raise typer.BadParameter("--from и --to называют один и тот же журнал", param_hint="--from")
    if origin is not None and not ledger_exists(origin):
        typer.echo(safe(f"ошибка: журнала «{origin}» нет (--from)"), err=True)
        raise typer.Exit(ExitCode.PLAN_ERROR)
    with open_ledger(settings, target) as destination:
        if origin is None:
            typer.echo(safe(f"Журнал «{destination.where}» готов: схема версии {SCHEMA_VERSION}."))
            return
        counts: Counter[str] = Counter()
        with open_ledger(settings, origin) as old:

            def counted() -> Iterator[Record]:
                for record in old.records():
                    counts[record.status] += 1
                    yield record

            written = destination.merge(counted(), old.last_run())
    listed = ", ".join(f"{_STATUS_NAMES[s]} {counts[s]}" for s in _STATUS_NAMES if counts[s])
    typer.echo(
        safe(
            f"Перенесено из «{origin}» в «{destination.where}»: записей {sum(counts.values())} ({listed or 'нет'}), "
            f'записано в журнал назначения {written}. Теперь укажите state = "{target}" в [reminders] на всех '
            "компьютерах и запустите службы."
        )
    )
