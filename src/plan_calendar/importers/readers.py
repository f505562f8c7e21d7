"""Document readers: each format → :class:`Document` (the text above the tables, and the tables as cell texts).

One reader per format; what the tables mean is decided once, in :mod:`plan_calendar.importers.table`.
Merged cells repeat their text in every cell they cover, so a section row that spans the table has the
same text in each column and a vertically merged date applies to every row it covers.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from plan_calendar.cleantext import clean_text
from plan_calendar.errors import PlanFormatError, Source
from plan_calendar.importers.document import Document, Table
from plan_calendar.importers.excel import read_xlsx
from plan_calendar.importers.open_document import read_ods, read_odt
from plan_calendar.importers.sizes import check_size
from plan_calendar.importers.word import read_docx

__all__ = ["decode_text", "read_document"]


def read_document(path: Path) -> Document:
    """Read a .docx, .odt, .xlsx, .ods, .csv, .tsv or .txt file."""
    suffix = path.suffix.lower()
    readers = {
        ".docx": read_docx,
        ".odt": read_odt,
        ".xlsx": read_xlsx,
        ".ods": read_ods,
        ".csv": _delimited,
        ".tsv": _delimited,
        ".txt": _text,
    }
    if suffix in _OLD_FORMATS:
        return _converted(path, suffix)
    reader = readers.get(suffix)
    if reader is None:
        raise PlanFormatError(
            f"файл «{path.name}» не поддерживается",
            source=Source(str(path)),
            hint="Читаются .docx, .odt, .xlsx, .ods, .csv, .tsv и .txt (таблица Word, сохранённая как текст).",
        )
    if not path.is_file():
        raise PlanFormatError(f"файл «{path}» не найден", hint="Проверьте путь.")
    try:
        check_size(path, suffix)
        return _cleaned(reader(path))
    except PlanFormatError:
        raise
    except Exception as exc:  # a damaged or mislabelled file: say so instead of a traceback
        raise PlanFormatError(
            f"не удалось прочитать «{path.name}» как {suffix[1:].upper()}: {exc}",
            source=Source(str(path)),
            hint="Проверьте, что файл не повреждён и сохранён в этом формате.",
        ) from None


# ----------------------------------------------------------------------------- .doc and .xls
_OLD_FORMATS = {".doc": (".docx", "Word", "Документ Word (*.docx)"), ".xls": (".xlsx", "Excel", "Книга Excel (*.xlsx)")}
_CONVERT_SECONDS = 120


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _converted(path: Path, suffix: str) -> Document:
    """A .doc or .xls file: converted by LibreOffice (headless) when it is installed, else a hint to save it as
    .docx or .xlsx. Nothing of the old binary formats is parsed here."""
    target, program, save_as = _OLD_FORMATS[suffix]
    if not path.is_file():
        raise PlanFormatError(f"файл «{path}» не найден", hint="Проверьте путь.")
    how = f"Откройте его в {program} или LibreOffice и сохраните как {target} («Файл» → «Сохранить как» → «{save_as}»)"
    office = _office()
    if office is None:
        raise PlanFormatError(
            f"«{path.name}» — файл старого формата {suffix} ({program} 97–2003), plan-cal читает {target}",
            source=Source(str(path)),
            hint=f"{how}; или установите LibreOffice — тогда plan-cal преобразует такие файлы сам.",
        )
    with tempfile.TemporaryDirectory(prefix="plan-cal-") as folder:
        work = Path(folder)
        command = [
            office,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",  # its own profile: no clash with a user's
            "--headless",
            "--norestore",
            "--convert-to",
            target[1:],
            "--outdir",
            str(work / "out"),
            str(path.resolve()),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=_CONVERT_SECONDS, check=False, cwd=work)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PlanFormatError(
                f"LibreOffice ({office}) не смог преобразовать «{path.name}» в {target}: {exc}",
                source=Source(str(path)),
                hint=f"{how}.",
            ) from None
        converted = work / "out" / f"{path.stem}{target}"
        if not converted.is_file():
            raise PlanFormatError(
                f"LibreOffice ({office}) не смог преобразовать «{path.name}» в {target}",
                source=Source(str(path)),
                hint=f"{how}.",
            )
        document = read_document(converted)
    document.warnings.insert(
        0,
        f"«{path.name}» — файл старого формата {suffix}: прочитан после преобразования в {target} программой "
        f"LibreOffice ({office}). Сохраните план как {target}, и преобразование не понадобится.",
    )
    return document


def _cleaned(document: Document) -> Document:
    """The document without control characters: they would break the YAML, the feeds and terminals."""
    document.preamble = [clean_text(line)[0] for line in document.preamble]
    document.between = {k: [clean_text(line)[0] for line in lines] for k, lines in document.between.items()}
    document.tables = [[[clean_text(cell)[0] for cell in row] for row in table] for table in document.tables]
    return document


# ----------------------------------------------------------------------------- CSV, TSV
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


def _delimited(path: Path) -> Document:
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
def _text(path: Path) -> Document:
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
