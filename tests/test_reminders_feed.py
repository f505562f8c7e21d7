"""Reminders say what is true when they are sent, and carry the feed's own events (issue 11).

Daily `plan-cal remind` runs against a real SMTP server (aiosmtpd) over two months of a plan with school holidays,
a weekly meeting with a time, a two-day item, deadlines and a list of days, starting with a late first run; every
attachment is compared with the feed `plan-cal build` writes from the same plan and settings.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from conftest import Result
from feedcheck import check_client_rules, libical_errors
from smtpserver import Server

PLAN = """\
plan: План работы РМО
id: p
academic_year: "2019-2020"
terms:
  - {name: I четверть, start: 2019-09-02, end: 2019-10-27}
  - {name: осенние каникулы, start: 2019-10-28, end: 2019-11-04}
  - {name: II четверть, start: 2019-11-05, end: 2019-12-28}
  - {name: зимние каникулы, start: 2019-12-29, end: 2020-01-08}
  - {name: III четверть, start: 2020-01-09, end: 2020-03-20}
  - {name: весенние каникулы, start: 2020-03-21, end: 2020-03-29}
  - {name: IV четверть, start: 2020-03-30, end: 2020-05-29}
items:
  - {id: sovet, title: Совещание, when: по четвергам, time: "13:30"}
  - {id: seminar, title: Семинар, when: 12-13 ноября}
  - {id: otchet, title: Отчёт, when: до 15 ноября}
  - {id: spisok, title: Список, when: до 2 ноября}
  - {id: vstrechi, title: Встреча, when: "5 ноября, 12 ноября"}
  - {id: monitoring, title: Мониторинг, when: декабрь}
