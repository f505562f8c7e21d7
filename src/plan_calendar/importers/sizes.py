"""Documents too large to read, refused before a library expands them (the caps are in :mod:`plan_calendar.limits`).

A text file is measured by its bytes; a zip archive (.docx, .odt, .xlsx, .ods) by its parts' headers, which zipfile
never inflates past; a workbook, before openpyxl loads it, by the cells its sheets hold and span and the cells its
merged ranges cover, scanned from every part's inflated stream. The readers refuse what they find past a cap while
reading (a row too wide, merges too large) with the same :func:`refuse`.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

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
    TEXT_FILE_BYTES,
)

__all__ = ["check_sheets", "check_size", "refuse", "thousands"]

_ARCHIVES = (".docx", ".odt", ".xlsx", ".ods")
_HINT_TOO_LARGE = (
    "Настоящий план занимает несколько мегабайт. Если файл ваш, скопируйте таблицу плана в новый документ "
    "(или сохраните её как .csv) и импортируйте его."
)


def refuse(path: Path, why: str) -> PlanFormatError:
    """The error for a document past one of the caps (``why`` says which), before or while a reader loads it."""
    return PlanFormatError(f"документ не импортирован: {why}", source=Source(str(path)), hint=_HINT_TOO_LARGE)


def check_size(path: Path, suffix: str) -> None:
    """Refuse a file that would take far more memory or time than any plan, before a library expands it."""
    if suffix not in _ARCHIVES:
        size = path.stat().st_size
        if size > TEXT_FILE_BYTES:
            raise refuse(path, f"файл больше {TEXT_FILE_BYTES // MIB} МБ")
        return
    # .docx, .odt and .xlsx are zip archives: their parts are unpacked whole into memory by the readers.
    # zipfile never inflates a part beyond the size its header declares, so the headers can be trusted.
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > ARCHIVE_MEMBERS:
            raise refuse(path, f"в архиве документа больше {ARCHIVE_MEMBERS} частей")
        total = xml = 0
        for member in members:
            total += member.file_size
            if _is_xml(archive, member):  # by content: a document may give its XML parts any names
                xml += member.file_size
            if member.file_size > ARCHIVE_MEMBER_BYTES:
                raise refuse(
                    path,
                    f"часть «{member.filename}» распаковывается в {_mib(member.file_size)} МБ "
                    f"(предел — {ARCHIVE_MEMBER_BYTES // MIB} МБ)",
                )
            ratio = member.file_size // max(1, member.compress_size)
            if member.file_size > ARCHIVE_RATIO_FROM and ratio > ARCHIVE_RATIO:
                raise refuse(
                    path,
                    f"часть «{member.filename}» сжата в {ratio} раз "
                    f"(предел — {ARCHIVE_RATIO}): так сжимаются только файлы-бомбы",
                )
        if xml > ARCHIVE_XML_BYTES:
            raise refuse(
                path, f"текст документа (XML) распаковывается в {_mib(xml)} МБ (предел — {ARCHIVE_XML_BYTES // MIB} МБ)"
            )
        if total > ARCHIVE_TOTAL_BYTES:
            raise refuse(
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


def check_sheets(path: Path, archive: zipfile.ZipFile) -> bool:
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
                    raise refuse(path, f"в книге больше {thousands(SHEET_CELLS)} ячеек")
                if ref is not None and (corner := _cell(ref)) is not None:
                    extent_rows, extent_columns = max(extent_rows, corner[0]), max(extent_columns, corner[1])
                    if extent_rows * extent_columns > SHEET_CELLS:
                        raise refuse(path, f"лист «{member.filename}» занимает больше {thousands(SHEET_CELLS)} ячеек")
                continue
            area = _area(ref) if ref is not None else 0
            if tag == b"dimension" and area > SHEET_CELLS:
                raise refuse(path, f"размер листа {ref} — больше {thousands(SHEET_CELLS)} ячеек")
            if tag == b"mergeCell":
                merged += area
                if merged > MERGED_CELLS:
                    raise refuse(
                        path,
                        f"объединённые ячейки (например, {ref}) покрывают больше {thousands(MERGED_CELLS)} ячеек",
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


def thousands(n: int) -> str:
    """A count as messages write it: 17 179 869 184."""
    return f"{n:,}".replace(",", " ")
