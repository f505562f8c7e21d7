"""The text above a plan's table as people write it (#12, point 1): approval stamps, the title, goals and tasks.

Every document is built here with python-docx, openpyxl or odfpy, the way Word, Excel and LibreOffice lay them
out: a stamp as one paragraph with line breaks, or as a two-column layout table; title rows with merged cells
above a spreadsheet's header; title lines above a CSV header.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from conftest import ROOT, Result

SEED = ROOT / "examples" / "plan-rmo-2019-2020.txt"


def _check(cli: Callable[..., Result], path: Path) -> dict:  # type: ignore[type-arg]
    result = cli("check", "--json", path)
    assert result.code == 0, result.out + result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def _import(cli: Callable[..., Result], source: Path, *args: str) -> tuple[dict, str]:  # type: ignore[type-arg]
    out = source.with_suffix(".yaml")
    result = cli("import", source, "-o", out, *args)
    assert result.code == 0, result.err
    return _check(cli, out), out.read_text(encoding="utf-8")


def _paragraph_with_breaks(document: object, lines: list[str]) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        if i < len(lines) - 1:
            run.add_break()


def _plan_table(document: object) -> None:
    table = document.add_table(rows=1, cols=3)  # type: ignore[attr-defined]
    for cell, name in zip(table.rows[0].cells, ("№", "Содержание работы", "Сроки"), strict=True):
        cell.text = name
    for number, title, when in (("1", "Выставка новых книг", "сентябрь"), ("2", "Сдача отчёта", "до 25 мая")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = number, title, when


def test_word_stamp_title_goals_without_empty_paragraphs(cli: Callable[..., Result], tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    _paragraph_with_breaks(
        document, ["УТВЕРЖДАЮ", "Директор МОУ СОШ № 3", "____________ Петров П. П.", "«30» августа 2019 г."]
    )
    document.add_paragraph("План работы школьной библиотеки")
    document.add_paragraph("на 2019-2020 учебный год")
    _paragraph_with_breaks(document, ["Цель: развитие читательской грамотности.", "Задачи:"])
    document.add_paragraph("1. Пополнять фонд.")
    document.add_paragraph("2. Проводить уроки.")
    _plan_table(document)
    path = tmp_path / "stamp.docx"
    document.save(str(path))
    data, text = _import(cli, path)
    plan = data["plan"]
    assert plan["title"] == "План работы школьной библиотеки на 2019-2020 учебный год"
    assert plan["academic_year"] == "2019-2020"
    assert (
        plan["description"]
        == "Цель: развитие читательской грамотности.\nЗадачи:\n1. Пополнять фонд.\n2. Проводить уроки."
    )
    assert "УТВЕРЖДАЮ" not in plan["title"] and "Петров" not in plan["description"]
    assert "# Гриф: УТВЕРЖДАЮ Директор МОУ СОШ № 3 ____________ Петров П. П. «30» августа 2019 г." in text
    assert [i["title"] for i in data["items"]] == ["Выставка новых книг", "Сдача отчёта"]


def test_word_stamps_in_a_layout_table_and_the_year_from_the_stamp(cli: Callable[..., Result], tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    stamps = document.add_table(rows=1, cols=2)
    stamps.rows[0].cells[0].text = "СОГЛАСОВАНО\nЗам. директора по УВР\n_____ Иванова И. И.\n29.08.2020"
    stamps.rows[0].cells[1].text = "УТВЕРЖДЕНО\nприказом директора МБОУ «Гимназия № 5»\nот 31.08.2020 № 112"
    document.add_paragraph("Принято на педагогическом совете, протокол № 1 от 28.08.2020")
    document.add_paragraph("МБОУ «Гимназия № 5»")
    document.add_paragraph("ПЛАН РАБОТЫ ЗАМЕСТИТЕЛЯ ДИРЕКТОРА ПО ВОСПИТАТЕЛЬНОЙ РАБОТЕ")
    document.add_paragraph("Методическая тема: «Воспитание читателя»")
    document.add_paragraph("Направления: чтение, краеведение.")
    _plan_table(document)
    path = tmp_path / "layout.docx"
    document.save(str(path))
    data, _ = _import(cli, path)
    plan = data["plan"]
    assert plan["title"] == "ПЛАН РАБОТЫ ЗАМЕСТИТЕЛЯ ДИРЕКТОРА ПО ВОСПИТАТЕЛЬНОЙ РАБОТЕ"
    assert plan["academic_year"] == "2020-2021", "the approval dates name the school year"
    # The organisation's line under the minutes belongs to the block, and is left out with it.
    assert plan["description"] == "Методическая тема: «Воспитание читателя»\nНаправления: чтение, краеведение."
    assert data["items"][0]["reading"]["start"] == "2020-09-01"


def test_excel_title_rows_merged_and_real_dates(cli: Callable[..., Result], tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "План"
    sheet["D1"] = "УТВЕРЖДАЮ"
    sheet["D2"] = "Директор школы ______ Петров П. П."
    sheet["A4"] = "План работы библиотеки на 2021-2022 учебный год"
    sheet.merge_cells("A4:D4")
    sheet["A5"] = "Цель: читающая школа."
    sheet.merge_cells("A5:D5")
    sheet.append(["№", "Мероприятия", "Дата", "Ответственный"])
    sheet.append([1, "Библиотечный урок", dt.datetime(2021, 10, 15), "Сидорова"])
    sheet.append([2, "Подготовка отчёта", "до 25 декабря", "Сидорова"])
    path = tmp_path / "plan.xlsx"
    workbook.save(str(path))
    data, _ = _import(cli, path)  # no --year: the title rows name it
    plan = data["plan"]
    assert plan["title"] == "План работы библиотеки на 2021-2022 учебный год"
    assert plan["academic_year"] == "2021-2022" and plan["description"] == "Цель: читающая школа."
    assert [(i["title"], i["reading"]["start"]) for i in data["items"]] == [
        ("Библиотечный урок", "2021-10-15"),
        ("Подготовка отчёта", "2021-12-24"),
    ]


def test_excel_year_from_the_first_dates(cli: Callable[..., Result], tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["План работы методического объединения"])
    sheet.append(["Мероприятие", "Дата"])
    sheet.append(["Заседание МО", dt.datetime(2022, 9, 20)])
    sheet.append(["Семинар", "ноябрь"])
    path = tmp_path / "plan.xlsx"
    workbook.save(str(path))
    data, _ = _import(cli, path)
    assert data["plan"]["title"] == "План работы методического объединения"
    assert data["plan"]["academic_year"] == "2022-2023"
    assert data["items"][1]["reading"]["start"] == "2022-11-01"


def test_ods_title_rows(cli: Callable[..., Result], tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="План")

    def add(*texts: str) -> None:
        row = TableRow()
        for text in texts:
            cell = TableCell()
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)

    add("СОГЛАСОВАНО", "", "УТВЕРЖДАЮ")
    add("Руководитель РМО", "", "Директор ИМЦ")
    add("План работы РМО библиотекарей на 2023-2024 учебный год", "", "")
    add("Мероприятие", "Сроки", "Ответственный")
    add("Заседание РМО", "19.09", "Петрова")
    document.spreadsheet.addElement(table)
    path = tmp_path / "plan.ods"
    document.save(str(path))
    data, _ = _import(cli, path)
    assert data["plan"]["title"] == "План работы РМО библиотекарей на 2023-2024 учебный год"
    assert data["items"][0]["reading"]["start"] == "2023-09-19"
    assert data["items"][0]["responsible"] == ["Петрова"]


def test_csv_lines_above_the_header_in_windows_1251(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(
        (
            "УТВЕРЖДАЮ;;\n"
            "Директор МОУ СОШ № 7 ____ Орлова О. О.;;\n"
            "План работы школьной библиотеки на 2019-2020 учебный год;;\n"
            "Задачи: пополнение фонда;;\n"
            "№;Мероприятие;Срок\n"
            "1;Заседание МО;19.09\n"
            "2;Сдача плана;до 1 октября\n"
        ).encode("cp1251")
    )
    data, _ = _import(cli, path)
    assert data["plan"]["title"] == "План работы школьной библиотеки на 2019-2020 учебный год"
    assert data["plan"]["description"] == "Задачи: пополнение фонда"
    assert [(i["title"], i["reading"]["start"]) for i in data["items"]] == [
        ("Заседание МО", "2019-09-19"),
        ("Сдача плана", "2019-09-30"),
    ]


def test_the_seed_first_item_is_the_meeting(cli: Callable[..., Result], tmp_path: Path) -> None:
    source = tmp_path / SEED.name
    source.write_bytes(SEED.read_bytes())
    data, _ = _import(cli, source)
    first = data["items"][0]
    assert first["title"] == "Заседание РМО" and first["id"] == "zasedanie-rmo"
    assert first["agenda"][0] == "Обеспеченность учебниками на новый учебный год."
    assert data["plan"]["title"] == "План работы РМО педагогов - библиотекарей на 2019-2020 учебный год"
    assert data["plan"]["description"].startswith("Методическая тема: «Совершенствование")
    assert "\nЦель: Создание условий" in data["plan"]["description"]
    assert "\nЗадачи:\n1. Повышение профессиональной компетентности библиотекарей\n2. " in data["plan"]["description"]


def test_word_stamp_as_separate_paragraphs_and_a_heading_plan(cli: Callable[..., Result], tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for text in (
        "Рассмотрено на заседании МО",
        "Протокол № 1 от 28.08.2020",
        "УТВЕРЖДАЮ",
        "Директор школы",
        "_______ /Петров П.П./",
        "Приказ № 45 от 31.08.2020",
        "ПЛАН",
        "работы школьной библиотеки",
        "на 2020/2021 учебный год",
        "Цель: воспитание читателя",
    ):
        document.add_paragraph(text)
    _plan_table(document)
    path = tmp_path / "heading.docx"
    document.save(str(path))
    data, text = _import(cli, path)
    assert data["plan"]["title"] == "План работы школьной библиотеки на 2020/2021 учебный год"
    assert data["plan"]["academic_year"] == "2020-2021" and data["plan"]["description"] == "Цель: воспитание читателя"
    assert "# Гриф: Рассмотрено на заседании МО Протокол № 1 от 28.08.2020" in text
    assert "# Гриф: УТВЕРЖДАЮ Директор школы _______ /Петров П.П./ Приказ № 45 от 31.08.2020" in text


def test_more_column_names(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("План на 2019-2020 учебный год\nФорма работы;Срок проведения\nВыставка;октябрь\n", encoding="utf-8")
    data, _ = _import(cli, path)
    assert [(i["title"], i["when"]) for i in data["items"]] == [("Выставка", "октябрь")]
