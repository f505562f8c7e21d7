"""The `plan-cal` Typer application: its root options (``--version``, ``--debug``), the state they set, and the
parameters several commands share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import plan_calendar
from plan_calendar.cli.localisation import Group

__all__ = ["ConfigOpt", "PlansArg", "QuietOpt", "app", "state"]

app = typer.Typer(
    name="plan-cal",
    cls=Group,
    help="plan-cal: годовой план работы → календари и напоминания.\n\n"
    "Читает план в YAML, понимает даты, записанные по-русски («до 1 октября», «октябрь», "
    "«Январь-апрель», «в течение года»), и показывает, как понята каждая.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

# What the root options set for the command that runs: --debug shows tracebacks (check, scheduler's log).
state: dict[str, bool] = {"debug": False}

# Parameters several commands share.
PlansArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Файлы планов: YAML или документ (.docx, .odt, .xlsx, .ods, .csv, .tsv, .txt); без них — plans из "
        "файла настроек.",
        metavar="ПЛАН",
        show_default=False,
    ),
]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Файл настроек (TOML).", metavar="ФАЙЛ")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Ничего не выводить при успехе (для cron).")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"plan-cal {plan_calendar.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", help="Показать версию и выйти.", callback=_version, is_eager=True),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Показывать трассировку при ошибках.")] = False,
) -> None:
    """plan-cal: годовой план работы → календари и напоминания."""
    state["debug"] = debug
