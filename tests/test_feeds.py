"""`plan-cal build`: feeds that every client accepts, and builds that cron can run forever."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from conftest import EXAMPLE, ROOT, Result
from feedcheck import check_client_rules, expansions, libical_errors, parse_all
from plan_calendar import interpret, load_plan, read_when
from plan_calendar.when import Recurring

GOLDEN = Path(__file__).parent / "golden"
FIXED = datetime(2019, 8, 26, 12, 0, tzinfo=UTC).timestamp()
HEAD = 'plan: Тест\nid: test\nacademic_year: "2019-2020"\n'


def _plan(tmp_path: Path, text: str, name: str = "plan.yaml", mtime: float = FIXED) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def _example(tmp_path: Path) -> Path:
    path = tmp_path / "rmo-2019-2020.yaml"
    shutil.copy(EXAMPLE, path)
    os.utime(path, (FIXED, FIXED))
    return path


def _events(path: Path) -> dict[str, icalendar.Component]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_example_feed_golden(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = cli("build", _example(tmp_path), "--out", out)
    assert result.code == 0, result.err
    assert "1 файл (записано 1, без изменений 0); 15 событий" in result.out
    feed = out / "rmo-2019-2020.ics"
    data = feed.read_bytes()
    check_client_rules(data)
    assert libical_errors([feed]) == {str(feed): []}
    golden = GOLDEN / "rmo-2019-2020.ics"
    if os.environ.get("PLAN_CAL_UPDATE_GOLDEN") == "1":
        golden.write_bytes(data)
    assert data == golden.read_bytes(), "PLAN_CAL_UPDATE_GOLDEN=1 rewrites tests/golden/rmo-2019-2020.ics"


def test_example_feed_places_every_item(tmp_path: Path, cli: Callable[..., Result]) -> None:
    out = tmp_path / "public"
    cli("build", _example(tmp_path), "--out", out)
    events = _events(out / "rmo-2019-2020.ics")
    deadline = events["rmo-2019-2020-sdacha-plana"]
    assert str(deadline["SUMMARY"]).startswith("Срок: ")
    assert deadline["DTSTART"].dt == date(2019, 9, 30) and deadline["DTEND"].dt == date(2019, 10, 1)
    assert "Сроки по плану: до 1 октября" in str(deadline["DESCRIPTION"])
    campaign = events["rmo-2019-2020-mesyachnik-bibliotek"]  # a month-long campaign spans its month
    assert (campaign["DTSTART"].dt, campaign["DTEND"].dt) == (date(2019, 10, 1), date(2019, 11, 1))
    seminar = events["rmo-2019-2020-seminar-litres"]  # a seminar "in October" does not cover October
    assert (seminar["DTSTART"].dt, seminar["DTEND"].dt) == (date(2019, 10, 1), date(2019, 10, 2))
    assert str(seminar["STATUS"]) == "TENTATIVE" and "(дата уточняется)" in str(seminar["SUMMARY"])
    ongoing = events["rmo-2019-2020-konsultacii"]  # throughout the year: a monthly marker, not a 9-month bar
    assert ongoing["DTEND"].dt == date(2019, 9, 2)
    assert ongoing["RRULE"].to_ical() == b"FREQ=MONTHLY;UNTIL=20200531"
    agenda = str(events["rmo-2019-2020-zasedanie-rmo-sentyabr"]["DESCRIPTION"])
    assert "Повестка:\n1. Обеспеченность учебниками" in agenda and "\n4. Библиотечный бенефис" in agenda
    assert all(str(e["TRANSP"]) == "TRANSPARENT" for e in events.values())


FULL_PLAN = (
    HEAD
    + """\
organizer: {name: РМО библиотекарей, email: rmo@example.org}
terms:
  - {name: I четверть, start: 2019-09-02, end: 2019-10-27}
  - {name: II четверть, start: 2019-11-05, end: 2019-12-29}
  - {name: III четверть, start: 2020-01-09, end: 2020-03-20}
  - {name: IV четверть, start: 2020-03-30, end: 2020-05-29}
