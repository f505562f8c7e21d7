"""Random valid plans → feeds that every parser accepts, with one entry per dated part."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from babel.dates import get_month_names
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedcheck import check_client_rules
from plan_calendar import interpret, load_plan
from plan_calendar.config import Config
from plan_calendar.feeds import build
from plan_calendar.when import Recurring, Several, Undated

GENITIVE = [str(get_month_names("wide", context="format", locale="ru")[m]) for m in range(1, 13)]
NOMINATIVE = [str(get_month_names("wide", context="stand-alone", locale="ru")[m]) for m in range(1, 13)]


@st.composite
def whens(draw: st.DrawFn) -> str:
    m = draw(st.integers(1, 12))
    d = draw(st.integers(1, 27))
    shapes = [
        f"{d}.{m:02d}",
        f"{d} {GENITIVE[m - 1]}",
        f"до {d} {GENITIVE[m - 1]}",
        f"{d}-{d + 1} {GENITIVE[m - 1]}",
        NOMINATIVE[m - 1],
        f"начало {GENITIVE[m - 1]}",
        f"{d}.{m:02d} {draw(st.integers(8, 20))}:30",
        "по средам",
        "2-я среда каждого месяца",
        f"{d}.{m:02d}, {d + 1}.{m:02d}",
        f"{NOMINATIVE[m - 1]}, {NOMINATIVE[(m + 3) % 12]}",
        "в течение года",
        "по плану",
        "I четверть",
        "1 раз в четверть",
        "в конце четверти",
        "конец II четверти",
        "I-II четверть",
        "в конце учебного года",
        "в течение месяца",
        "до 5 числа каждого месяца",
        "1 раз в 2 недели",
        "каждые 3 месяца",
        "в конце каждого месяца",
        "ежемесячно, последняя неделя",
        "пн-пт",
        "в каникулы",
        f"{NOMINATIVE[m - 1]}, 2 неделя",
        "ежемесячно",
        f"с {d} {GENITIVE[m - 1]}",
    ]
    return draw(st.sampled_from(shapes))


TEXT = st.text(
    alphabet=st.sampled_from([*"абвгдеёжзийклмнопрстуфхцчшщъыьэюя АБВГ,;:\\\"'«»–—()!?.\n", "😀"]),
    min_size=1,
    max_size=120,
).filter(lambda s: s.strip())

ITEM = st.fixed_dictionaries(
    {"title": TEXT, "when": whens()},
    optional={
        "kind": st.sampled_from(["meeting", "seminar", "event", "campaign", "deadline", "task", "consultation"]),
        "time": st.sampled_from(["09:00", "14:30"]),
        "agenda": st.lists(TEXT, max_size=3),
        "responsible": st.lists(TEXT, max_size=2),
        "location": TEXT,
        "tags": st.lists(st.sampled_from(["заседание", "срок", "РМО"]), max_size=2),
    },
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ITEM, min_size=1, max_size=12), st.booleans())
def test_random_plans_give_valid_feeds(items: list[dict[str, object]], alarms: bool) -> None:
    for n, item in enumerate(items):
        item["id"] = f"item-{n}"
    plan_data = {
        "plan": "Случайный план",
        "id": "random",
        "academic_year": "2019-2020",
        "organizer": {"name": "РМО", "email": "rmo@example.org"},
        "items": items,
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.yaml"
        path.write_text(yaml.safe_dump(plan_data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        from dataclasses import replace

        config = Config()
        config = replace(config, calendar=replace(config.calendar, alarms=alarms))
        build([path], config, Path(tmp) / "out")
        cal = check_client_rules((Path(tmp) / "out" / "random.ics").read_bytes())
        schedule = interpret(load_plan(path))
    expected = 0
    for entry in schedule.entries:
        assert entry.reading is not None
        when = entry.reading.when
        if isinstance(when, Undated):
            continue
        for part in when.parts if isinstance(when, Several) else (when,):
            expected += len(part.periods) if isinstance(part, Recurring) and part.rule is None else 1
    assert len(list(cal.walk("VEVENT"))) == expected
