"""The ``plan-cal`` command line: a thin layer over the package API.

This is the only module that knows about Typer and the terminal. Every :class:`PlanError` becomes one Russian
line on stderr and the exit code of docs/DESIGN.md; a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import traceback
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

import plan_calendar
from plan_calendar.cleantext import escape_controls
from plan_calendar.dates.describe import describe, plural
from plan_calendar.dates.grammar import read_when
from plan_calendar.dates.school import AcademicYear
from plan_calendar.errors import ExitCode, PlanError, PlanErrors
from plan_calendar.plan import Plan, load_plan
from plan_calendar.report import check_json, reading_json, unusable_json
from plan_calendar.schedule import Schedule, interpret

if TYPE_CHECKING:
    from plan_calendar.config import ReminderSettings  # loaded only by the commands that read a config
    from plan_calendar.identity import IdStore

# ----------------------------------------------------------------------------- Russian help and usage errors
# Typer's help and its usage errors are English; these are the texts a user sees, in Russian.
_RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Аргументы",
    "OPTIONS_PANEL_TITLE": "Параметры",
    "COMMANDS_PANEL_TITLE": "Команды",
    "ERRORS_PANEL_TITLE": "Ошибка",
    "DEFAULT_STRING": "[по умолчанию: {}]",
    "REQUIRED_LONG_STRING": "[обязательно]",
    "ENVVAR_STRING": "[переменная окружения: {}]",
    "ABORTED_TEXT": "Прервано.",
    "RICH_HELP": "Справка: [blue]{command_path} {help_option}[/]",
}


def _russian_rich_utils() -> None:
    """Put the Russian texts into Typer's help renderer; imported only when help is shown (it costs about
    a quarter of a second: rich's markdown), so that `check` and cron runs do not pay for it."""
    from typer import rich_utils  # noqa: PLC0415

    for name, text in _RICH_TEXTS.items():
        setattr(rich_utils, name, text)


_HELP_TEXT = "Показать эту справку и выйти."
_USAGE_PREFIX = "Использование: "
_USAGE_WORDS = {
    "[OPTIONS]": "[ПАРАМЕТРЫ]",
    "COMMAND [ARGS]...": "КОМАНДА [АРГУМЕНТЫ]...",
}

_USAGE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"No such option: (.+)"), "нет такого параметра: {0}"),
    (re.compile(r"No such command '(.+?)'\. Did you mean '(.+?)'\?"), "нет такой команды: {0}. Может быть, {1}?"),
    (re.compile(r"No such command '?(.+?)'?\.?$"), "нет такой команды: {0}"),
    (re.compile(r"Missing argument '(.+)'\.?"), "не указан аргумент {0}"),
    (re.compile(r"Missing option '(.+)'\.?"), "не указан параметр {0}"),
    (re.compile(r"Missing command\.?"), "не указана команда"),
    (re.compile(r"Got unexpected extra arguments? \((.+)\)"), "лишние аргументы: {0}"),
    (re.compile(r"Option '(.+)' requires an argument\.?"), "параметру {0} нужно значение"),
    (re.compile(r"Invalid value for '?(.+?)'?: (.+)"), "неверное значение {0}: {1}"),
)


# What Typer's value checks (pydantic) say about a bad option value.
_VALUE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Input should be a valid integer"), "нужно целое число"),
    (re.compile(r"Input should be a valid number"), "нужно число"),
    (re.compile(r"Input should be a valid boolean"), "нужно да или нет (true/false)"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), "нужно не меньше {0}"),
    (re.compile(r"Input should be less than or equal to (\S+)"), "нужно не больше {0}"),
)


def _russian_usage_error(message: str) -> str:
    for pattern, russian in _USAGE_ERRORS:
        m = pattern.search(message)
        if m:
            return russian.format(*(_russian_value_error(g) for g in m.groups()))
    return message


def _russian_value_error(detail: str) -> str:
    for pattern, russian in _VALUE_ERRORS:
        m = pattern.search(detail)
        if m:
            return russian.format(*m.groups())
    return detail