"""


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as s:
        yield s


def _setup(tmp_path: Path, port: int, *, catch_up: str = "7d", extra: str = "") -> tuple[Path, Path]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    config = tmp_path / "plan-cal.toml"
    config.write_text(
        f'plans = ["plan.yaml"]\n[calendar]\nurl = "https://plan.example.org/"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nsender = "РМО <rmo@example.org>"\n'
        f'timeout = 5\n[reminders]\nrecipients = ["lib@example.org"]\nstate = "state.sqlite3"\n'
        f'catch_up = "{catch_up}"\n{extra}',
        encoding="utf-8",
    )
    return plan, config


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _bytes(attachment: EmailMessage) -> bytes:
    data = attachment.get_payload(decode=True)
    assert isinstance(data, bytes)
    return data


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def test_two_months_of_daily_runs_carry_the_feeds_events(
    cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    _, config = _setup(tmp_path, server.port)
    out = tmp_path / "public"
    assert cli("build", "--config", config, "--out", out).code == 0
    feed = icalendar.Calendar.from_ical((out / "p.ics").read_bytes())
    feed_events = {str(e["UID"]): e for e in feed.walk("VEVENT")}

    # The first run is late (6 November: the machine was off during the holidays), then one run every morning.
    moments = [datetime(2019, 11, 6, 10, 0)]
    moments += [datetime(2019, 11, 7, 9, 30) + timedelta(days=n) for n in range(55)]
    for moment in moments:
        result = cli("remind", "--config", config, "--at", moment.isoformat(timespec="minutes"), "--quiet")
        assert result.code == 0, (moment, result.err)

    messages = server.recorder.parsed()
    assert messages, "reminders went out"
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        rows = list(db.execute("SELECT item, occurrence, lead, status, message_id FROM reminders"))
    sent = [r for r in rows if r[3] == "sent"]
    assert len({m["Message-ID"] for m in messages}) == len(messages), "each letter once"
    by_letter: dict[str, set[str]] = {}
    for item, occurrence, _lead, _status, message_id in sent:
        by_letter.setdefault(message_id, set()).add(f"{item}-{occurrence.replace('-', '')}.ics")
    checked_repeats = 0
    for message in messages:
        attachments = list(message.iter_attachments())
        # Every reminder in the letter carries its event: repeats and several-day items included.
        assert {a.get_filename() for a in attachments} == by_letter[message["Message-ID"]], message["Subject"]
        for attachment in attachments:
            cal = check_client_rules(_bytes(attachment))
            [event] = cal.walk("VEVENT")
            uid = str(event["UID"])
            assert uid in feed_events, f"{uid} is not an event of the feed"
            published = feed_events[uid]
            start = event["DTSTART"].dt
            if "RECURRENCE-ID" in event:
                # One occurrence of the feed's repetition: an instance of its rule, with the same length.
                assert "RRULE" in published and "RRULE" not in event
                assert event["RECURRENCE-ID"].dt == start
                instances = recurring_ical_events.of(feed).at(_day(start))  # type: ignore[arg-type]
                assert [e["DTSTART"].dt for e in instances if str(e["UID"]) == uid] == [start]
                assert event["DTEND"].dt - start == published["DTEND"].dt - published["DTSTART"].dt
                checked_repeats += 1
            else:
                assert "RRULE" not in published, uid
                assert (start, event["DTEND"].dt) == (published["DTSTART"].dt, published["DTEND"].dt)
            assert str(event["SUMMARY"]) == str(published["SUMMARY"])
            # The feed's version: an occurrence has its series' SEQUENCE and LAST-MODIFIED.
            assert event["SEQUENCE"] == published["SEQUENCE"], uid
            assert event["LAST-MODIFIED"].dt == published["LAST-MODIFIED"].dt, uid
    assert checked_repeats >= 6, "every Wednesday's letter carries that Thursday's meeting"

    texts = [(m["Date"], _text(m)) for m in messages]
    meetings = [t for _, t in texts if "Совещание" in t]
    assert meetings and all("13:30" in t for t in meetings), "the meeting's time is in every reminder of it"
    assert not any("2 января" in t for _, t in texts), "no meeting on a public holiday"
    # The late first run: nothing about 5 November (over by then), the deadline counted from 6 November.
    first = texts[0][1]
    assert "Встреча" not in first and " 5 ноября 2019" not in first, first
    assert "7 ноября 2019 г., четверг, 13:30 — завтра" in first, "tomorrow is 7 November on 6 November"
    assert "срок — 14 ноября 2019 г., четверг — через 8 дней" in first, first
    assert "срок — 1 ноября 2019 г., пятница — срок прошёл 5 дней назад" in first, first
    # Dated on the day it goes out (the meeting's reminder was due at 09:00 that day), not on 31 October.
    assert texts[0][0] == "Wed, 06 Nov 2019 09:00:00 +0300"
    missed = {(r[0], r[1]) for r in rows if r[3] == "missed"}
    assert ("vstrechi", "2019-11-05") in missed, "the reminder of an event already over is recorded, not sent"
    assert not [r for r in sent if (r[0], r[1]) == ("vstrechi", "2019-11-05")]
    # Each reminder once: no key twice, whatever the number of runs.
    keys = [(r[0], r[1], r[2]) for r in sent]
    assert len(keys) == len(set(keys))
    assert {("sovet", "2019-11-14"), ("seminar", "2019-11-12"), ("vstrechi", "2019-11-12")} <= {
        (r[0], r[1]) for r in sent
    }


def test_the_attachments_pass_libical(cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    """Emailed events (a repeat's occurrence with RECURRENCE-ID, a day of a list, a two-day item, a deadline, a
    month) pass libical's RFC 5546 check, as the feed does."""
    _, config = _setup(tmp_path, server.port, extra='before_deadline = ["1d"]\n')
    for moment in ("2019-11-11T09:00", "2019-11-13T09:00", "2019-12-02T09:00"):
        assert cli("remind", "--config", config, "--at", moment).code == 0
    files = []
    for n, message in enumerate(server.recorder.parsed()):
        for m, attachment in enumerate(message.iter_attachments()):
            path = tmp_path / f"attachment-{n}-{m}.ics"
            path.write_bytes(_bytes(attachment))
            files.append(path)
    assert len(files) >= 5
    assert libical_errors(files) == {str(f): [] for f in files}


