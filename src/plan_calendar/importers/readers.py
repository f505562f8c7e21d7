"""Document readers: each format → :class:`Document` (the text above the tables, and the tables as cell texts).

One reader per format; what the tables mean is decided once, in :mod:`plan_calendar.importers.table`.
Merged cells repeat their text in every cell they cover, so a section row that spans the table has the
same text in each column and a vertically merged date applies to every row it covers.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plan_calendar.cleantext import clean_text
from plan_calendar.errors import PlanFormatError, Source
from plan_calendar.limits import (
    ARCHIVE_MEMBER_BYTES,
    ARCHIVE_MEMBERS,
    ARCHIVE_RATIO,
    ARCHIVE_RATIO_FROM,
    ARCHIVE_TOTAL_BYTES,
    ARCHIVE_XML_BYTES,
    MERGED_CELLS,
    MIB,
    SHEET_CELLS,
    TABLE_COLUMNS,
    TEXT_FILE_BYTES,
)

__all__ = ["Document", "read_document"]

Table = list[list[str]]


@dataclass
class Document:
    """What an importer needs from any source: the lines before the first table, and every table."""

    preamble: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what could not be read (a formula without its value)


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
        _check_size(path, suffix)
        return _cleaned(reader(path))
    except PlanFormatError:
        raise
    except Exception as exc:  # a damaged or mislabelled file: say so instead of a traceback
        raise PlanFormatError(
            f"не удалось прочитать «{path.name}» как {suffix[1:].upper()}: {exc}",
            source=Source(str(path)),
            hint="Проверьте, что файл не повреждён и сохранён в этом формате.",
        ) from None


# ----------------------------------------------------------------------------- sizes, before anything is loaded
_ARCHIVES = (".docx", ".odt", ".xlsx")
_HINT_TOO_LARGE = (
    "Настоящий план занимает несколько мегабайт. Если файл ваш, скопируйте таблицу плана в новый документ "
    "(или сохраните её как .csv) и импортируйте его."
)


def _refuse(path: Path, why: str) -> PlanFormatError:
    return PlanFormatError(f"документ не импортирован: {why}", source=Source(str(path)), hint=_HINT_TOO_LARGE)


def _check_size(path: Path, suffix: str) -> None:
    """Refuse a file that would take far more memory or time than any plan, before a library expands it."""
    if suffix not in _ARCHIVES:
        size = path.stat().st_size
        if size > TEXT_FILE_BYTES:
            raise _refuse(path, f"файл больше {TEXT_FILE_BYTES // MIB} МБ")
        return
    # .docx, .odt and .xlsx are zip archives: their parts are unpacked whole into memory by the readers.
    # zipfile never inflates a part beyond the size its header declares, so the headers can be trusted.
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > ARCHIVE_MEMBERS:
            raise _refuse(path, f"в архиве документа больше {ARCHIVE_MEMBERS} частей")
        total = xml = 0
        for member in members:
            total += member.file_size
            if _is_xml(archive, member):  # by content: a document may give its XML parts any names
                xml += member.file_size
            if member.file_size > ARCHIVE_MEMBER_BYTES:
                raise _refuse(
                    path,
                    f"часть «{member.filename}» распаковывается в {_mib(member.file_size)} МБ "
                    f"(предел — {ARCHIVE_MEMBER_BYTES // MIB} МБ)",
                )
            ratio = member.file_size // max(1, member.compress_size)
            if member.file_size > ARCHIVE_RATIO_FROM and ratio > ARCHIVE_RATIO:
                raise _refuse(
                    path,
                    f"часть «{member.filename}» сжата в {ratio} раз "
                    f"(предел — {ARCHIVE_RATIO}): так сжимаются только файлы-бомбы",
                )
        if xml > ARCHIVE_XML_BYTES:
            raise _refuse(
                path, f"текст документа (XML) распаковывается в {_mib(xml)} МБ (предел — {ARCHIVE_XML_BYTES // MIB} МБ)"
            )
        if total > ARCHIVE_TOTAL_BYTES:
            raise _refuse(
                path, f"документ распаковывается в {_mib(total)} МБ (предел — {ARCHIVE_TOTAL_BYTES // MIB} МБ)"
            )


def _is_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    if member.file_size == 0:
        return False
    with archive.open(member) as stream:
        head = stream.read(64)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _mib(size: int) -> str:
    return f"{size / MIB:.0f}" if size >= 10 * MIB else f"{size / MIB:.1f}".replace(".", ",")


# A start tag of interest, with or without a namespace prefix; its attributes are read separately. Entities in
# attribute values (&#65;) are decoded as an XML parser would (openpyxl's parser allows no others: defusedxml).
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(mergeCell|dimension|c|f)(?=[\s/>])([^>]*)>")
_REF_ATTRIBUTE = re.compile(rb"""(?:^|\s)(ref|r)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def _check_sheets(path: Path, archive: zipfile.ZipFile) -> bool:
    """Before openpyxl loads a workbook: the cells its sheets hold and span, and the cells merged ranges cover.

    openpyxl makes an object for every cell of a merged range (a 5 KB file can merge 17 billion cells) and the
    reader walks every row and column up to the last cell. Every part of the archive is scanned, since a
    workbook may name any part as a sheet; the scan is a regular expression over the inflated stream, so a
    part costs little more than its inflation. True when a cell holds a formula."""
    cells = merged = formulas = 0
    for member in archive.infolist():
        extent_rows = extent_columns = 0
        for tag, attributes in _tags(archive, member):
            if tag == b"f":
                formulas += 1
                continue
            ref = _ref(attributes)
            if tag == b"c":
                cells += 1
                if cells > SHEET_CELLS:
                    raise _refuse(path, f"в книге больше {_cells(SHEET_CELLS)} ячеек")
                if ref is not None and (corner := _cell(ref)) is not None:
                    extent_rows, extent_columns = max(extent_rows, corner[0]), max(extent_columns, corner[1])
                    if extent_rows * extent_columns > SHEET_CELLS:
                        raise _refuse(path, f"лист «{member.filename}» занимает больше {_cells(SHEET_CELLS)} ячеек")
                continue
            area = _area(ref) if ref is not None else 0
            if tag == b"dimension" and area > SHEET_CELLS:
                raise _refuse(path, f"размер листа {ref} — больше {_cells(SHEET_CELLS)} ячеек")
            if tag == b"mergeCell":
                merged += area
                if merged > MERGED_CELLS:
                    raise _refuse(
                        path,
                        f"объединённые ячейки (например, {ref}) покрывают больше {_cells(MERGED_CELLS)} ячеек",
                    )
    return formulas > 0


