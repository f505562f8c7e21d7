"""Items named as people know them (#12, point 5): by title and line, the id second — in check's table at 80
columns, in build's summary, and on the page's lists of what to fix and what to check."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLE, Result


def test_check_table_at_80_columns(cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("check", EXAMPLE)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    start = next(i for i, line in enumerate(lines) if "пункт (id)" in line)
    end = next(i for i, line in enumerate(lines) if i > start + 1 and not line.strip())
    table = lines[start : end + 1]
    assert all(len(line) <= 80 for line in table), "the table fits in 80 columns"
    header = table[0]
    assert header.split() == ["стр", "пункт", "(id)", "когда", "(в", "плане)", "как", "прочитано"]
    rows: list[list[str]] = []
    for line in table[2:-1]:
        if re.match(r"^\s*\d+\s", line):
            rows.append([line])
        else:
            rows[-1].append(line)
    assert len(rows) == 15
    assert max(len(r) for r in rows) <= 3, "no row is longer than three lines"
    first = rows[0]
    assert re.match(r"^\s+31\s+Заседание РМО\s+19\.09\.\s+19 сентября 2019, чт", first[0]), first
    assert first[1].split() == ["zasedanie-rmo-sentyabr"]
    # A long title is cut after two lines; the id follows.
    long = next(r for r in rows if "Заседание инициативной" in r[0])
    assert long[1].rstrip().endswith("…") and long[2].split() == ["iniciativnaya-gruppa"]
    typo = next(r for r in rows if "Практический семинар" in r[0])
    assert "(см. предупреждение ниже)" in "".join(typo)
    assert f"{EXAMPLE}:93:11: предупреждение: «девраль» прочитано как «февраль»" in result.out


def test_build_summary_names_undated_items_by_title(
    cli: Callable[..., Result], write_plan: Callable[..., Path], tmp_path: Path
) -> None:
    plan = write_plan(
        'plan: П\nid: p\nacademic_year: "2019-2020"\nitems:\n'
        "  - {id: konsultacii, title: Консультации для молодых библиотекарей, when: по мере необходимости}\n"
    )
    result = cli("build", plan, "--out", tmp_path / "public")
    assert result.code == 0, result.err
    assert "  без даты: «Консультации для молодых библиотекарей» — по мере необходимости (p/konsultacii)" in result.out


def test_check_lists_undated_items_by_title(cli: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    plan = write_plan(
        'plan: П\nacademic_year: "2019-2020"\nitems:\n'
        "  - {id: konsultacii, title: Консультации, when: по мере необходимости}\n"
    )
    result = cli("check", plan)
    assert "  стр. 4: «Консультации» (konsultacii) — по мере необходимости" in result.out


def test_page_names_items_by_title(cli: Callable[..., Result], write_plan: Callable[..., Path], tmp_path: Path) -> None:
    plan = write_plan(
        'plan: П\nid: p\nacademic_year: "2019-2020"\nitems:\n'
        "  - {id: seminar, title: Практический семинар, when: девраль}\n"
        "  - {id: otchet, title: Отчёт о работе, when: 31 февраля}\n"
    )
    out = tmp_path / "public"
    assert cli("build", plan, "--out", out).code == 1
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<li>строка 5: «Практический семинар» (seminar): «девраль» прочитано как «февраль»</li>" in html
    assert "строка 6: «Отчёт о работе» (otchet), «31 февраля»" in html


def test_page_names_document_places(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("План на 2019-2020 учебный год\nМероприятие;Срок\nСеминар;девраль\n", encoding="utf-8")
    out = tmp_path / "public"
    assert cli("build", path, "--out", out, "--quiet").code == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<li>строка 3, столбец «Срок»: «Семинар» (seminar): «девраль» прочитано как «февраль»</li>" in html
