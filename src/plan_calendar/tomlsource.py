"""TOML in, with positions and Russian messages: a thin layer over tomllib for the settings file.

tomllib keeps no positions, so a value's line is found in the text (``line_of``); tomllib's own syntax
messages are put in Russian with their line and column. The typed-value helpers say what a key should be.
"""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from plan_calendar.durations import parse_duration
from plan_calendar.errors import ConfigError, Source
from plan_calendar.validation import key_hint

__all__ = ["TomlReader"]

# tomllib's messages (CPython's tomllib/_parser.py), in Russian: a user never sees the English parser text.
_TOML_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), russian)
    for pattern, russian in (
        (r"Expected '=' after a key in a key/value pair", "после ключа нужен знак «=»"),
        (r"Expected '\]' at the end of a table declaration", "заголовок раздела должен кончаться «]»"),
        (r"Expected '\]\]' at the end of an array declaration", "заголовок [[…]] должен кончаться «]]»"),
        (r"Invalid statement", "непонятная строка: нужно «ключ = значение» или [раздел]"),
        (r"Invalid value", "непонятное значение (текст пишут в кавычках, списки — в [ ])"),
        (r"Invalid initial character for a key part", "ключ не может начинаться с этого знака"),
        (r"Invalid date or datetime", "неверная дата или время"),
        (r"Invalid hex value", "неверный шестнадцатеричный код"),
        (r"Escaped character is not a Unicode scalar value", "такого символа Юникода нет"),
        (r"Unclosed array", "список не закрыт: нет «]»"),
        (r"Unclosed inline table", "таблица в { } не закрыта: нет «}»"),
        (
            r"Unescaped '\\' in a string",
            "обратная черта «\\» в тексте в двойных кавычках: пишите «\\\\» или берите текст в одинарные кавычки",
        ),
        (r"Unterminated string", "текст не закрыт: нет закрывающей кавычки"),
        (r"Cannot overwrite a value", "этот ключ уже задан выше"),
        (r"Cannot declare (.+) twice", "раздел {0} задан дважды"),
        (r"Cannot mutate immutable namespace (.+)", "{0} уже задан целиком, дополнить его нельзя"),
        (r"Cannot redefine namespace (.+)", "{0} уже задан"),
        (r"Duplicate inline table key (.+)", "ключ {0} повторяется"),
        (r"Illegal character '\\n'", "текст не закрыт: строка кончилась раньше закрывающей кавычки"),
        (r"Found invalid character (.+)", "недопустимый знак {0}"),
        (r"Illegal character (.+)", "недопустимый знак {0}"),
        (r"Expected (.+)", "здесь нужно {0}"),
    )
)


def _toml_problem(english: str) -> str:
    for pattern, russian in _TOML_PROBLEMS:
        m = pattern.fullmatch(english)
        if m:
            return russian.format(*(_toml_name(g) for g in m.groups()))
    return "запись не по правилам TOML"


def _toml_name(text: str) -> str:
    """A key as tomllib quotes it (``('reminders', 'groups')``, ``'x'``) → «reminders.groups», «x»."""
    parts = re.findall(r"'((?:[^'\\]|\\.)*)'", text)
    return f"«{'.'.join(parts)}»" if parts else text


class TomlReader:
    """A TOML file's tables as typed values; every problem is a :class:`ConfigError` at the line of its key."""

    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.lines = text.splitlines()
        self.path = path

    def load(self) -> dict[str, Any]:
        """The file's top-level table; a syntax error in Russian at its line."""
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            raise self.syntax_error(str(exc)) from None

    def fail(
        self, message: str, section: str | None = None, key: str | None = None, hint: str | None = None
    ) -> ConfigError:
        """The error for ``message`` at the line of ``key`` in ``[section]`` (or of the section, or none)."""
        return ConfigError(message, source=Source(str(self.path), self.line_of(section, key)), hint=hint)

    def line_of(self, section: str | None, key: str | None) -> int | None:
        """The line of ``key`` in ``[section]`` (tomllib keeps no positions, so look for it in the text)."""
        start = 0
        if section:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?\s*$")
            for i, line in enumerate(self.lines):
                if header.match(line):
                    start = i
                    break
            else:
                return None
            if key is None:
                return start + 1
        if key is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, len(self.lines)):
            if i > start and section and self.lines[i].lstrip().startswith("["):
                break
            if not section and self.lines[i].lstrip().startswith("["):
                break
            if pattern.match(self.lines[i]):
                return i + 1
        return None

    def check_keys(self, table: dict[str, Any], allowed: tuple[str, ...], section: str | None) -> None:
        """An error at the first key of ``table`` not in ``allowed``, with the key probably meant."""
        for key in table:
            if key not in allowed:
                where = f"в разделе [{section}]" if section else "в файле настроек"
                raise self.fail(f"неизвестный ключ «{key}» {where}", section, key, key_hint(key, allowed))

    def syntax_error(self, english: str) -> ConfigError:
        """tomllib's message in Russian, at its line and column («(at end of document)»: the last line)."""
        m = re.search(r"\(at line (\d+), column (\d+)\)", english)
        if m:
            source = Source(str(self.path), int(m.group(1)), int(m.group(2)))
        else:
            source = Source(str(self.path), max(1, len(self.lines)) if "end of document" in english else None)
        problem = re.sub(r" [(]at (line|end of document).*", "", english).strip()
        return ConfigError(
            f"ошибка в записи TOML: {_toml_problem(problem)}",
            source=source,
            hint="Проверьте кавычки, скобки и знаки «=» в этой строке.",
        )

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        """The section ``[key]``; an empty one when it is not written."""
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(f"«{key}» должен быть разделом [{key}]", None, key)
        return value

    def string(self, data: dict[str, Any], key: str, section: str | None, default: str | None = None) -> str:
        """A non-empty string, stripped; ``default`` when not written (None: it must be)."""
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"«{key}» должен быть непустой строкой", section, key)
        return value.strip()

    def optional_string(self, data: dict[str, Any], key: str, section: str | None) -> str | None:
        """A non-empty string when written, else None."""
        return self.string(data, key, section) if key in data else None

    def str_list(self, data: dict[str, Any], key: str, section: str | None) -> tuple[str, ...]:
        """A list of strings (one string is a list of one), stripped, empty ones dropped."""
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"«{key}» должен быть списком строк", section, key)
        return tuple(v.strip() for v in value if v.strip())

    def duration(self, data: dict[str, Any], key: str, section: str, default: timedelta) -> timedelta:
        """A positive duration («14d», «1h30m», «2 часа»: :func:`plan_calendar.durations.parse_duration`)."""
        if key not in data:
            return default
        try:
            value = parse_duration(str(data[key]))
        except ValueError:
            raise self.fail(
                f"«{key} = {data[key]!r}»: длительность записана непонятно",
                section,
                key,
                "Пишите как «14d», «12h», «90m» или «1h30m».",
            ) from None
        if value <= timedelta(0):
            raise self.fail(f"«{key}» должно быть больше нуля", section, key)
        return value

    def boolean(self, data: dict[str, Any], key: str, section: str, default: bool) -> bool:
        """true or false."""
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"«{key}» должен быть true или false", section, key)
        return value

    def seconds(self, data: dict[str, Any], key: str, section: str, default: float) -> float:
        """A positive number of seconds."""
        value = data.get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
            raise self.fail(f"«{key}» должен быть числом секунд больше нуля", section, key)
        return float(value)