def test_a_catch_up_run_counts_from_the_day_it_runs(cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    _, config = _setup(tmp_path, server.port, extra='before_event = ["1d"]\nbefore_deadline = ["3d"]\n')
    # The reminders of 12-13 November (the 11th) and of the deadline 14 November (the 11th) go out a day late.
    result = cli("remind", "--config", config, "--at", "2019-11-12T12:00")
    assert result.code == 0, result.err
    [message] = server.recorder.parsed()
    text = _text(message)
    assert "12 ноября 2019 г., вторник – 13 ноября 2019 г., среда — сегодня" in text, text
    assert "срок — 14 ноября 2019 г., четверг — через 2 дня" in text, text
    assert "завтра" not in text


def test_every_reminder_of_a_weekly_meeting_shows_its_time_and_carries_its_day(
    cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    _, config = _setup(tmp_path, server.port, catch_up="1h")
    for moment in ("2019-11-13T09:00", "2019-11-20T09:00"):
        assert cli("remind", "--config", config, "--at", moment).code == 0
    first, second = server.recorder.parsed()
    assert "14 ноября 2019 г., четверг, 13:30 — завтра" in _text(first)
    assert "21 ноября 2019 г., четверг, 13:30 — завтра" in _text(second)
    [attachment] = list(second.iter_attachments())
    [event] = icalendar.Calendar.from_ical(_bytes(attachment)).walk("VEVENT")
    assert str(event["UID"]) == "p-sovet@plan.example.org"
    assert event["RECURRENCE-ID"].dt.isoformat() == "2019-11-21T13:30:00+03:00"
    assert event["RECURRENCE-ID"].params["TZID"] == "Europe/Moscow"


def test_one_day_of_a_list_of_days_is_that_days_event(
    cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    _, config = _setup(tmp_path, server.port, catch_up="1h")
    assert cli("remind", "--config", config, "--at", "2019-11-11T09:00").code == 0
    [message] = server.recorder.parsed()
    uids = set()
    for attachment in message.iter_attachments():
        [event] = icalendar.Calendar.from_ical(_bytes(attachment)).walk("VEVENT")
        uids.add(str(event["UID"]))
    assert {"p-vstrechi-20191112@plan.example.org", "p-seminar@plan.example.org"} <= uids
    assert not [uid for uid in uids if uid.startswith("p-vstrechi") and uid != "p-vstrechi-20191112@plan.example.org"]


def test_a_reminder_of_an_event_already_over_is_not_sent(
    cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    _, config = _setup(tmp_path, server.port)
    dry = cli("remind", "--config", config, "--at", "2019-11-06T10:00", "--dry-run")
    assert "Встреча" not in dry.out
    result = cli("remind", "--config", config, "--at", "2019-11-06T10:00")
    assert result.code == 0, result.err
    assert "уже прошедших событиях не отправлено: 1" in result.out, result.out
    assert "Встреча" not in _text(server.recorder.parsed()[0])


def test_an_attachment_says_the_feeds_version_of_its_event(
    cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    """A client that has the feed's event sees the emailed one as the same version, not an older one (SEQUENCE 0)
    or a newer one; an event changed in the plan since the build is one version newer, as the next build makes it."""
    plan, config = _setup(tmp_path, server.port, catch_up="1h", extra='before_deadline = ["1d"]\n')
    out = tmp_path / "public"

    def build(text: str, mtime: float) -> dict[str, icalendar.Component]:
        plan.write_text(text, encoding="utf-8")
        os.utime(plan, (mtime, mtime))
        assert cli("build", "--config", config, "--out", out).code == 0
        feed = icalendar.Calendar.from_ical((out / "p.ics").read_bytes())
        return {str(e["UID"]): e for e in feed.walk("VEVENT")}

    def attachments(moment: str) -> dict[str, icalendar.Component]:
        before = len(server.recorder.parsed())
        assert cli("remind", "--config", config, "--at", moment).code == 0
        found = {}
        for message in server.recorder.parsed()[before:]:
            for attachment in message.iter_attachments():
                [event] = icalendar.Calendar.from_ical(_bytes(attachment)).walk("VEVENT")
                found[str(event["UID"])] = event
        return found

    build(PLAN, 1_570_000_000)
    changed = PLAN.replace('time: "13:30"', 'time: "14:00"').replace("до 15 ноября", "до 16 ноября")
    feed = build(changed, 1_571_000_000)
    sovet, otchet = "p-sovet@plan.example.org", "p-otchet@plan.example.org"
    assert (feed[sovet]["SEQUENCE"], feed[otchet]["SEQUENCE"]) == (1, 1)

    sent = attachments("2019-11-13T09:00")  # the meeting of 14 November (an occurrence)
    assert "RECURRENCE-ID" in sent[sovet]
    assert sent[sovet]["SEQUENCE"] == 1
    assert sent[sovet]["LAST-MODIFIED"].dt == feed[sovet]["LAST-MODIFIED"].dt

    # Edited again, not built yet: the emailed events are the versions the next build will write.
    edited = changed.replace("Отчёт", "Отчёт о работе").replace("Совещание", "Совещание методсовета")
    plan.write_text(edited, encoding="utf-8")
    os.utime(plan, (1_572_000_000, 1_572_000_000))
    sent = attachments("2019-11-14T09:00")  # «до 16 ноября» is due on the 15th, reminded a day before
    sent.update(attachments("2019-11-20T09:00"))  # the meeting of 21 November
    assert str(sent[otchet]["SUMMARY"]).endswith("Отчёт о работе")
    assert str(sent[sovet]["SUMMARY"]).endswith("Совещание методсовета") and "RECURRENCE-ID" in sent[sovet]
    feed = build(edited, 1_572_000_000)
    for uid in (otchet, sovet):
        assert sent[uid]["SEQUENCE"] == feed[uid]["SEQUENCE"] == 2, uid
        assert sent[uid]["LAST-MODIFIED"].dt == feed[uid]["LAST-MODIFIED"].dt, uid
