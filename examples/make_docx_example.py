"""Write examples/plan-rmo-2019-2020.docx: the example plan as a librarian keeps it in Word.

An approval stamp and an agreement block side by side (a layout table without borders), the title, the theme,
the goal and the tasks as paragraphs with no empty paragraph between them, then the plan's table (№, Мероприятия,
Дата, Ответственный). The items are those of examples/rmo-2019-2020.yaml. The file is byte-for-byte the same on
every run (fixed dates in the document's properties and in the archive), so the committed .docx can be checked
against this script (tests/test_examples.py does).

    python examples/make_docx_example.py [OUTPUT.docx]
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

import docx
import yaml
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "rmo-2019-2020.yaml"
OUTPUT = HERE / "plan-rmo-2019-2020.docx"
FIXED = dt.datetime(2019, 8, 30, 9, 0, 0)


def _lines(paragraph: object, lines: list[str]) -> None:
    """One paragraph, its lines separated by line breaks (Shift+Enter in Word), as stamps are typed."""
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)  # type: ignore[attr-defined]
        if i < len(lines) - 1:
            run.add_break()


def build() -> bytes:
    plan = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(12)
    stamps = document.add_table(rows=1, cols=2)
    left, right = stamps.rows[0].cells
    _lines(left.paragraphs[0], ["СОГЛАСОВАНО", "Руководитель РМО", "________ Иванова И. И.", "«29» августа 2019 г."])
    _lines(right.paragraphs[0], ["УТВЕРЖДАЮ", "Директор МОУ ИМЦ", "________ Петров П. П.", "«30» августа 2019 г."])
    document.add_paragraph("План работы РМО педагогов-библиотекарей")
    document.add_paragraph("на 2019-2020 учебный год")
    paragraphs: list[str] = []
    for written in plan["description"].strip().split("\n"):  # the YAML's lines are wrapped: paragraphs here
        line = written.strip()
        if paragraphs and line[:1].islower():
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, ("№", "Мероприятия", "Дата", "Ответственный"), strict=True):
        cell.text = name
    for number, item in enumerate(plan["items"], start=1):
        cells = table.add_row().cells
        cells[0].text = f"{number}."
        if item.get("agenda"):
            # The meeting's cell is its agenda, numbered, as in the original plan.
            cells[1].text = "\n".join(f"{i}. {point}" for i, point in enumerate(item["agenda"], start=1))
        else:
            cells[1].text = " ".join(item["title"].split())
        cells[2].text = item["when"]
        cells[3].text = "Руководитель РМО" if number % 3 == 1 else ""
    properties = document.core_properties
    properties.author = properties.last_modified_by = "plan-cal"
    properties.title = "План работы РМО педагогов-библиотекарей на 2019-2020 учебный год"
    properties.created = properties.modified = FIXED
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_archive(buffer.getvalue())


def _fixed_archive(data: bytes) -> bytes:
    """The same parts with a fixed time stamp each: python-docx stamps them with the current time."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def main(argv: list[str]) -> None:
    target = Path(argv[1]) if len(argv) > 1 else OUTPUT
    target.write_bytes(build())
    print(f"записано: {target}")


if __name__ == "__main__":
    main(sys.argv)
