"""`plan-cal check` and `plan-cal explain`: how each date of a plan, or a date typed on the command line, is read."""

from __future__ import annotations

import traceback
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plan_calendar.cli.output import count, echo_json, print_check, safe
from plan_calendar.cli.root import state
from plan_calendar.dates.grammar import read_when
from plan_calendar.dates.school import AcademicYear
from plan_calendar.errors import ExitCode, PlanError, PlanErrors
from plan_calendar.plan import Plan
from plan_calendar.report import check_json, reading_json, unusable_json
from plan_calendar.schedule import Schedule, interpret
from plan_calendar.yamlplan import load_plan

if TYPE_CHECKING:
    from plan_calendar.identity import IdStore

__all__ = ["check", "explain"]


def check(
    plans: Annotated[
        list[Path],
        typer.Argument(
            help="Файлы планов: YAML или документ (.docx, .odt, .xlsx, .ods, .csv, .tsv, .txt).",
            metavar="ПЛАН",
            show_default=False,
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Вывести результат в JSON (по документу на план).")] = False,
    config_file: Annotated[
        Path | None,
        typer.Option("--config", help="Файл настроек: проверить и группы получателей в notify.", metavar="ФАЙЛ"),
    ] = None,
) -> None:
    """Проверить план: как прочитана каждая дата, ошибки и предупреждения.

    Код выхода 0 — ошибок нет (предупреждения допустимы), 1 — есть ошибки.
    """
    schedules, unusable = _read_plans(plans, config_file)
    if as_json:
        for path, errors in unusable:
            echo_json(unusable_json(path, errors), indent=2)
        for schedule in schedules:
            echo_json(check_json(schedule), indent=2)
    else:
        for path, errors in unusable:
            for error in errors:
                typer.echo(safe(f"ошибка: {error}"), err=True)
            typer.echo(safe(f"План {path} не прочитан: {count(len(errors), 'ошибка', 'ошибки', 'ошибок')}."), err=True)
        for i, schedule in enumerate(schedules):
            if i:
                typer.echo()
            print_check(schedule)
    if unusable or any(not s.ok for s in schedules):
        raise typer.Exit(ExitCode.PLAN_ERROR)


def _read_plans(
    plans: list[Path], config_file: Path | None
) -> tuple[list[Schedule], list[tuple[Path, list[PlanError]]]]:
    """Every plan read, with check's warnings about who its reminders go to; and the plans that could not be used
    at all, with every error found in each."""
    from plan_calendar.reminders.notify_warnings import with_address_warnings, with_group_warnings  # noqa: PLC0415

    # Every plan is checked, and every error of each is reported: a plan that cannot be used at all prints the
    # problems found in it, and the others are still checked.
    schedules: list[Schedule] = []
    unusable: list[tuple[Path, list[PlanError]]] = []
    country = "RU"
    if config_file is not None:
        from plan_calendar.configfile import load_config  # noqa: PLC0415 - only with --config

        country = load_config(config_file).reminders.country
    ids = _document_ids(plans, config_file)
    for path in plans:
        try:
            schedules.append(with_address_warnings(interpret(load_plan(path, ids), country)))
        except PlanError as exc:
            if state["debug"]:
                traceback.print_exc()
            if isinstance(exc, PlanErrors) and isinstance(exc.plan, Plan):
                # Readable but unusable (an unknown key of the plan): its readings with every error.
                schedules.append(with_address_warnings(interpret(exc.plan, country)))
                continue
            unusable.append((path, exc.errors if isinstance(exc, PlanErrors) else [exc]))
    if config_file is not None:
        from plan_calendar.configfile import load_config  # noqa: PLC0415 - only with --config

        settings = load_config(config_file).reminders
        schedules = [with_group_warnings(s, settings, config_file) for s in schedules]
    return schedules, unusable


def _document_ids(plans: list[Path], config_file: Path | None) -> IdStore | None:
    """For document plans: the ids `build` keeps in the output folder, so that check shows the same ids (read
    only; check never writes them)."""
    from plan_calendar.docplan import is_document  # noqa: PLC0415

    if not any(is_document(p) for p in plans):
        return None
    from plan_calendar.configfile import load_config  # noqa: PLC0415
    from plan_calendar.identity import IdStore  # noqa: PLC0415

    try:
        out = load_config(config_file).out
    except PlanError:
        if config_file is not None:
            raise
        out = Path("public")  # an unreadable plan-cal.toml here is not check's business without --config
    return IdStore.load(out)


def _current_academic_year(today: date) -> AcademicYear:
    return AcademicYear(today.year if today.month >= 9 else today.year - 1)


def explain(
    expressions: Annotated[
        list[str],
        typer.Argument(help="Даты так, как они записаны в плане.", metavar="ВЫРАЖЕНИЕ", show_default=False),
    ],
    year: Annotated[
        str | None,
        typer.Option("--year", help="Учебный год, например 2019-2020 (по умолчанию — текущий).", metavar="ГГГГ-ГГГГ"),
    ] = None,
    until_inclusive: Annotated[
        bool,
        typer.Option("--until-inclusive", help="Считать «до 1 октября» сроком 1 октября, а не 30 сентября."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Вывести JSON Lines: одна строка на выражение.")] = False,
) -> None:
    """Показать, как прочитано каждое выражение даты.

    Код выхода 1, если хоть одно выражение прочитать не удалось.
    """
    academic = AcademicYear.parse(year) if year is not None else _current_academic_year(date.today())
    failed = False
    for text in expressions:
        try:
            reading = read_when(text, academic, until_inclusive=until_inclusive)
        except PlanError as exc:
            failed = True
            message = exc.advice
            if as_json:
                echo_json({"input": text, "error": message})
            else:
                typer.echo(safe(f"«{text}»\n  ошибка: {message}"))
            continue
        if as_json:
            echo_json({"input": text, **reading_json(reading)})
            continue
        data = reading_json(reading)
        typer.echo(safe(f"«{text}»\n  {data['reading']}  [{data['kind']}]"))
        for warning in reading.warnings:
            typer.echo(safe(f"  предупреждение: {warning}"))
    if failed:
        raise typer.Exit(ExitCode.PLAN_ERROR)
