"""Hostile input: control characters, bombs that inflate, files that ask for more than a plan needs."""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

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


# ----------------------------------------------------------------------------- 8: bombs
def test_alias_amplification_is_refused(cli: Callable[..., Result], tmp_path: Path) -> None:
    # One 100 KB anchored string used a thousand times: a 200 KB file that stands for a 100-million-character
    # plan (a 625 MB feed).
    items = [f'  - {{id: i0, title: &t "{"а" * 100_000}", when: "19.09"}}']
    items += [f'  - {{id: i{n}, title: *t, when: "19.09"}}' for n in range(1, 1000)]
    plan = _plan(tmp_path, "\n".join(items) + "\n")
    for command in (("check", plan), ("build", plan, "--out", tmp_path / "public")):
        result = cli(*command)
        assert result.code == 1, result.err
        assert "план слишком велик: больше 10 000 000 символов" in result.err and "&якорь" in result.err
        assert "Traceback" not in result.err
    assert not (tmp_path / "public" / "p.ics").exists()
    itself = _plan(tmp_path, "  - {id: a, title: Т, when: май, agenda: &a [*a]}\n", "itself.yaml")
    result = cli("check", itself)
    assert result.code == 1 and "ссылка (*) на элемент внутри него самого" in result.err


def test_a_plan_file_is_read_only_up_to_its_limit(cli: Callable[..., Result]) -> None:
    result = cli("check", "/dev/zero")  # endless: read whole, it would take all memory
    assert result.code == 1 and "больше 64 МБ" in result.err


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
    return target


def _workbook(tmp_path: Path, *extra: tuple[str, str]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["№", "Мероприятия", "Срок"])
    sheet.append([1, "Семинар", "май"])
    for ref, value in extra:
        sheet[ref] = value
    path = tmp_path / "plain.xlsx"
    workbook.save(str(path))
    return path


def test_xlsx_merged_ranges_and_sizes_are_checked_before_loading(cli: Callable[..., Result], tmp_path: Path) -> None:
    import zipfile

    plain = _workbook(tmp_path)
    with zipfile.ZipFile(plain) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    merged = sheet.replace(
        "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A5:XFD1048576"/></mergeCells>'
    )
    bomb = _rezip(plain, tmp_path / "merged.xlsx", {"xl/worksheets/sheet1.xml": merged.encode()})
    assert bomb.stat().st_size < 10_000
    result = cli("import", bomb, "--year", "2019-2020")
    assert result.code == 1 and "Traceback" not in result.err
    assert "merged.xlsx" in result.err and "объединённые ячейки (например, A5:XFD1048576)" in result.err
    # The same range written with character references, as an XML parser reads it.
    encoded = merged.replace("A5:XFD1048576", "&#65;5:XFD1048576")
    sneaky = _rezip(plain, tmp_path / "sneaky.xlsx", {"xl/worksheets/sheet1.xml": encoded.encode()})
    assert "объединённые ячейки" in cli("import", sneaky, "--year", "2019-2020").err
    dimension = _rezip(
        plain,
        tmp_path / "dimension.xlsx",
        {
            "xl/worksheets/sheet1.xml": re.sub(
                r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', sheet
            ).encode()
        },
    )
    assert "размер листа A1:XFD1048576" in cli("import", dimension, "--year", "2019-2020").err
    sparse = _workbook(tmp_path, ("XFD1048576", "последняя ячейка"))  # three cells, 17 billion to walk
    with zipfile.ZipFile(sparse) as archive:
        lying = re.sub(
            r'<dimension ref="[^"]*"', '<dimension ref="A1"', archive.read("xl/worksheets/sheet1.xml").decode()
        )
    sparse = _rezip(sparse, tmp_path / "sparse.xlsx", {"xl/worksheets/sheet1.xml": lying.encode()})
    result = cli("import", sparse, "--year", "2019-2020")
    assert result.code == 1 and "занимает больше 500 000 ячеек" in result.err


