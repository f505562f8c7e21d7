"""Reading a document: the reader of its format → :class:`~plan_calendar.importers.document.Document`.

:func:`read_document` refuses a file too large before it is loaded (:mod:`~plan_calendar.importers.sizes`), reads it
with the reader of its suffix — :mod:`~plan_calendar.importers.word` (.docx),
:mod:`~plan_calendar.importers.open_document` (.odt, .ods), :mod:`~plan_calendar.importers.excel` (.xlsx),
:mod:`~plan_calendar.importers.text` (.csv, .tsv, Word's .txt) — and cleans it of control characters; .doc and .xls
files are converted by LibreOffice first. What the tables mean is decided once, in
:mod:`plan_calendar.importers.table`. Merged cells repeat their text in every cell they cover, so a section row that
spans the table has the same text in each column and a vertically merged date applies to every row it covers.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from plan_calendar.cleantext import clean_text
from plan_calendar.errors import PlanFormatError, Source
from plan_calendar.importers.document import Document
from plan_calendar.importers.excel import read_xlsx
from plan_calendar.importers.open_document import read_ods, read_odt
from plan_calendar.importers.sizes import check_size
from plan_calendar.importers.text import read_delimited, read_word_text
from plan_calendar.importers.word import read_docx

__all__ = ["read_document"]


def read_document(path: Path) -> Document:
    """Read a .docx, .odt, .xlsx, .ods, .csv, .tsv or .txt file."""
    suffix = path.suffix.lower()
    readers = {
        ".docx": read_docx,
        ".odt": read_odt,
        ".xlsx": read_xlsx,
        ".ods": read_ods,
        ".csv": read_delimited,
        ".tsv": read_delimited,
        ".txt": read_word_text,
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


def _cleaned(document: Document) -> Document:
    """The document without control characters: they would break the YAML, the feeds and terminals."""
    document.preamble = [clean_text(line)[0] for line in document.preamble]
    document.between = {k: [clean_text(line)[0] for line in lines] for k, lines in document.between.items()}
    document.tables = [[[clean_text(cell)[0] for cell in row] for row in table] for table in document.tables]
    return document


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
