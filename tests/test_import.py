"""`plan-cal import`: the plans people already have, built here by python-docx, odfpy and openpyxl."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLE, ROOT, Result
from plan_calendar import interpret, load_plan

SEED = ROOT / "examples" / "plan-rmo-2019-2020.txt"  # the seed: the Word table saved as text


def _check(cli: Callable[..., Result], path: Path) -> dict:  # type: ignore[type-arg]
    result = cli("check", "--json", path)
    assert result.code == 0, result.out + result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def _readings(data: dict) -> list[tuple[str, str | None, str | None]]:  # type: ignore[type-arg]
    return [(i["reading"]["kind"], i["reading"]["start"], i["reading"]["end"]) for i in data["items"]]


def test_the_seed_round_trip(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = cli("import", SEED, "-o", out)
    assert result.code == 0, result.err
    assert "15 пунктов" in result.err and "«девраль» прочитано как «февраль»" in result.err
    text = out.read_text(encoding="utf-8")
    assert "# внимание: «девраль» прочитано как «февраль»" in text
    assert "# прочитано: срок — 30 сентября 2019, пн" in text
    imported = _check(cli, out)
    example = _check(cli, EXAMPLE)
    assert _readings(imported) == _readings(example), "item for item, the dates are the example's"
    assert [i["when"] for i in imported["items"]] == [i["when"] for i in example["items"]]
    assert imported["items"][0]["agenda"] == example["items"][0]["agenda"]
    assert imported["plan"]["academic_year"] == "2019-2020"
    assert imported["plan"]["description"].startswith("Методическая тема")
    assert len({i["id"] for i in imported["items"]}) == 15


def test_refuses_to_overwrite_without_force(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    out.write_text("свой план", encoding="utf-8")
    result = cli("import", SEED, "-o", out)
    assert result.code == 1 and "уже существует" in result.err and "--force" in result.err
    assert out.read_text(encoding="utf-8") == "свой план"
    assert cli("import", SEED, "-o", out, "--force").code == 0
    assert out.read_text(encoding="utf-8").startswith("# План импортирован")


def test_stdout_without_output(cli: Callable[..., Result]) -> None:
    result = cli("import", SEED)
    assert result.code == 0 and result.out.count("  - id: ") == 15


def _docx(path: Path, *, with_table: bool = True) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("План работы школьной библиотеки")
    document.add_paragraph("на 2020-2021 учебный год")
    document.add_paragraph("")
    document.add_paragraph("Цель: развитие читательской грамотности.")
    if with_table:
        table = document.add_table(rows=1, cols=3)
        for cell, name in zip(table.rows[0].cells, ("Сроки", "Содержание работы", "Ответственные"), strict=True):
            cell.text = name

        def row(*texts: str) -> list[Any]:
            cells = table.add_row().cells
            for cell, text in zip(cells, texts, strict=True):
                cell.text = text
            return list(cells)

        section = table.add_row().cells
        merged = section[0].merge(section[2])
        merged.text = "СЕНТЯБРЬ"
        row("", "Запись первоклассников в библиотеку", "Петрова А. А.")
        row("до 15.09", "Сдача отчёта о фонде", "Петрова А. А., Иванова И. И.")
        row("в течение месяца", "Проверка учебников у учащихся", "")
        row("1 неделя", "Выставка новых поступлений", "")
        row("в конце месяца", "Отчёт о посещаемости", "")
        row("20-25", "Рейд «Живи, книга»", "")
        row("по графику", "Экскурсии первоклассников", "")
        topic = table.add_row().cells
        topic[0].merge(topic[2]).text = "Работа с фондом учебной литературы"
        row("октябрь", "Выставка «Космос» (12 апреля – День космонавтики)", "")
        row("", "Заседание МО:\n1. Итоги года.\n2. План на лето.", "")
        top = row("ноябрь", "Рейд по сохранности учебников", "")
        bottom = row("", "Списание ветхой литературы", "")
        top[0].merge(bottom[0])  # one date for two rows
        repeat = table.add_row().cells
        for cell, name in zip(repeat, ("Сроки", "Содержание работы", "Ответственные"), strict=True):
            cell.text = name  # the header again on a new page
        row("19.05\n14:00", "Отчётное заседание", "")
        second = document.add_table(rows=1, cols=2)
        second.rows[0].cells[0].text = "Мероприятие"
        second.rows[0].cells[1].text = "Дата"
        extra = second.add_row().cells
        extra[0].text = "Неделя детской книги"
        extra[1].text = "23-29 марта"
        undated = second.add_row().cells
        undated[0].text = "Консультации по запросу"
    document.save(str(path))
    return path


def test_docx(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = cli("import", _docx(tmp_path / "plan.docx"), "-o", out)
    assert result.code == 0, result.err
    data = _check(cli, out)
    items = {i["title"]: i for i in data["items"]}
    assert data["plan"]["title"] == "План работы школьной библиотеки на 2020-2021 учебный год"
    assert data["plan"]["academic_year"] == "2020-2021"
    assert data["plan"]["description"] == "Цель: развитие читательской грамотности."
    first = items["Запись первоклассников в библиотеку"]
    assert first["when"] == "СЕНТЯБРЬ" and first["reading"]["start"] == "2020-09-01"  # from the month heading
    assert first["responsible"] == ["Петрова А. А."]
    assert items["Сдача отчёта о фонде"]["reading"]["due"] == "2020-09-14"
    assert items["Сдача отчёта о фонде"]["responsible"] == ["Петрова А. А.", "Иванова И. И."]
    space = items["Выставка «Космос» (12 апреля – День космонавтики)"]
    assert space["when"] == "октябрь", "a date inside the title is not the row's date"
    assert space["tags"] == ["Работа с фондом учебной литературы"]
    meeting = items["Заседание МО"]
    assert meeting["agenda"] == ["Итоги года.", "План на лето."]
    assert meeting["when"] == "СЕНТЯБРЬ", "an empty date cell takes the month heading above it"
    assert items["Списание ветхой литературы"]["when"] == "ноябрь", "a vertically merged date covers both rows"
    assert items["Отчётное заседание"]["reading"]["time"] == "14:00"
    assert items["Неделя детской книги"]["reading"]["start"] == "2021-03-23", "the second table is read too"
    assert items["Консультации по запросу"]["reading"]["kind"] == "undated", "an empty date cell: undated"
    # A day or a part of a month without the month, under a month heading, takes the heading's month.
    completed = {
        "Проверка учебников у учащихся": ("в течение сентября", "2020-09-01", "2020-09-30"),
        "Выставка новых поступлений": ("1 неделя сентября", "2020-09-01", "2020-09-07"),
        "Отчёт о посещаемости": ("в конце сентября", "2020-09-21", "2020-09-30"),
        "Рейд «Живи, книга»": ("20-25 сентября", "2020-09-20", "2020-09-25"),
    }
    for title, (when, start, end) in completed.items():
        assert (items[title]["when"], items[title]["reading"]["start"], items[title]["reading"]["end"]) == (
            when,
            start,
            end,
        ), title
    assert items["Экскурсии первоклассников"]["when"] == "по графику", "undated text stays undated"
    assert len(data["items"]) == 14
    text = out.read_text(encoding="utf-8")
    assert "в ячейке «1 неделя»: месяц взят из заголовка раздела «СЕНТЯБРЬ»" in text


def test_a_document_without_a_table(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("import", _docx(tmp_path / "empty.docx", with_table=False))
    assert result.code == 1
    assert "не найдена таблица плана" in result.err and "«Сроки»" in result.err
    assert "Traceback" not in result.err


def test_odt(cli: Callable[..., Result], tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text="План работы РМО на 2021-2022 учебный год"))
    table = Table(name="План")
    table.addElement(TableColumn(numbercolumnsrepeated=4))

    def add(*texts: str) -> None:
        row = TableRow()
        for text in texts:
            cell = TableCell()
            for line in text.split("\n"):
                cell.addElement(P(text=line))
            row.addElement(cell)
        table.addElement(row)

    add("№ п/п", "Наименование", "Дата проведения", "Место проведения")
    add("1.", "Августовское совещание", "27.08.2021", "ИМЦ")
    add("2.", "Семинар «Читаем вместе»", "ноябрь", "Школа № 5")
    add("3.", "Конкурс чтецов", "II четверть", "")
    document.text.addElement(table)
    path = tmp_path / "plan.odt"
    document.save(str(path))
    out = tmp_path / "plan.yaml"
    assert cli("import", path, "-o", out).code == 0
    data = _check(cli, out)
    assert [(i["title"], i["when"], i.get("location")) for i in data["items"]] == [
        ("Августовское совещание", "27.08.2021", "ИМЦ"),
        ("Семинар «Читаем вместе»", "ноябрь", "Школа № 5"),
        ("Конкурс чтецов", "II четверть", None),
    ]
    assert data["items"][0]["reading"]["start"] == "2021-08-27"
    assert data["items"][2]["reading"]["kind"] == "term"
    assert any("приблизительные" in w["message"] for w in data["warnings"])


def test_xlsx(cli: Callable[..., Result], tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["№", "Мероприятия", "Срок", "Ответственный"])
    sheet.append(["Работа с читателями", None, None, None])
    sheet.merge_cells("A2:D2")
    sheet.append([1, "Библиотечный урок", dt.datetime(2019, 10, 15), "Сидорова"])
    sheet.append([2, "Подготовка отчёта", "до 25 декабря", "Сидорова"])
    sheet.append([None, None, None, None])
    sheet.append([3, "Акция «Подари книгу»", "Январь-апрель", None])
    path = tmp_path / "plan.xlsx"
    workbook.save(str(path))
    out = tmp_path / "plan.yaml"
    assert cli("import", path, "-o", out, "--year", "2019-2020").code == 0
    data = _check(cli, out)
    assert [(i["title"], i["when"], i.get("tags")) for i in data["items"]] == [
        ("Библиотечный урок", "15.10.2019", ["Работа с читателями"]),
        ("Подготовка отчёта", "до 25 декабря", ["Работа с читателями"]),
        ("Акция «Подари книгу»", "Январь-апрель", ["Работа с читателями"]),
    ]
    assert data["items"][1]["reading"]["due"] == "2019-12-24"


def test_xlsx_needs_a_year(cli: Callable[..., Result], tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Мероприятие", "Дата"])
    workbook.active.append(["Семинар", "май"])
    path = tmp_path / "plan.xlsx"
    workbook.save(str(path))
    result = cli("import", path)
    assert result.code == 1 and "--year" in result.err


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("with-header.csv", "№;Мероприятие;Дата\n1;Заседание РМО;19.09\n2;Сдача плана;до 1 октября\n"),
        ("no-header.csv", "1,Заседание РМО,19.09\n2,Сдача плана,до 1 октября\n"),
        ("with-header.tsv", "Сроки\tСодержание работы\n19.09\tЗаседание РМО\nдо 1 октября\tСдача плана\n"),
        ("no-header.tsv", "19.09\tЗаседание РМО\nдо 1 октября\tСдача плана\n"),
    ],
)
def test_csv_and_tsv(cli: Callable[..., Result], tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "plan.yaml"
    assert cli("import", path, "-o", out, "--year", "2019-2020").code == 0
    data = _check(cli, out)
    assert [(i["title"], i["reading"]["start"]) for i in data["items"]] == [
        ("Заседание РМО", "2019-09-19"),
        ("Сдача плана", "2019-09-30"),
    ]


def test_unsupported_and_damaged(cli: Callable[..., Result], tmp_path: Path) -> None:
    other = tmp_path / "plan.pdf"
    other.write_bytes(b"%PDF-1.4")
    assert "не поддерживается" in cli("import", other).err
    broken = tmp_path / "plan.docx"
    broken.write_bytes(b"not a zip")
    result = cli("import", broken)
    assert result.code == 1 and "не удалось прочитать" in result.err and "Traceback" not in result.err


def test_imported_plan_builds(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    cli("import", SEED, "-o", out)
    schedule = interpret(load_plan(out))
    assert schedule.ok
    assert cli("build", out, "--out", tmp_path / "public", "--quiet").code == 0


def test_dates_inside_titles_stay_in_the_titles(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(
        "Мероприятие;Сроки\n"
        "Книжная выставка к юбилею М.Ю. Лермонтова (1814–1841);октябрь\n"
        "Отчёт о работе летнего лагеря (в срок до 10 августа);\n"
        "Конкурс чтецов, посвящённый 205-летию поэта;15.10\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan.yaml"
    assert cli("import", path, "-o", out, "--year", "2019-2020").code == 0
    items = _check(cli, out)["items"]
    assert [(i["title"], i["when"], i["reading"]["kind"]) for i in items] == [
        ("Книжная выставка к юбилею М.Ю. Лермонтова (1814–1841)", "октябрь", "month"),
        ("Отчёт о работе летнего лагеря (в срок до 10 августа)", "", "undated"),
        ("Конкурс чтецов, посвящённый 205-летию поэта", "15.10", "date"),
    ]


def test_proposed_ids_end_at_a_word_boundary(cli: Callable[..., Result]) -> None:
    from slugify import slugify

    result = cli("import", SEED)
    assert result.code == 0, result.err
    ids = re.findall(r"^  - id: (\S+)$", result.out, re.MULTILINE)
    titles = [json.loads(t) for t in re.findall(r"^    title: (.+)$", result.out, re.MULTILINE)]
    assert len(ids) == len(titles) == 15
    for item_id, title in zip(ids, titles, strict=True):
        full = slugify(title)
        assert len(item_id) <= 40 and full.startswith(item_id), (item_id, full)
        assert full[len(item_id) : len(item_id) + 1] in ("", "-"), f"{item_id} is cut inside a word of {full}"
        assert item_id.rsplit("-", 1)[-1] not in ("v", "i", "na", "po"), f"{item_id} ends in a preposition"
    assert "nedelia-detskoi-i-iunosheskoi-knigi" in ids