class _RussianHelp:
    """Mixed into Typer's command classes: Russian help option text and usage prefix."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _russian_rich_utils()
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _HELP_TEXT
        return option

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        return [_USAGE_WORDS.get(p, p) for p in pieces]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_USAGE_PREFIX)

    def get_usage(self, ctx: Any) -> str:
        return str(super().get_usage(ctx)).replace("Usage: ", _USAGE_PREFIX)  # type: ignore[misc]


class _Group(_RussianHelp, TyperGroup):
    pass


class _Command(_RussianHelp, TyperCommand):
    pass


app = typer.Typer(
    name="plan-cal",
    cls=_Group,
    help="plan-cal: годовой план работы → календари и напоминания.\n\n"
    "Читает план в YAML, понимает даты, записанные по-русски («до 1 октября», «октябрь», "
    "«Январь-апрель», «в течение года»), и показывает, как понята каждая.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

_state: dict[str, bool] = {"debug": False}

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
    _state["debug"] = debug


# ----------------------------------------------------------------------------- output helpers
def _console_width() -> int:
    if sys.stdout.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    try:
        return max(60, int(os.environ.get("COLUMNS", "120")))
    except ValueError:
        return 120


def _safe(text: str) -> str:
    """Text for the terminal: control characters shown as ``\\xNN``, never acted on."""
    return escape_controls(text)


def _echo_json(data: Any, *, indent: int | None = None) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=indent))


def _count(n: int, one: str, few: str, many: str) -> str:
    return f"{n} {plural(n, one, few, many)}"


# ----------------------------------------------------------------------------- check
@app.command(cls=_Command)
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
    # Every plan is checked, and every error of each is reported: a plan that cannot be used at all prints the
    # problems found in it, and the others are still checked.
    schedules: list[Schedule] = []
    unusable: list[tuple[Path, list[PlanError]]] = []
    country = "RU"
    if config_file is not None:
        from plan_calendar.config import load_config  # noqa: PLC0415 - only with --config

        country = load_config(config_file).reminders.country
    ids = _document_ids(plans, config_file)
    for path in plans:
        try:
            schedules.append(_with_address_warnings(interpret(load_plan(path, ids), country)))
        except PlanError as exc:
            if _state["debug"]:
                traceback.print_exc()
            if isinstance(exc, PlanErrors) and isinstance(exc.plan, Plan):
                # Readable but unusable (an unknown key of the plan): its readings with every error.
                schedules.append(_with_address_warnings(interpret(exc.plan, country)))
                continue
            unusable.append((path, exc.errors if isinstance(exc, PlanErrors) else [exc]))
    if config_file is not None:
        from plan_calendar.config import load_config  # noqa: PLC0415 - only with --config

        settings = load_config(config_file).reminders
        schedules = [_with_group_warnings(s, settings, config_file) for s in schedules]
    if as_json:
        for path, errors in unusable:
            _echo_json(unusable_json(path, errors), indent=2)
        for schedule in schedules:
            _echo_json(check_json(schedule), indent=2)
    else:
        for path, errors in unusable:
            for error in errors:
                typer.echo(_safe(f"ошибка: {error}"), err=True)
            typer.echo(
                _safe(f"План {path} не прочитан: {_count(len(errors), 'ошибка', 'ошибки', 'ошибок')}."), err=True
            )
        for i, schedule in enumerate(schedules):
            if i:
                typer.echo()
            _print_check(schedule)
    if unusable or any(not s.ok for s in schedules):
        raise typer.Exit(ExitCode.PLAN_ERROR)


def _document_ids(plans: list[Path], config_file: Path | None) -> IdStore | None:
    """For document plans: the ids `build` keeps in the output folder, so that check shows the same ids (read
    only; check never writes them)."""
    from plan_calendar.docplan import is_document  # noqa: PLC0415

    if not any(is_document(p) for p in plans):
        return None
    from plan_calendar.config import load_config  # noqa: PLC0415
    from plan_calendar.identity import IdStore  # noqa: PLC0415

    try:
        out = load_config(config_file).out
    except PlanError:
        if config_file is not None:
            raise
        out = Path("public")  # an unreadable plan-cal.toml here is not check's business without --config
    return IdStore.load(out)


def _with_group_warnings(schedule: Schedule, settings: ReminderSettings, config: Path) -> Schedule:
    """Warnings for `notify:` names that are neither addresses nor groups of the config (`remind` would stop),
    and for the config's addresses most mail servers refuse."""
    from dataclasses import replace  # noqa: PLC0415

    from plan_calendar.errors import Source  # noqa: PLC0415
    from plan_calendar.plan import PlanWarning  # noqa: PLC0415
    from plan_calendar.reminders.addresses import UTF8_WARNING, needs_smtputf8  # noqa: PLC0415

    extra = [
        PlanWarning(
            f"notify: группы «{name}» нет в [reminders.groups] файла {config} — "
            "plan-cal remind с этими настройками остановится с ошибкой",
            item.notify_source or item.source,
            item.id,
        )
        for item in schedule.plan.items
        for name in item.notify or ()
        if settings.addresses(name) is None
    ]
    configured = [settings.recipients, *settings.groups.values()]
    extra.extend(
        PlanWarning(f"настройки: {UTF8_WARNING.format(address=address)}", Source(str(config)))
        for address in dict.fromkeys(a for addresses in configured for a in addresses)
        if needs_smtputf8(address)
    )
    if not extra:
        return schedule
    return replace(schedule, plan=replace(schedule.plan, warnings=(*schedule.plan.warnings, *extra)))


