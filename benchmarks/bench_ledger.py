"""A district's load on the ledger: 200 plans x 100 items x 30 recipients, SQLite and PostgreSQL, as the ledger grows.

Run: python benchmarks/bench_ledger.py [--runs 3] [--ledger-sizes 0,1000000] [--postgresql URL | --no-postgresql]

Each plan has its own 30 recipients (a school's teachers); its items fall on different days than the other plans'.
At a busy moment (a daily run), for ledgers of each size (filled with sent reminders of other plans), reports the
median time to
- compute what is due and look each due reminder up in the ledger (what `remind` does before it renders mail);
- claim and record every letter as `remind` does, one claim transaction and one record transaction per letter
  (SMTP left out: this measures the ledger).
Aim: both flat as the ledger grows. Without --postgresql a throwaway PostgreSQL cluster is started
(tests/pgcluster.py; Debian's postgresql package); with --no-postgresql only SQLite is measured.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

from plan_calendar.config import Config, ReminderSettings
from plan_calendar.reminders.ledger import Key, Ledger, open_ledger
from plan_calendar.reminders.rules import Reminder, due
from plan_calendar.reminders.run import load_schedules
from plan_calendar.reminders.sqliteledger import SqliteLedger
from plan_calendar.schedule import Schedule

GENITIVE = [str(get_month_names("wide", context="format", locale="ru")[m]) for m in range(1, 13)]
MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2019, 11, 14, 9, 0, tzinfo=MOSCOW)


def generate(folder: Path, plans: int, items: int, recipients: int) -> tuple[list[Path], dict[str, tuple[str, ...]]]:
    paths, groups = [], {}
    for p in range(plans):
        lines = [f"plan: План школы {p}", f"id: school-{p}", 'academic_year: "2019-2020"', "items:"]
        for n in range(items):
            slot = n * 7 + p * 3  # each plan's own days
            m = [9, 10, 11, 12, 1, 2, 3, 4, 5][(slot // 28) % 9]
            day = 1 + slot % 28
            when = f"до {day} {GENITIVE[m - 1]}" if n % 2 else f"{day}.{m:02d}"
            lines.append(f'  - {{id: item-{n}, title: "Пункт {n}", when: "{when}", notify: [school-{p}]}}')
        path = folder / f"plan-{p}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
        groups[f"school-{p}"] = tuple(f"t{r}.s{p}@example.org" for r in range(recipients))
    return paths, groups


def fill(ledger: Ledger, rows: int) -> None:
    """``rows`` sent reminders of other plans, written the fastest way each store has (not timed)."""
    if rows <= 0:
        return
    sent = "2019-08-01T09:00:00+03:00"
    values = (
        (f"old-{n // 1000}", f"item-{n % 1000}", "2019-08-15", "14d", f"r{n % 97}@example.org") for n in range(rows)
    )
    if isinstance(ledger, SqliteLedger):
        ledger.db.execute("BEGIN")
        ledger.db.executemany(
            "INSERT OR IGNORE INTO reminders (plan, item, occurrence, lead, recipient, status, message_id, send_at, "
            f"attempts, detail, updated) VALUES (?, ?, ?, ?, ?, 'sent', NULL, '{sent}', 1, '250', '{sent}')",
            values,
        )
        ledger.db.execute("COMMIT")
        return
    from plan_calendar.reminders.pgledger import PostgresLedger  # noqa: PLC0415 - psycopg only for PostgreSQL

    assert isinstance(ledger, PostgresLedger)
    conn = ledger._connect()
    buffer = io.StringIO("".join("\t".join(v) + f"\tsent\t{sent}\t1\t250\t{sent}\n" for v in values))
    with conn.transaction(), conn.cursor() as cursor:
        copy_sql = (
            "COPY reminders (plan, item, occurrence, lead, recipient, status, send_at, attempts, detail, updated) "
            "FROM STDIN"
        )
        with cursor.copy(copy_sql) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
    conn.execute("ANALYZE reminders")


def forget(ledger: Ledger, prefix: str = "school-") -> None:
    """Remove the rows a timed run wrote, so that every run starts alike (not timed)."""
    if isinstance(ledger, SqliteLedger):
        ledger.db.execute("DELETE FROM reminders WHERE plan LIKE ?", (prefix + "%",))
        return
    from plan_calendar.reminders.pgledger import PostgresLedger  # noqa: PLC0415 - psycopg only for PostgreSQL

    assert isinstance(ledger, PostgresLedger)
    ledger._connect().execute("DELETE FROM reminders WHERE plan LIKE %s", (prefix + "%",))


def letters(reminders: list[Reminder]) -> list[list[Key]]:
    """One letter per recipient (the digest), as `remind` groups them."""
    grouped: dict[str, list[Key]] = {}
    for reminder in reminders:
        grouped.setdefault(reminder.recipient, []).append(reminder.key)
    return list(grouped.values())


def measure(
    name: str,
    open_one: Callable[[], Ledger],
    *,
    schedules: list[Schedule],
    settings: ReminderSettings,
    sizes: list[int],
    runs: int,
) -> None:
    ledger = open_one()
    filled = 0
    for size in sizes:
        start = time.perf_counter()
        fill(ledger, size - filled)
        filled = size
        fill_time = time.perf_counter() - start
        find_times, claim_times = [], []
        found = sent = 0
        for _ in range(runs):
            start = time.perf_counter()
            to_send, missed, past = due(schedules, Config(reminders=settings), NOW, since=NOW - timedelta(days=1))
            statuses = ledger.statuses([r.key for r in [*to_send, *missed, *past]])
            find_times.append(time.perf_counter() - start)
            assert not statuses, "every run starts from the same ledger"
            found = len(to_send)
            batch = letters(to_send)
            start = time.perf_counter()
            for keys in batch:
                message_id = "<" + hashlib.sha256(repr(keys).encode()).hexdigest()[:32] + "@example.org>"
                assert not ledger.claim(keys, message_id, NOW, NOW)
                ledger.sent(keys, NOW, "250 2.0.0 accepted")
            claim_times.append(time.perf_counter() - start)
            sent = len(batch)
            forget(ledger)
        per_letter = statistics.median(claim_times) / max(sent, 1) * 1000
        print(
            f"{name:<10} ledger {size:>9,} rows: {statistics.median(find_times):.3f} s median to find {found:,} due "
            f"reminders and look them up; {statistics.median(claim_times):.2f} s to claim and record {sent:,} "
            f"letters ({per_letter:.2f} ms a letter); filling took {fill_time:.0f} s"
        )
    ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--recipients", type=int, default=30)
    parser.add_argument("--ledger-sizes", default="0,1000000", help="ledger rows to measure at, ascending")
    parser.add_argument("--postgresql", metavar="URL", help="a database to use (its password in PGPASSWORD)")
    parser.add_argument("--no-postgresql", action="store_true", help="measure SQLite only")
    options = parser.parse_args()
    sizes = [int(n) for n in options.ledger_sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths, groups = generate(folder, options.plans, options.items, options.recipients)
        start = time.perf_counter()
        schedules, errors = load_schedules(paths)
        assert not errors, errors[:3]
        print(
            f"reading {options.plans} plans x {options.items} items once: {time.perf_counter() - start:.2f} s; "
            f"{options.recipients} recipients a plan"
        )
        settings = replace(ReminderSettings(), groups=groups, lease=300.0)
        common = {"schedules": schedules, "settings": settings, "sizes": sizes, "runs": options.runs}
        measure("sqlite", lambda: SqliteLedger(folder / "state.sqlite3"), **common)
        if options.no_postgresql:
            return
        if options.postgresql:
            url = options.postgresql
            measure("postgresql", lambda: open_ledger(settings, url), **common)
            return
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from pgcluster import Cluster, find_bindir  # noqa: PLC0415 - the tests' throwaway cluster

        bindir = find_bindir()
        if bindir is None:
            print("postgresql: skipped (PostgreSQL is not installed; apt-get install postgresql)")
            return
        cluster = Cluster(bindir, durable=True)  # fsync on, as SQLite's synchronous=FULL
        try:
            cluster.start()
            os.environ["PGPASSWORD"] = cluster.password
            url = cluster.create_database("bench")
            measure("postgresql", lambda: open_ledger(settings, url), **common)
        finally:
            cluster.destroy()


if __name__ == "__main__":
    main()
