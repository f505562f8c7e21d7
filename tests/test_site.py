"""The overview page `build` writes, and `plan-cal serve` over real HTTP."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from conftest import EXAMPLE, Result
from plan_calendar.server import make_server
from smtpserver import free_port

CONFIG = '[calendar]\nurl = "https://plan.example.org/cal/"\n'


@pytest.fixture
def built(cli: Callable[..., Result], tmp_path: Path) -> Path:
    plan = tmp_path / "rmo-2019-2020.yaml"
    shutil.copy(EXAMPLE, plan)
    os.utime(plan, (1567000000, 1567000000))
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        'plan: "Доп. план <b>жирный</b>"\nid: extra\nacademic_year: "2019-2020"\nitems:\n'
        '  - {id: a, title: "<script>alert(1)</script> Консультации", when: по мере необходимости}\n'
        "  - {id: b, title: Отчёт, when: до 1 октября}\n"
        "  - {id: c, title: Табель, when: до 5 числа каждого месяца}\n",
        encoding="utf-8",
    )
    os.utime(extra, (1567000000, 1567000000))
    config = tmp_path / "plan-cal.toml"
    config.write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "public"
    assert cli("build", plan, extra, "--out", out, "--config", config).code == 0
    return out


def test_page_content(built: Path) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Консультации" in html
    assert "<b>жирный</b>" not in html
    assert "https://plan.example.org/cal/rmo-2019-2020.ics" in html
    assert 'href="webcal://plan.example.org/cal/rmo-2019-2020.ics"' in html
    for client in ("Google Календарь", "Outlook", "Яндекс Календарь", "Apple Календарь", "Thunderbird"):
        assert f"<summary>{client}" in html
    assert "«девраль» прочитано как «февраль»" in html, "the warnings check prints"
    assert "Консультации — «по мере необходимости»" in html, "undated items are listed"
    assert 'план обновлён <time datetime="2019-08-28T13:46:40+00:00">28 августа 2019, 13:46</time>' in html
    # Self-contained: nothing is loaded from another host.
    assert not re.search(r"<(link|script)[^>]+(href|src)=", html) and "@import" not in html and "url(" not in html
    assert '<html lang="ru">' in html and "<main>" in html and 'aria-label="Обозначения"' in html
    # A deadline every month is a deadline mark in each month, not a repetition square.
    assert html.count('class="seg deadline" style="grid-column: 4 / 5" title="срок: 4 ') == 9


def test_page_is_byte_identical_and_not_rewritten(cli: Callable[..., Result], built: Path, tmp_path: Path) -> None:
    page = built / "index.html"
    before = page.stat().st_mtime_ns, page.read_bytes()
    assert (
        cli(
            "build",
            tmp_path / "rmo-2019-2020.yaml",
            tmp_path / "extra.yaml",
            "--out",
            built,
            "--config",
            tmp_path / "plan-cal.toml",
        ).code
        == 0
    )
    assert (page.stat().st_mtime_ns, page.read_bytes()) == before


@pytest.fixture
def server(built: Path) -> Iterator[tuple[str, int]]:
    (built / "sub").mkdir()
    (built / "sub" / "file.txt").write_text("вложенный", encoding="utf-8")
    outside = built.parent / "secret.txt"
    outside.write_text("секрет", encoding="utf-8")
    (built / "link.txt").symlink_to(outside)
    port = free_port()
    httpd = make_server(built, "127.0.0.1", port)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", port
    httpd.shutdown()
    httpd.server_close()


def _get(
    address: tuple[str, int], path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*address, timeout=5)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for name, value in {"Accept-Encoding": "gzip", **(headers or {})}.items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_content_types_and_no_gzip(server: tuple[str, int]) -> None:
    status, headers, body = _get(server, "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8" and b"<!DOCTYPE html>" in body
    status, headers, body = _get(server, "/rmo-2019-2020.ics")
    assert status == 200 and headers["content-type"] == "text/calendar; charset=utf-8"
    assert "content-encoding" not in headers and body.startswith(b"BEGIN:VCALENDAR")
    assert int(headers["content-length"]) == len(body)


def test_etag_last_modified_and_head(server: tuple[str, int]) -> None:
    _, headers, body = _get(server, "/rmo-2019-2020.ics")
    status, _, empty = _get(server, "/rmo-2019-2020.ics", headers={"If-None-Match": headers["etag"]})
    assert status == 304 and empty == b""
    status, _, _ = _get(server, "/rmo-2019-2020.ics", headers={"If-Modified-Since": headers["last-modified"]})
    assert status == 304
    status, head_headers, head_body = _get(server, "/rmo-2019-2020.ics", method="HEAD")
    assert status == 200 and head_body == b"" and int(head_headers["content-length"]) == len(body)
    assert head_headers["etag"] == headers["etag"]


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/sub%2f..%2f..%2fsecret.txt",
        "/..%2fsecret.txt",
        "//etc/passwd",
        "/link.txt",
        "/sub/",
        "/.plan-cal.lock",
        "/sub/..\\..\\secret.txt",
        "/nope.ics",
        "/%00",
    ],
)
def test_nothing_outside_the_folder(server: tuple[str, int], path: str) -> None:
    status, headers, body = _get(server, path)
    assert status == 404, path
    assert "секрет".encode() not in body and "Страница не найдена".encode() in body
    assert headers["content-type"] == "text/html; charset=utf-8"


def test_only_get_and_head(server: tuple[str, int]) -> None:
    status, headers, body = _get(server, "/", method="POST")
    assert status == 405 and headers["allow"] == "GET, HEAD" and "Метод не поддерживается".encode() in body
    assert _get(server, "/sub/file.txt")[0] == 200


def test_serve_watch_rebuilds(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time
    import urllib.request

    from conftest import ROOT

    plan = tmp_path / "plan.yaml"
    plan.write_text(
        'plan: План\nid: p\nacademic_year: "2019-2020"\nitems:\n  - {id: a, title: Первое, when: май}\n',
        encoding="utf-8",
    )
    out = tmp_path / "public"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "plan_calendar", "serve", "--dir", str(out), "--port", str(port), "--watch", str(plan)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )

    def feed() -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/p.ics", timeout=2) as response:
            return str(response.read().decode("utf-8"))

    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                assert "SUMMARY:Первое" in feed()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        time.sleep(1.1)  # a new modification time
        plan.write_text(plan.read_text(encoding="utf-8").replace("Первое", "Второе"), encoding="utf-8")
        deadline = time.monotonic() + 20
        while "SUMMARY:Второе" not in feed():
            assert time.monotonic() < deadline, "the folder was not rebuilt"
            time.sleep(0.2)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
    assert "план изменился: папка пересобирается" in err


def test_page_follows_a_changed_plan(cli: Callable[..., Result], built: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(extra.read_text(encoding="utf-8").replace("Отчёт", "Годовой отчёт"), encoding="utf-8")
    os.utime(extra, (1567000000, 1567000000))  # the same time: the content alone must trigger the new page
    assert (
        cli(
            "build", tmp_path / "rmo-2019-2020.yaml", extra, "--out", built, "--config", tmp_path / "plan-cal.toml"
        ).code
        == 0
    )
    assert "Годовой отчёт" in (built / "index.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- the page agrees with the feed
EVERY_SHAPE = [
    "12.11",
    "12 ноября",
    "до 12 ноября",
    "12-13 ноября",
    "ноябрь",
    "начало ноября",
    "12.11 14:30",
    "12.11 11.00-13.00",
    "по средам",
    "по четвергам в 13.30",
    "2-я среда каждого месяца",
    "последняя пятница месяца",
    "12.11, 19.11",
    "ноябрь, февраль",
    "в течение года",
    "по плану",
    "I четверть",
    "1 раз в четверть",
    "2 раза в год",
    "в конце четверти",
    "конец II четверти",
    "I-II четверть",
    "в конце учебного года",
    "до 5 числа каждого месяца",
    "1 раз в 2 недели",
    "каждые 3 месяца",
    "в конце каждого месяца",
    "ежемесячно, последняя неделя",
    "пн-пт",
    "в каникулы",
    "ноябрь, 2 неделя",
    "ежемесячно",
    "еженедельно",
    "с 20 мая",
    "январь-апрель",
    "ежедневно, кроме выходных",
]
KINDS = [None, "seminar", "campaign", "deadline", "meeting"]


def _page_days(html: str) -> dict[str, set[date]]:
    """Each item's marked days, read from the page: month sections, rows and their grid columns."""
    out: dict[str, set[date]] = {}
    month = item = ""
    for m in re.finditer(r'data-month="(\d{4})-(\d{2})"|data-item="([^"]+)"|grid-column: (\d+) / (\d+)', html):
        if m.group(1):
            month, item = f"{m.group(1)}-{m.group(2)}", ""
        elif m.group(3):
            item = m.group(3)
        else:
            y, mo = map(int, month.split("-"))
            for day in range(int(m.group(4)), int(m.group(5))):
                out.setdefault(item, set()).add(date(y, mo, day))
    return out


