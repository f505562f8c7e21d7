"""One test per bug found, named after it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from conftest import Result
from feedcheck import check_client_rules
from plan_calendar.build import build
from plan_calendar.config import Config
from plan_calendar.ics.folding import fold_line, repair_folds


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


def _open_ledger(path: str, barrier: Any) -> str | None:
    from plan_calendar.reminders.sqliteledger import SqliteLedger

    barrier.wait()
    try:
        with SqliteLedger(Path(path)) as ledger:
            ledger.last_run()
    except Exception as exc:
        return repr(exc)
    return None


def test_runs_starting_together_on_a_new_state_file(tmp_path: Path) -> None:
    """Switching a new SQLite file to WAL answered 'database is locked' at once (no busy wait) to a second run
    starting at the same moment: `remind` and the scheduler then died with an internal error."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with context.Manager() as manager, context.Pool(6) as pool:
        for trial in range(40):  # the bug hit about one trial in ten
            barrier = manager.Barrier(6)
            path = str(tmp_path / f"state-{trial}.sqlite3")
            assert pool.starmap(_open_ledger, [(path, barrier)] * 6) == [None] * 6


def test_a_state_file_that_is_not_a_database(cli: Callable[..., Result], tmp_path: Path) -> None:
    from conftest import EXAMPLE

    (tmp_path / "state.sqlite3").write_bytes(b"not a database, but a file someone put here\n" * 100)
    config = tmp_path / "plan-cal.toml"
    config.write_text(
        f'plans = ["{EXAMPLE}"]\n[smtp]\nhost = "127.0.0.1"\nport = 25\nsecurity = "none"\nsender = "a@example.org"\n'
        '[reminders]\nrecipients = ["lib@example.org"]\nstate = "state.sqlite3"\n',
        encoding="utf-8",
    )
    result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert result.code == 1
    assert "state.sqlite3» не читается" in result.err and "Traceback" not in result.err