def _tags(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[tuple[bytes, bytes]]:
    """The start tags of interest in one part, read in chunks (a tag may straddle two chunks)."""
    with archive.open(member) as stream:
        carry = b""
        while chunk := stream.read(1 * MIB):
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut < 0 or data.find(b">", cut) >= 0:
                cut = len(data)
            for m in _TAG.finditer(data, 0, cut):
                yield m.group(1), m.group(2)
            carry = data[cut:]
            if len(carry) > 1 * MIB:  # not XML, or a tag a megabyte long: nothing a sheet has
                carry = b""
        for m in _TAG.finditer(carry):
            yield m.group(1), m.group(2)


def _ref(attributes: bytes) -> str | None:
    m = _REF_ATTRIBUTE.search(attributes)
    if m is None:
        return None
    return html.unescape((m.group(2) if m.group(2) is not None else m.group(3)).decode("utf-8", "replace"))


def _cell(ref: str) -> tuple[int, int] | None:
    """(row, column) of an A1 reference."""
    m = _CELL_REF.fullmatch(ref.strip())
    if m is None:
        return None
    column = 0
    for letter in m.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(m.group(2)), column


def _area(ref: str) -> int:
    """How many cells an A1 range («A5:XFD1048576») covers; an unreadable one counts as one cell."""
    corners = [_cell(part) for part in ref.split(":")[:2]]
    if not corners or any(c is None for c in corners):
        return 1
    rows = [c[0] for c in corners if c is not None]
    columns = [c[1] for c in corners if c is not None]
    return (max(rows) - min(rows) + 1) * (max(columns) - min(columns) + 1)


def _cells(n: int) -> str:
    return f"{n:,}".replace(",", " ")


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
            out.tables.append(_docx_table(docx.table.Table(child, document), path))
    return out


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
                raise _refuse(path, f"строка таблицы шире {TABLE_COLUMNS} столбцов")
            if tc.vMerge == "continue":
                text = above.get(offset, "")
                merged += span
                if merged > MERGED_CELLS:
                    raise _refuse(path, f"объединённые ячейки покрывают больше {_cells(MERGED_CELLS)} ячеек")
            else:
                text = docx.table._Cell(tc, table).text
            cells.extend([text] * span)
            for column in range(offset, offset + span):
                here[column] = text
            offset += span
        rows.append(cells)
        above = here
    return rows


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
            out.tables.append(_odt_table(node, teletype, TABLENS, TEXTNS, path))
    return out


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
                raise _refuse(path, f"строка таблицы шире {TABLE_COLUMNS} столбцов")
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

    with zipfile.ZipFile(path) as archive:
        has_formulas = _check_sheets(path, archive)
    workbook = openpyxl.load_workbook(str(path), read_only=False, data_only=True)
    out = Document()
    for sheet in workbook.worksheets:
        if sheet.max_row * sheet.max_column > SHEET_CELLS:  # cells placed without references: counted here
            raise _refuse(path, f"лист «{sheet.title}» занимает больше {_cells(SHEET_CELLS)} ячеек")
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
        for r, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for c, cell in enumerate(row, start=1):
                value = merged.get((r, c), cell.value)
                cells.append(_cell_text(value))
            rows.append(cells)
        out.tables.append(rows)
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