def _feed_days(data: bytes, plan_id: str, first: date, last: date) -> dict[str, set[date]]:
    """Each item's days in the feed, with every repetition expanded by recurring-ical-events."""
    import icalendar
    import recurring_ical_events

    out: dict[str, set[date]] = {}
    cal = icalendar.Calendar.from_ical(data)
    for event in recurring_ical_events.of(cal).between(first, last + timedelta(days=1)):
        stem = str(event["UID"]).split("@")[0].removeprefix(f"{plan_id}-")
        item = re.sub(r"-\d{8}(-\d+)?$", "", stem)
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        if isinstance(start, datetime):
            day, final = start.date(), (end - timedelta(microseconds=1)).date()
        else:
            day, final = start, end - timedelta(days=1)
        final = max(final, day)
        while day <= final:
            if first <= day <= last:
                out.setdefault(item, set()).add(day)
            day += timedelta(days=1)
    return out


def _same_days(cli: Callable[..., Result], plan: Path, plan_id: str, out: Path) -> None:
    result = cli("build", plan, "--out", out, "--config", out.parent / "plan-cal.toml")
    assert result.code == 0, result.err
    page = _page_days((out / "index.html").read_text(encoding="utf-8"))
    feed = _feed_days((out / f"{plan_id}.ics").read_bytes(), plan_id, date(2019, 9, 1), date(2020, 8, 31))
    assert feed, "the feed has events"
    for item in sorted(set(page) | set(feed)):
        assert page.get(item, set()) == feed.get(item, set()), item


