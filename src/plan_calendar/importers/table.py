"""What a plan table means, whatever file it came from.

Finds the header row (column names in any order: «№», «Мероприятия», «Сроки», «Ответственный», «Место»),
then reads the rows under it: section rows that span the table become tags, or the date of the rows under them
when they name a month or a term («СЕНТЯБРЬ», «II четверть»); numbered points inside a cell become the agenda;
repeated header rows (a table split across pages) and empty rows are skipped. Only the date column is a date:
«(12 апреля – День космонавтики)» in a title stays in the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plan_calendar.dates.grammar import read_when
from plan_calendar.dates.lexicon import lexicon
from plan_calendar.dates.school import AcademicYear
from plan_calendar.errors import DateError
from plan_calendar.when import Span, SpanShape, Undated

__all__ = ["Columns", "ImportedItem", "guess_columns", "header_columns", "header_row", "read_rows"]

_HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("№", "n", "no", "номер", "№ п/п", "n п/п", "№п/п", "п/п"),
    "title": (
        "мероприятие",
        "мероприятия",
        "содержание работы",
        "содержание",
        "наименование",
        "наименование мероприятия",
        "наименование мероприятий",
        "тема",
        "название",
        "вид деятельности",
        "направление работы",
        "название мероприятия",
        "содержание деятельности",
        "форма работы",
        "вид работы",
    ),
    "when": (
        "сроки",
        "срок",
        "дата",
        "даты",
        "дата проведения",
        "сроки проведения",
        "сроки исполнения",
        "срок исполнения",
        "когда",
        "время проведения",
        "срок проведения",
        "сроки выполнения",
        "срок выполнения",
        "период проведения",
    ),
    "responsible": ("ответственный", "ответственные", "ответственные лица", "исполнитель", "исполнители"),
    "location": ("место", "место проведения"),
}
_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*[.)]\s*(.*\S)?\s*$")


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").replace(":", "").split()).strip(" .")


_LOOKUP = {_norm(name): role for role, names in _HEADERS.items() for name in names}


@dataclass(frozen=True)
class Columns:
    """Which column holds what."""

    title: int
    when: int
    number: int | None = None
    responsible: int | None = None
    location: int | None = None


def header_role(text: str) -> str | None:
    return _LOOKUP.get(_norm(text))


def header_columns(cells: list[str]) -> Columns | None:
    """The columns named by a header row, or None when the row is not a plan header."""
    roles: dict[str, int] = {}
    for i, cell in enumerate(cells):
        role = header_role(cell)
        if role is not None and role not in roles:
            roles[role] = i
    if "title" not in roles or "when" not in roles:
        return None
    return Columns(roles["title"], roles["when"], roles.get("number"), roles.get("responsible"), roles.get("location"))


@dataclass
class ImportedItem:
    """One row of the table, as the plan will hold it."""

    title: str
    when: str
    agenda: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    location: str | None = None
    tags: list[str] = field(default_factory=list)
    note: str | None = None  # why the date is what it is (a section heading gave it)
    row: int = 0  # the row's index in its table (0-based)
    title_column: str = ""  # the header's names of the title and date columns, as written («» when guessed)
    when_column: str = ""
    title_index: int = 0  # their 0-based indexes
    when_index: int = 0
    untitled: bool = False  # the cell is an agenda without a heading: the title is the plan's «Заседание …»


def header_row(rows: list[list[str]]) -> int | None:
    """The index of a table's header row, or None when it has none."""
    for i, raw in enumerate(rows):
        if header_columns([c.strip() for c in raw]) is not None:
            return i
    return None


def read_rows(rows: list[list[str]], year: AcademicYear) -> list[ImportedItem] | None:
    """The items of one table, or None when it has no plan header."""
    columns: Columns | None = None
    header: list[str] | None = None
    items: list[ImportedItem] = []
    section_tag: str | None = None
    section_when: str | None = None
    section_month: str | None = None  # the heading's month in the genitive, when it names one month
    names: list[str] = []
    for index, raw in enumerate(rows):
        cells = [c.replace("\r", "") for c in raw]
        if not any(c.strip() for c in cells):
            continue
        found = header_columns([c.strip() for c in cells])
        if found is not None:
            if columns is None:
                columns, header = found, [_norm(c) for c in cells]
                names = [" ".join(c.split()) for c in cells]
            continue  # the header, or a repeated header on a new page
        if columns is None:
            continue
        if header is not None and [_norm(c) for c in cells] == header:
            continue
        section = _section_text(cells, columns)
        if section is not None:
            if _is_period(section, year):
                section_when = section
                section_month = _heading_month(section, year)
            else:
                section_tag = section
            continue
        item = _item(cells, columns)
        if item is None:
            continue
        item.row = index
        item.title_column, item.when_column = names[columns.title], names[columns.when]
        item.title_index, item.when_index = columns.title, columns.when
        if section_when and not item.when:
            item.when = section_when
            item.note = f"дата взята из заголовка раздела «{section_when}»"
        elif section_month and (dated := _in_heading_month(item.when, section_month, year)) is not None:
            # «1 неделя», «в конце месяца», «15», «20-25» under «СЕНТЯБРЬ»: the heading names the month.
            item.note = f"в ячейке «{' '.join(item.when.split())}»: месяц взят из заголовка раздела «{section_when}»"
            item.when = dated
        if section_tag:
            item.tags.append(section_tag)
        items.append(item)
    return items if columns is not None else None


