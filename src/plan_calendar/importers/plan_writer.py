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
from plan_calendar.ids import IdPool
from plan_calendar.importers.document import Document
from plan_calendar.importers.header import Header, read_header, year_from_dates
from plan_calendar.importers.readers import read_document
from plan_calendar.importers.table import ImportedItem, guess_columns, header_row, read_rows
from plan_calendar.limits import PLAN_CHARS

__all__ = ["DocumentPlan", "ImportResult", "import_plan", "read_document_plan"]

_YEAR = re.compile(r"(\d{4})\s*[-–—/]\s*(\d{4}|\d{2})\s*(?:уч\.?|учебн)", re.IGNORECASE)
_YEAR_LOOSE = re.compile(r"\b(20\d{2})\s*[-–—/]\s*(20\d{2}|\d{2})\b")


@dataclass
class ImportResult:
    """The YAML text and what was found."""

    yaml: str
    items: int
    warnings: list[str]
    errors: list[str]


@dataclass
class DocumentPlan:
    """A plan as a document has it: the text above the table read (title, description, stamps), the school
    year, and each row of the plan's tables with the index of its table."""

    path: Path
    document: Document
    title: str
    description: str | None
    stamps: list[str]
    year: AcademicYear
    items: list[tuple[int, ImportedItem]]


def read_document_plan(path: Path, year: str | None = None) -> DocumentPlan:
    """Read a document's plan: what `import` writes as YAML, and what `check`, `build` and `remind` read."""
    document = read_document(path)
    headers = [header_row(table) for table in document.tables]
    first = next((k for k, h in enumerate(headers) if h is not None), None)
    header = read_header(_header_texts(document, first, headers))
    title = header.title or path.stem
    academic = _academic_year(year, document, header, title, path)
    items: list[tuple[int, ImportedItem]] = []
    for index, table in enumerate(document.tables):
        found = read_rows(table, academic)
        if found is None and path.suffix.lower() in (".csv", ".tsv"):
            found = guess_columns(table, academic)
        for item in found or []:
            if item.untitled:
                item.title = _meeting_title(title)
            items.append((index, item))
    if not items:
        raise PlanFormatError(
            f"в «{path.name}» не найдена таблица плана",
            source=Source(str(path)),
            hint="Искали таблицу со строкой заголовка, где есть столбец мероприятий («Мероприятия», «Содержание "
            "работы», «Наименование») и столбец сроков («Сроки», «Срок», «Дата», «Дата проведения»).",
        )
    return DocumentPlan(path, document, title, header.description, header.stamps, academic, items)


def import_plan(path: Path, year: str | None = None) -> ImportResult:
    """Read a document and write its plan as YAML text."""
    plan = read_document_plan(path, year)
    result = _write(plan)
    if len(result.yaml) > PLAN_CHARS:  # the text is at least as long as what `check` counts: it would refuse it
        raise PlanFormatError(
            f"в «{path.name}» слишком большая таблица: план из неё был бы длиннее "
            f"{PLAN_CHARS:,} символов — больше, чем читает plan-cal check".replace(",", " "),
            source=Source(str(path)),
            hint="Разделите таблицу на несколько документов и импортируйте их по отдельности.",
        )
    return result


def _header_texts(document: Document, first: int | None, headers: list[int | None]) -> list[str]:
    """The text above the plan's first table: paragraphs, tables before it (a layout table of stamps), and the
    rows above its header row (a spreadsheet's title rows; merged cells repeat their text, taken once)."""
    if first is None:
        return list(document.preamble)
    texts: list[str] = []
    for index in range(first + 1):
        texts.extend(document.texts_before(index))
        rows = document.tables[index] if index < first else document.tables[index][: headers[index]]
        for row in rows:
            texts.extend(dict.fromkeys(cell.strip() for cell in row if cell.strip()))
    return texts


_MEETING_BODY = re.compile(r"\b(?:РМО|ГМО|ММО|ШМО|МО|МС|ПС|ГМС)\b")


def _meeting_title(plan_title: str) -> str:
    """The title of a row that is only a meeting's agenda: «Заседание РМО» in a plan of the РМО."""
    body = _MEETING_BODY.search(plan_title)
    return f"Заседание {body.group()}" if body else "Заседание"


def _academic_year(explicit: str | None, document: Document, header: Header, title: str, path: Path) -> AcademicYear:
    """The school year: given, or named in the title or the text above the table, or the year of the approval
    stamp, or that of the first full date in the tables."""
    if explicit is not None:
        return AcademicYear.parse(explicit)
    text = "\n".join([title, header.description or ""])
    for pattern in (_YEAR, _YEAR_LOOSE):
        m = pattern.search(text)
        if m:
            try:
                return AcademicYear.parse(f"{m.group(1)}-{m.group(2)}")
            except DateError:
                continue
    found = header.stamp_year() or year_from_dates([cell for table in document.tables for row in table for cell in row])
    if found is not None:
        return found
    raise PlanFormatError(
        f"в «{path.name}» не указан учебный год",
        source=Source(str(path)),
        hint="Напишите его в названии плана над таблицей («План работы … на 2019-2020 учебный год») или укажите "
        "при импорте: plan-cal import … --year 2019-2020.",
    )


def _q(text: str) -> str:
    # A JSON string is a YAML double-quoted scalar; yaml_printable escapes what YAML would not read back as is.
    return yaml_printable(text)


def _write(plan: DocumentPlan) -> ImportResult:
    out = [
        f"# План импортирован из «{plan.path.name}» командой plan-cal import.",
        "# Проверьте даты (комментарий после каждого пункта) и запустите: plan-cal check <этот файл>",
    ]
    out.extend(f"# Гриф: {_one_line(stamp)}" for stamp in plan.stamps)
    out.extend(
        [
            f"plan: {_q(plan.title)}",
            f"academic_year: {_q(plan.year.name)}",
            "timezone: Europe/Moscow",
            "locale: ru",
        ]
    )
    if plan.description:
        out.append(f"description: {_q(plan.description)}")
    out.append("items:")
    ids = IdPool()
    warnings: list[str] = list(plan.document.warnings)
    errors: list[str] = []
    for _, item in plan.items:
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
        out.extend(_reading_comments(item, plan.year, warnings, errors))
    text = "\n".join(out) + "\n"
    return ImportResult(text, len(plan.items), warnings, errors)


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