items:
  - {id: timed, title: "Заседание; с запятой, и \\\\ обратной чертой", when: "19.09 14:00", duration: 90,
     location: "ИМЦ, каб. 5", responsible: [Иванова И. И., Петрова А. А.], tags: [заседание]}
  - {id: weekly, title: Кружок, when: по средам, time: "15:30"}
  - {id: monthly-day, title: Отчёт, when: последняя пятница месяца}
  - {id: several, title: Олимпиада, when: "23.09, 24.09, 25.09"}
  - {id: months, title: Мониторинг, when: "декабрь, март", kind: task}
  - {id: quarterly, title: Проверка фонда, when: 1 раз в четверть}
  - {id: term, title: Конкурс чтецов, when: II четверть}
  - {id: range, title: Неделя книги, when: 12-16 ноября, kind: campaign}
  - {id: undated, title: Консультации, when: по мере необходимости}
  - {id: year, title: Работа с фондом, when: в течение года, display: span}
  - {id: hidden, title: Скрытое, when: октябрь, display: hidden}
  - {id: long, title: "Очень длинное название мероприятия, которое никак не помещается в одну строку календаря и
       переносится много раз: «кавычки», ёлки, 2019–2020", when: 5 сентября 2019 г.}
"""
)

CONFIG = """\
[calendar]
domain = "plan.example.org"
url = "https://plan.example.org/"
refresh = "6h"
alarms = true
alarm_before = "2d"

[[feeds]]
name = "sroki"
title = "Только сроки и задачи"
kinds = ["task"]

[[feeds]]
name = "zasedaniya"
title = "Заседания"
tags = ["заседание"]

[[feeds]]
name = "ivanova"
title = "Иванова И. И."
responsible = ["Иванова И. И."]
"""


def test_every_feed_passes_every_parser(cli: Callable[..., Result], tmp_path: Path) -> None:
    plan = _plan(tmp_path, FULL_PLAN)
    config = tmp_path / "plan-cal.toml"
    config.write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "public"
    result = cli("build", plan, "--out", out, "--config", config)
    assert result.code == 0, result.err
    assert "без даты: «Консультации» — по мере необходимости (test/undated)" in result.out
    feeds = sorted(out.glob("*.ics"))
    assert [f.name for f in feeds] == ["ivanova.ics", "sroki.ics", "test.ics", "zasedaniya.ics"]
    for feed in feeds:
        check_client_rules(feed.read_bytes())
    assert all(not errors for errors in libical_errors(feeds).values())
    events = _events(out / "test.ics")
    assert "test-undated" not in events and "test-hidden" not in events
    timed = events["test-timed"]
    assert timed["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert timed["DTSTART"].dt.isoformat() == "2019-09-19T14:00:00+03:00"
    assert (timed["DTEND"].dt - timed["DTSTART"].dt).total_seconds() == 90 * 60
    assert str(timed["SUMMARY"]) == "Заседание; с запятой, и \\ обратной чертой"
    assert str(timed["ORGANIZER"]) == "mailto:rmo@example.org" and timed["ORGANIZER"].params["CN"]
    assert str(timed["LOCATION"]) == "ИМЦ, каб. 5"
    assert [str(c) for c in timed["CATEGORIES"].cats] == ["заседание"]
    assert "Ответственные: Иванова И. И., Петрова А. А." in str(timed["DESCRIPTION"])
    assert "Подробнее: https://plan.example.org/" in str(timed["DESCRIPTION"])
    alarm = timed.walk("VALARM")[0]
    assert alarm["TRIGGER"].dt.total_seconds() == -2 * 86400
    weekly = events["test-weekly"]
    assert weekly["DTSTART"].dt.isoformat() == "2019-09-04T15:30:00+03:00"
    assert weekly["RRULE"]["UNTIL"][0] == datetime(2020, 5, 29, 20, 59, 59, tzinfo=UTC)
    assert {"test-several-20190923", "test-several-20190924", "test-several-20190925"} <= set(events)
    assert {"test-months-20191201", "test-months-20200301"} <= set(events)
    assert {f"test-quarterly-{d}" for d in ("20190902", "20191105", "20200109", "20200330")} <= set(events)
    year = events["test-year"]
    assert (year["DTSTART"].dt, year["DTEND"].dt) == (date(2019, 9, 2), date(2020, 5, 30))
    cal = icalendar.Calendar.from_ical((out / "test.ics").read_bytes())
    assert str(cal["METHOD"]) == "PUBLISH"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in (out / "test.ics").read_text(encoding="utf-8")
    # Extra feeds: filtered, with UIDs of their own.
    assert set(_events(out / "sroki.ics")) == {"sroki-test-months-20191201", "sroki-test-months-20200301"}
    assert set(_events(out / "zasedaniya.ics")) == {"zasedaniya-test-timed"}
    assert set(_events(out / "ivanova.ics")) == {"ivanova-test-timed"}


RECURRENCES = [
    "по средам",
    "каждый понедельник",
    "по вторникам и четвергам",
    "2-я среда каждого месяца",
    "последняя пятница месяца",
    "15 числа каждого месяца",
    "ежедневно",
    "до 5 числа каждого месяца",
    "к 1 числу каждого месяца",
    "в конце каждого месяца",
    "последняя неделя каждого месяца",
    "2 неделя каждого месяца",
    "пн-пт",
    "ежедневно, кроме выходных",
]


TERMS = """\
terms:
  - {name: I четверть, start: 2019-09-02, end: 2019-10-27}
  - {name: осенние каникулы, start: 2019-10-28, end: 2019-11-04}
  - {name: II четверть, start: 2019-11-05, end: 2019-12-28}
  - {name: зимние каникулы, start: 2019-12-29, end: 2020-01-08}
  - {name: III четверть, start: 2020-01-09, end: 2020-03-20}
  - {name: весенние каникулы, start: 2020-03-21, end: 2020-03-29}
  - {name: IV четверть, start: 2020-03-30, end: 2020-05-29}
"""


@pytest.mark.parametrize("terms", [False, True], ids=["without-terms", "with-terms"])
@pytest.mark.parametrize("when", [*RECURRENCES, "по четвергам в 13.30", "по средам, кроме каникул"])
def test_recurrences_expand_to_the_days_read(
    cli: Callable[..., Result], tmp_path: Path, when: str, terms: bool
) -> None:
    """Every parser expands the feed's rule, holidays excepted, to exactly the days the schedule (and so the
    reminders and the page) has."""
    plan = _plan(tmp_path, HEAD + (TERMS if terms else "") + f'items:\n  - {{id: r, title: Кружок, when: "{when}"}}\n')
    out = tmp_path / "out"
    assert cli("build", plan, "--out", out).code == 0
    data = (out / "test.ics").read_bytes()
    cal = check_client_rules(data)
    assert len(list(cal.walk("VEVENT"))) == 1, "a recurrence is one rule, not copies"
    assert libical_errors([out / "test.ics"]) == {str(out / "test.ics"): []}
    loaded = load_plan(plan)
    [entry] = interpret(loaded).scheduled
    assert entry.reading is not None and isinstance(entry.reading.when, Recurring)
    expected = [a for a, _ in entry.reading.when.occurrences()]
    read = read_when(when, loaded.academic_year).when.occurrences()
    assert expected == [a for a, _ in read if a not in entry.reading.when.exceptions], "only holidays are taken out"
    for parser, days in expansions(data).items():
        assert days == expected, parser


# Weeks count from the one holding 1 September (a Sunday in 2019), so every other week is 9, 23 September, ...
@pytest.mark.parametrize(("when", "first"), [("еженедельно", date(2019, 9, 2)), ("1 раз в 2 недели", date(2019, 9, 9))])
def test_weekly_markers_start_inside_the_school_year(
    cli: Callable[..., Result], tmp_path: Path, when: str, first: date
) -> None:
    plan = _plan(tmp_path, HEAD + f'items:\n  - {{id: r, title: Кружок, when: "{when}"}}\n')
    assert cli("build", plan, "--out", tmp_path / "out").code == 0
    cal = check_client_rules((tmp_path / "out" / "test.ics").read_bytes())
    [event] = cal.walk("VEVENT")
    assert event["DTSTART"].dt == first, "not on the Monday before 1 September"
    expanded = recurring_ical_events.of(cal).between(date(2019, 8, 1), date(2020, 9, 1))
    assert min(e["DTSTART"].dt for e in expanded) == first


def test_deterministic(cli: Callable[..., Result], tmp_path: Path) -> None:
    plan = _plan(tmp_path, FULL_PLAN)
    assert cli("build", plan, "--out", tmp_path / "a").code == 0
    assert cli("build", plan, "--out", tmp_path / "b").code == 0
    assert (tmp_path / "a" / "test.ics").read_bytes() == (tmp_path / "b" / "test.ics").read_bytes()


def test_unchanged_feed_is_not_rewritten(cli: Callable[..., Result], tmp_path: Path) -> None:
    plan = _example(tmp_path)
    out = tmp_path / "out"
    cli("build", plan, "--out", out)
    feed = out / "rmo-2019-2020.ics"
    before = feed.stat()
    os.utime(plan, (FIXED + 3600, FIXED + 3600))  # touched, not changed
    result = cli("build", plan, "--out", out)
    assert "записано 0, без изменений 1" in result.out and "новых или изменённых 0" in result.out
    after = feed.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_a_change_raises_sequence_and_moves_the_stamps(cli: Callable[..., Result], tmp_path: Path) -> None:
    plan = _example(tmp_path)
    out = tmp_path / "out"
    cli("build", plan, "--out", out)
    first = _events(out / "rmo-2019-2020.ics")
    text = plan.read_text(encoding="utf-8").replace('when: "до 1 октября"', 'when: "до 5 октября"')
    later = FIXED + 86400
    _plan(tmp_path, text, plan.name, mtime=later)
    result = cli("build", plan, "--out", out)
    assert "новых или изменённых 1" in result.out
    second = _events(out / "rmo-2019-2020.ics")
    changed = second["rmo-2019-2020-sdacha-plana"]
    assert int(str(changed["SEQUENCE"])) == 1
    assert changed["LAST-MODIFIED"].dt == changed["DTSTAMP"].dt == datetime.fromtimestamp(later, UTC)
    assert changed["DTSTART"].dt == date(2019, 10, 4)
    for uid, event in second.items():
        if uid != "rmo-2019-2020-sdacha-plana":
            assert int(str(event["SEQUENCE"])) == 0
            assert event["LAST-MODIFIED"].dt == first[uid]["LAST-MODIFIED"].dt
    # A third change of the same item raises it again, even with an unchanged file time.
    _plan(tmp_path, text.replace("до 5 октября", "до 7 октября"), plan.name, mtime=later)
    cli("build", plan, "--out", out)
    third = _events(out / "rmo-2019-2020.ics")["rmo-2019-2020-sdacha-plana"]
    assert int(str(third["SEQUENCE"])) == 2
    assert third["LAST-MODIFIED"].dt > changed["LAST-MODIFIED"].dt


def test_a_removed_item_disappears(cli: Callable[..., Result], tmp_path: Path) -> None:
    plan = _plan(tmp_path, HEAD + "items:\n  - {id: a, title: A, when: май}\n  - {id: b, title: B, when: 19.09}\n")
    out = tmp_path / "out"
    cli("build", plan, "--out", out)
    _plan(tmp_path, HEAD + "items:\n  - {id: a, title: A, when: май}\n", mtime=FIXED + 60)
    cli("build", plan, "--out", out)
    assert set(_events(out / "test.ics")) == {"test-a"}


def test_an_unreadable_item_does_not_stop_the_calendar(cli: Callable[..., Result], tmp_path: Path) -> None:
    good = _plan(tmp_path, HEAD + "items:\n  - {id: a, title: A, when: май}\n", "good.yaml")
    bad = _plan(
        tmp_path,
        'plan: Б\nid: bad\nacademic_year: "2019-2020"\nitems:\n  - {id: a, title: A, when: 31.04}\n'
        "  - {id: b, title: B, when: 5 октября}\n",
        "bad.yaml",
    )
    out = tmp_path / "out"
    result = cli("build", good, bad, "--out", out)
    assert result.code == 1, "cron mails a build with errors"
    assert "bad.yaml:5:" in result.err and "не прочитано пунктов: 1" in result.err
    assert "Traceback" not in result.err
    assert "BEGIN:VEVENT" in (out / "test.ics").read_text(encoding="utf-8")
    feed = (out / "bad.ics").read_text(encoding="utf-8")
    assert "UID:bad-b@" in feed and "UID:bad-a" not in feed, "the readable item is published, the other is not"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Что исправить в плане" in page and "«A» (a)" in page and "В календарь не попал." in page


def test_an_item_that_breaks_keeps_its_published_entries(cli: Callable[..., Result], tmp_path: Path) -> None:
    text = HEAD + "items:\n  - {id: a, title: Совещание, when: 5 октября}\n  - {id: b, title: B, when: по средам}\n"
    plan = _plan(tmp_path, text)
    out = tmp_path / "out"
    assert cli("build", plan, "--out", out).code == 0
    before = (out / "test.ics").read_bytes()
    [event] = [b"BEGIN:VEVENT" + e for e in before.split(b"BEGIN:VEVENT") if b"UID:test-a@" in e]
    event = event[: event.index(b"END:VEVENT") + 12]
    # A typo in the date: the event stays in subscribers' calendars exactly as it was.
    _plan(tmp_path, text.replace("5 октября", "31 сентября"), mtime=FIXED + 60)
    result = cli("build", plan, "--out", out)
    assert result.code == 1 and "показаны, как были до ошибки: 1" in result.err
    after = (out / "test.ics").read_bytes()
    assert event in after, "byte for byte, with its SEQUENCE and stamps"
    assert after.count(b"BEGIN:VEVENT") == 2
    assert "2 события" in result.out, "the kept event is counted"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "«Совещание» (a)" in page and "В календаре показан, как был до ошибки." in page
    # Built again with the error still there: the kept event is still kept (from the feed that kept it).
    assert cli("build", plan, "--out", out).code == 1
    assert event in (out / "test.ics").read_bytes()
    # Fixed: the item is read again and its event updated.
    _plan(tmp_path, text.replace("5 октября", "7 октября"), mtime=FIXED + 120)
    assert cli("build", plan, "--out", out).code == 0
    fixed = (out / "test.ics").read_text(encoding="utf-8")
    assert "DTSTART;VALUE=DATE:20191007" in fixed and "SEQUENCE:1" in fixed


def test_a_plan_that_cannot_be_read_writes_nothing(cli: Callable[..., Result], tmp_path: Path) -> None:
    plan = _plan(tmp_path, HEAD + "items:\n  - {id: a, title: A, when: май}\n")
    out = tmp_path / "out"
    assert cli("build", plan, "--out", out).code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _plan(tmp_path, HEAD + "items:\n  - {id: a, title: A, when: май\n")  # a YAML syntax error
    result = cli("build", plan, "--out", out)
    assert result.code == 1 and "plan.yaml:" in result.err and "Traceback" not in result.err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_quiet_prints_nothing(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("build", _example(tmp_path), "--out", tmp_path / "out", "--quiet")
    assert result.code == 0 and result.out == "" and result.err == ""


def test_plans_and_out_from_config(cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _example(tmp_path)
    (tmp_path / "plan-cal.toml").write_text('plans = ["rmo-2019-2020.yaml"]\nout = "site"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("build")
    assert result.code == 0, result.err
    assert (tmp_path / "site" / "rmo-2019-2020.ics").is_file()


def test_a_crash_leaves_the_old_feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from plan_calendar.build import build
    from plan_calendar.config import Config
    from plan_calendar.errors import PlanError

    plan = _example(tmp_path)
    out = tmp_path / "out"
    build([plan], Config(), out)
    feed = out / "rmo-2019-2020.ics"
    old = feed.read_bytes()
    _plan(tmp_path, plan.read_text(encoding="utf-8").replace("Заседание РМО", "Заседание"), plan.name, FIXED + 60)

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(PlanError, match="disk full"):  # a message naming the folder, not a traceback
        build([plan], Config(), out)
    assert feed.read_bytes() == old
    assert sorted(p.name for p in out.iterdir()) == [".plan-cal.lock", "index.html", "rmo-2019-2020.ics"], (
        "no temporary files"
    )


def test_a_build_pauses_the_cyclic_collector_and_turns_it_back_on(tmp_path: Path) -> None:
    """build() runs without the cyclic GC (plan_calendar.memory) but gives it back, also after an error:
    `serve --watch` and the scheduler build in a long-lived process."""
    import gc

    from plan_calendar.build import build
    from plan_calendar.config import Config
    from plan_calendar.errors import PlanErrors

    try:
        assert gc.isenabled()
        plan = _example(tmp_path)
        build([plan], Config(), tmp_path / "out")
        assert gc.isenabled()
        broken = _plan(tmp_path, "plan: {title: x, year: 2019}\nitems: [", "broken.yaml")
        with pytest.raises(PlanErrors):
            build([broken], Config(), tmp_path / "out2")
        assert gc.isenabled()
        gc.disable()  # a caller that turned it off itself keeps it off
        build([plan], Config(), tmp_path / "out3")
        assert not gc.isenabled()
        gc.enable()
    finally:
        gc.enable()


def test_concurrent_builds(tmp_path: Path) -> None:
    items = "".join(f"  - {{id: i{n}, title: Пункт {n}, when: {1 + n % 28}.{1 + n % 12:02d}}}\n" for n in range(3000))
    plan = _plan(tmp_path, HEAD + "items:\n" + items)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "plan_calendar", "build", str(plan), "--out", str(out), "--quiet"]
    runs = [subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE) for _ in range(3)]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    cal = parse_all((out / "test.ics").read_bytes())
    assert len(list(cal.walk("VEVENT"))) == 3000
    assert sorted(p.name for p in out.iterdir()) == [".plan-cal.lock", "index.html", "test.ics"]


@pytest.mark.parametrize(
    ("config", "fragment", "line"),
    [
        ('[calendar]\ndomian = "x.org"\n', "неизвестный ключ «domian»", 2),
        ('[calendar]\nrefresh = "скоро"\n', "длительность записана непонятно", 2),
        ('[display]\nperiod = "bar"\n', "неизвестный способ показа", 2),
        ('[[feeds]]\nname = "Сроки"\ntitle = "x"\n', "только строчные латинские", 2),
        ('[[feeds]]\nname = "s"\ntitle = "x"\nkinds = ["deadlines"]\n', "неизвестный вид пункта «deadlines»", 4),
        ("[calendar\n", "ошибка в записи TOML", 1),
        ('[calendar]\nurl = "plan.example.org"\n', "должен начинаться с https://", 2),
    ],
)
def test_config_errors(cli: Callable[..., Result], tmp_path: Path, config: str, fragment: str, line: int) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(config, encoding="utf-8")
    result = cli("build", _example(tmp_path), "--out", tmp_path / "out", "--config", path)
    assert result.code == 1
    assert fragment in result.err and f"{path}:{line}" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("calendar", "domain", "warned"),
    [
        ("", "plan-cal.local", True),
        ('url = "https://Plan.School-7.example.ru:8443/rmo/"\n', "plan.school-7.example.ru", False),
        ('url = "https://plan.example.ru/"\ndomain = "rmo.example.org"\n', "rmo.example.org", False),
    ],
)
def test_the_uid_domain(cli: Callable[..., Result], tmp_path: Path, calendar: str, domain: str, warned: bool) -> None:
    config = tmp_path / "plan-cal.toml"
    config.write_text(f"[calendar]\n{calendar}", encoding="utf-8")
    result = cli("build", _example(tmp_path), "--out", tmp_path / "out", "--config", config)
    assert result.code == 0, result.err
    assert {str(e["UID"]).split("@")[1] for e in _events(tmp_path / "out" / "rmo-2019-2020.ics").values()} == {domain}
    assert ("не указан домен" in result.err) is warned


def test_config_example_builds_the_example(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = cli("build", "--config", ROOT / "config.example.toml", "--out", out)
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.glob("*.ics")) == ["rmo-2019-2020.ics", "sroki.ics"]
    deadlines = _events(out / "sroki.ics")
    assert set(deadlines) == {
        "sroki-rmo-2019-2020-sdacha-plana",
        "sroki-rmo-2019-2020-monitoring-fondov",
        "sroki-rmo-2019-2020-itogi-mesyachnika",
        "sroki-rmo-2019-2020-zakaz-uchebnikov",
    }
    assert all(str(e["UID"]).endswith("@plan.example.org") for e in deadlines.values())


def test_parallel_serialisation_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from plan_calendar.build import build
    from plan_calendar.config import Config
    from plan_calendar.ics import serialise

    items = "".join(f"  - {{id: i{n}, title: Пункт {n}, when: {1 + n % 28}.{1 + n % 12:02d}}}\n" for n in range(300))
    plan = _plan(tmp_path, FULL_PLAN + items)
    monkeypatch.setattr(serialise, "PARALLEL_MIN_EVENTS", 10**9)
    build([plan], Config(), tmp_path / "serial")
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(serialise, "PARALLEL_MIN_EVENTS", 2)
    monkeypatch.setattr(os, "fork", counting_fork)
    build([plan], Config(), tmp_path / "parallel")
    assert forks, "the two-process path ran"
    serial = (tmp_path / "serial" / "test.ics").read_bytes()
    assert (tmp_path / "parallel" / "test.ics").read_bytes() == serial
    check_client_rules(serial)


def _run_in_terminal(args: list[str]) -> tuple[int, str]:
    """Run a command with a pseudo-terminal as its stdout and stderr; return its exit code and what it showed."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(args, cwd=ROOT, stdout=slave, stderr=slave, env={**os.environ, "COLUMNS": "100"})
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other end closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return process.wait(timeout=60), shown.decode("utf-8", "replace")


