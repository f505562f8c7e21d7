"""Plans saved as text: .csv and .tsv tables, and Word's text export of a table (.txt), in any encoding.

:func:`decode_text` finds the encoding Windows, Excel or Word saved the file in; a CSV file's delimiter is sniffed;
in Word's export, a line that starts with a tab opens a cell and a row is as wide as the table's header.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from plan_calendar.errors import PlanFormatError, Source
from plan_calendar.importers.document import Document, Table

__all__ = ["decode_text", "read_delimited", "read_word_text"]


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Encodings a Russian text or CSV file is saved in: Excel's «CSV (разделители — запятые)» and Notepad's «ANSI»
# are Windows-1251; «Юникод» and «Unicode Text» are UTF-16; KOI8-R and DOS (866) come from older programs.
_CYRILLIC = ["utf_8", "cp1251", "koi8_r", "cp866", "mac_cyrillic", "utf_16_le", "utf_16_be"]


def decode_text(raw: bytes, path: Path) -> str:
    """A text file's content, whatever the encoding Windows, Excel or Word saved it in.

    A byte order mark decides; then UTF-8 if the bytes are valid UTF-8; then charset-normalizer chooses among
    the encodings Russian files are saved in (it tells Windows-1251 from KOI8-R and DOS 866 by the letters'
    frequencies, and UTF-16 without a mark by its zero bytes)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                break
    if b"\x00" in raw[:4096]:  # text has no NUL bytes; UTF-16 has one for every space, digit and punctuation mark
        head = raw[:4096]
        odd, even = head[1::2].count(0), head[0::2].count(0)
        try:
            return raw.decode("utf-16-le" if odd >= even else "utf-16-be")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only files that are not UTF-8

    best = from_bytes(raw, cp_isolation=_CYRILLIC).best()
    if best is None:
        raise PlanFormatError(
            f"«{path.name}»: не удалось определить кодировку",
            source=Source(str(path)),
            hint="Сохраните файл как текст в UTF-8 (в Excel: «CSV UTF-8 (разделитель — запятая)»).",
        )
    return str(best)


def read_delimited(path: Path) -> Document:
    """A .csv or .tsv file: one table, each row numbered by the line where it starts."""
    content = decode_text(path.read_bytes(), path)
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(content[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ";" if content.count(";") > content.count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    rows: Table = []
    numbers: list[int] = []
    line = 1
    for row in reader:
        rows.append(row)
        numbers.append(line)  # the file's line where the record starts (a quoted cell may span lines)
        line = reader.line_num + 1
    return Document(tables=[rows], names=[""], row_numbers=[numbers])


# ----------------------------------------------------------------------------- Word's "save as text"
def read_word_text(path: Path) -> Document:
    """Word's text export of a table: a line that starts with a tab opens a cell; other lines continue it."""
    content = decode_text(path.read_bytes(), path)
    out = Document()
    cells: list[str] = []
    starts: list[int] = []  # the file line where each cell starts
    current: list[str] | None = None
    for number, line in enumerate(content.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if line.startswith("\t"):
            if current is not None:
                cells.append("\n".join(current))
            current = [line[1:]]
            starts.append(number)
        elif current is None:
            out.preamble.append(line)
        else:
            current.append(line)
    if current is not None:
        cells.append("\n".join(current))
    if cells:
        width = _row_width(cells)
        out.tables.append([cells[i : i + width] for i in range(0, len(cells), width)])
        out.names.append("")
        out.row_numbers.append(starts[::width])
    return out


def _row_width(cells: list[str]) -> int:
    """How many cells make a row: as wide as the header, the first cells that name a title column and a date
    column, extended while the next cell is another column name («Ответственный»)."""
    from plan_calendar.importers.table import header_columns, header_role  # noqa: PLC0415

    for first in range(2, min(8, len(cells)) + 1):
        if header_columns([c.strip() for c in cells[:first]]) is not None:
            width = first
            while width < len(cells) and header_role(cells[width].strip()) is not None:
                width += 1
            return width
    return len(cells)
