"""Reading a plan file: YAML here, documents through :mod:`plan_calendar.docplan`; :class:`Plan` out.

The format is documented in docs/plan-format.md. ``load_plan`` is the only place a plan file is read;
``parse_plan(text, filename)`` is pure. This module reads the plan's own keys (title, year, settings, terms);
the items are :mod:`plan_calendar.yamlitems`'.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from slugify import slugify

from plan_calendar.dates.grammar import read_when
from plan_calendar.dates.periods import term_of
from plan_calendar.dates.school import AcademicYear, Term, TermType
from plan_calendar.errors import DateError, PlanError, PlanErrors, PlanFormatError, Source
from plan_calendar.limits import MIB, PLAN_FILE_BYTES
from plan_calendar.memory import cyclic_gc_paused
from plan_calendar.plan import Organizer, Plan, PlanWarning
from plan_calendar.validation import ID_RULE, is_address, is_id
from plan_calendar.when import Day
from plan_calendar.yamlitems import ItemsReader
from plan_calendar.yamlsource import YamlMap, compose, is_null, sanitize, strip_controls

if TYPE_CHECKING:
    from plan_calendar.identity import IdStore

__all__ = ["load_plan", "parse_plan"]

_PLAN_KEYS = (
    "plan",
    "id",
    "academic_year",
    "timezone",
    "locale",
    "organizer",
    "description",
    "until_inclusive",
    "terms",
    "defaults",
    "items",
)


def load_plan(path: str | Path, ids: IdStore | None = None) -> Plan:
    """Read a plan file: YAML, or a document (.docx, .odt, .xlsx, .ods, .csv, .tsv, Word's .txt export; .doc and
    .xls through LibreOffice) read through the importer. Raises :class:`PlanFormatError` with the place of
    anything wrong. ``ids`` keeps a document's rows' ids between readings (:mod:`plan_calendar.identity`)."""
    with cyclic_gc_paused():  # plan_calendar.memory
        return _load_plan(Path(path), ids)


def _load_plan(p: Path, ids: IdStore | None) -> Plan:
    from plan_calendar import docplan  # noqa: PLC0415 - the importers load only for documents

    if docplan.is_document(p):
        return docplan.load_document_plan(p, ids)
    try:
        with p.open("rb") as handle:
            data = handle.read(PLAN_FILE_BYTES + 1)  # bounded: a device or a huge file is never read whole
        if len(data) > PLAN_FILE_BYTES:
            raise PlanFormatError(
                f"файл плана «{p}» больше {PLAN_FILE_BYTES // MIB} МБ",
                source=Source(str(p)),
                hint="Настоящий план намного меньше; проверьте, тот ли это файл.",
            )
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise PlanFormatError(f"файл плана «{p}» не найден", hint="Проверьте путь.") from None
    except UnicodeDecodeError:
        raise PlanFormatError(
            f"файл плана «{p}» не в кодировке UTF-8", source=Source(str(p)), hint="Сохраните его в UTF-8."
        ) from None
    except OSError as exc:
        raise PlanFormatError(f"не удалось прочитать файл плана «{p}»: {exc.strerror}") from None
    return parse_plan(text, str(p))


def parse_plan(text: str, filename: str = "<план>") -> Plan:
    """Read a plan from YAML text; ``filename`` is used in messages and for the default plan id."""
    return _PlanReader(text, filename).read()


class _PlanReader(ItemsReader):
    def __init__(self, text: str, filename: str) -> None:
        super().__init__(filename)
        self.text = text

    def read(self) -> Plan:
        """The plan, or :class:`PlanErrors` with every problem found when the plan as a whole cannot be used.

        Problems of one item leave that item out (``Plan.broken``); the others are still read."""
        try:
            plan = self._read()
        except PlanError as exc:
            raise PlanErrors(self._all_errors(exc)) from None
        if self.errors:  # problems outside the items (an unknown key of the plan): the plan is unusable
            readable = replace(plan, broken=(*plan.broken, *((None, error) for error in self.errors)))
            raise PlanErrors(self._all_errors(), plan=readable)
        return plan

    def _all_errors(self, *more: PlanError) -> list[PlanError]:
        found = [*self.errors, *(error for _, error in self.broken), *more]
        return sorted(found, key=lambda e: e.source.line if e.source and e.source.line else 0)

    def _read(self) -> Plan:
        text, stripped = strip_controls(self.text, self.file)
        for place in stripped:
            self.warnings.append(
                PlanWarning(
                    f"в строке {place.line} удалены управляющие символы (невидимые символы, которые YAML и "
                    "календарные программы не принимают)",
                    place,
                )
            )
        root = compose(text, self.file)
        if root is None or is_null(root):
            raise self.fail("файл плана пуст", Source(self.file, 1), "Начните с «plan: …» и «items: …».")
        if not isinstance(root, yaml.MappingNode):
            raise self.fail("план должен быть словарём с ключами plan, academic_year, items", Source(self.file, 1))
        for place in sanitize(root, self.file):
            self.warnings.append(
                PlanWarning(
                    "удалены управляющие символы (невидимые символы, которые календарные программы не принимают)",
                    place,
                )
            )
        data = YamlMap(root, self.file)
        self.check_keys(data, _PLAN_KEYS, "в плане")
        title = self.text_of(data, "plan", required=True, where="(название плана)")
        assert title is not None
        year_text = self.text_of(data, "academic_year", required=True)
        assert year_text is not None
        try:
            year = AcademicYear.parse(year_text)
        except DateError as exc:
            raise exc.located(data.value_source("academic_year")) from None
        plan_id = self.text_of(data, "id") or slugify(Path(self.file).stem) or "plan"
        if not is_id(plan_id):
            raise self.fail(
                f"id плана «{plan_id}» {ID_RULE}",
                data.value_source("id"),
                f"Например: {slugify(plan_id) or 'rmo-2019-2020'}.",
            )
        # Settings of the plan with an error are reported and read as their defaults, so the items are still
        # checked (the plan stays unusable for build and remind).
        timezone = self.text_of(data, "timezone") or "Europe/Moscow"
        try:
            self.check_timezone(timezone, data)
        except PlanError as exc:
            self.errors.append(exc)
            timezone = "Europe/Moscow"
        locale = self.text_of(data, "locale") or "ru"
        if locale.split("_")[0].split("-")[0] != "ru":
            self.errors.append(
                self.fail(f"язык «{locale}» пока не поддерживается", data.value_source("locale"), "Укажите locale: ru.")
            )
            locale = "ru"
        until_inclusive = False
        if "until_inclusive" in data:
            flag = (self.text_of(data, "until_inclusive") or "").lower()
            if flag not in ("true", "false"):
                self.errors.append(
                    self.fail("until_inclusive должен быть true или false", data.value_source("until_inclusive"))
                )
            until_inclusive = flag == "true"
        terms = self.read_terms(data, year)
        year = AcademicYear(year.first, terms)
        defaults = self.read_defaults(data)
        items = self.read_items(data, defaults)
        return Plan(
            id=plan_id,
            title=" ".join(title.split()),
            academic_year=year,
            items=items,
            source=Source(self.file),
            timezone=timezone,
            locale=locale,
            organizer=self.read_organizer(data),
            description=self.text_of(data, "description"),
            until_inclusive=until_inclusive,
            warnings=tuple(self.warnings),
            broken=tuple(self.broken),
        )

    def check_timezone(self, name: str, data: YamlMap) -> None:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(
                f"неизвестный часовой пояс «{name}»",
                data.value_source("timezone"),
                "Укажите имя из базы IANA, например Europe/Moscow или Asia/Yekaterinburg.",
            ) from None

    def read_organizer(self, data: YamlMap) -> Organizer | None:
        node = data.get("organizer")
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode):
            return Organizer(str(node.value).strip())
        org = self.mapping(node, "organizer")
        self.check_keys(org, ("name", "email"), "в organizer")
        name = self.text_of(org, "name", required=True, where="в organizer")
        email = self.text_of(org, "email")
        if email is not None and not is_address(email):
            raise self.fail(f"адрес «{email}» не похож на email", org.value_source("email"))
        assert name is not None
        return Organizer(name, email)

    def read_terms(self, data: YamlMap, year: AcademicYear) -> tuple[Term, ...]:
        node = data.get("terms")
        if node is None:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail("terms должен быть списком периодов", data.value_source("terms"))
        terms: list[Term] = []
        for entry_node in node.value:
            entry = self.mapping(entry_node, "каждый период в terms — это name, start и end")
            self.check_keys(entry, ("name", "start", "end"), "в terms")
            name = self.text_of(entry, "name", required=True, where="у периода")
            assert name is not None
            found = term_of(name, year)
            if found is None:
                raise self.fail(
                    f"непонятный период «{name}»",
                    entry.value_source("name"),
                    "Пишите «I четверть», «II полугодие», «осенние каникулы».",
                )
            start = self.term_date(entry, "start", year)
            end = self.term_date(entry, "end", year)
            if start > end:
                raise self.fail(f"у периода «{name}» начало позже конца", entry.value_source("end"))
            term_type, number = found
            if any(t.type is term_type and t.number == number for t in terms):
                raise self.fail(f"период «{name}» указан дважды", entry.value_source("name"))
            terms.append(Term(term_type, number, start, end, _term_name(term_type, number, name)))
        return tuple(terms)

    def term_date(self, entry: YamlMap, key: str, year: AcademicYear) -> date:
        text = self.text_of(entry, key, required=True, where="у периода")
        assert text is not None
        try:
            reading = read_when(text, year)
        except DateError as exc:
            raise exc.located(entry.value_source(key)) from None
        if not isinstance(reading.when, Day):
            raise self.fail(f"«{text}» — не одна дата", entry.value_source(key), "Пишите, например, 2019-09-02.")
        return reading.when.date


def _term_name(term_type: TermType, number: int, written: str) -> str:
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
    if term_type is TermType.QUARTER:
        return f"{roman[number]} четверть"
    if term_type is TermType.HALF:
        return f"{roman[number]} полугодие"
    if term_type is TermType.TRIMESTER:
        return f"{roman[number]} триместр"
    return " ".join(written.lower().split())
