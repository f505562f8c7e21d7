"""One test per bug found, named after it."""

from __future__ import annotations

from pathlib import Path

import yaml

from feedcheck import check_client_rules
from plan_calendar.config import Config
from plan_calendar.feeds import build, fold_line, repair_folds


def test_fold_never_splits_an_escaped_backslash(tmp_path: Path) -> None:
    """icalendar 7.3.2 moved one backslash of a complete ``\\\\`` escape to the next line (found by hypothesis;
    upstream collective/icalendar#1501 fixed only a lone trailing backslash)."""
    plan = {
        "plan": "Тест",
        "id": "t",
        "academic_year": "2019-2020",
        "items": [{"id": "a", "title": ":", "when": "январь, май", "responsible": [";;;;;;;", ";\\«"]}]
        + [{"id": f"b{n}", "title": ":", "when": "1.01"} for n in range(6)],
    }
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    build([path], Config(), tmp_path / "out")
    check_client_rules((tmp_path / "out" / "t.ics").read_bytes())


def test_fold_line_keeps_escapes_and_characters_whole() -> None:
    for prefix in range(60, 80):
        line = "DESCRIPTION:" + "ж" * (prefix // 2) + "x" * (prefix % 2) + "\\\\\\;\\,\\n" * 5 + "ё" * 40
        folded = fold_line(line)
        physical = folded.split("\r\n ")
        assert "".join(physical) == line
        for n, part in enumerate(physical):
            assert len(part.encode("utf-8")) <= (75 if n == 0 else 74)
            run = len(part) - len(part.rstrip("\\"))
            assert run % 2 == 0 or n == len(physical) - 1


def test_repair_leaves_good_feeds_untouched() -> None:
    data = b"BEGIN:VCALENDAR\r\nSUMMARY:abc\\\\\r\n def\r\nEND:VCALENDAR\r\n"
    assert repair_folds(data) == data
    broken = b"BEGIN:VCALENDAR\r\nSUMMARY:abc\\\\\\\r\n \\def\r\nEND:VCALENDAR\r\n"
    assert repair_folds(broken) == b"BEGIN:VCALENDAR\r\nSUMMARY:abc\\\\\\\\def\r\nEND:VCALENDAR\r\n"
