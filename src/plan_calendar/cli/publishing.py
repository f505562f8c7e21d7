"""`plan-cal build`, `plan-cal import` and `plan-cal serve`: the files made from plans, and serving them.

`serve --watch` rebuilds the folder when a plan changes (watch.py notices it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plan_calendar.cli.output import count, progress_bar, safe, shorten
from plan_calendar.cli.root import ConfigOpt, PlansArg, QuietOpt
from plan_calendar.errors import ExitCode, PlanError

if TYPE_CHECKING:
    import threading

__all__ = ["build", "import_", "serve"]


def build(
    plans: PlansArg = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Папка для календарей (по умолчанию public/ или out из настроек).", metavar="ПАПКА"
        ),
    ] = None,
    config_file: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Записать календари (.ics) для подписки: по одному на план и дополнительные из настроек.

    Неизменившиеся файлы не перезаписываются. Пункт, дату которого не удалось прочитать, в календарь не
    попадает (если он был в календаре раньше — остаётся, каким был), о нём сообщается, код выхода 1; план,
    который нельзя прочитать целиком (ошибка YAML), не записывает ничего.
    """
    from plan_calendar.build import build as build_feeds  # noqa: PLC0415
    from plan_calendar.config import DEFAULT_DOMAIN  # noqa: PLC0415 - only build needs the config
    from plan_calendar.configfile import load_config  # noqa: PLC0415

    config = load_config(config_file)
    paths = list(plans or config.plans)
    if not paths:
        raise typer.BadParameter("укажите файлы планов или plans в файле настроек", param_hint="ПЛАН")
    target = out or config.out
    with progress_bar(quiet) as progress:
        report = build_feeds(paths, config, target, progress)
    # Items that could not be read are left out (or shown as before their error); each is reported, and the
    # exit code is 1 so that cron mails it.
    for error in report.errors:
        typer.echo(safe(f"{error.source}: ошибка: {error.advice}" if error.source else f"ошибка: {error}"), err=True)
    if report.unusable:
        typer.echo(
            f"ошибка: не прочитано планов: {report.unusable} — их календари, общие календари ([[feeds]]) и "
            "страница остались прежними; календари остальных планов записаны. Исправьте план (plan-cal check).",
            err=True,
        )
    elif report.errors:
        kept = sum(len(items) for items in report.kept.values())
        shown = f"; показаны, как были до ошибки: {kept}" if kept else ""
        typer.echo(
            f"ошибка: не прочитано пунктов: {len(report.errors)}{shown}. Остальные пункты в календарях. "
            "Исправьте план (plan-cal check).",
            err=True,
        )
    if quiet:
        if report.errors:
            raise typer.Exit(ExitCode.PLAN_ERROR)
        return
    if config.calendar.domain == DEFAULT_DOMAIN:
        typer.echo(
            f"предупреждение: в настройках не указан домен ([calendar] domain или url), UID событий оканчиваются "
            f"на @{DEFAULT_DOMAIN} и могут совпасть с чужими. Укажите свой домен до того, как раздадите ссылки на "
            "календари: после его смены календарные программы заменят все события.",
            err=True,
        )
    written = sum(1 for f in report.feeds if f.written)
    unchanged = len(report.feeds) - written
    changed = sum(f.changed_items for f in report.feeds)
    line = (
        f"Календари в {target}: {count(len(report.feeds), 'файл', 'файла', 'файлов')} "
        f"(записано {written}, без изменений {unchanged}); "
        f"{count(report.events, 'событие', 'события', 'событий')}, новых или изменённых {changed}; "
        f"без даты (не в календаре): {len(report.undated)}."
    )
    typer.echo(line)
    for plan_id, item_id, when, title in report.undated:
        typer.echo(safe(f"  без даты: «{shorten(title, 60)}» — {when} ({plan_id}/{item_id})"))
    if report.errors:
        raise typer.Exit(ExitCode.PLAN_ERROR)


