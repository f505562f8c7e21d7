"""Document readers: each format → :class:`Document` (the text above the tables, and the tables as cell texts).

One reader per format; what the tables mean is decided once, in :mod:`plan_calendar.importers.table`.
Merged cells repeat their text in every cell they cover, so a section row that spans the table has the
same text in each column and a vertically merged date applies to every row it covers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plan_calendar.cleantext import clean_text
from plan_calendar.errors import PlanFormatError, Source

__all__ = ["Document", "read_document"]

Table = list[list[str]]


@dataclass
class Document:
    """What an importer needs from any source: the lines before the first table, and every table."""

    preamble: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def read_document(path: Path) -> Document:
    """Read a .docx, .odt, .xlsx, .csv, .tsv or .txt file."""
    suffix = path.suffix.lower()
    readers = {
        ".docx": _docx,
        ".odt": _odt,
        ".xlsx": _xlsx,
        ".csv": _delimited,
        ".tsv": _delimited,
        ".txt": _text,
    }
    reader = readers.get(suffix)
    if reader is None:
        raise PlanFormatError(
            f"файл «{path.name}» не поддерживается",
            source=Source(str(path)),
            hint="Импортируются .docx, .odt, .xlsx, .csv, .tsv и .txt (таблица Word, сохранённая как текст).",
        )
    if not path.is_file():
        raise PlanFormatError(f"файл «{path}» не найден", hint="Проверьте путь.")
    try:
        return _cleaned(reader(path))
    except PlanFormatError:
        raise
    except Exception as exc:  # a damaged or mislabelled file: say so instead of a traceback
        raise PlanFormatError(
            f"не удалось прочитать «{path.name}» как {suffix[1:].upper()}: {exc}",
            source=Source(str(path)),
            hint="Проверьте, что файл не повреждён и сохранён в этом формате.",
        ) from None


def _cleaned(document: Document) -> Document:
    """The document without control characters: they would break the YAML, the feeds and terminals."""
    document.preamble = [clean_text(line)[0] for line in document.preamble]
    document.tables = [[[clean_text(cell)[0] for cell in row] for row in table] for table in document.tables]
    return document


# ----------------------------------------------------------------------------- Word
def _docx(path: Path) -> Document:
    import docx  # noqa: PLC0415 - only import needs it

    document = docx.Document(str(path))
    out = Document()
    body = document.element.body
    seen_table = False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p" and not seen_table:
            out.preamble.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            seen_table = True
            table = docx.table.Table(child, document)
            rows: Table = []
            for row in table.rows:
                rows.append([cell.text for cell in row.cells])
            out.tables.append(rows)
    return out


# ----------------------------------------------------------------------------- LibreOffice
def _odt(path: Path) -> Document:
    from odf import opendocument, teletype  # noqa: PLC0415
    from odf.namespaces import TABLENS, TEXTNS  # noqa: PLC0415

    document = opendocument.load(str(path))
    out = Document()
    seen_table = False
    for node in document.text.childNodes:
        if node.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
            if not seen_table:
                out.preamble.append(teletype.extractText(node))
        elif node.qname == (TABLENS, "table"):
            seen_table = True
            out.tables.append(_odt_table(node, teletype, TABLENS, TEXTNS))
    return out


def _odt_table(node: Any, teletype: Any, tablens: str, textns: str) -> Table:
    rows: Table = []
    for row in _descendants(node, (tablens, "table-row")):
        cells: list[str] = []
        for cell in row.childNodes:
            if cell.qname not in ((tablens, "table-cell"), (tablens, "covered-table-cell")):
                continue
            value = "\n".join(teletype.extractText(p) for p in _descendants(cell, (textns, "p")))
            if cell.qname == (tablens, "covered-table-cell") and cells:
                value = cells[-1]  # covered by a horizontal merge: repeat the merged text
            repeat = int(cell.getAttrNS(tablens, "number-columns-repeated") or 1)
            cells.extend([value] * min(repeat, 64))
        rows.append(cells)
    return rows


def _descendants(node: Any, qname: tuple[str, str]) -> list[Any]:
    found = []
    for child in node.childNodes:
        if getattr(child, "qname", None) == qname:
            found.append(child)
        elif getattr(child, "childNodes", None):
            found.extend(_descendants(child, qname))
    return found


# ----------------------------------------------------------------------------- Excel
def _xlsx(path: Path) -> Document:
    import openpyxl  # noqa: PLC0415

    workbook = openpyxl.load_workbook(str(path), read_only=False, data_only=True)
    out = Document()
    for sheet in workbook.worksheets:
        merged: dict[tuple[int, int], Any] = {}
        for rng in sheet.merged_cells.ranges:
            value = sheet.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    merged[(r, c)] = value
        rows: Table = []
        for r, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for c, cell in enumerate(row, start=1):
                value = merged.get((r, c), cell.value)
                cells.append(_cell_text(value))
            rows.append(cells)
        out.tables.append(rows)
    return out


def _cell_text(value: Any) -> str:
    import datetime as dt  # noqa: PLC0415

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y") if value.time() == dt.time() else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ----------------------------------------------------------------------------- CSV, TSV
def _delimited(path: Path) -> Document:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            content = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes any byte string
        raise PlanFormatError(f"«{path.name}»: неизвестная кодировка", hint="Сохраните файл в UTF-8.")
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(content[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ";" if content.count(";") > content.count(",") else ","
    rows = list(csv.reader(io.StringIO(content), delimiter=delimiter))
    return Document(tables=[rows])


# ----------------------------------------------------------------------------- Word's "save as text"
def _text(path: Path) -> Document:
    """Word's text export of a table: a line that starts with a tab opens a cell; other lines continue it."""
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("cp1251")
    out = Document()
    cells: list[str] = []
    current: list[str] | None = None
    for line in content.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.startswith("\t"):
            if current is not None:
                cells.append("\n".join(current))
            current = [line[1:]]
        elif current is None:
            out.preamble.append(line)
        else:
            current.append(line)
    if current is not None:
        cells.append("\n".join(current))
    if cells:
        out.tables.append(_cells_to_rows(cells))
    return out


def _cells_to_rows(cells: list[str]) -> Table:
    """Group a flat list of cells into rows, as wide as the header: the first cells that name a title column
    and a date column, extended while the next cell is another column name («Ответственный»)."""
    from plan_calendar.importers.table import header_columns, header_role  # noqa: PLC0415

    for first in range(2, min(8, len(cells)) + 1):
        if header_columns([c.strip() for c in cells[:first]]) is not None:
            width = first
            while width < len(cells) and header_role(cells[width].strip()) is not None:
                width += 1
            return [cells[i : i + width] for i in range(0, len(cells), width)]
    return [cells]