def test_a_large_build_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    items = "".join(f"  - {{id: i{n}, title: Пункт {n}, when: {1 + n % 28}.{1 + n % 12:02d}}}\n" for n in range(2500))
    plan = _plan(tmp_path, FULL_PLAN + items)
    command = [sys.executable, "-m", "plan_calendar", "build", str(plan)]
    code, shown = _run_in_terminal([*command, "--out", str(tmp_path / "tty")])
    assert code == 0, shown
    assert "Сборка календарей" in shown and "100%" in shown
    assert "без даты (не в календаре): 1" in shown  # the summary line follows the bar
    piped = subprocess.run(
        [*command, "--out", str(tmp_path / "pipe")], check=False, cwd=ROOT, capture_output=True, text=True
    )
    assert piped.returncode == 0, piped.stderr
    assert "Сборка календарей" not in piped.stdout + piped.stderr
    quiet_code, quiet_shown = _run_in_terminal([*command, "--out", str(tmp_path / "quiet"), "--quiet"])
    assert quiet_code == 0 and quiet_shown.strip() == ""


def test_timed_feeds_have_a_vtimezone_every_parser_accepts(cli: Callable[..., Result], tmp_path: Path) -> None:
    """No COMMENT in VTIMEZONE (libical's PUBLISH check rejects it), and it covers every event's year."""
    plan = _plan(
        tmp_path,
        HEAD + "organizer: {name: РМО, email: rmo@example.org}\ntimezone: Europe/Berlin\nitems:\n"
        "  - {id: a, title: Совещание, when: по четвергам, time: '13:30'}\n"
        "  - {id: b, title: Семинар, when: '5 ноября 10.00-12.00'}\n"
        "  - {id: c, title: Давнее, when: '12.03.2017 15:00'}\n",
    )
    out = tmp_path / "out"
    result = cli("build", plan, "--out", out)
    assert result.code == 0, result.err
    data = (out / "test.ics").read_bytes()
    check_client_rules(data)
    assert libical_errors([out / "test.ics"]) == {str(out / "test.ics"): []}
    block = data[data.index(b"BEGIN:VTIMEZONE") : data.index(b"END:VTIMEZONE")]
    assert b"COMMENT" not in block
    assert b"TZOFFSETFROM" in block and b"DTSTART:2017" in block, "from the earliest event's year"
    events = _events(out / "test.ics")
    seminar = events["test-b"]
    assert (seminar["DTSTART"].dt.hour, seminar["DTEND"].dt.hour) == (10, 12), "«10.00-12.00» ends at 12:00"
    weekly = events["test-a"]
    assert weekly["DTSTART"].dt.hour == 13 and weekly["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_a_full_disk_names_the_folder(
    cli: Callable[..., Result], tmp_path: Path, small_disk: Callable[..., Path]
) -> None:
    out = small_disk("public", "16k")
    result = cli("build", EXAMPLE, "--out", out, "--quiet")
    assert result.code == 3, result.err
    assert f"«{out}»" in result.err and "нет места" in result.err
    assert "внутренняя ошибка" not in result.err and "Traceback" not in result.err