_MONTH_WORD = re.compile(r"\bмесяц[а-я]*\b", re.IGNORECASE)


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _section_text(cells: list[str], columns: Columns) -> str | None:
    """A row that spans the table: one distinct non-empty text (merged cells repeat it), not a numbered row."""
    values = {c.strip() for c in cells if c.strip()}
    if len(values) != 1:
        return None
    text = values.pop()
    number = _cell(cells, columns.number).strip()
    if number and number.rstrip(".").isdigit():
        return None
    filled = [i for i, c in enumerate(cells) if c.strip()]
    if filled == [columns.when] or (len(filled) == 1 and filled[0] == columns.title and len(cells) > 2):
        # Only the date column, or only the title column of a wide table: a section if it is short text.
        return " ".join(text.split()) if len(text) <= 80 and "\n" not in text.strip() else None
    return " ".join(text.split()) if len(filled) > 1 else None


def _heading_month(heading: str, year: AcademicYear) -> str | None:
    """The month a section heading names, in the genitive («СЕНТЯБРЬ» → «сентября»); None for a term or a range."""
    try:
        section = read_when(heading, year).when
    except DateError:
        return None
    if not (isinstance(section, Span) and section.shape is SpanShape.MONTH):
        return None
    return lexicon().month_genitives[section.start.month]


def _in_heading_month(text: str, month: str, year: AcademicYear) -> str | None:
    """The cell's date completed with the heading's month (genitive), when the cell names a day or a part of a
    month but no month («1 неделя» → «1 неделя сентября», «в конце месяца» → «в конце сентября», «15» →
    «15 сентября»); None when the cell reads on its own, or does not read even so."""
    try:
        reading = read_when(text, year)
        if not (isinstance(reading.when, Undated) and reading.when.month_unnamed):
            return None
    except DateError:
        pass  # «15», «20-25», «до 15»: numbers without a month
    cell = " ".join(text.split())
    candidate = _MONTH_WORD.sub(month, cell) if _MONTH_WORD.search(cell) else f"{cell} {month}"
    try:
        when = read_when(candidate, year).when
    except DateError:
        return None
    return None if isinstance(when, Undated) else candidate


def _is_period(text: str, year: AcademicYear) -> bool:
    """A section heading that names a month or a term («СЕНТЯБРЬ», «II четверть»), not a topic."""
    try:
        reading = read_when(text, year)
    except DateError:
        return False
    return isinstance(reading.when, Span) and reading.when.shape in (
        SpanShape.MONTH,
        SpanShape.MONTHS,
        SpanShape.TERM,
        SpanShape.MONTH_PART,
    )


def _item(cells: list[str], columns: Columns) -> ImportedItem | None:
    text = _cell(cells, columns.title)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return None
    when_lines = [line.strip() for line in _cell(cells, columns.when).split("\n") if line.strip()]
    title, agenda = _title_and_agenda(lines)
    responsible = [p.strip() for p in re.split(r"[\n,;]", _cell(cells, columns.responsible)) if p.strip()]
    location = " ".join(_cell(cells, columns.location).split()) or None
    return ImportedItem(
        title=title or "Заседание",
        when="\n".join(when_lines),
        agenda=agenda,
        responsible=responsible,
        location=location,
        untitled=not title,
    )


def _title_and_agenda(lines: list[str]) -> tuple[str, list[str]]:
    """«1.… 2.… 3.…» in one cell is an agenda; text before the points is the title (empty when there is none:
    the cell is a meeting's agenda, and the caller names the meeting)."""
    numbered = [(i, _NUMBERED.match(line)) for i, line in enumerate(lines)]
    points = [(i, m) for i, m in numbered if m is not None and m.group(2)]
    if len(points) >= 2:
        first = points[0][0]
        agenda = []
        for line in lines[first:]:
            m = _NUMBERED.match(line)
            if m is not None and m.group(2):
                agenda.append(m.group(2).strip())
            elif agenda:
                agenda[-1] = f"{agenda[-1]} {line}"
        head = " ".join(lines[:first]).rstrip(":").strip()
        return head, agenda
    return " ".join(lines), []


def guess_columns(rows: list[list[str]], year: AcademicYear) -> list[ImportedItem] | None:
    """A table without a header row (CSV): the date column is the one whose cells read as dates most often,
    the title column the one with the longest text; a column of row numbers is ignored."""
    width = max((len(r) for r in rows), default=0)
    if width < 2:
        return None

    def column(i: int) -> list[str]:
        return [r[i].strip() for r in rows if i < len(r) and r[i].strip()]

    def dated(i: int) -> int:
        count = 0
        for text in column(i):
            try:
                reading = read_when(text, year)
            except DateError:
                continue
            if reading.bounds() is not None:
                count += 1
        return count

    scores = {i: dated(i) for i in range(width)}
    when = max(scores, key=lambda i: scores[i])
    if scores[when] == 0:
        return None
    numbers = {i for i in range(width) if column(i) and all(c.rstrip(".").isdigit() for c in column(i))}
    candidates = [i for i in range(width) if i != when and i not in numbers]
    if not candidates:
        return None
    title = max(candidates, key=lambda i: sum(len(c) for c in column(i)))
    rest = [i for i in candidates if i != title]
    columns = Columns(
        title=title, when=when, number=min(numbers) if numbers else None, responsible=rest[0] if rest else None
    )
    found = read_rows([_header_for(columns, width), *rows], year)
    for item in found or []:
        item.row -= 1  # the header was made up: no such row in the file
        item.title_column = item.when_column = ""
    return found


def _header_for(columns: Columns, width: int) -> list[str]:
    names = [""] * width
    names[columns.title] = "Мероприятие"
    names[columns.when] = "Сроки"
    if columns.number is not None:
        names[columns.number] = "№"
    if columns.responsible is not None:
        names[columns.responsible] = "Ответственный"
    return names
