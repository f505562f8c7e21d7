"""OpenDocument files (odfpy): text documents (.odt) and spreadsheets (.ods), LibreOffice's own formats.

Both are trees of the same elements: paragraphs keep their line breaks, spaces and tabs; merged cells repeat their
text in the cells they cover (covered-table-cell); a spreadsheet's repeated empty rows and columns at the end are
dropped and its dates are written dd.mm.yyyy.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from plan_calendar.importers.document import Document, Table
from plan_calendar.importers.sizes import refuse, thousands
from plan_calendar.limits import MERGED_CELLS, SHEET_CELLS, TABLE_COLUMNS

__all__ = ["read_ods", "read_odt"]


# ----------------------------------------------------------------------------- text documents
def read_odt(path: Path) -> Document:
    """An .odt file: its paragraphs and headings before and between the tables, and its tables."""
    from odf import opendocument, teletype  # noqa: PLC0415
    from odf.namespaces import TABLENS, TEXTNS  # noqa: PLC0415

    document = opendocument.load(str(path))
    out = Document()
    paragraphs = out.preamble
    for node in document.text.childNodes:
        if node.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
            paragraphs.append(_odt_text(node, TEXTNS))
        elif node.qname == (TABLENS, "table"):
            out.tables.append(_odt_table(node, teletype, TABLENS, TEXTNS, path))
            out.names.append(f"таблица {len(out.tables)}")
            paragraphs = out.between.setdefault(len(out.tables), [])
    return out


def _odt_text(node: Any, textns: str) -> str:
    """A paragraph's text with its line breaks (<text:line-break/>), spaces (<text:s/>) and tabs."""
    parts: list[str] = []
    for child in getattr(node, "childNodes", []):
        qname = getattr(child, "qname", None)
        if child.nodeType == child.TEXT_NODE:
            parts.append(str(child.data))
        elif qname == (textns, "line-break"):
            parts.append("\n")
        elif qname == (textns, "tab"):
            parts.append(" ")
        elif qname == (textns, "s"):
            parts.append(" " * int(child.getAttrNS(textns, "c") or 1))
        else:
            parts.append(_odt_text(child, textns))
    return "".join(parts)


def _odt_table(node: Any, teletype: Any, tablens: str, textns: str, path: Path) -> Table:
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
            if len(cells) > TABLE_COLUMNS:
                raise refuse(path, f"строка таблицы шире {TABLE_COLUMNS} столбцов")
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


# ----------------------------------------------------------------------------- spreadsheets
_ODS_REPEAT = 64  # a repeated run of cells or rows longer than this is the sheet's empty tail


def read_ods(path: Path) -> Document:
    """An .ods file: each sheet a table («лист «План»»)."""
    from odf import opendocument  # noqa: PLC0415
    from odf.namespaces import TABLENS, TEXTNS  # noqa: PLC0415

    document = opendocument.load(str(path))
    out = Document()
    for node in _descendants(document.spreadsheet, (TABLENS, "table")):
        out.tables.append(_ods_table(node, TABLENS, TEXTNS, path))
        out.names.append(f"лист «{node.getAttrNS(TABLENS, 'name') or len(out.tables)}»")
    return out


def _ods_table(node: Any, tablens: str, textns: str, path: Path) -> Table:
    """A sheet's rows as cell texts: merged cells repeat their text (the cells they cover are
    covered-table-cell elements), repeated empty rows and columns at the end are dropped, dates are written as
    dd.mm.yyyy whatever the cell's display format."""
    rows: Table = []
    spans: dict[int, tuple[int, str]] = {}  # column → (rows still covered below, text) of a vertical merge
    total = 0
    for row in _descendants(node, (tablens, "table-row")):
        cells: list[str] = []
        for cell in row.childNodes:
            if cell.qname not in ((tablens, "table-cell"), (tablens, "covered-table-cell")):
                continue
            repeat = int(cell.getAttrNS(tablens, "number-columns-repeated") or 1)
            if cell.qname == (tablens, "covered-table-cell"):
                column = len(cells)
                below = spans.get(column)
                value = below[1] if below is not None else (cells[-1] if cells else "")
            else:
                value = _ods_value(cell, textns)
                down = int(cell.getAttrNS(tablens, "number-rows-spanned") or 1)
                across = int(cell.getAttrNS(tablens, "number-columns-spanned") or 1)
                if down > 1:
                    for column in range(len(cells), len(cells) + min(across, TABLE_COLUMNS)):
                        spans[column] = (min(down, MERGED_CELLS), value)
            cells.extend([value] * (repeat if value or repeat <= _ODS_REPEAT else 1))
            if len(cells) > TABLE_COLUMNS:
                raise refuse(path, f"строка таблицы шире {TABLE_COLUMNS} столбцов")
        spans = {c: (n - 1, text) for c, (n, text) in spans.items() if n > 1}
        while cells and not cells[-1]:
            cells.pop()
        repeat = int(row.getAttrNS(tablens, "number-rows-repeated") or 1)
        copies = repeat if cells and repeat <= _ODS_REPEAT else 1
        total += copies * max(1, len(cells))
        if total > SHEET_CELLS:
            raise refuse(path, f"в книге больше {thousands(SHEET_CELLS)} ячеек")
        rows.extend([list(cells) for _ in range(copies)])
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _ods_value(cell: Any, textns: str) -> str:
    from odf.namespaces import OFFICENS  # noqa: PLC0415

    if cell.getAttrNS(OFFICENS, "value-type") == "date":
        value = cell.getAttrNS(OFFICENS, "date-value") or ""
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?", value)
        if m:
            day = f"{m.group(3)}.{m.group(2)}.{m.group(1)}"
            at = f" {m.group(4)}:{m.group(5)}" if m.group(4) and (m.group(4), m.group(5)) != ("00", "00") else ""
            return day + at
    return "\n".join(_odt_text(p, textns) for p in _descendants(cell, (textns, "p")))