def test_the_example_page_marks_the_feeds_days(cli: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "plan-cal.toml").write_text(CONFIG, encoding="utf-8")
    _same_days(cli, EXAMPLE, "rmo-2019-2020", tmp_path / "public")


def test_every_shape_is_marked_on_the_feeds_days(cli: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "plan-cal.toml").write_text(CONFIG + '[display]\nongoing = "monthly"\n', encoding="utf-8")
    lines = []
    for n, when in enumerate(EVERY_SHAPE):
        kind = KINDS[n % len(KINDS)]
        lines.append(f'  - {{id: i{n}, title: "Пункт {n}", when: "{when}"' + (f", kind: {kind}" if kind else "") + "}")
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        'plan: Все формы\nid: shapes\nacademic_year: "2019-2020"\n'
        "terms:\n  - {name: I четверть, start: 2019-09-02, end: 2019-10-27}\n"
        "  - {name: осенние каникулы, start: 2019-10-28, end: 2019-11-04}\n"
        "  - {name: II четверть, start: 2019-11-05, end: 2019-12-28}\n"
        "  - {name: зимние каникулы, start: 2019-12-29, end: 2020-01-08}\n"
        "  - {name: III четверть, start: 2020-01-09, end: 2020-03-20}\n"
        "  - {name: весенние каникулы, start: 2020-03-21, end: 2020-03-29}\n"
        "  - {name: IV четверть, start: 2020-03-30, end: 2020-05-29}\n"
        "items:\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    _same_days(cli, plan, "shapes", tmp_path / "public")
    html = (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
    # «ежемесячно» is a mark on the 1st of each month, as in the feed: not a square in mid-month.
    monthly = _page_days(html)[f"i{EVERY_SHAPE.index('ежемесячно')}"]
    assert {d.day for d in monthly} == {1} and len(monthly) >= 9
