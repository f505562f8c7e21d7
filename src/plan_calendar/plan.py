"""The plan: YAML in, :class:`Plan` and :class:`Item` out, every value tied to its file, line and column.

The format is documented in docs/plan-format.md. This module only reads and validates the structure; what
the ``when`` texts mean is the grammar's business (:mod:`plan_calendar.schedule`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from slugify import slugify

from plan_calendar.dates.grammar import read_when
from plan_calendar.dates.periods import term_of
from plan_calendar.dates.school import AcademicYear, Term, TermKind
from plan_calendar.durations import parse_duration
from plan_calendar.errors import DateError, PlanError, PlanErrors, PlanFormatError, Source
from plan_calendar.ids import IdPool, propose_id
from plan_calendar.limits import MIB, PLAN_FILE_BYTES
from plan_calendar.validation import (
    ID_RULE,
    allowed_values,
    did_you_mean,
    enum_member,
    is_address,
    is_group_name,
    is_id,
    key_hint,
    parse_clock,
)
from plan_calendar.when import Day
from plan_calendar.yamlsource import YamlMap, compose, is_null, sanitize, source_of, strip_controls

if TYPE_CHECKING:
    from plan_calendar.identity import IdStore

__all__ = [
    "KIND_WORDS",
    "Display",
    "Item",
    "Kind",
    "Organizer",
    "Plan",
    "PlanWarning",
    "load_plan",
    "parse_plan",
]


class Kind(Enum):
    """What an item is; it decides how the item is shown in calendars (docs/plan-format.md)."""

    MEETING = "meeting"  # заседание, совещание
    SEMINAR = "seminar"  # семинар, практикум, вебинар, конференция
    EVENT = "event"  # мероприятие, выставка, конкурс в один день
    CAMPAIGN = "campaign"  # месячник, неделя, декада, акция: длится весь период
    DEADLINE = "deadline"  # сдача плана, отчёта
    TASK = "task"  # работа, которую делают в течение периода: мониторинг, оформление заказа
    CONSULTATION = "consultation"  # консультации


# What people write in `kind:` in Russian (docs/plan-format.md); the English values are accepted as well.
KIND_WORDS: dict[str, Kind] = {
    "заседание": Kind.MEETING,
    "совещание": Kind.MEETING,
    "семинар": Kind.SEMINAR,
    "практикум": Kind.SEMINAR,
    "вебинар": Kind.SEMINAR,
    "конференция": Kind.SEMINAR,
    "мероприятие": Kind.EVENT,
    "событие": Kind.EVENT,
    "акция": Kind.CAMPAIGN,
    "месячник": Kind.CAMPAIGN,
    "неделя": Kind.CAMPAIGN,
    "декада": Kind.CAMPAIGN,
    "срок": Kind.DEADLINE,
    "сдача": Kind.DEADLINE,
    "задача": Kind.TASK,
    "работа": Kind.TASK,
    "консультация": Kind.CONSULTATION,
    "консультации": Kind.CONSULTATION,
}


class Display(Enum):
    """How an item whose reading is a period is shown in calendars (docs/display.md)."""

    SPAN = "span"  # one all-day event over the whole period, as free time
    START = "start"  # a one-day marker on the period's first day: «… (дата уточняется)»
    MONTHLY = "monthly"  # a monthly recurring marker: for what goes on throughout the year
    HIDDEN = "hidden"  # not in calendars (still in check and on the page)


@dataclass(frozen=True, slots=True)
class Organizer:
    """Who publishes the plan: shown in feeds (ORGANIZER) and emails."""

    name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class PlanWarning:
    """Something the author should look at; the plan is still usable."""

    message: str
    source: Source
    item_id: str | None = None

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass(frozen=True, slots=True)
class Item:
    """One row of the plan. ``when`` is the date text exactly as the plan has it."""

    id: str
    title: str
    when: str
    source: Source
    when_source: Source
    kind: Kind | None = None
    time: time | None = None
    duration: timedelta | None = None
    agenda: tuple[str, ...] = ()
    description: str | None = None
    responsible: tuple[str, ...] = ()
    location: str | None = None
    tags: tuple[str, ...] = ()
    remind: tuple[timedelta, ...] | None = None  # own lead times, longest first; () = none; None = the settings'
    display: Display | None = None
    notify: tuple[str, ...] | None = None  # addresses and recipient group names; None = the settings' recipients
    notify_source: Source | None = None
    id_written: bool = True  # False when the plan has no id and one was proposed


@dataclass(frozen=True, slots=True)
class Plan:
    """A yearly plan: its settings and its items, as read from one file."""

    id: str
    title: str
    academic_year: AcademicYear
    items: tuple[Item, ...]
    source: Source
    timezone: str = "Europe/Moscow"
    locale: str = "ru"
    organizer: Organizer | None = None
    description: str | None = None
    until_inclusive: bool = False
    warnings: tuple[PlanWarning, ...] = field(default=())
    # Items that could not be read (a missing title, an unknown key, a bad time): left out, each with its error,
    # and the id it had when one can be told (its published entries are kept, docs/dates.md).
    broken: tuple[tuple[str | None, PlanError], ...] = field(default=())


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
_ITEM_KEYS = (
    "id",
    "title",
    "when",
    "kind",
    "time",
    "duration",
    "agenda",
    "description",
    "responsible",
    "location",
    "tags",
    "remind",
    "display",
    "notify",
)
_DEFAULT_KEYS = ("kind", "time", "duration", "responsible", "location", "tags", "remind", "display", "notify")
_REMIND_OFF = frozenset({"false", "no", "off", "none", "нет"})


def load_plan(path: str | Path, ids: IdStore | None = None) -> Plan:
    """Read a plan file: YAML, or a document (.docx, .odt, .xlsx, .ods, .csv, .tsv, Word's .txt export; .doc and
    .xls through LibreOffice) read through the importer. Raises :class:`PlanFormatError` with the place of
    anything wrong. ``ids`` keeps a document's rows' ids between readings (:mod:`plan_calendar.identity`)."""
    p = Path(path)
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


class _PlanReader:
    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.file = filename
        self.warnings: list[PlanWarning] = []
        self.errors: list[PlanError] = []  # found so far; raised together when the plan cannot be used
        self.broken: list[tuple[str | None, PlanError]] = []  # items left out, with their errors

    # -------------------------------------------------------------- helpers
    def fail(self, message: str, source: Source, hint: str | None = None) -> PlanFormatError:
        return PlanFormatError(message, source=source, hint=hint)

    def mapping(self, node: yaml.Node, what: str) -> YamlMap:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(f"{what}: ожидается словарь «ключ: значение»", source_of(node, self.file))
        return YamlMap(node, self.file)

    def check_keys(self, node: YamlMap, allowed: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in allowed:
                self.errors.append(
                    self.fail(f"неизвестный ключ «{key}» {where}", node.key_source(key), key_hint(key, allowed))
                )

    def text_of(self, node: YamlMap, key: str, *, required: bool = False, where: str = "") -> str | None:
        """A scalar as written (YAML's own typing is ignored: "19.10" stays text, "14:00" is not 840)."""
        value = node.get(key)
        if value is None:
            if required:
                raise self.fail(f"не указан «{key}» {where}".rstrip(), node.source, f"Добавьте «{key}: …».")
            return None
        if not isinstance(value, yaml.ScalarNode):
            raise self.fail(f"«{key}» должен быть строкой", node.value_source(key))
        return str(value.value).strip()

    def text_list(self, node: YamlMap, key: str) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        if isinstance(value, yaml.ScalarNode):
            text = str(value.value).strip()
            return (text,) if text else ()
        if isinstance(value, yaml.SequenceNode):
            out = []
            for v in value.value:
                if not isinstance(v, yaml.ScalarNode):
                    raise self.fail(f"элементы «{key}» должны быть строками", source_of(v, self.file))
                out.append(str(v.value).strip())
            return tuple(x for x in out if x)
        raise self.fail(f"«{key}» должен быть строкой или списком строк", node.value_source(key))

    # -------------------------------------------------------------- plan
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
            kind, number = found
            if any(t.kind is kind and t.number == number for t in terms):
                raise self.fail(f"период «{name}» указан дважды", entry.value_source("name"))
            terms.append(Term(kind, number, start, end, _term_name(kind, number, name)))
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

    def read_defaults(self, data: YamlMap) -> YamlMap | None:
        node = data.get("defaults")
        if node is None:
            return None
        defaults = self.mapping(node, "defaults")
        self.check_keys(defaults, _DEFAULT_KEYS, "в defaults")
        return defaults

    # -------------------------------------------------------------- items
    def read_items(self, data: YamlMap, defaults: YamlMap | None) -> tuple[Item, ...]:
        node = data.get("items")
        if node is None:
            raise self.fail("в плане нет пунктов", data.source, "Добавьте список «items:».")
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail("items должен быть списком пунктов", data.value_source("items"))
        entries: list[YamlMap] = []
        for n in node.value:
            try:
                entries.append(self.mapping(n, "каждый пункт — это словарь с title и when"))
            except PlanError as exc:
                self.broken.append((None, exc))
        written: dict[str, Source] = {}
        usable: list[YamlMap] = []
        for entry in entries:
            try:
                item_id = self.text_of(entry, "id")
            except PlanError as exc:
                self.broken.append((None, exc))
                continue
            if item_id is not None and item_id in written:
                self.broken.append(
                    (
                        None,
                        self.fail(
                            f"id «{item_id}» уже есть в строке {written[item_id].line}",
                            entry.value_source("id"),
                            "У каждого пункта должен быть свой id.",
                        ),
                    )
                )
                continue
            if item_id is not None:
                written[item_id] = entry.value_source("id")
            usable.append(entry)
        ids = IdPool(set(written))
        items = []
        for entry in usable:
            said = len(self.errors)
            try:
                item = self.read_item(entry, defaults, ids)
            except PlanError as exc:
                item_id = self._id_of(entry)
                # The item's own unknown keys («titel») go with it: they are not problems of the plan.
                self.broken.extend((item_id, error) for error in self.errors[said:])
                del self.errors[said:]
                self.broken.append((item_id, exc))
                continue
            if len(self.errors) > said:  # an unknown key in the item: the item is left out with it
                for error in self.errors[said:]:
                    self.broken.append((item.id if item.id_written else None, error))
                del self.errors[said:]
                continue
            items.append(item)
        return tuple(items)

    def _id_of(self, node: YamlMap) -> str | None:
        try:
            return self.text_of(node, "id")
        except PlanError:
            return None

    def read_item(self, node: YamlMap, defaults: YamlMap | None, ids: IdPool) -> Item:
        self.check_keys(node, _ITEM_KEYS, "в пункте плана")
        source = node.source
        title = self.text_of(node, "title", required=True, where="у пункта")
        assert title is not None
        title = " ".join(title.split())
        if not title:
            raise self.fail("пустой title у пункта", node.value_source("title"))
        when = self.text_of(node, "when", required=True, where=f"у пункта «{_short(title)}»")
        assert when is not None
        item_id = self.text_of(node, "id")
        id_written = item_id is not None
        if item_id is None:
            item_id = ids.propose(title)
            self.warnings.append(
                PlanWarning(
                    f"у пункта «{_short(title)}» нет id: добавьте «id: {item_id}», "
                    "чтобы события не дублировались в календарях после правки названия",
                    source,
                    item_id,
                )
            )
        elif not is_id(item_id):
            raise self.fail(
                f"id «{item_id}» {ID_RULE}",
                node.value_source("id"),
                f"Например: {propose_id(item_id)}.",
            )
        merged = _Merged(node, defaults)
        return Item(
            id=item_id,
            title=title,
            when=when,
            source=source,
            when_source=node.value_source("when"),
            kind=self.read_kind(merged),
            time=self.read_time(merged),
            duration=self.read_duration(merged),
            agenda=self.text_list(node, "agenda"),
            description=self.text_of(node, "description"),
            responsible=self.text_list(*merged.owner("responsible")),
            location=self.text_of(*merged.owner("location")),
            tags=self.text_list(*merged.owner("tags")),
            remind=self.read_remind(merged),
            display=self.read_display(merged),
            notify=self.read_notify(merged),
            notify_source=merged.value_source("notify"),
            id_written=id_written,
        )

    def read_kind(self, merged: _Merged) -> Kind | None:
        owner, key = merged.owner("kind")
        text = self.text_of(owner, key)
        if text is None:
            return None
        word = " ".join(text.lower().replace("ё", "е").split())
        kind = KIND_WORDS.get(word)
        if kind is not None:
            return kind
        kind = enum_member(Kind, word)
        if kind is not None:
            return kind
        russian = "срок, заседание, семинар, мероприятие, акция, задача, консультация"
        hint = did_you_mean(
            word, [*KIND_WORDS, *(k.value for k in Kind)], f"Допустимые виды: {russian} (или {allowed_values(Kind)})."
        )
        raise self.fail(f"неизвестный вид пункта «{text}»", owner.value_source(key), hint)

    def read_display(self, merged: _Merged) -> Display | None:
        owner, key = merged.owner("display")
        text = self.text_of(owner, key)
        if text is None:
            return None
        display = enum_member(Display, text)
        if display is None:
            raise self.fail(
                f"неизвестный способ показа «{text}»", owner.value_source(key), f"Допустимо: {allowed_values(Display)}."
            )
        return display

    def read_remind(self, merged: _Merged) -> tuple[timedelta, ...] | None:
        owner, key = merged.owner("remind")
        if is_null(owner.get(key)):
            return None
        texts = self.text_list(owner, key)
        if len(texts) == 1 and texts[0].lower() in _REMIND_OFF:
            return ()
        leads = set()
        # «remind: 7 дней, 1 день» (one string) is the list «[7 дней, 1 день]».
        for text in (part.strip() for written in texts for part in re.split(r"[,;]", written) if part.strip()):
            try:
                leads.add(parse_duration(text))
            except ValueError:
                raise self.fail(
                    f"remind: «{text}» — непонятный срок напоминания",
                    owner.value_source(key),
                    "Пишите список сроков до события («remind: [7 дней, 1 день]», «2 недели», «3 часа», «7d») "
                    "или «remind: false».",
                ) from None
        return tuple(sorted(leads, reverse=True))

    def read_notify(self, merged: _Merged) -> tuple[str, ...] | None:
        owner, key = merged.owner("notify")
        if is_null(owner.get(key)):
            return None
        names = self.text_list(owner, key)
        for name in names:
            if not (is_address(name) or is_group_name(name)):
                raise self.fail(
                    f"notify: «{name}» — не адрес почты и не имя группы получателей",
                    owner.value_source(key),
                    "Пишите адреса (lib@example.org) и имена групп из [reminders.groups] настроек; all — все "
                    "получатели из recipients.",
                )
        return tuple(dict.fromkeys(names))

    def read_time(self, merged: _Merged) -> time | None:
        owner, key = merged.owner("time")
        text = self.text_of(owner, key)
        if text is None:
            return None
        value = parse_clock(text, dot=True)
        if value is None:
            raise self.fail(f"время «{text}» записано непонятно", owner.value_source(key), "Пишите «14:00».")
        return value

    def read_duration(self, merged: _Merged) -> timedelta | None:
        owner, key = merged.owner("duration")
        text = self.text_of(owner, key)
        if text is None:
            return None
        if text.isdigit():
            minutes = int(text)
        else:
            try:
                minutes = int(parse_duration(text).total_seconds() // 60)
            except ValueError:
                raise self.fail(
                    f"длительность «{text}» записана непонятно",
                    owner.value_source(key),
                    "Пишите в минутах (90) или как «1 час 30 минут», «2 ч», «45 мин», «1h30m».",
                ) from None
        if minutes <= 0:
            raise self.fail("длительность должна быть больше нуля", owner.value_source(key))
        return timedelta(minutes=minutes)


class _Merged:
    """An item's mapping with the plan's ``defaults:`` behind it, remembering which one a value came from."""

    def __init__(self, node: YamlMap, defaults: YamlMap | None) -> None:
        self.node = node
        self.defaults = defaults

    def owner(self, key: str) -> tuple[YamlMap, str]:
        if key in self.node or self.defaults is None:
            return self.node, key
        return self.defaults, key

    def get(self, key: str) -> yaml.Node | None:
        owner, _ = self.owner(key)
        return owner.get(key)

    def value_source(self, key: str) -> Source | None:
        owner, _ = self.owner(key)
        return owner.value_source(key) if key in owner else None


def _term_name(kind: TermKind, number: int, written: str) -> str:
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
    if kind is TermKind.QUARTER:
        return f"{roman[number]} четверть"
    if kind is TermKind.HALF:
        return f"{roman[number]} полугодие"
    if kind is TermKind.TRIMESTER:
        return f"{roman[number]} триместр"
    return " ".join(written.lower().split())


def _short(title: str, limit: int = 50) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
