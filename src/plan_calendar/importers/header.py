"""The text above a plan's table, as it really is: approval stamps, the title, goals and tasks.

A Word plan typically starts with an approval block («УТВЕРЖДАЮ / Директор МОУ СОШ № 3 / ____ Петров П. П. /
«30» августа 2019 г.», often beside an agreement block «СОГЛАСОВАНО …»), then the title («План работы школьной
библиотеки / на 2019-2020 учебный год»), then «Цель: …», «Задачи: …», «Методическая тема: …», «Направления: …».
Spreadsheets have the same text in the rows above the header row, CSV files in the lines above it.

- An approval or agreement block starts at a line whose first word is УТВЕРЖДАЮ, УТВЕРЖДЕНО, СОГЛАСОВАНО,
  ПРИНЯТО, РАССМОТРЕНО or ОДОБРЕНО, and goes on over the lines that look like its parts (positions, the
  organisation, signatures and initials, «М.П.», orders and minutes, dates). Blocks never enter the title.
- The title is the first line that starts with «План» («Годовой план», «ПЛАН РАБОТЫ», «План-график»), continued
  by the lines after it until the school year is named, a label («Цель», «Задачи») or a block starts. Without
  such a line, the first line that is neither a block nor a label.
- Everything else goes to the description with its line breaks: lines above the title that are not a block
  (the organisation's name), then the goals, tasks, theme and directions below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from plan_calendar.dates.lexicon import lexicon
from plan_calendar.dates.school import AcademicYear
from plan_calendar.errors import DateError

__all__ = ["Header", "read_header", "year_from_dates"]

_STAMP_START = re.compile(
    r"^\s*(?:утвержда[юе]|утвержд[её]н[оаы]?|согласован[оаы]?|принят[оаы]?|рассмотрен[оаы]?|одобрен[оаы]?)"
    r"(?![а-яё])",
    re.IGNORECASE,
)
# Parts of an approval block: positions, bodies, signatures, seals, orders and minutes, dates.
_STAMP_PART = re.compile(
    r"директор|заведующ|заместител|\bзам\.|руководител|председател|начальник|методист|секретар|"
    r"приказ|протокол|распоряжени|педагогическ|педсовет|совет[аеу]?\b|заседани|собрани|"
    r"\bМ\.?\s*П\.?(?:\s|$)|_{2,}|подпись|"
    r"«\s*\d{1,2}\s*»|\"\s*\d{1,2}\s*\"|\bот\s+\d|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|\b(?:19|20)\d{2}\s*г|"
    r"\b[А-ЯЁ]\.\s*[А-ЯЁ]\.\s*[А-ЯЁ][а-яё]+|[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s*[А-ЯЁ]\.|"
    r"\b(?:М[БАК]?ОУ|Г[Б]?ОУ|ОУ|СОШ|ООШ|НОШ|ДОУ|ИМЦ)\b|школ|гимнази|лице[йя]|учреждени|управлени|образовани|"
    r"№\s*\d",
    re.IGNORECASE,
)
_TITLE = re.compile(
    r"^\s*(?:(?:годовой|перспективный|календарный|единый|комплексный|общий)\s+)?план(?:[\s\-–—:.,]|$)",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^\s*(?:цел[ьи]|задач[аи]|методическая\s+тема|тема\b|единая\s+методическая|"
    r"(?:основные\s+|приоритетные\s+)?направлени[яе]|миссия|ожидаемые\s+результаты|функции|принципы)",
    re.IGNORECASE,
)
_SCHOOL_YEAR = re.compile(r"(?:19|20)\d{2}\s*[-–—/]\s*(?:(?:19|20)?\d{2})|учебн|уч\.\s*г", re.IGNORECASE)
_TITLE_LINE_MAX = 150  # a continuation of the title is a short line, not a paragraph


@dataclass
class Header:
    """What the text above a table says."""

    title: str | None
    description: str | None
    stamps: list[str] = field(default_factory=list)  # approval and agreement blocks, one text each

    def stamp_year(self) -> AcademicYear | None:
        """The school year the approval dates point to («30» августа 2019 г. → 2019-2020)."""
        for stamp in self.stamps:
            found = year_from_dates([stamp])
            if found is not None:
                return found
        return None


def _lines(texts: list[str]) -> list[str]:
    out = []
    for text in texts:
        for line in text.split("\n"):
            clean = " ".join(line.split())
            if clean:
                out.append(clean)
    return out


def read_header(texts: list[str]) -> Header:
    """Title, description and approval blocks of the text above a table (paragraphs, or cells of title rows)."""
    lines = _lines(texts)
    stamp_of: list[int | None] = [None] * len(lines)  # the block each line belongs to
    blocks: list[list[str]] = []
    current: int | None = None
    for i, line in enumerate(lines):
        if _STAMP_START.match(line) and not _TITLE.match(line):
            blocks.append([line])
            current = len(blocks) - 1
        elif current is not None and not _TITLE.match(line) and not _LABEL.match(line) and _STAMP_PART.search(line):
            blocks[current].append(line)
        else:
            current = None
            continue
        stamp_of[i] = current
    free = [i for i in range(len(lines)) if stamp_of[i] is None]
    start = next((i for i in free if _TITLE.match(lines[i])), None)
    if start is None:
        start = next((i for i in free if not _LABEL.match(lines[i])), None)
    if start is None:
        description = "\n".join(lines[i] for i in free) or None
        return Header(None, description, [" ".join(b) for b in blocks])
    first = lines[start]
    title_lines = ["План" if first.rstrip(" .:") == "ПЛАН" else first]  # «ПЛАН» on its own line, as a heading
    end = start + 1
    while end < len(lines) and stamp_of[end] is None and not _LABEL.match(lines[end]):
        line = lines[end]
        named = _SCHOOL_YEAR.search(" ".join(title_lines)) is not None
        if len(line) > _TITLE_LINE_MAX or (named and not _continues(line)):
            break
        title_lines.append(line)
        end += 1
    title = " ".join(" ".join(title_lines).split()).rstrip(" .")
    rest = [lines[i] for i in free if i < start] + [lines[i] for i in free if i >= end]
    return Header(title, "\n".join(rest) or None, [" ".join(b) for b in blocks])


def _continues(line: str) -> bool:
    """A line that still belongs to a title that has named its year: «(2-е полугодие)», «МОУ СОШ № 3»."""
    return line[:1].islower() or line.startswith("(")


_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})(?!\d)")


def year_from_dates(texts: list[str]) -> AcademicYear | None:
    """The school year of the first full date (with its year) in ``texts``: 05.09.2019 and «30» августа 2019 г.
    are in 2019-2020, 15.03.2020 too (September to August)."""
    genitives = {name: month for month, name in lexicon().month_genitives.items()}
    words = "|".join(sorted(genitives, key=len, reverse=True))
    spelled = re.compile(rf"(?<!\d)(\d{{1,2}})\s*[»\"]?\s*({words})\s+((?:19|20)\d{{2}})(?!\d)", re.IGNORECASE)
    for text in texts:
        found: list[tuple[int, int, int, int]] = []  # position, day, month, year
        for m in _NUMERIC_DATE.finditer(text):
            found.append((m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3))))
        for m in spelled.finditer(text):
            found.append((m.start(), int(m.group(1)), genitives[m.group(2).lower()], int(m.group(3))))
        for _, day, month, year in sorted(found):
            try:
                date(year, month, day)
                return AcademicYear.parse(f"{year}-{year + 1}" if month >= 8 else f"{year - 1}-{year}")
            except (ValueError, DateError):
                continue
    return None
