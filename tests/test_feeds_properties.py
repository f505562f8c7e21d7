"""Random valid plans → feeds that every parser accepts, with one entry per dated part."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import yaml
from babel.dates import get_month_names
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedcheck import check_client_rules, libical_errors
from plan_calendar import interpret, load_plan
from plan_calendar.build import build
from plan_calendar.config import Config
from plan_calendar.reminders.compose import compose
from plan_calendar.reminders.rules import reminders_between
from plan_calendar.schedule import Schedule
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
        f"{d}.{m:02d} 11.00-13.00",
        f"{d}-{d + 1} {GENITIVE[m - 1]}",
        "по средам",
        "по четвергам в 13.30",
        "вт, чт 14:00",
        "по средам, кроме каникул",
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
        "2 раза в год",
        f"{d}.{m:02d} 10:00, {d + 1}.{m:02d} 15:00",
        "12.03.2017 15:00",
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


ZONES = ["Europe/Moscow", "Europe/Kaliningrad", "Asia/Yekaterinburg", "Asia/Vladivostok", "Europe/Berlin"]
TERMS = [
    {"name": "I четверть", "start": "2019-09-02", "end": "2019-10-27"},
    {"name": "осенние каникулы", "start": "2019-10-28", "end": "2019-11-04"},
    {"name": "II четверть", "start": "2019-11-05", "end": "2019-12-28"},
    {"name": "зимние каникулы", "start": "2019-12-29", "end": "2020-01-08"},
    {"name": "III четверть", "start": "2020-01-09", "end": "2020-03-20"},
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(ITEM, min_size=1, max_size=12),
    st.booleans(),
    st.sampled_from(ZONES),
    st.sampled_from(ZONES),
    st.booleans(),
    st.booleans(),
)
def test_random_plans_give_valid_feeds(
    items: list[dict[str, object]], alarms: bool, zone: str, reminder_zone: str, terms: bool, organizer: bool
) -> None:
    """Any plan (times, several time zones, every date shape) gives a feed every parser and libical accept, and
    every reminder's attachment is an event of that feed that they accept too."""
    for n, item in enumerate(items):
        item["id"] = f"item-{n}"
    plan_data: dict[str, object] = {
        "plan": "Случайный план",
        "id": "random",
        "academic_year": "2019-2020",
        "timezone": zone,
        **({"organizer": {"name": "РМО", "email": "rmo@example.org"}} if organizer else {}),
        **({"terms": TERMS} if terms else {}),
        "items": items,
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.yaml"
        path.write_text(yaml.safe_dump(plan_data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        from dataclasses import replace

        config = Config()
        config = replace(
            config,
            calendar=replace(config.calendar, alarms=alarms),
            reminders=replace(config.reminders, recipients=("lib@example.org",), timezone=reminder_zone),
        )
        build([path], config, Path(tmp) / "out")
        feed_path = Path(tmp) / "out" / "random.ics"
        cal = check_client_rules(feed_path.read_bytes())
        schedule = interpret(load_plan(path))
        attachments = _attachments(schedule, config, Path(tmp))
        assert libical_errors([feed_path, *attachments]) == {str(p): [] for p in [feed_path, *attachments]}
        for attachment in attachments:
            _is_an_event_of(check_client_rules(attachment.read_bytes()), cal)
    expected = 0
    for entry in schedule.scheduled:
        assert entry.reading is not None
        when = entry.reading.when
        if isinstance(when, Undated):
            continue
        for part in when.parts if isinstance(when, Several) else (when,):
            expected += len(part.periods) if isinstance(part, Recurring) and part.rule is None else 1
    assert len(list(cal.walk("VEVENT"))) == expected


def _attachments(schedule: Schedule, config: Config, folder: Path) -> list[Path]:
    """The .ics attachment of every reminder of the school year, written to files."""
    zone = ZoneInfo(config.reminders.timezone)
    start, end = datetime(2016, 9, 1, tzinfo=zone), datetime(2020, 9, 1, tzinfo=zone)
    reminders = reminders_between([schedule], config, start, end)
    out = []
    for message in compose(reminders, config, end):
        for n, part in enumerate(message.email.iter_attachments()):
            data = part.get_payload(decode=True)
            assert isinstance(data, bytes)
            path = folder / f"attachment-{n}.ics"
            path.write_bytes(data)
            out.append(path)
    assert len(out) == len({(r.target.entry.uid_stem, r.target.entry.recurrence_id) for r in reminders})
    return out


def _is_an_event_of(attachment: icalendar.Calendar, feed: icalendar.Calendar) -> None:
    """The attachment's event is the feed's: its UID, and for one occurrence an instance of the feed's rule."""
    [event] = attachment.walk("VEVENT")
    uid = str(event["UID"])
    published = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    assert uid in published, uid
    start = event["DTSTART"].dt
    if "RECURRENCE-ID" in event:
        day = start.date() if isinstance(start, datetime) else start
        assert isinstance(day, date)
        starts = [e["DTSTART"].dt for e in recurring_ical_events.of(feed).at(day) if str(e["UID"]) == uid]
        assert event["RECURRENCE-ID"].dt == start and start in starts, (uid, start, starts)
    else:
        assert (start, event["DTEND"].dt) == (published[uid]["DTSTART"].dt, published[uid]["DTEND"].dt)
