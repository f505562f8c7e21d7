"""YAML in, with positions: a thin layer over PyYAML's composer (libyaml when available).

The plan reader works on the node tree, not on constructed Python values, because it needs three things the
node tree keeps: the line and column of every key and value, the scalar text exactly as written ("19.10" is a
date here, not the float 19.1), and duplicate keys (which constructing a dict would silently drop).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from plan_calendar.cleantext import clean_text
from plan_calendar.errors import PlanError, PlanFormatError, Source
from plan_calendar.limits import PLAN_CHARS
from plan_calendar.validation import key_hint

__all__ = ["YamlMap", "YamlReader", "compose", "is_null", "plain", "sanitize", "source_of", "strip_controls"]

_Base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class _Loader(_Base):  # type: ignore[misc]
    """Skips YAML's implicit typing: the reader takes every scalar as the text written, so resolving
    "19.10" to a float or "14:00" to a number would be wasted work (most of the load time on big plans)."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return "tag:yaml.org,2002:str"
        if kind is yaml.SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"


_PROBLEMS = {
    "mapping values are not allowed": "двоеточие в неожиданном месте (возьмите значение в кавычки)",
    "could not find expected ':'": "не найдено двоеточие после ключа",
    "found character '\\t' that cannot start any token": "табуляция вместо пробелов",
    "found a tab character": "табуляция вместо пробелов",
    "did not find expected key": "неверный отступ или лишний символ",
    "did not find expected '-' indicator": "неверный отступ у элемента списка",
    "found undefined alias": "неизвестная ссылка (*)",
    "found unexpected end of stream": "файл оборвался (незакрытая кавычка или скобка)",
    "found unexpected ':'": "двоеточие в неожиданном месте (возьмите значение в кавычки)",
    "while scanning a quoted scalar": "незакрытая кавычка",
}


_TAB_HINT = (
    "YAML принимает отступы только из пробелов: замените табуляции пробелами (по два на каждый уровень), "
    "а в редакторе включите «заменять табуляцию пробелами»."
)
# What YAML refuses to read (YAML 1.1 §5.1), apart from tab and the line breaks.
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def strip_controls(text: str, file: str) -> tuple[str, list[Source]]:
    """Raw control characters, which YAML refuses, removed; the lines that had them, for warnings.

    A NUL byte is an error with its line: it means the file is not text in UTF-8 (UTF-16, a word processor's
    own format, binary data), and removing it would hide that."""
    if _UNREADABLE.search(text) is None:
        return text, []
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise PlanFormatError(
            f"в строке {line} нулевой байт (NUL): файл плана — не текст в кодировке UTF-8",
            source=Source(file, line, nul - text.rfind("\n", 0, nul)),
            hint="Так бывает, если план сохранён в UTF-16 («Юникод») или в формате текстового редактора. "
            "Сохраните его как обычный текст в UTF-8.",
        )
    lines = sorted({text.count("\n", 0, m.start()) + 1 for m in _UNREADABLE.finditer(text)})
    return _UNREADABLE.sub("", text), [Source(file, line) for line in lines]