def test_a_read_only_folder_is_named(
    cli: Callable[..., Result], tmp_path: Path, small_disk: Callable[..., Path]
) -> None:
    out = small_disk("public", read_only=True)
    result = cli("build", EXAMPLE, "--out", out, "--quiet")
    assert result.code == 1, result.err
    assert f"«{out}»" in result.err and "только для чтения" in result.err
    assert "внутренняя ошибка" not in result.err and "Traceback" not in result.err


def test_every_event_of_a_broken_item_is_kept_and_no_live_one_twice(cli: Callable[..., Result], tmp_path: Path) -> None:
    """Two parts on one day (UIDs …-20190905 and …-20190905-2), an id that ends in digits like a day key, and a
    live item whose id starts like a broken one's: all kept events are the broken items' own, each once."""
    text = (
        HEAD + "items:\n"
        "  - {id: b, title: Двойное, when: '5 сентября, 5 сентября 14:00'}\n"
        "  - {id: olymp-20191010, title: Олимпиада, when: '10 октября'}\n"
        "  - {id: b-20191010, title: Живое, when: '11 октября'}\n"
    )
    plan = _plan(tmp_path, text)
    out = tmp_path / "out"
    assert cli("build", plan, "--out", out).code == 0
    before = (out / "test.ics").read_text(encoding="utf-8")
    assert "UID:test-b-20190905-2@" in before
    broken = text.replace("'5 сентября, 5 сентября 14:00'", "'31 сентября'").replace("'10 октября'", "'32 октября'")
    _plan(tmp_path, broken, mtime=FIXED + 60)
    assert cli("build", plan, "--out", out).code == 1
    after = (out / "test.ics").read_text(encoding="utf-8")
    uids = [line for line in after.splitlines() if line.startswith("UID:")]
    assert sorted(uids) == sorted(line for line in before.splitlines() if line.startswith("UID:"))
    assert len(uids) == len(set(uids)) == 4


