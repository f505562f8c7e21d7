"""The shared rules of written values (plan_calendar.validation): each is one rule for plans and settings alike."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from plan_calendar.configfile import parse_config
from plan_calendar.errors import ConfigError, PlanErrors
from plan_calendar.validation import did_you_mean, is_address, is_id, parse_clock
from plan_calendar.yamlplan import parse_plan

HEAD = 'plan: Тест\nacademic_year: "2019-2020"\n'


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("lib@example.org", True),
        ("иван@пример.рф", True),
        ('a"b@example.org', False),  # quotes: one rule for organizers, recipients and notify
        ("Lib <lib@example.org>", False),
        ("a@b", False),
        ("a b@example.org", False),
        ("a@example.org,b@example.org", False),
    ],
)
def test_one_address_rule_everywhere(text: str, ok: bool, tmp_path: Path) -> None:
    assert is_address(text) is ok
    organizer = HEAD + f"organizer: {{name: РМО, email: '{text}'}}\nitems:\n  - {{id: a, title: A, when: май}}\n"
    notify = HEAD + f"items:\n  - {{id: a, title: A, when: май, notify: ['{text}']}}\n"
    if ok:
        assert parse_plan(organizer).organizer is not None
        assert parse_plan(notify).items[0].notify == (text,)
    else:
        with pytest.raises(PlanErrors):
            parse_plan(organizer)
        assert not parse_plan(notify).items
    for toml in (f"[calendar]\norganizer_email = '{text}'\n", f"[reminders]\nrecipients = ['{text}']\n"):
        if ok:
            parse_config(toml, tmp_path / "plan-cal.toml")
        else:
            with pytest.raises(ConfigError, match="не похож"):
                parse_config(toml, tmp_path / "plan-cal.toml")


def test_ids() -> None:
    assert is_id("rmo-2019-2020") and is_id("a") and is_id("1-a")
    assert not any(is_id(text) for text in ("", "-a", "A", "a_b", "план", "a b"))


@pytest.mark.parametrize(
    ("text", "dot", "seconds", "expected"),
    [
        ("14:00", False, False, time(14, 0)),
        (" 9:05 ", False, False, time(9, 5)),
        ("14.30", True, False, time(14, 30)),
        ("14.30", False, True, None),
        ("09:00:30", False, True, time(9, 0, 30)),
        ("09:00:30", True, False, None),
        ("24:00", True, True, None),
        ("12:60", True, True, None),
        ("12:00:60", True, True, None),
        ("9", True, True, None),
    ],
)
def test_times_of_day(text: str, dot: bool, seconds: bool, expected: time | None) -> None:
    assert parse_clock(text, dot=dot, seconds=seconds) == expected


def test_did_you_mean() -> None:
    assert did_you_mean("whne", ("title", "when"), "нет") == "Может быть, «when»?"
    assert did_you_mean("совсем-не-то", ("title", "when"), "нет") == "нет"
