"""A Word, LibreOffice, Excel, CSV or text document read directly as a plan (no YAML in between).

The importer reads the document (:func:`~plan_calendar.importers.plan_writer.read_document_plan`), and its rows
become :class:`Item` values exactly as ``plan-cal import`` followed by reading the YAML would make them, so a
document and its imported YAML give the same feed. Every item's place is the document's own: «таблица 1,
строка 7, столбец «Сроки»» (a sheet's name and row number for Excel and LibreOffice Calc; the file's line for
CSV and Word's text export). Ids come from :class:`~plan_calendar.identity.IdStore` when the caller keeps one.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from slugify import slugify

from plan_calendar.dates.grammar import read_when
from plan_calendar.dates.school import AcademicYear
from plan_calendar.errors import DateError, Source
from plan_calendar.identity import IdStore, Row
from plan_calendar.ids import IdPool
from plan_calendar.importers.document import Document
from plan_calendar.importers.table import ImportedItem
from plan_calendar.plan import Item, Plan, PlanWarning

__all__ = ["DOCUMENT_SUFFIXES", "is_document", "load_document_plan"]

DOCUMENT_SUFFIXES = frozenset({".docx", ".odt", ".xlsx", ".ods", ".csv", ".tsv", ".txt", ".doc", ".xls"})


def is_document(path: Path) -> bool:
    """Whether ``path`` is read as a document (by its suffix); anything else is a YAML plan."""
    return path.suffix.lower() in DOCUMENT_SUFFIXES


def load_document_plan(path: Path, ids: IdStore | None = None) -> Plan:
    """The plan in a document; ``ids`` keeps its rows' ids from one reading to the next."""
    from plan_calendar.importers.plan_writer import read_document_plan  # noqa: PLC0415 - the importers are big

    found = read_document_plan(path)
    plan_id = slugify(path.stem) or "plan"
    file = str(path)
    rows = [item for _, item in found.items]
    if ids is not None:
        item_ids = ids.assign(plan_id, [_row(item, found.year) for item in rows])
    else:
        pool = IdPool()
        item_ids = [pool.propose(" ".join(item.title.split())) for item in rows]
    items = []
    for (table, item), item_id in zip(found.items, item_ids, strict=True):
        number = found.document.row_number(table, item.row)
        where = _where(found.document, table, number)
        items.append(
            Item(
                id=item_id,
                title=" ".join(item.title.split()),
                when=item.when.strip(),
                source=Source(file, number, None, where),
                when_source=Source(file, number, item.when_index + 1, f"{where}, {_column(item)}"),
                agenda=tuple(point.strip() for point in item.agenda if point.strip()),
                responsible=tuple(r.strip() for r in item.responsible if r.strip()),
                location=item.location.strip() if item.location else None,
                tags=tuple(t.strip() for t in item.tags if t.strip()),
                id_written=False,
            )
        )
    return Plan(
        id=plan_id,
        title=" ".join(found.title.split()),
        academic_year=found.year,
        items=tuple(items),
        source=Source(file),
        description=found.description.strip() if found.description else None,
        warnings=tuple(PlanWarning(w, Source(file, place="")) for w in found.document.warnings),
    )


def _where(document: Document, table: int, number: int) -> str:
    name = document.name(table)
    return f"{name}, строка {number}" if name else f"строка {number}"


def _column(item: ImportedItem) -> str:
    return f"столбец «{item.when_column}»" if item.when_column else f"столбец {item.when_index + 1}"


def _row(item: ImportedItem, year: AcademicYear) -> Row:
    return Row(" ".join(item.title.split()), " ".join(item.when.split()), _start(item.when.strip(), year))


@lru_cache(maxsize=4096)
def _start(when: str, year: AcademicYear) -> date | None:
    try:
        bounds = read_when(when, year).bounds()
    except DateError:
        return None
    return bounds[0] if bounds else None
