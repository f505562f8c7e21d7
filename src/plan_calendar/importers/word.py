"""Word documents (.docx, python-docx): the paragraphs and the tables, in the order of the document's body.

A paragraph keeps its line breaks; a table's cells are read as python-docx's ``row.cells`` gives them (a spanned
cell repeated, a vertically merged one as the cell it continues), in one pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plan_calendar.importers.document import Document, Table
from plan_calendar.importers.sizes import refuse, thousands
from plan_calendar.limits import MERGED_CELLS, TABLE_COLUMNS

__all__ = ["read_docx"]


def read_docx(path: Path) -> Document:
    """A .docx file: its paragraphs before and between the tables, and its tables («таблица 1», …)."""
    import docx  # noqa: PLC0415 - only import needs it

    document = docx.Document(str(path))
    out = Document()
    body = document.element.body
    paragraphs = out.preamble
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraphs.append(_docx_paragraph(child))
        elif tag == "tbl":
            out.tables.append(_docx_table(docx.table.Table(child, document), path))
            out.names.append(f"таблица {len(out.tables)}")
            paragraphs = out.between.setdefault(len(out.tables), [])
    return out


def _docx_paragraph(element: Any) -> str:
    """A paragraph's text with its line breaks («УТВЕРЖДАЮ<w:br/>Директор…» is two lines, not one word)."""
    parts = []
    for node in element.iter():
        name = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
        if name == "t":
            parts.append(node.text or "")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name == "tab":
            parts.append(" ")
    return "".join(parts)


def _docx_table(table: Any, path: Path) -> Table:
    """Cell texts row by row, as python-docx's ``row.cells`` gives them (a spanned cell repeated, a vertically
    merged one as the cell it continues), read in one pass: ``row.cells`` walks up a vertical merge from
    every cell it continues, which is quadratic in its length, and would repeat a hostile span without end."""
    import docx  # noqa: PLC0415

    rows: Table = []
    above: dict[int, str] = {}  # grid column → text in the row above
    merged = 0
    for tr in table._tbl.tr_lst:
        cells: list[str] = []
        here: dict[int, str] = {}
        offset = tr.grid_before
        for tc in tr.tc_lst:
            span = tc.grid_span
            if offset + span > TABLE_COLUMNS:
                raise refuse(path, f"строка таблицы шире {TABLE_COLUMNS} столбцов")
            if tc.vMerge == "continue":
                text = above.get(offset, "")
                merged += span
                if merged > MERGED_CELLS:
                    raise refuse(path, f"объединённые ячейки покрывают больше {thousands(MERGED_CELLS)} ячеек")
            else:
                text = docx.table._Cell(tc, table).text
            cells.extend([text] * span)
            for column in range(offset, offset + span):
                here[column] = text
            offset += span
        rows.append(cells)
        above = here
    return rows
