"""Excel workbooks (.xlsx, openpyxl): each sheet a table, with the values the file saved for its formulas.

The workbook's parts are scanned before openpyxl loads anything (:func:`~plan_calendar.importers.sizes.check_sheets`);
merged cells repeat their value in every cell they cover; dates are written dd.mm.yyyy (with the time when it is not
midnight); a formula saved without its value is reported, not dropped.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from plan_calendar.importers.document import Document, Table
from plan_calendar.importers.sizes import check_sheets, refuse, thousands
from plan_calendar.limits import SHEET_CELLS

__all__ = ["read_xlsx"]


def read_xlsx(path: Path) -> Document:
    """An .xlsx file: each sheet a table («лист «План»»), its rows numbered as in the sheet."""
    import openpyxl  # noqa: PLC0415

    with zipfile.ZipFile(path) as archive:
        has_formulas = check_sheets(path, archive)
    workbook = openpyxl.load_workbook(str(path), read_only=False, data_only=True)
    out = Document()
    for sheet in workbook.worksheets:
        if sheet.max_row * sheet.max_column > SHEET_CELLS:  # cells placed without references: counted here
            raise refuse(path, f"лист «{sheet.title}» занимает больше {thousands(SHEET_CELLS)} ячеек")
    if has_formulas:
        out.warnings.extend(_formulas_without_values(path, workbook))
    for sheet in workbook.worksheets:
        merged: dict[tuple[int, int], Any] = {}
        for rng in sheet.merged_cells.ranges:
            value = sheet.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    merged[(r, c)] = value
        rows: Table = []
        # From A1, so that a row's index is the sheet's own row number (messages name it).
        for r, row in enumerate(sheet.iter_rows(min_row=1, min_col=1), start=1):
            cells = []
            for c, cell in enumerate(row, start=1):
                value = merged.get((r, c), cell.value)
                cells.append(_cell_text(value))
            rows.append(cells)
        out.tables.append(rows)
        out.names.append(f"лист «{sheet.title}»")
    return out


def _formulas_without_values(path: Path, values: Any) -> list[str]:
    """Cells whose formula has no value saved with it (a file written by a program that does not calculate):
    openpyxl reads them as empty, so they are reported rather than dropped."""
    import openpyxl  # noqa: PLC0415

    formulas = openpyxl.load_workbook(str(path), read_only=True, data_only=False)  # streamed: a second copy
    found = []
    try:
        for sheet in formulas.worksheets:
            plain = values[sheet.title]
            for row in sheet.iter_rows():
                for cell in row:
                    text = getattr(cell.value, "text", cell.value)  # an array formula keeps its text in .text
                    if not (isinstance(text, str) and text.startswith("=")):
                        continue
                    if plain.cell(cell.row, cell.column).value is not None:
                        continue
                    found.append(
                        f"«{path.name}», лист «{sheet.title}», ячейка {cell.coordinate}: у формулы «{text}» нет "
                        "сохранённого значения, ячейка прочитана пустой — откройте файл в Excel или LibreOffice, "
                        "сохраните и импортируйте снова"
                    )
    finally:
        formulas.close()
    return found


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
