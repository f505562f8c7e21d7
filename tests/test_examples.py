"""examples/: the Word plan with a stamp is made by examples/make_docx_example.py and built directly (#12, point 6)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import icalendar

from conftest import EXAMPLE, ROOT, Result
from feedcheck import check_client_rules

WORD = ROOT / "examples" / "plan-rmo-2019-2020.docx"
SCRIPT = ROOT / "examples" / "make_docx_example.py"


def test_the_word_example_is_what_the_script_makes(tmp_path: Path) -> None:
    made = tmp_path / "made.docx"
    subprocess.run([sys.executable, str(SCRIPT), str(made)], check=True, capture_output=True)
    assert made.read_bytes() == WORD.read_bytes(), "run: python examples/make_docx_example.py"


def test_the_word_example_builds_directly(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = cli("build", WORD, "--out", out)
    assert result.code == 0, result.err
    assert "15 событий" in result.out
    data = (out / "plan-rmo-2019-2020.ics").read_bytes()
    check_client_rules(data)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "План работы РМО педагогов-библиотекарей на 2019-2020 учебный год"
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert "Заседание РМО" in summaries and not any("УТВЕРЖДАЮ" in s or "Петров" in s for s in summaries)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Цель: Создание условий" in page and "УТВЕРЖДАЮ" not in page


def test_the_word_example_reads_as_the_yaml_example(cli: Callable[..., Result]) -> None:
    word = json.loads(cli("check", "--json", WORD).out)
    yaml = json.loads(cli("check", "--json", EXAMPLE).out)
    assert word["plan"]["title"] == yaml["plan"]["title"]
    assert word["plan"]["academic_year"] == "2019-2020"
    assert word["plan"]["description"].startswith("Методическая тема: «Совершенствование")
    assert "\nЗадачи:\n1. Повышение профессиональной компетентности библиотекарей.\n2. " in word["plan"]["description"]

    def readings(data: dict) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
        return [(i["when"], i["reading"]["start"], i["reading"]["end"]) for i in data["items"]]

    assert readings(word) == readings(yaml)
    assert word["items"][0]["title"] == "Заседание РМО" and word["items"][0]["agenda"] == yaml["items"][0]["agenda"]
