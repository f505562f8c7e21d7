"""The document itself is the plan (#12, point 2): check, build, remind and the config read Word, Excel and CSV
plans directly; errors point into the document; rows keep their ids (and so UIDs and reminders) across edits."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import icalendar
import pytest

from conftest import ROOT, Result
from feedcheck import check_client_rules, parse_all
from smtpserver import Server

SEED = ROOT / "examples" / "plan-rmo-2019-2020.txt"


def _docx(path: Path, rows: list[tuple[str, str]], title: str = "План работы РМО на 2019-2020 учебный год") -> Path:
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph()
    for i, line in enumerate(["УТВЕРЖДАЮ", "Руководитель ИМЦ", "_____ Петрова А. А.", "«30» августа 2019 г."]):
        run = paragraph.add_run(line)
        if i < 3:
            run.add_break()
    document.add_paragraph(title)
    document.add_paragraph("Цель: развитие чтения.")
    table = document.add_table(rows=1, cols=3)
    for cell, name in zip(table.rows[0].cells, ("№", "Мероприятия", "Сроки"), strict=True):
        cell.text = name
    for number, (what, when) in enumerate(rows, start=1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = f"{number}.", what, when
    document.save(str(path))
    return path


ROWS = [
    ("Заседание РМО", "19.09.2019"),
    ("Сдача плана работы библиотеки", "до 1 октября"),
    ("Семинар «Современные детские книги»", "15.10.2019"),
    ("Заседание РМО", "12.12.2019"),
]


def _uids(feed: Path) -> dict[str, str]:
    """SUMMARY by UID."""
    calendar = icalendar.Calendar.from_ical(feed.read_bytes())
    return {str(e["UID"]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


# ----------------------------------------------------------------------------- the same feed as YAML
def test_the_seed_document_and_its_yaml_give_the_same_feed(cli: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "doc").mkdir()
    (tmp_path / "yaml").mkdir()
    document = tmp_path / "doc" / SEED.name
    document.write_bytes(SEED.read_bytes())
    yaml_plan = tmp_path / "yaml" / "plan-rmo-2019-2020.yaml"  # the same name: the plan id comes from it
    assert cli("import", document, "-o", yaml_plan).code == 0
    for path in (document, yaml_plan):
        os.utime(path, (1_567_000_000, 1_567_000_000))  # LAST-MODIFIED is the source's time
    built = []
    for path in (document, yaml_plan):
        out = path.parent / "public"
        result = cli("build", path, "--out", out, "--quiet")
        assert result.code == 0, result.err
        built.append((out / "plan-rmo-2019-2020.ics").read_bytes())
    assert built[0] == built[1]
    text = built[0].decode("utf-8").replace("\r\n ", "")
    assert "SUMMARY:Заседание РМО" in text
    assert "X-WR-CALNAME:План работы РМО педагогов - библиотекарей на 2019-2020 учебный год" in text


# ----------------------------------------------------------------------------- every command reads documents
def test_check_and_build_read_a_docx(cli: Callable[..., Result], tmp_path: Path) -> None:
    plan = _docx(tmp_path / "rmo.docx", ROWS)
    result = cli("check", plan)
    assert result.code == 0, result.err
    assert "План работы РМО на 2019-2020 учебный год" in result.out and "УТВЕРЖДАЮ" not in result.out
    data = json.loads(cli("check", "--json", plan).out)
    assert data["plan"]["academic_year"] == "2019-2020" and data["plan"]["description"] == "Цель: развитие чтения."
    assert [(i["title"], i["place"]) for i in data["items"][:2]] == [
        ("Заседание РМО", "таблица 1, строка 2"),
        ("Сдача плана работы библиотеки", "таблица 1, строка 3"),
    ]
    out = tmp_path / "public"
    result = cli("build", plan, "--out", out)
    assert result.code == 0, result.err
    feed = out / "rmo.ics"
    parse_all(feed.read_bytes())
    check_client_rules(feed.read_bytes())
    assert sorted(_uids(feed).values()) == sorted(
        ["Заседание РМО", "Срок: Сдача плана работы библиотеки", "Семинар «Современные детские книги»", "Заседание РМО"]
    )


def test_errors_point_into_the_document(cli: Callable[..., Result], tmp_path: Path) -> None:
    plan = _docx(tmp_path / "rmo.docx", [*ROWS[:2], ("Семинар", "31 февраля"), *ROWS[2:]])
    result = cli("check", plan)
    assert result.code == 1 and "Traceback" not in result.err + result.out
    assert f"{plan}, таблица 1, строка 4, столбец «Сроки»: ошибка: «31 февраля»: даты 31 февраля" in result.out
    data = json.loads(cli("check", "--json", plan).out)
    [error] = data["errors"]
    assert error["place"] == "таблица 1, строка 4, столбец «Сроки»" and error["line"] == 4
    # build publishes every readable row and names the cell that is not.
    out = tmp_path / "public"
    result = cli("build", plan, "--out", out)
    assert result.code == 1
    assert "таблица 1, строка 4, столбец «Сроки»: ошибка" in result.err
    assert len(_uids(out / "rmo.ics")) == 4


def test_an_excel_cell_is_named_by_its_sheet_and_row(cli: Callable[..., Result], tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "План"
    sheet.append(["План работы библиотеки на 2019-2020 учебный год"])
    sheet.append([])
    sheet.append(["№", "Мероприятие", "Дата"])
    sheet.append([1, "Заседание", "19.09"])
    sheet.append([2, "Семинар", "с 14 по"])
    path = tmp_path / "plan.xlsx"
    workbook.save(str(path))
    result = cli("check", path)
    assert result.code == 1
    assert f"{path}, лист «План», строка 5, столбец «Дата»: ошибка:" in result.out


def test_a_windows_1251_csv_with_a_title_line(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(
        "План работы на 2019-2020 учебный год;;\n№;Мероприятие;Срок\n1;Заседание;сентябрь\n2;Отчёт;31.02\n".encode(
            "cp1251"
        )
    )
    result = cli("check", path)
    assert result.code == 1
    assert f"{path}, строка 4, столбец «Срок»: ошибка: «31.02»: даты 31 февраля 2020 не бывает" in result.out


def test_plans_in_the_config_may_be_documents(cli: Callable[..., Result], tmp_path: Path) -> None:
    _docx(tmp_path / "rmo.docx", ROWS)
    (tmp_path / "plan-cal.toml").write_text('plans = ["rmo.docx"]\nout = "site"\n', encoding="utf-8")
    result = cli("build", "--config", tmp_path / "plan-cal.toml", "--quiet")
    assert result.code == 0, result.err
    assert len(_uids(tmp_path / "site" / "rmo.ics")) == 4
    assert (tmp_path / "site" / ".plan-cal-ids.json").is_file()


def test_a_document_without_a_year(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Мероприятие;Срок\nЗаседание;сентябрь\n", encoding="utf-8")
    result = cli("build", path, "--out", tmp_path / "out")
    assert result.code == 1 and "не указан учебный год" in result.err and "Traceback" not in result.err
    assert "на 2019-2020 учебный год" in result.err


# ----------------------------------------------------------------------------- stable identity
EDITS = {
    "a corrected typo": [
        ("Заседание РМО", "19.09.2019"),
        ("Сдача плана работы библиотеки ", "до 1 октября"),
        ("Семинар «Современные детские книги для подростков»", "15.10.2019"),
        ("Заседание РМО", "12.12.2019"),
    ],
    "a row inserted above": [("Августовская конференция", "27.08.2019"), *ROWS],
    "rows re-ordered": [ROWS[3], ROWS[2], ROWS[0], ROWS[1]],
    "a date moved": [("Заседание РМО", "20.09.2019"), *ROWS[1:3], ("Заседание РМО", "12.12.2019")],
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_rows_keep_their_uids(cli: Callable[..., Result], tmp_path: Path, edit: str) -> None:
    plan = tmp_path / "rmo.docx"
    out = tmp_path / "public"
    _docx(plan, ROWS)
    assert cli("build", plan, "--out", out, "--quiet").code == 0
    before = _uids(out / "rmo.ics")
    _docx(plan, EDITS[edit])
    assert cli("build", plan, "--out", out, "--quiet").code == 0
    after = _uids(out / "rmo.ics")
    assert set(before) <= set(after), f"{edit}: an event of an unchanged row was replaced"
    assert len(after) == len(EDITS[edit])
    if edit == "a corrected typo":
        changed = {uid for uid in before if before[uid] != after[uid]}
        assert [after[u] for u in changed] == ["Семинар «Современные детские книги для подростков»"]


def test_ids_are_kept_across_all_edits_at_once(cli: Callable[..., Result], tmp_path: Path) -> None:
    plan = tmp_path / "rmo.docx"
    out = tmp_path / "public"
    _docx(plan, ROWS)
    assert cli("build", plan, "--out", out, "--quiet").code == 0
    ids = json.loads(cli("check", plan, "--json", "--config", _config_out(tmp_path, out)).out)
    before = {(i["title"], i["when"]): i["id"] for i in ids["items"]}
    for rows in EDITS.values():
        _docx(plan, rows)
        assert cli("build", plan, "--out", out, "--quiet").code == 0
    _docx(
        plan,
        [
            ("Новое заседание", "05.05.2020"),
            ROWS[3],
            ROWS[1],
            ROWS[0],
            ("Семинар «Современные детские книги»", "15.10.2019"),
        ],
    )
    assert cli("build", plan, "--out", out, "--quiet").code == 0
    now = json.loads(cli("check", plan, "--json", "--config", _config_out(tmp_path, out)).out)
    after = {(i["title"], i["when"]): i["id"] for i in now["items"]}
    for key in ((r[0].strip(), r[1]) for r in (ROWS[3], ROWS[1], ROWS[2])):
        assert after[key] == before[key], key
    assert after[("Новое заседание", "05.05.2020")] not in before.values(), "a new row never takes an old id"


def _config_out(tmp_path: Path, out: Path) -> Path:
    config = tmp_path / "out.toml"
    config.write_text(f'out = "{out}"\n', encoding="utf-8")
    return config


# ----------------------------------------------------------------------------- no reminder sent twice
@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as s:
        yield s


def test_edits_resend_no_reminder(cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    plan = tmp_path / "rmo.docx"
    _docx(plan, ROWS)
    config = tmp_path / "plan-cal.toml"
    config.write_text(
        'plans = ["rmo.docx"]\nout = "public"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\nsender = "РМО <rmo@example.org>"\n'
        'timeout = 2\n[reminders]\nrecipients = ["lib@example.org"]\nstate = "state.sqlite3"\n'
        'before_event = ["7d"]\nbefore_deadline = ["14d"]\ndigest = false\n',
        encoding="utf-8",
    )
    assert cli("build", "--config", config, "--quiet").code == 0
    first = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert first.code == 0, first.err
    sent = len(server.recorder.messages)
    assert sent >= 1
    for rows in EDITS.values():
        if rows is EDITS["a date moved"]:
            continue  # a moved date is a new reminder by design
        _docx(plan, rows)
        again = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
        assert again.code == 0, again.err
        assert "отправлено писем 0" in again.out, again.out
        assert len(server.recorder.messages) == sent
        assert cli("build", "--config", config, "--quiet").code == 0
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        items = {row[0] for row in db.execute("SELECT item FROM reminders WHERE status = 'sent'")}
    assert items and all(not i.endswith("-2") for i in items)
