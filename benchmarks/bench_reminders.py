"""Finding the reminders due at a moment: 20,000 items x 3 lead times x 50 recipients, as the ledger grows.

Run: python benchmarks/bench_reminders.py [--runs 5]

For ledgers of 0, 100,000 and 1,000,000 rows (filled with sent reminders of other days), reports the median
time to compute what is due at a busy moment and look each due reminder up in the ledger (what `remind` does
before it renders mail). Aim: under a second, and flat as the ledger grows.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

from plan_calendar.config import Config, ReminderSettings
from plan_calendar.reminders.ledger import Ledger
from plan_calendar.reminders.rules import due
from plan_calendar.reminders.run import load_schedules
from plan_calendar.reminders.sqliteledger import SqliteLedger

GENITIVE = [str(get_month_names("wide", context="format", locale="ru")[m]) for m in range(1, 13)]


def generate(path: Path, items: int) -> None:
    lines = ["plan: Нагрузочный план", "id: bench", 'academic_year: "2019-2020"', "items:"]
    for n in range(items):
        m = [9, 10, 11, 12, 1, 2, 3, 4, 5][n % 9]
        when = f"до {1 + n % 28} {GENITIVE[m - 1]}" if n % 2 else f"{1 + n % 28}.{m:02d}"
        lines.append(f'  - {{id: item-{n}, title: "Пункт {n}", when: "{when}"}}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def fill(ledger: Ledger, rows: int) -> None:
    now = datetime(2019, 8, 1, tzinfo=ZoneInfo("Europe/Moscow"))
    batch = []
    for n in range(rows):
        batch.append((f"other-{n}", "2019-08-01", "14d", f"r{n % 50}@example.org"))
        if len(batch) == 50_000:
            ledger.sent([("bench", *k) for k in batch], now)
            batch.clear()
    if batch:
        ledger.sent([("bench", *k) for k in batch], now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument(
        "--ledger-sizes", default="0,100000,1000000", help="ledger rows to measure at, comma-separated, ascending"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "plan.yaml"
        generate(plan, options.items)
        start = time.perf_counter()
        schedules, errors = load_schedules([plan])
        assert not errors, errors
        print(f"reading the plan once: {time.perf_counter() - start:.2f} s ({options.items} items)")
        settings = replace(ReminderSettings(), recipients=tuple(f"r{n}@example.org" for n in range(50)))
        config = Config(reminders=settings)
        now = datetime(2019, 11, 14, 9, 0, tzinfo=ZoneInfo("Europe/Moscow"))
        ledger = SqliteLedger(Path(tmp) / "state.sqlite3")
        filled = 0
        for size in (int(n) for n in options.ledger_sizes.split(",")):
            fill(ledger, size - filled)
            filled = size
            times, found = [], 0
            for _ in range(options.runs):
                start = time.perf_counter()
                to_send, missed, _ = due(schedules, config, now, since=now - timedelta(days=1))  # a daily cron
                statuses = ledger.statuses([r.key for r in [*to_send, *missed]])
                times.append(time.perf_counter() - start)
                found = len(to_send)
            del statuses
            print(
                f"ledger {size:>9,} rows: {statistics.median(times):.3f} s median to find {found:,} due "
                f"reminders and look them up (aim < 1 s, flat)"
            )
        ledger.close()


if __name__ == "__main__":
    main()