def import_(
    source: Annotated[
        Path,
        typer.Argument(
            help="Документ с таблицей плана: .docx, .odt, .xlsx, .csv, .tsv или .txt.",
            metavar="ФАЙЛ",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Куда записать план (YAML); без него — на экран.", metavar="ПЛАН.yaml"),
    ] = None,
    year: Annotated[
        str | None, typer.Option("--year", help="Учебный год, если его нет в тексте над таблицей.", metavar="ГГГГ-ГГГГ")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Перезаписать существующий файл.")] = False,
) -> None:
    """Импортировать план из документа Word, LibreOffice, Excel, CSV или текста в YAML.

    После каждого пункта — комментарий о том, как прочитана дата, и предупреждения. Код выхода 1 — таблица
    плана не найдена или файл уже существует (без --force).
    """
    from plan_calendar.files import write_atomic  # noqa: PLC0415
    from plan_calendar.importers.plan_writer import import_plan  # noqa: PLC0415

    if output is not None and output.exists() and not force:
        raise PlanError(f"файл «{output}» уже существует", hint="Укажите другой путь или добавьте --force.")
    result = import_plan(source, year)
    if output is None:
        typer.echo(result.yaml, nl=False)
    else:
        write_atomic(output, result.yaml.encode("utf-8"))
        typer.echo(
            f"Записано: {output} — {count(result.items, 'пункт', 'пункта', 'пунктов')}, "
            f"предупреждений {len(result.warnings)}, ошибок в датах {len(result.errors)}.",
            err=True,
        )
    for warning in result.warnings:
        typer.echo(safe(f"предупреждение: {warning}"), err=True)
    for error in result.errors:
        typer.echo(safe(f"ошибка в дате: {error}"), err=True)


def serve(
    folder: Annotated[Path, typer.Option("--dir", help="Папка, собранная командой build.", metavar="ПАПКА")] = Path(
        "public"
    ),
    host: Annotated[str, typer.Option("--host", help="Адрес (по умолчанию только этот компьютер).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Порт.", min=1, max=65535)] = 8000,
    watch: Annotated[
        list[Path] | None,
        typer.Option(
            "--watch", help="План, при изменении которого пересобрать папку (можно несколько).", metavar="ПЛАН"
        ),
    ] = None,
    config_file: ConfigOpt = None,
) -> None:
    """Показать собранную папку по HTTP: страницу плана и календари (для проверки или небольшой установки).

    Для постоянной работы поставьте перед ней nginx или любой хостинг статических файлов (README).
    """
    import threading  # noqa: PLC0415

    from plan_calendar.server import make_server  # noqa: PLC0415

    if watch:
        _build_quietly(list(watch), config_file, folder)
    if not folder.is_dir():
        raise PlanError(
            f"папка «{folder}» не найдена", hint="Сначала соберите её: plan-cal build … --out " + str(folder)
        )
    try:
        httpd = make_server(folder, host, port)
    except OSError as exc:
        raise PlanError(f"не удалось открыть {host}:{port}: {exc.strerror}", hint="Укажите другой --port.") from None
    stop = threading.Event()
    if watch:
        threading.Thread(target=_rebuild_on_change, args=(list(watch), config_file, folder, stop), daemon=True).start()
    typer.echo(f"plan-cal: http://{host}:{port}/ — папка {folder}; остановить: Ctrl+C", err=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        httpd.server_close()


def _build_quietly(plans: list[Path], config_file: Path | None, folder: Path) -> None:
    from plan_calendar.build import build as build_feeds  # noqa: PLC0415
    from plan_calendar.configfile import load_config  # noqa: PLC0415

    try:
        build_feeds(plans, load_config(config_file), folder)
    except PlanError as exc:
        typer.echo(f"сборка не выполнена: {exc}", err=True)


def _rebuild_on_change(plans: list[Path], config_file: Path | None, folder: Path, stop: threading.Event) -> None:
    from plan_calendar.watch import FileWatch  # noqa: PLC0415

    def rebuild() -> None:
        typer.echo("план изменился: папка пересобирается", err=True)
        _build_quietly(plans, config_file, folder)

    FileWatch(lambda: plans).poll(1.0, stop, rebuild)
