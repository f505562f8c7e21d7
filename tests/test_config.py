"""The settings file: its keys are the settings' own fields, and config.example.toml shows every one of them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from plan_calendar.config import SECTIONS, Config, setting_keys
from plan_calendar.configfile import parse_config
from plan_calendar.errors import ConfigError

EXAMPLE_CONFIG = ROOT / "config.example.toml"


def _keys_shown(text: str) -> dict[str, set[str]]:
    """The keys config.example.toml sets or shows commented out («# templates = …»), by section ("" = the top)."""
    shown: dict[str, set[str]] = {"": set()}
    section = ""
    for line in text.splitlines():
        header = re.fullmatch(r"\[\[?\s*([\w.]+)\s*\]\]?", line.strip())
        if header:
            *parents, name = header.group(1).split(".")
            shown.setdefault(".".join(parents), set()).add(name)  # [reminders.groups] shows reminders' groups
            section = header.group(1)
            shown.setdefault(section, set())
            continue
        key = re.match(r"#?\s*(\w+)\s*=", line)
        if key:
            shown[section].add(key.group(1))
    return shown


def test_the_example_shows_every_key() -> None:
    shown = _keys_shown(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    for section, settings in SECTIONS.items():
        assert shown.get(section, set()) == set(setting_keys(settings)), f"[{section}]"


def test_the_example_reads(tmp_path: Path) -> None:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    uncommented = re.sub(r"(?m)^# ((?:templates|organizer_\w+|tags|responsible|plans|description) = )", r"\1", text)
    tomllib.loads(uncommented)  # the commented-out keys are valid where they stand
    config = parse_config(uncommented, tmp_path / "plan-cal.toml")
    assert config.smtp_written and config.feeds[0].description


def test_the_keys_are_the_settings_fields() -> None:
    assert setting_keys(Config) == ("plans", "out", "calendar", "display", "feeds", "smtp", "reminders", "templates")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("site = 1\n", "неизвестный ключ «site» в файле настроек"),
        ("raw = 1\n", "неизвестный ключ «raw» в файле настроек"),
        ("source = 'x'\n", "неизвестный ключ «source» в файле настроек"),
        ("[smtp]\npassword = 'x'\n", "неизвестный ключ «password» в разделе [smtp]"),
    ],
)
def test_what_is_not_a_setting(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config(text, tmp_path / "plan-cal.toml")


def test_smtp_written(tmp_path: Path) -> None:
    assert not parse_config("", tmp_path / "plan-cal.toml").smtp_written
    assert parse_config("[smtp]\n", tmp_path / "plan-cal.toml").smtp_written
