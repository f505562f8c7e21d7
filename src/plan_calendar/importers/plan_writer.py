"""`plan-cal import`: a document → a YAML plan the author can check, fix and build.

Strings are written as JSON strings, which are valid YAML double-quoted scalars: nothing from the document can
break the YAML or add keys. After each item a comment says how its date was read, and any warning, so the
author can fix the plan in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from plan_calendar.cleantext import yaml_printable
from plan_calendar.dates.describe import describe
from plan_calendar.dates.grammar import read_when
from plan_calendar.dates.school import AcademicYear
from plan_calendar.errors import DateError, PlanFormatError, Source
from plan_calendar.importers.readers import Document, read_document
from plan_calendar.importers.table import ImportedItem, guess_columns, read_rows
from plan_calendar.limits import PLAN_CHARS
from plan_calendar.plan import IdPool

__all__ = ["ImportResult", "import_plan"]

_YEAR = re.compile(r"(\d{4})\s*[-–—/]\s*(\d{4}|\d{2})\s*(?:уч\.?|учебн)", re.IGNORECASE)
_YEAR_LOOSE = re.compile(r"\b(20\d{2})\s*[-–—/]\s*(20\d{2}|\d{2})\b")


@dataclass
class ImportResult:
    """The YAML text and what was found."""

    yaml: str
    items: int
    warnings: list[str]
    errors: list[str]


def import_plan(path: Path, year: str | None = None) -> ImportResult:
    """Read a document and write its plan as YAML text."""
    document = read_document(path)
    title, description = _title_and_description(document, path)
    academic = _academic_year(year, document, title, path)
    items: list[ImportedItem] = []
    for table in document.tables:
        found = read_rows(table, academic)
        if found is None and path.suffix.lower() in (".csv", ".tsv"):
            found = guess_columns(table, academic)
        if found:
            items.extend(found)
    if not items:
        raise PlanFormatError(
            f"в «{path.name}» не найдена таблица плана",
            source=Source(str(path)),
            hint="Искали таблицу со строкой заголовка, где есть столбец мероприятий («Мероприятия», «Содержание "
            "работы», «Наименование») и столбец сроков («Сроки», «Срок», «Дата», «Дата проведения»).",
        )
    result = _write(title, academic, description, items, path, document_warnings=document.warnings)
    if len(result.yaml) > PLAN_CHARS:  # the text is at least as long as what `check` counts: it would refuse it
        raise PlanFormatError(
            f"в «{path.name}» слишком большая таблица: план из неё был бы длиннее "
            f"{PLAN_CHARS:,} символов — больше, чем читает plan-cal check".replace(",", " "),
            source=Source(str(path)),
            hint="Разделите таблицу на несколько документов и импортируйте их по отдельности.",
        )
    return result


def _title_and_description(document: Document, path: Path) -> tuple[str, str | None]:
    lines = [line.strip() for line in document.preamble]
    while lines and not lines[0]:
        lines.pop(0)
    head: list[str] = []
    while lines and lines[0]:
        head.append(lines.pop(0))
    title = " ".join(" ".join(head).split()) or path.stem
    rest = [line for line in lines if line]
    return title, "\n".join(rest) or None


def _academic_year(explicit: str | None, document: Document, title: str, path: Path) -> AcademicYear:
    if explicit is not None:
        return AcademicYear.parse(explicit)
    text = "\n".join([title, *document.preamble])
    for pattern in (_YEAR, _YEAR_LOOSE):
        m = pattern.search(text)
        if m:
            try:
                return AcademicYear.parse(f"{m.group(1)}-{m.group(2)}")
            except DateError:
                continue
    raise PlanFormatError(
        f"в «{path.name}» не указан учебный год",
        source=Source(str(path)),
        hint="Укажите его: plan-cal import … --year 2019-2020.",
    )


def _q(text: str) -> str:
    # A JSON string is a YAML double-quoted scalar; yaml_printable escapes what YAML would not read back as is.
    return yaml_printable(text)


def _write(
    title: str,
    year: AcademicYear,
    description: str | None,
    items: list[ImportedItem],
    path: Path,
    *,
    document_warnings: list[str],
) -> ImportResult:
    out = [
        f"# План импортирован из «{path.name}» командой plan-cal import.",
        "# Проверьте даты (комментарий после каждого пункта) и запустите: plan-cal check <этот файл>",
        f"plan: {_q(title)}",
        f"academic_year: {_q(year.name)}",
        "timezone: Europe/Moscow",
        "locale: ru",
    ]
    if description:
        out.append(f"description: {_q(description)}")
    out.append("items:")
    ids = IdPool()
    warnings: list[str] = list(document_warnings)
    errors: list[str] = []
    for item in items:
        item_id = ids.propose(item.title)
        out.append(f"  - id: {item_id}")
        out.append(f"    title: {_q(item.title)}")
        out.append(f"    when: {_q(item.when)}")
        if item.agenda:
            out.append("    agenda:")
            out.extend(f"      - {_q(point)}" for point in item.agenda)
        if item.responsible:
            out.append(f"    responsible: [{', '.join(_q(r) for r in item.responsible)}]")
        if item.location:
            out.append(f"    location: {_q(item.location)}")
        if item.tags:
            out.append(f"    tags: [{', '.join(_q(t) for t in item.tags)}]")
        out.extend(_reading_comments(item, year, warnings, errors))
    text = "\n".join(out) + "\n"
    return ImportResult(text, len(items), warnings, errors)


def _reading_comments(item: ImportedItem, year: AcademicYear, warnings: list[str], errors: list[str]) -> list[str]:
    comments = []
    if item.note:
        comments.append(f"    # {item.note}")
    try:
        reading = read_when(item.when, year)
    except DateError as exc:
        errors.append(f"«{item.title}»: {exc.message}")
        return [*comments, f"    # ОШИБКА: {_one_line(exc.message)} — исправьте when"]
    comments.append(f"    # прочитано: {_one_line(describe(reading))}")
    for warning in reading.warnings:
        warnings.append(f"«{item.title}»: {warning}")
        comments.append(f"    # внимание: {_one_line(warning)}")
    return comments


def _one_line(text: str) -> str:
    return " ".join(text.split())