def _with_address_warnings(schedule: Schedule) -> Schedule:
    """Warnings for `notify:` addresses most mail servers refuse (a non-ASCII local part)."""
    from dataclasses import replace  # noqa: PLC0415

    from plan_calendar.plan import PlanWarning  # noqa: PLC0415
    from plan_calendar.reminders.addresses import UTF8_WARNING, needs_smtputf8  # noqa: PLC0415

    extra = [
        PlanWarning(f"notify: {UTF8_WARNING.format(address=name)}", item.notify_source or item.source, item.id)
        for item in schedule.plan.items
        for name in item.notify or ()
        if "@" in name and needs_smtputf8(name)
    ]
    if not extra:
        return schedule
    return replace(schedule, plan=replace(schedule.plan, warnings=(*schedule.plan.warnings, *extra)))


def _print_check(schedule: Schedule) -> None:
    # rich is imported here, not at the top: `explain` and `--help` should not pay for the table code.
    from rich import box  # noqa: PLC0415
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    plan = schedule.plan
    width = _console_width()
    console = Console(width=width, highlight=False, soft_wrap=False, emoji=False, markup=False)
    # Everything printed goes through escape_controls: a file name or a message may hold escape sequences.
    console.print(_safe(plan.title))
    console.print(_safe(f"Файл: {plan.source.file} · учебный год {plan.academic_year.name}"))
    # Items are named by their title (and line); the id is the secondary line. Widths are set here so that a row
    # is at most three lines at 80 columns: the title on two (then «…»), the id on one; errors and warnings are
    # printed in full below the table, with their places.
    entries = schedule.entries
    number_width = max([3, *(len(_line_of(e.item.source)) for e in entries)])
    when_width = min(18, max([15, *(len(" ".join(e.item.when.split())) for e in entries)]))
    rest = max(40, width - number_width - when_width - 10)  # the gaps between columns, the edges
    title_width = max(20, rest // 2)
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False, expand=False)
    table.add_column("стр", no_wrap=True, justify="right", width=number_width)
    table.add_column("пункт (id)", no_wrap=True, overflow="ellipsis", width=title_width)
    table.add_column("когда (в плане)", overflow="fold", width=when_width)
    table.add_column("как прочитано", overflow="fold", width=rest - title_width)
    warned = {w.item_id for w in schedule.warnings if w.item_id is not None}
    for entry in entries:
        item = entry.item
        if entry.error is not None:
            read = "ОШИБКА (см. ниже)"
        else:
            assert entry.reading is not None
            read = describe(entry.reading)
            if item.id in warned:
                read += "\n(см. предупреждение ниже)"
        table.add_row(
            _safe(_line_of(item.source)),
            _safe("\n".join([*_wrapped(item.title, title_width, 2), item.id])),
            _safe(" ".join(item.when.split())),
            _safe(read),
        )
    console.print(table)
    undated = [e for e in schedule.entries if e.reading is not None and not e.dated]
    if undated:
        console.print("Без даты (в календарь не попадут, но останутся в плане):")
        for e in undated:
            where = f"стр. {_line_of(e.item.source)}: " if _line_of(e.item.source) else ""
            title = _shorten(e.item.title, 60)
            console.print(_safe(f"  {where}«{title}» ({e.item.id}) — {' '.join(e.item.when.split())}"))
    # One line per message, never wrapped, so that editors and grep can use «file:line:column: …».
    for error in schedule.errors:
        line = f"{error.source}: ошибка: {error.advice}"
        console.print(_safe(line), soft_wrap=True)
    for w in schedule.warnings:
        console.print(_safe(f"{w.source}: предупреждение: {w.message}"), soft_wrap=True)
    total = len(schedule.entries)
    dated = sum(1 for e in schedule.entries if e.dated)
    n_errors, n_warnings = len(schedule.errors), len(schedule.warnings)
    verdict = "ошибок нет" if not n_errors else _count(n_errors, "ошибка", "ошибки", "ошибок")
    console.print(
        f"Итого: {_count(total, 'пункт', 'пункта', 'пунктов')}, с датой {dated}, без даты {len(undated)}; "
        f"{verdict}, {_count(n_warnings, 'предупреждение', 'предупреждения', 'предупреждений')}."
    )