def test_a_plan_that_cannot_be_read_does_not_stop_the_others(cli: Callable[..., Result], tmp_path: Path) -> None:
    good = _plan(tmp_path, HEAD + "items:\n  - {id: a, title: A, when: май}\n", "good.yaml")
    other = _plan(
        tmp_path,
        'plan: Б\nid: other\nacademic_year: "2019-2020"\nitems:\n  - {id: a, title: A, when: май}\n',
        "other.yaml",
    )
    out = tmp_path / "out"
    assert cli("build", good, other, "--out", out).code == 0
    page = (out / "index.html").read_bytes()
    before = (out / "other.ics").read_bytes()
    _plan(tmp_path, HEAD + "items:\n  - {id: a, title: A, when: июнь}\n", "good.yaml", mtime=FIXED + 60)
    _plan(tmp_path, "plan: Б\nid: other\nitems: [\n", "other.yaml", mtime=FIXED + 60)  # a YAML syntax error
    result = cli("build", good, other, "--out", out)
    assert result.code == 1 and "other.yaml:" in result.err and "не прочитано планов: 1" in result.err
    assert "DTSTART;VALUE=DATE:20200601" in (out / "test.ics").read_text(encoding="utf-8"), "the good plan is built"
    assert (out / "other.ics").read_bytes() == before and (out / "index.html").read_bytes() == page
