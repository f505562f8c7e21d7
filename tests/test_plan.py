"""Reading plans through the package API: terms, defaults, item times, settings."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, time
from pathlib import Path

from conftest import EXAMPLE, Result
from plan_calendar import interpret, load_plan
from plan_calendar.plan import Kind
from plan_calendar.when import Day, Deadline, Recurring, Span
from plan_calendar.yamlplan import parse_plan

HEAD = 'plan: Тест\nacademic_year: "2019-2020"\n'


def test_the_plans_terms_replace_the_approximation() -> None:
    plan = parse_plan(
        HEAD + "terms:\n"
        "  - {name: I четверть, start: 2019-09-02, end: 2019-10-27}\n"
        "  - {name: осенние каникулы, start: 28.10.2019, end: 04.11.2019}\n"
        "  - {name: II четверть, start: 2019-11-05, end: 2019-12-29}\n"
        "items:\n"
        "  - {id: a, title: A, when: I четверть}\n"
        "  - {id: b, title: B, when: первое полугодие}\n"
        "  - {id: c, title: C, when: осенние каникулы}\n"
        "  - {id: d, title: D, when: III четверть}\n"
        "  - {id: e, title: E, when: по средам}\n"
    )
    schedule = interpret(plan)
    readings = {e.item.id: e.reading for e in schedule.scheduled}
    assert readings["a"] is not None and readings["a"].when == Span(
        date(2019, 9, 2), date(2019, 10, 27), readings["a"].when.shape, "I четверть"
    )
    assert not readings["a"].warnings
    half = readings["b"].when
    assert isinstance(half, Span) and (half.start, half.end) == (date(2019, 9, 2), date(2019, 12, 29))
    holidays = readings["c"].when
    assert isinstance(holidays, Span) and holidays.start == date(2019, 10, 28)
    # A term the plan does not give still falls back to the approximation, with a warning.
    assert readings["d"] is not None and readings["d"].warnings
    # Recurrences start on the first school day of the plan's own terms.
    weekly = readings["e"].when
    assert isinstance(weekly, Recurring) and weekly.occurrences()[0] == (date(2019, 9, 4), date(2019, 9, 4))


def test_item_time_defaults_and_kind() -> None:
    plan = parse_plan(
        HEAD + "defaults:\n  time: '15:00'\n  location: ИМЦ\n  kind: seminar\n"
        "items:\n"
        "  - {id: a, title: A, when: 19.09}\n"
        "  - {id: b, title: B, when: 19.09 10:00, location: Школа 5, kind: meeting, duration: 1h30m}\n"
        "  - {id: c, title: C, when: '23.09, 24.09'}\n"
    )
    entries = {e.item.id: e for e in interpret(plan).scheduled}
    assert entries["a"].reading is not None
    assert entries["a"].reading.when == Day(date(2019, 9, 19), time(15, 0))
    assert entries["a"].item.location == "ИМЦ" and entries["a"].item.kind is Kind.SEMINAR
    b = entries["b"]
    assert b.reading is not None and b.reading.when == Day(date(2019, 9, 19), time(10, 0))
    assert b.item.location == "Школа 5" and b.item.kind is Kind.MEETING
    assert b.item.duration is not None and b.item.duration.total_seconds() == 90 * 60
    assert any("взято 10:00" in w for w in b.reading.warnings)
    assert entries["c"].reading is not None
    assert [p.time for p in entries["c"].reading.when.parts] == [time(15, 0)] * 2


def test_until_inclusive_is_a_plan_setting() -> None:
    plan = parse_plan(HEAD + "until_inclusive: true\nitems:\n  - {id: a, title: A, when: до 1 октября}\n")
    reading = interpret(plan).scheduled[0].reading
    assert reading is not None and reading.when == Deadline(date(2019, 10, 1))


def test_example_plan_has_all_fifteen_rows() -> None:
    plan = load_plan(EXAMPLE)
    assert len(plan.items) == 15
    assert [i.when for i in plan.items][:3] == ["19.09.", "05 сентября", "до 1 октября"]
    assert plan.items[10].when == "девраль"
    assert plan.items[0].agenda[3].startswith("Библиотечный бенефис")
    assert plan.description is not None and plan.description.startswith("Методическая тема")


def test_check_several_plans(cli: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    good = write_plan(HEAD + "items:\n  - {id: a, title: A, when: май}\n", "good.yaml")
    bad = write_plan(HEAD + "items:\n  - {id: a, title: A, when: 31.04}\n", "bad.yaml")
    result = cli("check", good, bad)
    assert result.code == 1
    assert "good.yaml" in result.out and "bad.yaml:4:" in result.out
    docs = cli("check", "--json", good, EXAMPLE).out
    decoder, pos, count = json.JSONDecoder(), 0, 0
    while pos < len(docs.strip()):
        _, end = decoder.raw_decode(docs, pos)
        pos = end + 1
        count += 1
    assert count == 2


def test_russian_kind_remind_and_duration() -> None:
    from datetime import timedelta

    from plan_calendar.plan import Kind

    text = HEAD + (
        "items:\n"
        "  - {id: a, title: A, when: 19.09, kind: заседание, duration: 1 час 30 минут, remind: [7 дней, 1 день]}\n"
        "  - {id: b, title: B, when: 19.09, kind: Семинар, duration: 45 мин, remind: [2 недели, 3 часа]}\n"
        "  - {id: c, title: C, when: май, kind: акция, remind: '7 дней, 1 день'}\n"
        "  - {id: d, title: D, when: до 1 мая, kind: срок, duration: 2 ч}\n"
        "  - {id: e, title: E, when: май, kind: задача}\n"
        "  - {id: f, title: F, when: май, kind: консультация}\n"
        "  - {id: g, title: G, when: май, kind: мероприятие}\n"
        "  - {id: h, title: H, when: май, kind: meeting, duration: 1h30m, remind: [7d]}\n"
    )
    items = {i.id: i for i in parse_plan(text).items}
    assert [items[k].kind for k in "abcdefgh"] == [
        Kind.MEETING,
        Kind.SEMINAR,
        Kind.CAMPAIGN,
        Kind.DEADLINE,
        Kind.TASK,
        Kind.CONSULTATION,
        Kind.EVENT,
        Kind.MEETING,
    ]
    assert items["a"].duration == items["h"].duration == timedelta(minutes=90)
    assert items["b"].duration == timedelta(minutes=45) and items["d"].duration == timedelta(hours=2)
    assert items["a"].remind == items["c"].remind == (timedelta(days=7), timedelta(days=1))
    assert items["b"].remind == (timedelta(days=14), timedelta(hours=3))


def test_russian_durations_that_are_not() -> None:
    for value in ("remind: [семь дней]", "duration: 30 минут 1 час", "remind: [5 мая]"):
        plan = parse_plan(HEAD + f"items:\n  - id: a\n    title: A\n    when: май\n    {value}\n")
        [(item_id, error)] = plan.broken
        assert item_id == "a" and error.source is not None and error.source.line == 7, error