def _line_of(source: Any) -> str:
    return str(source.line) if source.line is not None else ""


def _wrapped(text: str, width: int, lines: int) -> list[str]:
    """``text`` on at most ``lines`` lines of ``width``, the last ending in «…» when cut."""
    import textwrap  # noqa: PLC0415

    wrapped = textwrap.wrap(text, width, break_long_words=True) or [""]
    if len(wrapped) <= lines:
        return wrapped
    last = " ".join(wrapped[lines - 1 :])
    return [*wrapped[: lines - 1], last[: width - 1].rstrip() + "…"]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ----------------------------------------------------------------------------- build
_PROGRESS_MIN_EVENTS = 2000


@app.command(cls=_Command)
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
    from plan_calendar.config import DEFAULT_DOMAIN, load_config  # noqa: PLC0415 - only build needs the config

    config = load_config(config_file)
    paths = list(plans or config.plans)
    if not paths:
        raise typer.BadParameter("укажите файлы планов или plans в файле настроек", param_hint="ПЛАН")
    target = out or config.out
    with _progress(quiet) as progress:
        report = build_feeds(paths, config, target, progress)
    # Items that could not be read are left out (or shown as before their error); each is reported, and the
    # exit code is 1 so that cron mails it.
    for error in report.errors:
        typer.echo(_safe(f"{error.source}: ошибка: {error.advice}" if error.source else f"ошибка: {error}"), err=True)
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
        f"Календари в {target}: {_count(len(report.feeds), 'файл', 'файла', 'файлов')} "
        f"(записано {written}, без изменений {unchanged}); "
        f"{_count(report.events, 'событие', 'события', 'событий')}, новых или изменённых {changed}; "
        f"без даты (не в календаре): {len(report.undated)}."
    )
    typer.echo(line)
    for plan_id, item_id, when, title in report.undated:
        typer.echo(_safe(f"  без даты: «{_shorten(title, 60)}» — {when} ({plan_id}/{item_id})"))
    if report.errors:
        raise typer.Exit(ExitCode.PLAN_ERROR)


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Any]:
    """A progress bar on a terminal for large builds; nothing otherwise."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress  # noqa: PLC0415

    with Progress(transient=True) as bar:

        def start(total: int, _done: int) -> Any:
            if total < _PROGRESS_MIN_EVENTS:
                return None
            task = bar.add_task("Сборка календарей", total=total)
            return lambda n: bar.advance(task, n)

        yield start


# ----------------------------------------------------------------------------- remind
@app.command(cls=_Command)
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
    from plan_calendar.config import load_config  # noqa: PLC0415 - reminders load their own modules
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
        typer.echo(_safe(f"ошибка: {error}"), err=True)
    if report.errors:
        typer.echo("Пропущено только то, где ошибка; остальные напоминания обработаны как обычно.", err=True)
    if dry_run:
        for message in report.planned:
            typer.echo(
                _safe(
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
        if report.errors:
            raise typer.Exit(ExitCode.PLAN_ERROR)
        return
    for message, detail in report.failed:
        typer.echo(_safe(f"ошибка: письмо для {message.recipient} отклонено: {detail}"), err=True)
    if report.stopped is not None:
        typer.echo(_safe(f"ошибка: {report.stopped}"), err=True)
    else:
        for message, detail in report.deferred:
            typer.echo(
                _safe(f"не отправлено, повторится при следующем запуске: {message.recipient}: {detail}"), err=True
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
    if report.errors or report.stopped:  # the config needs a human before the server does
        raise typer.Exit(ExitCode.PLAN_ERROR)
    if report.deferred:
        raise typer.Exit(ExitCode.SERVICE)
    if report.failed:
        raise typer.Exit(ExitCode.PLAN_ERROR)


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
    typer.echo(_safe(f"Пробное письмо: сервер {s.host}:{s.port}, отправитель {s.sender}, получатель {address}."))
    send_test_letter(config, address, _moment(at, config.reminders.timezone), lambda line: typer.echo(_safe(line)))
    typer.echo("Настройки почты работают.")


@app.command(cls=_Command)
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

    from plan_calendar.config import load_config  # noqa: PLC0415
    from plan_calendar.reminders.run import check_setup, load_schedules  # noqa: PLC0415
    from plan_calendar.reminders.scheduler import ReminderService, ZoneFormatter  # noqa: PLC0415

    config = load_config(config_file)
    paths = list(plans or config.plans)
    if not paths:  # a service with nothing to do would idle forever: say so at once
        raise typer.BadParameter("укажите файлы планов или plans в файле настроек", param_hint="ПЛАН.yaml")
    check_setup(config, load_schedules(paths, config.reminders.country)[0])
    level = logging.DEBUG if _state["debug"] else logging.INFO  # --debug: tracebacks of failed runs too
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ZoneFormatter(config.reminders.timezone))  # times in the reminders' time zone
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    ReminderService(config_file, list(plans) if plans else None, watch_every=watch_every).run()


# ----------------------------------------------------------------------------- ledger
ledger_app = typer.Typer(
    cls=_Group,
    help="Журнал напоминаний: что отправлено, и перенос в другой журнал (например, в PostgreSQL).",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(ledger_app, name="ledger")

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


@ledger_app.command("status", cls=_Command)
def ledger_status(
    config_file: ConfigOpt = None,
    state: StateOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="Сколько последних записей каждого вида показать.", min=0)] = 20,
) -> None:
    """Показать, что записано в журнале: сколько отправлено, отложено, отклонено и пропущено, и последние из них."""
    from plan_calendar.config import load_config  # noqa: PLC0415
    from plan_calendar.reminders.ledger import ledger_exists, open_ledger  # noqa: PLC0415

    settings = load_config(config_file).reminders
    where = _state_value(state, "--state") if state else settings.state
    if not ledger_exists(where):
        typer.echo(_safe(f"ошибка: журнала «{where}» нет: напоминания ещё не отправлялись"), err=True)
        raise typer.Exit(ExitCode.PLAN_ERROR)
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    zone = ZoneInfo(settings.timezone)  # times as the config's time zone shows them, whatever the ledger stores
    with open_ledger(settings, where) as ledger:
        summary = ledger.summary(limit)
    last = f"{summary.last_run.astimezone(zone):%Y-%m-%d %H:%M}" if summary.last_run else "не было"
    typer.echo(_safe(f"Журнал: {summary.where}\nПоследний запуск отправки: {last}"))
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
            typer.echo(_safe(f"  {when}  {plan}/{item} {occurrence} ({lead}) → {recipient}{detail}"))


@ledger_app.command("migrate", cls=_Command)
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

    from plan_calendar.config import load_config  # noqa: PLC0415
    from plan_calendar.reminders.ledger import SCHEMA_VERSION, Record, ledger_exists, open_ledger  # noqa: PLC0415

    settings = load_config(config_file).reminders
    target = _state_value(to, "--to")
    origin = _state_value(source, "--from") if source else None
    if origin is not None and str(origin) == str(target):
        raise typer.BadParameter("--from и --to называют один и тот же журнал", param_hint="--from")
    if origin is not None and not ledger_exists(origin):
        typer.echo(_safe(f"ошибка: журнала «{origin}» нет (--from)"), err=True)
        raise typer.Exit(ExitCode.PLAN_ERROR)
    with open_ledger(settings, target) as destination:
        if origin is None:
            typer.echo(_safe(f"Журнал «{destination.where}» готов: схема версии {SCHEMA_VERSION}."))
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
        _safe(
            f"Перенесено из «{origin}» в «{destination.where}»: записей {sum(counts.values())} ({listed or 'нет'}), "
            f'записано в журнал назначения {written}. Теперь укажите state = "{target}" в [reminders] на всех '
            "компьютерах и запустите службы."
        )
    )


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


# ----------------------------------------------------------------------------- import
@app.command("import", cls=_Command)
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
            f"Записано: {output} — {_count(result.items, 'пункт', 'пункта', 'пунктов')}, "
            f"предупреждений {len(result.warnings)}, ошибок в датах {len(result.errors)}.",
            err=True,
        )
    for warning in result.warnings:
        typer.echo(_safe(f"предупреждение: {warning}"), err=True)
    for error in result.errors:
        typer.echo(_safe(f"ошибка в дате: {error}"), err=True)


# ----------------------------------------------------------------------------- serve
@app.command(cls=_Command)
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
    from plan_calendar.config import load_config  # noqa: PLC0415

    try:
        build_feeds(plans, load_config(config_file), folder)
    except PlanError as exc:
        typer.echo(f"сборка не выполнена: {exc}", err=True)


def _rebuild_on_change(plans: list[Path], config_file: Path | None, folder: Path, stop: Any) -> None:
    def times() -> list[float]:
        return [p.stat().st_mtime if p.exists() else -1.0 for p in plans]

    seen = times()
    while not stop.wait(1.0):
        now = times()
        if now != seen:
            seen = now
            typer.echo("план изменился: папка пересобирается", err=True)
            _build_quietly(plans, config_file, folder)


# ----------------------------------------------------------------------------- explain
def _current_academic_year(today: date) -> AcademicYear:
    return AcademicYear(today.year if today.month >= 9 else today.year - 1)


@app.command(cls=_Command)
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
                _echo_json({"input": text, "error": message})
            else:
                typer.echo(_safe(f"«{text}»\n  ошибка: {message}"))
            continue
        if as_json:
            _echo_json({"input": text, **reading_json(reading)})
            continue
        data = reading_json(reading)
        typer.echo(_safe(f"«{text}»\n  {data['reading']}  [{data['kind']}]"))
        for warning in reading.warnings:
            typer.echo(_safe(f"  предупреждение: {warning}"))
    if failed:
        raise typer.Exit(ExitCode.PLAN_ERROR)


# ----------------------------------------------------------------------------- entry point
def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map errors to Russian messages and exit codes."""
    from typer._click import exceptions as click_exceptions  # noqa: PLC0415 - Typer's vendored click, only here

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        # Without standalone mode Typer returns the exit code of typer.Exit instead of raising it.
        code = app(args=args, prog_name="plan-cal", standalone_mode=False)
    except PlanError as exc:
        if debug:
            traceback.print_exc()
        for error in exc.errors if isinstance(exc, PlanErrors) else [exc]:
            typer.echo(_safe(f"ошибка: {error}"), err=True)
        sys.exit(exc.exit_code)
    except click_exceptions.NoArgsIsHelpError:
        sys.exit(ExitCode.USAGE)  # the help has been printed
    except click_exceptions.UsageError as exc:
        if exc.ctx is not None:
            typer.echo(exc.ctx.get_usage(), err=True)
        typer.echo(_safe(f"ошибка: {_russian_usage_error(exc.format_message())}"), err=True)
        typer.echo("Справка: plan-cal --help", err=True)
        sys.exit(ExitCode.USAGE)
    except click_exceptions.ClickException as exc:
        typer.echo(_safe(f"ошибка: {_russian_usage_error(exc.format_message())}"), err=True)
        sys.exit(ExitCode.USAGE)
    except typer.Abort:
        typer.echo("Прервано.", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        typer.echo("Прервано.", err=True)
        sys.exit(130)
    except Exception:
        if debug:
            traceback.print_exc()
        else:
            exc_type = sys.exc_info()[0]
            name = exc_type.__name__ if exc_type else "ошибка"
            typer.echo(
                f"внутренняя ошибка plan-cal ({name}). Запустите ту же команду с --debug и сообщите разработчикам.",
                err=True,
            )
        sys.exit(ExitCode.PLAN_ERROR)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main"]