def _document(tmp_path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("План на 2019-2020 учебный год")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(
        [*table.rows[0].cells, *table.rows[1].cells], ["Мероприятие", "Срок", "Семинар", "май"], strict=True
    ):
        cell.text = text
    path = tmp_path / "plain.docx"
    document.save(str(path))
    return path


def test_docx_that_inflates_is_refused(cli: Callable[..., Result], tmp_path: Path) -> None:
    import zipfile

    plain = _document(tmp_path)
    assert cli("import", plain).code == 0
    with zipfile.ZipFile(plain) as archive:
        body = archive.read("word/document.xml").decode()
    padded = body.replace("<w:body>", "<w:body><w:p><w:r><w:t>" + "x" * (2 << 20) + "</w:t></w:r></w:p>", 1)
    ratio = _rezip(plain, tmp_path / "ratio.docx", {"word/document.xml": padded.encode()})
    result = cli("import", ratio)
    assert result.code == 1 and "Traceback" not in result.err
    assert "часть «word/document.xml» сжата в" in result.err and "(предел — 100)" in result.err
    huge = body.replace("<w:body>", "<w:body><!--" + " " * (25 << 20) + "-->", 1)
    big = _rezip(plain, tmp_path / "big.docx", {"word/document.xml": huge.encode()})
    assert big.stat().st_size < 1 << 20
    result = cli("import", big)
    assert result.code == 1 and "«word/document.xml» распаковывается в 25 МБ (предел — 24 МБ)" in result.err
    span = body.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="100000000"/>', 1)
    wide = _rezip(plain, tmp_path / "wide.docx", {"word/document.xml": span.encode()})
    result = cli("import", wide)
    assert result.code == 1 and "строка таблицы шире 1000 столбцов" in result.err


# ----------------------------------------------------------------------------- 9: import writes what check reads
def test_import_never_writes_yaml_that_check_rejects(cli: Callable[..., Result], tmp_path: Path) -> None:
    source = tmp_path / "plan.csv"
    source.write_text(
        "Мероприятие;Сроки;Место\n"
        "Семинар\u2028«Книги»;19.09;каб.\u2029 5\n"
        "Заседание\u0085РМО;\u0080до 1 октября;зал\x7f\ufffe\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan.yaml"
    result = cli("import", source, "-o", out, "--year", "2019-2020")
    assert result.code == 0, result.err
    checked = cli("check", "--json", out)
    assert checked.code == 0, checked.err
    items = json.loads(checked.out)["items"]
    assert [(i["title"], i["when"], i["location"]) for i in items] == [
        ("Семинар «Книги»", "19.09", "каб. 5"),
        ("Заседание РМО", "до 1 октября", "зал"),
    ]


def test_import_refuses_a_table_larger_than_a_plan_may_be(cli: Callable[..., Result], tmp_path: Path) -> None:
    source = tmp_path / "huge.csv"
    row = "Семинар " + "x" * 100_000 + ";май\n"
    source.write_text("Мероприятие;Сроки\n" + row * 101, encoding="utf-8")
    out = tmp_path / "plan.yaml"
    result = cli("import", source, "-o", out, "--year", "2019-2020")
    assert result.code == 1 and "huge.csv" in result.err and "длиннее 10 000 000 символов" in result.err
    assert not out.exists()


def test_proposing_ids_is_linear_in_repeated_titles() -> None:
    from plan_calendar.ids import IdPool

    class Counting(set[str]):
        probes = 0

        def __contains__(self, item: object) -> bool:
            Counting.probes += 1
            return super().__contains__(item)

    pool = IdPool(Counting({"konsultatsiia-5"}))
    ids = [pool.propose("Консультация") for _ in range(20_000)]
    assert ids[:5] == ["konsultatsiia", "konsultatsiia-2", "konsultatsiia-3", "konsultatsiia-4", "konsultatsiia-6"]
    assert len(set(ids)) == 20_000
    assert Counting.probes <= 3 * 20_000, "each proposal looks up a few ids, not all of those before it"


def test_repeated_titles_get_consecutive_ids(cli: Callable[..., Result], tmp_path: Path) -> None:
    source = tmp_path / "plan.csv"
    source.write_text("Мероприятие;Сроки\n" + "Консультация;май\n" * 3000, encoding="utf-8")
    out = tmp_path / "plan.yaml"
    assert cli("import", source, "-o", out, "--year", "2019-2020").code == 0
    ids = [i["id"] for i in json.loads(cli("check", "--json", out).out)["items"]]
    assert ids == ["konsultatsiia", *(f"konsultatsiia-{n}" for n in range(2, 3001))]


def test_formulas_without_a_saved_value_are_reported(cli: Callable[..., Result], tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "План"
    sheet.append(["Мероприятия", "Срок"])
    sheet.append(["Семинар", "19.09"])
    sheet.append(["Заседание", "=B2"])  # openpyxl saves formulas without values: nothing calculated them
    path = tmp_path / "plan.xlsx"
    workbook.save(str(path))
    result = cli("import", path, "--year", "2019-2020")
    assert result.code == 0, result.err
    assert "лист «План», ячейка B3: у формулы «=B2» нет сохранённого значения" in result.err
    written = cli("import", path, "--year", "2019-2020", "-o", tmp_path / "p.yaml").err
    # The formula, and the item it leaves without a date (that the date is missing is a warning of its own).
    assert "предупреждений 2" in written and "«Заседание»: дата не указана" in written


# ----------------------------------------------------------------------------- 10: serve, locks, leftovers
@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[tuple[str, int], Path, ThreadingHTTPServer]]:
    from plan_calendar.server import make_server

    folder = tmp_path / "public"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config").write_text("[remote]\nurl = secret\n", encoding="utf-8")
    (folder / "index.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    with (folder / "big.ics").open("wb") as handle:
        for _ in range(32):
            handle.write(b"x" * (1 << 20))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    httpd = make_server(folder, "127.0.0.1", port, timeout=1.0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield ("127.0.0.1", port), folder, httpd
    httpd.shutdown()
    httpd.server_close()


def _status(address: tuple[str, int], path: str) -> int:
    conn = http.client.HTTPConnection(*address, timeout=5)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def _settle(baseline: int) -> None:
    """Wait until the server's request threads have finished (a wait for completion, not a timing check)."""
    for _ in range(200):
        if threading.active_count() <= baseline:
            return
        time.sleep(0.05)


def test_serve_hides_dot_folders(served: tuple[tuple[str, int], Path, ThreadingHTTPServer]) -> None:
    address, _, _ = served
    assert _status(address, "/index.html") == 200
    for path in ("/.git/config", "/.git/", "/%2egit/config"):
        assert _status(address, path) == 404, path


def test_serve_streams_files(served: tuple[tuple[str, int], Path, ThreadingHTTPServer]) -> None:
    address, _, _ = served
    tracemalloc.start()
    try:
        conn = http.client.HTTPConnection(*address, timeout=10)
        conn.request("GET", "/big.ics")
        response = conn.getresponse()
        received = 0
        while chunk := response.read(1 << 16):
            received += len(chunk)
        conn.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received == 32 << 20
    assert peak < 4 << 20, f"serving a 32 MB file allocated {peak} bytes at once"


def test_serve_times_out_and_keeps_a_backlog(served: tuple[tuple[str, int], Path, ThreadingHTTPServer]) -> None:
    address, _, httpd = served
    assert httpd.request_queue_size >= 128
    with socket.create_connection(address, timeout=10) as idle:
        idle.sendall(b"GET /index.html HTTP/1.1\r\n")  # and never the rest
        assert idle.recv(1024) == b"", "the server closes a connection that stays silent"
    assert _status(address, "/index.html") == 200


def test_serve_logs_without_tracebacks_or_escapes(
    served: tuple[tuple[str, int], Path, ThreadingHTTPServer], capfd: pytest.CaptureFixture[str]
) -> None:
    address, _, _ = served
    baseline = threading.active_count()
    with socket.create_connection(address, timeout=10) as rude:
        rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        rude.sendall(b"GET /big.ics HTTP/1.1\r\nHost: x\r\n\r\n")
        rude.recv(1024)
    with socket.create_connection(address, timeout=10) as odd:
        odd.sendall(b"GET /\x1b]0;title\x07\x9b2J HTTP/1.0\r\n\r\n")
        while odd.recv(4096):
            pass
    _settle(baseline)
    assert _status(address, "/index.html") == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipeError" not in err and "ConnectionResetError" not in err
    assert "\x1b" not in err and "\x07" not in err and "\x9b" not in err
    assert "GET /\\x1b]0;title\\x07\\x9b2J HTTP/1.0" in err


def test_lock_file_symlink_is_not_followed(cli: Callable[..., Result], tmp_path: Path) -> None:
    public = tmp_path / "public"
    public.mkdir()
    target = tmp_path / "elsewhere"
    (public / ".plan-cal.lock").symlink_to(target)
    result = cli("build", EXAMPLE, "--out", public)
    assert result.code == 1 and "Traceback" not in result.err
    assert ".plan-cal.lock" in result.err and "символическая ссылка" in result.err
    assert not target.exists()


def test_leftover_temporary_files_are_removed(cli: Callable[..., Result], tmp_path: Path) -> None:
    public = tmp_path / "public"
    public.mkdir()
    leftovers = [public / ".rmo-2019-2020.ics.k3j_x9a2.tmp", public / ".index.html.abcdefgh.tmp"]
    for path in leftovers:
        path.write_bytes(b"BEGIN:VCALENDAR\r\n")  # a build killed while writing
    mine = [public / "notes.tmp", public / ".notes.txt.abcdefgh.tmp"]
    for path in mine:
        path.write_text("чужой файл", encoding="utf-8")
    assert cli("build", EXAMPLE, "--out", public, "--quiet").code == 0
    assert not any(path.exists() for path in leftovers)
    assert all(path.exists() for path in mine)


# ----------------------------------------------------------------------------- 11: dependencies
def test_dependency_bounds_exclude_versions_with_advisories() -> None:
    import tomllib

    from packaging.requirements import Requirement

    from conftest import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        r.name.lower(): r.specifier
        for r in map(Requirement, [*project["dependencies"], *project["optional-dependencies"]["test"]])
    }
    # jinja2 < 3.1.6: sandbox breakouts (CVE-2024-56201, CVE-2024-56326, CVE-2025-27516);
    # aiosmtpd < 1.4.6: SMTP smuggling and STARTTLS command injection (CVE-2024-27305, CVE-2024-34083).
    for name, bad, good in (("jinja2", "3.1.5", "3.1.6"), ("aiosmtpd", "1.4.5", "1.4.6")):
        assert bad not in declared[name] and good in declared[name], name
    assert "defusedxml" in declared, "openpyxl protects its XML parsing only when defusedxml is installed"
