"""The plan: YAML in, :class:`Plan` and :class:`Item` out, every value tied to its file, line and column.

The format is documented in docs/plan-format.md. This module only reads and validates the structure; what
the ``when`` texts mean is the grammar's business (:mod:`plan_calendar.schedule`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from slugify import slugify

from plan_calendar.dates.grammar import read_when, term_of
from plan_calendar.dates.school import AcademicYear, Term, TermKind
from plan_calendar.errors import DateError, PlanFormatError, Source
from plan_calendar.when import Day

__all__ = ["Item", "Kind", "Organizer", "Plan", "PlanWarning", "load_plan", "parse_plan", "propose_id"]


class Kind(Enum):
    """What an item is; it decides how the item is shown in calendars (docs/plan-format.md)."""

    MEETING = "meeting"  # заседание, совещание
    SEMINAR = "seminar"  # семинар, практикум, вебинар, конференция
    EVENT = "event"  # мероприятие, выставка, конкурс в один день
    CAMPAIGN = "campaign"  # месячник, неделя, декада, акция: длится весь период
    DEADLINE = "deadline"  # сдача плана, отчёта
    TASK = "task"  # работа, которую делают в течение периода: мониторинг, оформление заказа
    CONSULTATION = "consultation"  # консультации


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
    remind: Any = None  # validated by the reminders (issue: email reminders)
    display: Any = None  # validated by the feeds (issue: calendar feeds)
    notify: Any = None
    id_written: bool = True  # False when the plan has no id and one was proposed

    def fields_as_written(self) -> dict[str, Any]:
        """The item's fields for ``check --json``: only those the plan sets, in plan-format names."""
        out: dict[str, Any] = {"id": self.id, "title": self.title, "when": self.when}
        if self.kind is not None:
            out["kind"] = self.kind.value
        if self.time is not None:
            out["time"] = self.time.strftime("%H:%M")
        if self.duration is not None:
            out["duration"] = int(self.duration.total_seconds() // 60)
        for name in ("agenda", "responsible", "tags"):
            value = getattr(self, name)
            if value:
                out[name] = list(value)
        for name in ("description", "location", "remind", "display", "notify"):
            value = getattr(self, name)
            if value is not None:
                out[name] = _plain(value)
        out["line"] = self.source.line
        return out


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

    def summary(self) -> dict[str, Any]:
        """The plan's own fields for ``check --json``."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "academic_year": self.academic_year.name,
            "timezone": self.timezone,
            "locale": self.locale,
            "until_inclusive": self.until_inclusive,
            "file": self.source.file,
        }
        if self.organizer is not None:
            out["organizer"] = {"name": self.organizer.name, "email": self.organizer.email}
        if self.description:
            out["description"] = self.description
        if self.academic_year.terms:
            out["terms"] = [
                {"name": t.name, "start": t.start.isoformat(), "end": t.end.isoformat()}
                for t in self.academic_year.terms
            ]
        return out


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
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_DURATION_RE = re.compile(
    r"^\s*(?:(?P<h>\d+)\s*(?:h|ч|час|часа|часов)\.?)?\s*(?:(?P<m>\d+)\s*(?:m|min|мин|минут|минуты)\.?)?\s*$"
)


def propose_id(title: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A readable id for an item: the title transliterated («Сдача плана…» → ``sdacha-plana-raboty``)."""
    base = slugify(title, max_length=40, word_boundary=True) or "item"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def load_plan(path: str | Path) -> Plan:
    """Read a plan file. Raises :class:`PlanFormatError` with file:line:column for anything wrong."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
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
        self.lines = text.splitlines()
        self.file = filename
        self.warnings: list[PlanWarning] = []

    # -------------------------------------------------------------- helpers
    def at(self, node: Any, key: Any = None) -> Source:
        """Where a mapping key (or the node itself) is in the file."""
        try:
            if key is not None and isinstance(node, CommentedMap):
                line, col = node.lc.key(key)
            elif key is not None and isinstance(node, CommentedSeq):
                line, col = node.lc.item(key)
            else:
                line, col = node.lc.line, node.lc.col
            return Source(self.file, line + 1, col + 1)
        except (AttributeError, KeyError, TypeError):
            return Source(self.file)

    def value_at(self, node: CommentedMap, key: str) -> Source:
        try:
            line, col = node.lc.value(key)
            return Source(self.file, line + 1, col + 1)
        except (AttributeError, KeyError, TypeError):
            return self.at(node, key)

    def fail(self, message: str, source: Source, hint: str | None = None) -> PlanFormatError:
        return PlanFormatError(message, source=source, hint=hint)

    def check_keys(self, node: CommentedMap, allowed: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in allowed:
                guess = process.extractOne(str(key), allowed, scorer=Levenshtein.distance, score_cutoff=3)
                hint = f"Может быть, «{guess[0]}»?" if guess else f"Допустимые ключи: {', '.join(allowed)}."
                raise self.fail(f"неизвестный ключ «{key}» {where}", self.at(node, key), hint)

    def text_of(self, node: CommentedMap, key: str, *, required: bool = False, where: str = "") -> str | None:
        if key not in node or node[key] is None:
            if required:
                raise self.fail(f"не указан «{key}» {where}".rstrip(), self.at(node), f"Добавьте «{key}: …».")
            return None
        value = node[key]
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, bool | int | float | date):
            # YAML turned "19.09" into a number or "2019-09-05" into a date: take the text as written.
            return self.raw_scalar(node, key)
        raise self.fail(f"«{key}» должен быть строкой", self.value_at(node, key))

    def raw_scalar(self, node: CommentedMap, key: str) -> str:
        src = self.value_at(node, key)
        assert src.line is not None and src.column is not None
        raw = self.lines[src.line - 1][src.column - 1 :]
        raw = re.split(r"\s+#", raw, maxsplit=1)[0]
        return raw.strip()

    def text_list(self, node: CommentedMap, key: str) -> tuple[str, ...]:
        if key not in node or node[key] is None:
            return ()
        value = node[key]
        if isinstance(value, str):
            return (value.strip(),) if value.strip() else ()
        if isinstance(value, CommentedSeq):
            out = []
            for i, v in enumerate(value):
                if not isinstance(v, str | int | float):
                    raise self.fail(f"элементы «{key}» должны быть строками", self.at(value, i))
                out.append(str(v).strip())
            return tuple(x for x in out if x)
        raise self.fail(f"«{key}» должен быть строкой или списком строк", self.value_at(node, key))

    # -------------------------------------------------------------- plan
    def read(self) -> Plan:
        yaml = YAML(typ="rt")
        try:
            data = yaml.load(self.text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            source = Source(self.file, mark.line + 1, mark.column + 1) if mark else Source(self.file)
            problem = exc.problem or exc.context or "ошибка синтаксиса"
            raise self.fail(
                f"ошибка в записи YAML: {_yaml_problem(problem)}",
                source,
                "Проверьте отступы, двоеточия и кавычки в этой строке и строкой выше.",
            ) from None
        except YAMLError as exc:
            raise self.fail(f"ошибка в записи YAML: {exc}", Source(self.file)) from None
        if data is None:
            raise self.fail("файл плана пуст", Source(self.file, 1), "Начните с «plan: …» и «items: …».")
        if not isinstance(data, CommentedMap):
            raise self.fail("план должен быть словарём с ключами plan, academic_year, items", Source(self.file, 1))
        self.check_keys(data, _PLAN_KEYS, "в плане")
        title = self.text_of(data, "plan", required=True, where="(название плана)")
        assert title is not None
        year_text = self.text_of(data, "academic_year", required=True)
        assert year_text is not None
        try:
            year = AcademicYear.parse(year_text)
        except DateError as exc:
            raise exc.located(self.value_at(data, "academic_year")) from None
        plan_id = self.text_of(data, "id") or slugify(Path(self.file).stem) or "plan"
        if not _ID_RE.match(plan_id):
            raise self.fail(
                f"id плана «{plan_id}» может содержать только латинские буквы, цифры и дефисы",
                self.value_at(data, "id"),
                f"Например: {slugify(plan_id) or 'rmo-2019-2020'}.",
            )
        timezone = self.text_of(data, "timezone") or "Europe/Moscow"
        self.check_timezone(timezone, data)
        locale = self.text_of(data, "locale") or "ru"
        if locale.split("_")[0].split("-")[0] != "ru":
            raise self.fail(
                f"язык «{locale}» пока не поддерживается", self.value_at(data, "locale"), "Укажите locale: ru."
            )
        until_inclusive = False
        if "until_inclusive" in data:
            if not isinstance(data["until_inclusive"], bool):
                raise self.fail("until_inclusive должен быть true или false", self.value_at(data, "until_inclusive"))
            until_inclusive = data["until_inclusive"]
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
        )

    def check_timezone(self, name: str, data: CommentedMap) -> None:

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(
                f"неизвестный часовой пояс «{name}»",
                self.value_at(data, "timezone"),
                "Укажите имя из базы IANA, например Europe/Moscow или Asia/Yekaterinburg.",
            ) from None

    def read_organizer(self, data: CommentedMap) -> Organizer | None:
        node = data.get("organizer")
        if node is None:
            return None
        if isinstance(node, str):
            return Organizer(node.strip())
        if not isinstance(node, CommentedMap):
            raise self.fail("organizer должен содержать name и email", self.value_at(data, "organizer"))
        self.check_keys(node, ("name", "email"), "в organizer")
        name = self.text_of(node, "name", required=True, where="в organizer")
        email = self.text_of(node, "email")
        if email is not None and not re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+", email):
            raise self.fail(f"адрес «{email}» не похож на email", self.value_at(node, "email"))
        assert name is not None
        return Organizer(name, email)

    def read_terms(self, data: CommentedMap, year: AcademicYear) -> tuple[Term, ...]:

        node = data.get("terms")
        if node is None:
            return ()
        if not isinstance(node, CommentedSeq):
            raise self.fail("terms должен быть списком периодов", self.value_at(data, "terms"))
        terms: list[Term] = []
        for i, entry in enumerate(node):
            if not isinstance(entry, CommentedMap):
                raise self.fail("каждый период в terms — это name, start и end", self.at(node, i))
            self.check_keys(entry, ("name", "start", "end"), "в terms")
            name = self.text_of(entry, "name", required=True, where="у периода")
            assert name is not None
            found = term_of(name, year)
            if found is None:
                raise self.fail(
                    f"непонятный период «{name}»",
                    self.value_at(entry, "name"),
                    "Пишите «I четверть», «II полугодие», «осенние каникулы».",
                )
            start = self.term_date(entry, "start", year)
            end = self.term_date(entry, "end", year)
            if start > end:
                raise self.fail(f"у периода «{name}» начало позже конца", self.value_at(entry, "end"))
            kind, number = found
            if any(t.kind is kind and t.number == number for t in terms):
                raise self.fail(f"период «{name}» указан дважды", self.value_at(entry, "name"))
            terms.append(Term(kind, number, start, end, _term_name(kind, number, name)))
        return tuple(terms)

    def term_date(self, entry: CommentedMap, key: str, year: AcademicYear) -> date:

        value = entry.get(key)
        if isinstance(value, date):
            return value
        text = self.text_of(entry, key, required=True, where="у периода")
        assert text is not None
        try:
            reading = read_when(text, year)
        except DateError as exc:
            raise exc.located(self.value_at(entry, key)) from None
        if not isinstance(reading.when, Day):
            raise self.fail(f"«{text}» — не одна дата", self.value_at(entry, key), "Пишите, например, 2019-09-02.")
        return reading.when.date

    def read_defaults(self, data: CommentedMap) -> CommentedMap:
        node = data.get("defaults")
        if node is None:
            return CommentedMap()
        if not isinstance(node, CommentedMap):
            raise self.fail("defaults должен быть словарём", self.value_at(data, "defaults"))
        self.check_keys(node, _DEFAULT_KEYS, "в defaults")
        return node

    # -------------------------------------------------------------- items
    def read_items(self, data: CommentedMap, defaults: CommentedMap) -> tuple[Item, ...]:
        node = data.get("items")
        if node is None:
            raise self.fail("в плане нет пунктов", self.at(data), "Добавьте список «items:».")
        if not isinstance(node, CommentedSeq):
            raise self.fail("items должен быть списком пунктов", self.value_at(data, "items"))
        written: dict[str, Source] = {}
        for entry in node:
            if isinstance(entry, CommentedMap) and isinstance(entry.get("id"), str):
                item_id = entry["id"].strip()
                if item_id in written:
                    first = written[item_id]
                    raise self.fail(
                        f"id «{item_id}» уже есть в строке {first.line}",
                        self.value_at(entry, "id"),
                        "У каждого пункта должен быть свой id.",
                    )
                written[item_id] = self.value_at(entry, "id")
        taken = set(written)
        items = []
        for i, entry in enumerate(node):
            if not isinstance(entry, CommentedMap):
                raise self.fail("каждый пункт — это словарь с title и when", self.at(node, i))
            items.append(self.read_item(entry, defaults, taken))
        return tuple(items)

    def read_item(self, node: CommentedMap, defaults: CommentedMap, taken: set[str]) -> Item:
        self.check_keys(node, _ITEM_KEYS, "в пункте плана")
        source = self.at(node)
        title = self.text_of(node, "title", required=True, where="у пункта")
        assert title is not None
        title = " ".join(title.split())
        if not title:
            raise self.fail("пустой title у пункта", self.value_at(node, "title"))
        when = self.text_of(node, "when", required=True, where=f"у пункта «{_short(title)}»")
        assert when is not None
        item_id = self.text_of(node, "id")
        id_written = item_id is not None
        if item_id is None:
            item_id = propose_id(title, taken)
            taken.add(item_id)
            self.warnings.append(
                PlanWarning(
                    f"у пункта «{_short(title)}» нет id: добавьте «id: {item_id}», "
                    "чтобы события не дублировались в календарях после правки названия",
                    source,
                    item_id,
                )
            )
        elif not _ID_RE.match(item_id):
            raise self.fail(
                f"id «{item_id}» может содержать только строчные латинские буквы, цифры и дефисы",
                self.value_at(node, "id"),
                f"Например: {propose_id(item_id)}.",
            )
        merged = _Merged(node, defaults)
        return Item(
            id=item_id,
            title=title,
            when=when,
            source=source,
            when_source=self.value_at(node, "when"),
            kind=self.read_kind(merged),
            time=self.read_time(merged),
            duration=self.read_duration(merged),
            agenda=self.text_list(node, "agenda"),
            description=self.text_of(node, "description"),
            responsible=self.text_list(*merged.owner("responsible")),
            location=self.text_of(*merged.owner("location")),
            tags=self.text_list(*merged.owner("tags")),
            remind=_plain(merged.get("remind")),
            display=_plain(merged.get("display")),
            notify=_plain(merged.get("notify")),
            id_written=id_written,
        )

    def read_kind(self, merged: _Merged) -> Kind | None:
        owner, key = merged.owner("kind")
        text = self.text_of(owner, key)
        if text is None:
            return None
        try:
            return Kind(text)
        except ValueError:
            names = [k.value for k in Kind]
            guess = process.extractOne(text, names, scorer=Levenshtein.distance, score_cutoff=3)
            hint = f"Может быть, «{guess[0]}»?" if guess else f"Допустимые виды: {', '.join(names)}."
            raise self.fail(f"неизвестный вид пункта «{text}»", self.value_at(owner, key), hint) from None

    def read_time(self, merged: _Merged) -> time | None:
        owner, key = merged.owner("time")
        value = owner.get(key) if key in owner else None
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            # YAML 1.1 readers turn 14:00 into 840 (minutes); ruamel's 1.2 default keeps it a string.
            return time(value // 60, value % 60)
        text = self.text_of(owner, key) or ""
        m = _TIME_RE.match(text)
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise self.fail(f"время «{text}» записано непонятно", self.value_at(owner, key), "Пишите «14:00».")
        return time(int(m.group(1)), int(m.group(2)))

    def read_duration(self, merged: _Merged) -> timedelta | None:
        owner, key = merged.owner("duration")
        value = owner.get(key) if key in owner else None
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return timedelta(minutes=value)
        text = self.text_of(owner, key) or ""
        m = _DURATION_RE.match(text)
        if not text.strip() or not m or not (m.group("h") or m.group("m")):
            raise self.fail(
                f"длительность «{text}» записана непонятно",
                self.value_at(owner, key),
                "Пишите в минутах (90) или как «1h30m», «2 ч».",
            )
        minutes = int(m.group("h") or 0) * 60 + int(m.group("m") or 0)
        if minutes <= 0:
            raise self.fail("длительность должна быть больше нуля", self.value_at(owner, key))
        return timedelta(minutes=minutes)


class _Merged:
    """An item's mapping with the plan's ``defaults:`` behind it, remembering which one a value came from."""

    def __init__(self, node: CommentedMap, defaults: CommentedMap) -> None:
        self.node = node
        self.defaults = defaults

    def owner(self, key: str) -> tuple[CommentedMap, str]:
        if key in self.node:
            return self.node, key
        return self.defaults, key

    def get(self, key: str) -> Any:
        owner, _ = self.owner(key)
        return owner.get(key)


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


def _plain(value: Any) -> Any:
    """ruamel's commented containers → plain dicts and lists (for JSON and for later stages)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


_YAML_PROBLEMS = {
    "mapping values are not allowed here": "двоеточие в неожиданном месте (возьмите значение в кавычки)",
    "could not find expected ':'": "не найдено двоеточие после ключа",
    "found character '\\t' that cannot start any token": "табуляция вместо пробелов",
    "expected <block end>, but found '<block sequence start>'": "неверный отступ у элемента списка",
    "expected <block end>, but found '<block mapping start>'": "неверный отступ",
    "found duplicate key": "ключ повторяется",
    "found undefined alias": "неизвестная ссылка (*)",
}


def _yaml_problem(problem: str) -> str:
    for english, russian in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return russian
    return problem


def iter_items(plans: list[Plan]) -> Iterator[tuple[Plan, Item]]:
    """Every item of several plans, with its plan."""
    for plan in plans:
        for item in plan.items:
            yield plan, item
