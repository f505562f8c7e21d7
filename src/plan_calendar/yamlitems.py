"""The items of a plan in YAML: each row with the plan's ``defaults:`` behind it (docs/plan-format.md).

An item that cannot be read (a missing title, an unknown key, a bad time) is left out with its errors
(``Plan.broken``); the others are still read.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import yaml

from plan_calendar.durations import parse_duration
from plan_calendar.errors import PlanError, Source
from plan_calendar.ids import IdPool, propose_id
from plan_calendar.plan import KIND_WORDS, Display, Item, Kind, PlanWarning
from plan_calendar.validation import (
    ID_RULE,
    allowed_values,
    did_you_mean,
    enum_member,
    is_address,
    is_group_name,
    is_id,
    parse_clock,
)
from plan_calendar.yamlsource import YamlMap, YamlReader, is_null

__all__ = ["ItemsReader"]

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


class ItemsReader(YamlReader):
    """Reads ``defaults:`` and ``items:``; what cannot be read goes to ``broken``, notes to ``warnings``."""

    def __init__(self, filename: str) -> None:
        super().__init__(filename)
        self.warnings: list[PlanWarning] = []
        self.broken: list[tuple[str | None, PlanError]] = []  # items left out, with their errors

    def read_defaults(self, data: YamlMap) -> YamlMap | None:
        """The plan's ``defaults:`` mapping, its keys checked; None without one."""
        node = data.get("defaults")
        if node is None:
            return None
        defaults = self.mapping(node, "defaults")
        self.check_keys(defaults, _DEFAULT_KEYS, "в defaults")
        return defaults

    def read_items(self, data: YamlMap, defaults: YamlMap | None) -> tuple[Item, ...]:
        """Every item that reads; the others go to ``broken`` with their errors (a repeated id among them)."""
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
        """One item, an id proposed (with a warning) when it has none; raises when it cannot be read."""
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
        """``kind:`` in Russian (KIND_WORDS) or English."""
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
        """``display:``, one of :class:`Display`'s values."""
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
        """``remind:`` lead times, longest first; () for «remind: false»; None when not written."""
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
        """``notify:`` addresses and group names, each once; None when not written."""
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
        """``time:`` «14:00» (or «14.00»)."""
        owner, key = merged.owner("time")
        text = self.text_of(owner, key)
        if text is None:
            return None
        value = parse_clock(text, dot=True)
        if value is None:
            raise self.fail(f"время «{text}» записано непонятно", owner.value_source(key), "Пишите «14:00».")
        return value

    def read_duration(self, merged: _Merged) -> timedelta | None:
        """``duration:`` in minutes (90) or as a duration («1 час 30 минут»)."""
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


def _short(title: str, limit: int = 50) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
