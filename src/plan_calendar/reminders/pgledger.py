"""The ledger in PostgreSQL (psycopg 3): one database shared by the `remind` and `scheduler` runs of several hosts.

The interface and its guarantees are :class:`~plan_calendar.reminders.ledger.Ledger`'s. What is particular here:
- leases are timed by the database server's clock (``clock_timestamp()``), so the hosts' clocks need not agree;
- a claim is one ``INSERT … ON CONFLICT DO UPDATE … WHERE <claimable> RETURNING`` over the message's keys, sorted
  (two runs claiming overlapping keys lock rows in the same order); fewer rows back than keys: rolled back;
- every operation is retried on a new connection while the server is unreachable (a restart, a fail-over), for at
  most a quarter of the lease: each is idempotent (a claim this run already holds is claimed again), and the
  bound keeps a run from recording after its claim could have passed to another host. Longer outages are a
  ServiceError (exit 3; the scheduler retries); nothing is sent without a claim;
- the password never comes from the config: libpq reads PGPASSWORD, a service file or ~/.pgpass; the URL in
  messages is the config's, which has none.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pg_errors

from plan_calendar.errors import ConfigError, PlanError, ServiceError
from plan_calendar.reminders.ledger import (
    MISSED_DETAIL,
    RECENT,
    SCHEMA_VERSION,
    STATUSES,
    Key,
    Ledger,
    Record,
    SendState,
    Summary,
    newer_schema,
    run_owner,
    unique_keys,
)

__all__ = ["PostgresLedger"]

T = TypeVar("T")
_LOCK_ID = 0x706C616E2D63616C  # "plan-cal": the advisory lock that makes hosts upgrade the schema in turns
_CONNECT_TIMEOUT = 10  # seconds
_MAX_RECONNECT = 60.0  # seconds: the longest a run waits for the database to come back
_START_WAIT = 10.0  # seconds: how long a run starting waits for it

# Version 2 is where PostgreSQL starts (version 1 was the SQLite-only ledger before claims).
_PG_UPGRADES: dict[int, list[str]] = {
    0: [
        """CREATE TABLE reminders (
            plan TEXT NOT NULL,
            item TEXT NOT NULL,
            occurrence TEXT NOT NULL,
            lead TEXT NOT NULL,
            recipient TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'deferred', 'missed')),
            message_id TEXT,
            send_at TIMESTAMPTZ,
            attempts INTEGER NOT NULL DEFAULT 0,
            detail TEXT,
            updated TIMESTAMPTZ NOT NULL,
            owner TEXT,
            lease_until TIMESTAMPTZ,
            PRIMARY KEY (plan, item, occurrence, lead, recipient)
        )""",
        "CREATE TABLE runs (id INTEGER PRIMARY KEY CHECK (id = 1), last TIMESTAMPTZ NOT NULL)",
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    ],
}
_FIRST = {0: SCHEMA_VERSION}  # an empty database goes straight to the current version

_WANTED = (
    "unnest(%(plan)s::text[], %(item)s::text[], %(occurrence)s::text[], %(lead)s::text[], %(recipient)s::text[]) "
    "AS w(plan, item, occurrence, lead, recipient)"
)
_UPSERT = (
    """INSERT INTO reminders AS r (plan, item, occurrence, lead, recipient, status, message_id, send_at, attempts,
                                   detail, updated, owner, lease_until)
    SELECT w.plan, w.item, w.occurrence, w.lead, w.recipient, %(status)s, %(message_id)s, %(send_at)s, %(attempt)s,
           %(detail)s, %(updated)s, %(owner)s, {lease}
    FROM """
    + _WANTED
    + """
    ON CONFLICT (plan, item, occurrence, lead, recipient) DO UPDATE SET
        status = excluded.status,
        message_id = COALESCE(excluded.message_id, r.message_id),
        send_at = COALESCE(excluded.send_at, r.send_at),
        attempts = r.attempts + excluded.attempts,
        detail = excluded.detail,
        updated = excluded.updated,
        owner = excluded.owner,
        lease_until = excluded.lease_until"""
)
_CLAIMABLE = (
    " WHERE r.status = 'deferred' OR (r.status = 'pending' AND "
    "(r.lease_until IS NULL OR r.lease_until < clock_timestamp() OR r.owner = %(owner)s))"
)
_OURS_OR_UNSETTLED = " WHERE r.status = 'deferred' OR (r.status = 'pending' AND r.owner = %(me)s)"
_NOT_LIVE = (
    " WHERE r.status = 'deferred' OR (r.status = 'pending' AND "
    "(r.lease_until IS NULL OR r.lease_until < clock_timestamp()))"
)
_RANK = "CASE {0}.status WHEN 'sent' THEN 4 WHEN 'failed' THEN 3 WHEN 'missed' THEN 2 WHEN 'pending' THEN 1 ELSE 0 END"
_COLUMNS = "plan, item, occurrence, lead, recipient, status, message_id, send_at, attempts, detail, updated"


def _arrays(keys: list[Key]) -> dict[str, list[str]]:
    return {
        name: [key[i] for key in keys] for i, name in enumerate(("plan", "item", "occurrence", "lead", "recipient"))
    }


def _transient(exc: psycopg.Error) -> bool:
    """A lost or refused connection, a server starting or stopping: worth another connection soon."""
    if isinstance(exc, pg_errors.DeadlockDetected | pg_errors.SerializationFailure | pg_errors.LockNotAvailable):
        return True
    if not isinstance(exc, psycopg.OperationalError):
        return False
    state = exc.sqlstate
    if state is None:  # no answer from a server: refused, reset, timed out — unless libpq could not log in
        text = str(exc)
        return "password" not in text and "authentication" not in text and "does not exist" not in text
    return state.startswith(("08", "57P", "53"))


class PostgresLedger(Ledger):
    """The ledger in a PostgreSQL database named by a libpq URL (``postgresql://user@host:port/dbname``)."""

    def __init__(self, url: str, *, lease: float = 300.0, owner: str | None = None) -> None:
        self.url = url
        self.where = url
        self.lease = lease
        self.owner = owner or run_owner()
        self.reconnect_for = min(_MAX_RECONNECT, lease / 4)
        self.conn: psycopg.Connection[Any] | None = None
        # Before anything is claimed there is nothing to finish: a database that is down now is reported soon.
        # A current schema needs no DDL, nor the right to it (docs/deploy-two-hosts.md: the services' role).
        if not self._run(self._current, within=min(self.reconnect_for, _START_WAIT)):
            self._run(self._upgrade, transaction=False)

    # ---------------------------------------------------------------- plumbing
    def _connect(self) -> psycopg.Connection[Any]:
        if self.conn is not None and not self.conn.closed:
            return self.conn
        self.conn = psycopg.connect(
            self.url,
            autocommit=True,
            connect_timeout=_CONNECT_TIMEOUT,
            application_name="plan-cal",
        )
        # A claim waits for a row another run is claiming this instant, never for long.
        self.conn.execute("SET lock_timeout = '30s'")
        return self.conn

    def _drop(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _run(
        self, work: Callable[[psycopg.Connection[Any]], T], *, within: float | None = None, transaction: bool = True
    ) -> T:
        """``work`` in one transaction (unless it makes its own); again on a new connection while the server is
        unreachable, for at most ``within`` seconds (by default a quarter of the lease)."""
        deadline = time.monotonic() + (self.reconnect_for if within is None else within)
        pause = 0.2
        while True:
            try:
                conn = self._connect()
                if not transaction:
                    return work(conn)
                with conn.transaction():
                    return work(conn)
            except PlanError:
                raise
            except psycopg.Error as exc:
                if not _transient(exc) or time.monotonic() + pause > deadline:
                    self._drop()
                    raise self._error(exc) from None
                if isinstance(exc, psycopg.OperationalError):
                    self._drop()
                time.sleep(pause)
                pause = min(pause * 2, 2.0)

    def _error(self, exc: psycopg.Error) -> PlanError:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        state = exc.sqlstate or ""
        if isinstance(exc, pg_errors.InsufficientPrivilege):
            return ConfigError(
                f"у пользователя базы журнала «{self.where}» нет нужных прав ({detail})",
                hint="Права роли описаны в docs/deploy-two-hosts.md. Если plan-cal обновлён, схему журнала "
                "обновляет владелец: plan-cal ledger migrate --to … (от его имени).",
            )
        if state.startswith("28") or "password" in detail or "authentication" in detail:
            return ConfigError(
                f"база журнала «{self.where}» не приняла вход ({detail})",
                hint="Пароль берётся только из окружения: переменная PGPASSWORD, файл ~/.pgpass (права 600) или "
                "файл служб pg_service.conf; проверьте его и имя пользователя в адресе (state в [reminders]).",
            )
        if state == "3D000" or "does not exist" in detail:
            return ConfigError(
                f"база журнала «{self.where}» не найдена ({detail})",
                hint="Проверьте имя базы в адресе (state в [reminders]) или создайте её (docs/deploy-two-hosts.md).",
            )
        if _transient(exc):
            return ServiceError(
                f"база журнала «{self.where}» недоступна ({detail})",
                hint="Без журнала ничего не отправлено: напоминания уйдут, когда база снова будет доступна "
                "(служба scheduler повторит сама, cron — при следующем запуске).",
            )
        return ServiceError(
            f"ошибка базы журнала «{self.where}»: {detail}",
            hint="Напоминания не потеряны и уйдут при следующем запуске (в пределах catch_up).",
        )

    def close(self) -> None:
        self._drop()

    # ---------------------------------------------------------------- schema
    @staticmethod
    def _version(conn: psycopg.Connection[Any]) -> int:
        row = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return 0
        found = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(found[0] or 0) if found else 0

    def _current(self, conn: psycopg.Connection[Any]) -> bool:
        return self._version(conn) == SCHEMA_VERSION

    def _upgrade(self, conn: psycopg.Connection[Any]) -> None:
        """Create or upgrade the schema in one transaction, hosts in turns. The lock is taken before the
        transaction starts: a transaction that began before another host's upgrade was committed may not see its
        tables (PostgreSQL reads its catalog caches anew when a transaction starts, not when a lock is granted)."""
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            with conn.transaction():
                version = self._version(conn)
                if version > SCHEMA_VERSION:
                    raise newer_schema(self.where, version)
                if version == SCHEMA_VERSION:
                    return  # another host was first
                while version < SCHEMA_VERSION:
                    for statement in _PG_UPGRADES[version]:
                        conn.execute(statement)
                    version = _FIRST.get(version, version + 1)
                conn.execute("DELETE FROM schema_version")
                conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
        finally:
            if not conn.closed:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))

    # ---------------------------------------------------------------- reading
    def lookup(self, keys: Iterable[Key]) -> dict[Key, SendState]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}

        def work(conn: psycopg.Connection[Any]) -> dict[Key, SendState]:
            # One primary-key probe a key (LIMIT keeps the planner from turning the lateral join into a hash join
            # over the whole table, which it prefers for thousands of keys: then a lookup would grow with the
            # ledger).
            rows = conn.execute(
                "SELECT w.plan, w.item, w.occurrence, w.lead, w.recipient, r.status, r.message_id FROM "
                + _WANTED
                + " CROSS JOIN LATERAL (SELECT status, message_id FROM reminders r WHERE r.plan = w.plan AND "
                "r.item = w.item AND r.occurrence = w.occurrence AND r.lead = w.lead AND r.recipient = w.recipient "
                "LIMIT 1) r",
                _arrays(wanted),
            ).fetchall()
            return {(r[0], r[1], r[2], r[3], r[4]): SendState(r[5], r[6]) for r in rows}

        return self._run(work)

    def last_run(self) -> datetime | None:
        def work(conn: psycopg.Connection[Any]) -> datetime | None:
            row = conn.execute("SELECT last FROM runs WHERE id = 1").fetchone()
            return row[0] if row else None

        return self._run(work)

    def records(self) -> Iterator[Record]:
        try:
            conn = self._connect()
            with conn.transaction(), conn.cursor(name="plan_cal_records") as cursor:
                cursor.itersize = 10_000
                cursor.execute(f"SELECT {_COLUMNS} FROM reminders ORDER BY plan, item, occurrence, lead, recipient")
                for row in cursor:
                    yield _record(row)
        except psycopg.Error as exc:
            self._drop()
            raise self._error(exc) from None

    def summary(self, recent: int = RECENT) -> Summary:
        def work(conn: psycopg.Connection[Any]) -> Summary:
            counts = dict.fromkeys(STATUSES, 0)
            counts.update({row[0]: row[1] for row in conn.execute("SELECT status, COUNT(*) FROM reminders GROUP BY 1")})
            latest = {
                status: [
                    _record(row)
                    for row in conn.execute(
                        f"SELECT {_COLUMNS} FROM reminders WHERE status = %s ORDER BY updated DESC LIMIT %s",
                        (status, recent),
                    )
                ]
                for status in STATUSES
                if status != "sent" and counts[status]
            }
            row = conn.execute("SELECT last FROM runs WHERE id = 1").fetchone()
            return Summary(self.where, counts, row[0] if row else None, latest)

        return self._run(work)

    # ---------------------------------------------------------------- writing
    def record_run(self, now: datetime) -> None:
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO runs (id, last) VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET last = excluded.last "
                "WHERE excluded.last > runs.last",
                (now,),
            )
        )

    def _write(self, keys: Iterable[Key], status: str, now: datetime, *, where: str, detail: str | None = None) -> None:
        wanted = unique_keys(keys)
        if not wanted:
            return
        params = {
            **_arrays(wanted),
            "status": status,
            "message_id": None,
            "send_at": None,
            "attempt": 0,
            "detail": detail,
            "updated": now,
            "owner": None,
            "me": self.owner,
        }
        self._run(lambda conn: conn.execute(_UPSERT.format(lease="NULL::timestamptz") + where, params))

    def claim(self, keys: Iterable[Key], message_id: str, send_at: datetime, now: datetime) -> set[Key]:
        wanted = unique_keys(keys)
        params = {
            **_arrays(wanted),
            "status": "pending",
            "message_id": message_id,
            "send_at": send_at,
            "attempt": 1,
            "detail": None,
            "updated": now,
            "owner": self.owner,
            "lease": self.lease,
        }
        statement = (
            _UPSERT.format(lease="clock_timestamp() + make_interval(secs => %(lease)s)")
            + _CLAIMABLE
            + " RETURNING r.plan, r.item, r.occurrence, r.lead, r.recipient"
        )

        def work(conn: psycopg.Connection[Any]) -> set[Key]:
            with conn.transaction() as inner:  # a savepoint: undone alone when not every key was claimable
                got = {(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(statement, params).fetchall()}
                taken = set(wanted) - got
                if taken:
                    raise psycopg.Rollback(inner)  # leaves the block, nothing claimed
            return taken

        return self._run(work)

    def sent(self, keys: Iterable[Key], now: datetime, detail: str | None = None) -> None:
        self._write(keys, "sent", now, where="", detail=detail)

    def failed(self, keys: Iterable[Key], now: datetime, detail: str) -> None:
        self._write(keys, "failed", now, where=_OURS_OR_UNSETTLED, detail=detail)

    def deferred(self, keys: Iterable[Key], now: datetime, detail: str) -> None:
        self._write(keys, "deferred", now, where=_OURS_OR_UNSETTLED, detail=detail)

    def missed(self, keys: Iterable[Key], now: datetime) -> None:
        self._write(keys, "missed", now, where=_NOT_LIVE, detail=MISSED_DETAIL)

    def merge(self, records: Iterable[Record], last_run: datetime | None) -> int:
        statement = (
            f"INSERT INTO reminders AS r ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (plan, item, occurrence, lead, recipient) DO UPDATE SET status = excluded.status, "
            "message_id = excluded.message_id, send_at = excluded.send_at, attempts = excluded.attempts, "
            "detail = excluded.detail, updated = excluded.updated, owner = NULL, lease_until = NULL "
            f"WHERE {_RANK.format('excluded')} > {_RANK.format('r')}"
        )

        def work(conn: psycopg.Connection[Any]) -> int:
            written = 0
            batch: list[tuple[Any, ...]] = []
            with conn.cursor() as cursor:
                for r in itertools.chain(records, [None]):
                    if r is not None:
                        batch.append((*r.key, r.status, r.message_id, r.send_at, r.attempts, r.detail, r.updated))
                    if batch and (r is None or len(batch) == 10_000):
                        cursor.executemany(statement, batch)
                        written += max(cursor.rowcount, 0)
                        batch.clear()
            if last_run is not None:
                conn.execute(
                    "INSERT INTO runs (id, last) VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET last = excluded.last "
                    "WHERE excluded.last > runs.last",
                    (last_run,),
                )
            return written

        # Not retried: the records may be read once only. A failure undoes the whole merge; run it again.
        return self._run(work, within=0.0)


def _record(row: tuple[Any, ...]) -> Record:
    plan, item, occurrence, lead, recipient, status, message_id, send_at, attempts, detail, updated = row
    return Record((plan, item, occurrence, lead, recipient), status, message_id, send_at, attempts, detail, updated)
