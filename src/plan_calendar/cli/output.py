"""What the commands print: text made safe for the terminal, counts in Russian, JSON, the `check` table and the
progress bar of a large build.

rich is imported only by the functions that draw with it: `explain` and the help screens do not pay for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import typer

from plan_calendar.cleantext import escape_controls
from plan_calendar.dates.describe import describe, plural
from plan_calendar.schedule import Schedule

__all__ = ["count", "echo_json", "print_check", "progress_bar", "safe", "shorten"]


def _console_width() -> int:
    if sys.stdout.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    try:
        return max(60, int(os.environ.get("COLUMNS", "120")))
    except ValueError:
        return 120


def safe(text: str) -> str:
    """Text for the terminal: control characters shown as ``\\xNN``, never acted on."""
    return escape_controls(text)


def echo_json(data: Any, *, indent: int | None = None) -> None:
    """``data`` as JSON on stdout, Cyrillic as it is (not ``\\u`` escapes)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=indent))


def count(n: int, one: str, few: str, many: str) -> str:
    """«3 пункта»: ``n`` with the Russian plural form that goes with it."""
    return f"{n} {plural(n, one, few, many)}"


def print_check(schedule: Schedule) -> None:
    """`check`'s text for one plan: the table of items and readings, the undated items, every error and warning
    on a line of its own, and the totals."""
    # rich is imported here, not at the top: `explain` and `--help` should not pay for the table code.
    from rich import box  # noqa: PLC0415
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    plan = schedule.plan
    width = _console_width()
    console = Console(width=width, highlight=False, soft_wrap=False, emoji=False, markup=False)
    # Everything printed goes through escape_controls: a file name or a message may hold escape sequences.
    console.print(safe(plan.title))
    console.print(safe(f"Файл: {plan.source.file} · учебный год {plan.academic_year.name}"))
    # Items are named by their title (and line); the id is the secondary line. Widths are set here so that a row
    # is at most three lines at 80 columns: the title on two (then «…»), the id on one; errors and warnings are
    # printed in full below the table, with their places.
    entries = schedule.scheduled
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
            safe(_line_of(item.source)),
            safe("\n".join([*_wrapped(item.title, title_width, 2), item.id])),
            safe(" ".join(item.when.split())),
            safe(read),
        )
    console.print(table)
    undated = [e for e in schedule.scheduled if e.reading is not None and not e.dated]
    if undated:
        console.print("Без даты (в календарь не попадут, но останутся в плане):")
        for e in undated:
            where = f"стр. {_line_of(e.item.source)}: " if _line_of(e.item.source) else ""
            title = shorten(e.item.title, 60)
            console.print(safe(f"  {where}«{title}» ({e.item.id}) — {' '.join(e.item.when.split())}"))
    # One line per message, never wrapped, so that editors and grep can use «file:line:column: …».
    for error in schedule.errors:
        line = f"{error.source}: ошибка: {error.advice}"
        console.print(safe(line), soft_wrap=True)
    for w in schedule.warnings:
        console.print(safe(f"{w.source}: предупреждение: {w.message}"), soft_wrap=True)
    total = len(schedule.scheduled)
    dated = sum(1 for e in schedule.scheduled if e.dated)
    n_errors, n_warnings = len(schedule.errors), len(schedule.warnings)
    verdict = "ошибок нет" if not n_errors else count(n_errors, "ошибка", "ошибки", "ошибок")
    console.print(
        f"Итого: {count(total, 'пункт', 'пункта', 'пунктов')}, с датой {dated}, без даты {len(undated)}; "
        f"{verdict}, {count(n_warnings, 'предупреждение', 'предупреждения', 'предупреждений')}."
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


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in «…» when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_PROGRESS_MIN_EVENTS = 2000


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator[Any]:
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