def compose(text: str, file: str) -> yaml.Node | None:
    """The document's node tree, or None for an empty document; syntax errors become PlanFormatError."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        source = Source(file, mark.line + 1, mark.column + 1) if mark else Source(file)
        tab = _tab_near(text, mark.line) if mark else None
        if tab is not None:
            raise PlanFormatError(
                f"табуляция в строке {tab}: в отступах YAML табуляция не допускается",
                source=Source(file, tab, 1),
                hint=_TAB_HINT,
            ) from None
        problem = exc.problem or exc.context or ""
        raise PlanFormatError(
            f"ошибка в записи YAML: {_russian(problem, exc.context or '')}",
            source=source,
            hint="Проверьте отступы, двоеточия и кавычки в этой строке и строкой выше.",
        ) from None
    except yaml.YAMLError as exc:
        raise PlanFormatError(f"ошибка в записи YAML: {exc}", source=Source(file)) from None


def _tab_near(text: str, line: int) -> int | None:
    """The 1-based number of the line at ``line`` (0-based) or the one above whose indentation has a tab."""
    lines = text.split("\n")
    for index in (line, line - 1):
        if 0 <= index < len(lines):
            content = lines[index]
            indent = content[: len(content) - len(content.lstrip(" \t"))]
            if "\t" in indent or (content.lstrip(" ").startswith("- \t")):
                return index + 1
    return None


def sanitize(root: yaml.Node, file: str, limit: int = PLAN_CHARS) -> list[Source]:
    """Bound the tree's expanded size and clean its text, before anything reads it.

    Aliases make a small file stand for a huge plan (one long anchored string used a thousand times), so the
    size is counted as a reader would see it: each key and value once per place it is used, plus one per node.
    A tree over ``limit``, or one that contains itself (``&a [*a]``), is refused. Every scalar is cleaned of
    control characters (:func:`clean_text`) in place; the positions of those that lost characters are returned.
    Linear in the number of distinct nodes: shared nodes are measured once.
    """
    # Nodes hash by identity: a node reached through several aliases is one key.
    sizes: dict[yaml.Node, int] = {}
    open_nodes: set[yaml.Node] = set()  # collections whose children are being measured: a chain of ancestors
    cleaned: list[Source] = []
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        if finished:
            open_nodes.discard(node)
            sizes[node] = size = 1 + sum([sizes[child] for child in _children(node)])
            if size > limit:
                raise _too_large(file, limit)
            continue
        if node in sizes:
            continue
        if node in open_nodes:
            raise PlanFormatError(
                "ссылка (*) на элемент внутри него самого",
                source=source_of(node, file),
                hint="Такой план бесконечен; уберите ссылку.",
            )
        if isinstance(node, yaml.ScalarNode):
            _clean_scalar(node, file, sizes, cleaned)
            continue
        open_nodes.add(node)
        stack.append((node, True))
        for child in _children(node):
            if child in sizes:
                continue
            if isinstance(child, yaml.ScalarNode):  # most nodes: measured here rather than through the stack
                _clean_scalar(child, file, sizes, cleaned)
            else:
                stack.append((child, False))
    if sizes[root] > limit:
        raise _too_large(file, limit)
    return cleaned


def _clean_scalar(node: yaml.ScalarNode, file: str, sizes: dict[yaml.Node, int], cleaned: list[Source]) -> None:
    text, removed = clean_text(node.value)
    if removed:
        cleaned.append(source_of(node, file))
    node.value = text
    sizes[node] = 1 + len(text)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value  # type: ignore[no-any-return]
    return []


def _too_large(file: str, limit: int) -> PlanFormatError:
    return PlanFormatError(
        f"план слишком велик: больше {limit:,} символов".replace(",", " ")
        + " (ссылки * считаются в каждом месте, где они использованы)",
        source=Source(file),
        hint="Настоящий план намного меньше; уберите повторы через ссылки (&якорь и *ссылка) "
        "или разделите план на несколько файлов.",
    )


def _russian(problem: str, context: str) -> str:
    for english, russian in _PROBLEMS.items():
        if problem.startswith(english) or context.startswith(english):
            return russian
    return problem or context or "ошибка синтаксиса"


def source_of(node: yaml.Node, file: str) -> Source:
    return Source(file, node.start_mark.line + 1, node.start_mark.column + 1)


def is_null(node: yaml.Node | None) -> bool:
    """An absent value, or a plain (unquoted) null: ``key:``, ``key: ~``, ``key: null``."""
    return node is None or (isinstance(node, yaml.ScalarNode) and node.style is None and node.value in _NULLS)


class YamlMap:
    """A mapping node: keys in order, each with its key node and value node; duplicate keys are errors."""

    def __init__(self, node: yaml.MappingNode, file: str) -> None:
        self.node = node
        self.file = file
        self.entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise PlanFormatError("ключ должен быть словом", source=source_of(key_node, file))
            key = str(key_node.value)
            if key in self.entries:
                first = self.entries[key][0].start_mark.line + 1
                raise PlanFormatError(
                    f"ключ «{key}» повторяется (он уже есть в строке {first})",
                    source=source_of(key_node, file),
                    hint="Оставьте один.",
                )
            self.entries[key] = (key_node, value_node)

    @property
    def source(self) -> Source:
        return source_of(self.node, self.file)

    def __contains__(self, key: str) -> bool:
        return key in self.entries and not is_null(self.entries[key][1])

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def get(self, key: str) -> yaml.Node | None:
        entry = self.entries.get(key)
        return None if entry is None or is_null(entry[1]) else entry[1]

    def key_source(self, key: str) -> Source:
        return source_of(self.entries[key][0], self.file) if key in self.entries else self.source

    def value_source(self, key: str) -> Source:
        return source_of(self.entries[key][1], self.file) if key in self.entries else self.source


def plain(node: yaml.Node | None) -> Any:
    """A node as plain Python data, scalars as the text written (for settings validated later)."""
    if is_null(node):
        return None
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [plain(v) for v in node.value]
    assert isinstance(node, yaml.ScalarNode)
    return str(node.value)


class YamlReader:
    """The values of one YAML file as the plan format types them, with messages placed at their line and column.

    Unknown keys are collected in ``errors`` (the reader goes on to find more); other problems are raised."""

    def __init__(self, filename: str) -> None:
        self.file = filename
        self.errors: list[PlanError] = []  # found so far; raised together when the plan cannot be used

    def fail(self, message: str, source: Source, hint: str | None = None) -> PlanFormatError:
        """The error to raise (or collect) for ``message`` at ``source``."""
        return PlanFormatError(message, source=source, hint=hint)

    def mapping(self, node: yaml.Node, what: str) -> YamlMap:
        """``node`` as a mapping; an error naming ``what`` was expected when it is not one."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(f"{what}: ожидается словарь «ключ: значение»", source_of(node, self.file))
        return YamlMap(node, self.file)

    def check_keys(self, node: YamlMap, allowed: tuple[str, ...], where: str) -> None:
        """Collect an error for every key of ``node`` not in ``allowed``, with the key probably meant."""
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
        """A string or a list of strings, as written; empty ones dropped."""
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
