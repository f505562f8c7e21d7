"""Hostile input: control characters, bombs that inflate, files that ask for more than a plan needs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLE, Result

# C0 except line feed, DEL and C1: what a strict calendar client or a terminal must never receive raw.
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
HEAD = 'plan: "План \\e[31mкрасный\\e[0m"\nid: p\nacademic_year: "2019-2020"\n'


def _plan(tmp_path: Path, items: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + "items:\n" + items, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- 7: control characters
def test_control_characters_never_reach_the_feed(cli: Callable[..., Result], tmp_path: Path) -> None:
    import vobject

    plan = _plan(
        tmp_path,
        '  - id: a\n    title: "Заседание\\x01 РМО\\x7f и\\x9b31m"\n    when: "19.09"\n'
        '    location: "каб.\\0 5\\r"\n    agenda: ["первый\\u2028второй", "\\a звонок"]\n'
        '    description: "строка\\x85следующая\\tпосле табуляции"\n    tags: ["метка\\e"]\n',
    )
    result = cli("build", plan, "--out", tmp_path / "public", "--quiet")
    assert result.code == 0, result.err
    data = (tmp_path / "public" / "p.ics").read_bytes()
    text = data.decode("utf-8").replace("\r\n", "\n")
    assert not CONTROLS.search(text), [m.group() for m in CONTROLS.finditer(text)]
    assert "SUMMARY:Заседание РМО и31m" in text and "LOCATION:каб. 5" in text
    assert "\u2028" not in text and "первый\\nвторой" in text.replace("\n ", "")
    vobject.readOne(data.decode("utf-8"), validate=True)  # a strict parser takes the whole calendar
    checked = cli("check", "--json", plan)
    item = json.loads(checked.out)["items"][0]
    assert item["title"] == "Заседание РМО и31m" and item["description"] == "строка\nследующая после табуляции"
    assert "управляющие символы" in checked.out, "the author is told what was removed, and where"


def test_check_never_prints_escape_sequences(cli: Callable[..., Result], tmp_path: Path) -> None:
    # A file name is not plan text: it is escaped on output, as is everything `check` prints.
    plan = tmp_path / "план\x1b]0;взлом\x07.yaml"
    plan.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("check", plan)
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "план\\x1b]0;взлом\\x07.yaml" in result.out
    missing = cli("check", tmp_path / "нет\x9b2J.yaml")
    assert missing.code == 1 and "\x9b" not in missing.err and "нет\\x9b2J.yaml" in missing.err


def test_remind_dry_run_never_prints_escape_sequences(cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = tmp_path / "my-templates" / "email"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("Тема\x1b]0;взлом\x07 {{ reminders|length }}", encoding="utf-8")
    plan = _plan(tmp_path, '  - {id: a, title: "Отчёт\\e[2J", when: не позднее 2 декабря}\n')
    config = tmp_path / "plan-cal.toml"
    config.write_text(
        f'templates = "my-templates"\nplans = ["{plan}"]\n[smtp]\nhost = "127.0.0.1"\nport = 25\n'
        'security = "none"\nsender = "rmo@example.org"\n'
        '[reminders]\nrecipients = ["lib@example.org"]\nstate = "state.sqlite3"\nworking_days_only = false\n'
        'before_deadline = ["7d"]\ncatch_up = "1h"\n',
        encoding="utf-8",
    )
    result = cli("remind", "--config", config, "--at", "2019-11-25T09:00", "--dry-run")
    assert result.code == 0, result.err
    assert "Кому: lib@example.org" in result.out
    assert not CONTROLS.search(result.out.replace("\t", "")), result.out
    assert "Тема\\x1b]0;взлом\\x07 1" in result.out and "Отчёт[2J" in result.out
