"""The ledger in a SQLite file: the embedded default, for the `remind` and `scheduler` runs of one host.

The interface and its guarantees are :class:`~plan_calendar.reminders.ledger.Ledger`'s. What is particular here:
- the file is in WAL mode (the scheduler and cron's `remind` share it), synchronous=FULL;
- a claim is one ``BEGIN IMMEDIATE`` transaction that looks at the message's rows and upserts them, all or none;
  leases are timed by this host's clock;
- the schema's first version had no version table; files of every version are upgraded step by step;
- what a failed operation means to a user is told by SQLite's result code (:func:`state_error`).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from plan_calendar.errors import ConfigError, PlanError, ServiceError, file_error
from plan_calendar.locking import exclusive
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

__all__ = ["SqliteLedger", "state_error"]

# The first schema (version 1, no version table), kept as it was so that older files upgrade step by step.
_V1 = [
    """CREATE TABLE IF NOT EXISTS reminders (
        plan TEXT NOT NULL,
        item TEXT NOT NULL,
        occurrence TEXT NOT NULL,
        lead TEXT NOT NULL,
        recipient TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'deferred', 'missed')),
        message_id TEXT,
        send_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        detail TEXT,
        updated TEXT NOT NULL,
        PRIMARY KEY (plan, item, occurrence, lead, recipient)
    ) WITHOUT ROWID""",
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY CHECK (id = 1), last TEXT NOT NULL)",
]
_V2 = [
    "ALTER TABLE reminders ADD COLUMN owner TEXT",  # the run holding a pending row's claim
    "ALTER TABLE reminders ADD COLUMN lease_until REAL",  # until when (Unix time); NULL: a claim of version 1
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
]
_SQLITE_UPGRADES = {0: _V1, 1: _V2}  # from version n to n + 1

# SQLite's primary result codes (the low byte of the extended one), by what they mean to a user.
_CORRUPT = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_DISK = frozenset({sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR})
_ACCESS = frozenset({sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_AUTH})
_LOW_SPACE = 1 << 20  # bytes: below this, a disk error on the state file is taken for a full disk


def state_error(path: Path, exc: sqlite3.Error) -> PlanError:
    """What a failed operation on the state file means: only a corrupt file needs another path; a busy file or a
    full or failing disk passes (exit 3, the reminders stay unsent until then); permissions are set-up errors."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code in _CORRUPT:
        return ConfigError(
            f"файл состояния «{path}» не читается: {exc}",
            hint="Это не база SQLite или она повреждена: укажите другой путь state в [reminders] "
            "(старый файл сохраните — в нём записано, что уже отправлено).",
        )
    if code in _BUSY:
        return ServiceError(
            f"файл состояния «{path}» занят другой программой ({exc})",
            hint="Напоминания не потеряны: они уйдут при следующем запуске.",
        )
    if code in _ACCESS:
        return ConfigError(
            f"нет доступа к файлу состояния «{path}» ({exc})",
            hint="Проверьте права на этот файл и его папку (путь state в [reminders]).",
        )
    if code in _DISK:
        with contextlib.suppress(OSError):
            if shutil.disk_usage(path.parent).free < _LOW_SPACE:
                return ServiceError(
                    f"не удалось записать файл состояния «{path}»: на диске нет места ({exc})",
                    hint="Освободите место: напоминания не потеряны и уйдут при следующем запуске (в пределах "
                    "catch_up). Файл состояния не удаляйте — в нём записано, что уже отправлено.",
                )
    return ServiceError(
        f"ошибка при работе с файлом состояния «{path}»: {exc}",
        hint="Проверьте диск. Напоминания не потеряны и уйдут при следующем запуске (в пределах catch_up).",
    )


_UPSERT = """INSERT INTO reminders (plan, item, occurrence, lead, recipient, status, message_id, send_at, attempts,
                                    detail, updated, owner, lease_until)
    VALUES (:plan, :item, :occurrence, :lead, :recipient, :status, :message_id, :send_at, :attempt, :detail,
            :updated, :owner, :lease_until)
    ON CONFLICT (plan, item, occurrence, lead, recipient) DO UPDATE SET
        status = excluded.status,
        message_id = COALESCE(excluded.message_id, reminders.message_id),
        send_at = COALESCE(excluded.send_at, reminders.send_at),
        attempts = reminders.attempts + excluded.attempts,
        detail = excluded.detail,
        updated = excluded.updated,
        owner = excluded.owner,
        lease_until = excluded.lease_until"""
# Which existing rows a status may replace (SQLite's upsert skips the others).
_OURS_OR_UNSETTLED = " WHERE reminders.status = 'deferred' OR (reminders.status = 'pending' AND reminders.owner = :me)"
_NOT_LIVE = (
    " WHERE reminders.status = 'deferred' OR (reminders.status = 'pending' AND "
    "(reminders.lease_until IS NULL OR reminders.lease_until < :clock))"
)
_RANK_SQL = (
    "CASE {0}.status WHEN 'sent' THEN 4 WHEN 'failed' THEN 3 WHEN 'missed' THEN 2 WHEN 'pending' THEN 1 ELSE 0 END"
)


class SqliteLedger(Ledger):
    """The ledger in a SQLite file (WAL: the scheduler and cron's `remind` share it)."""

    def __init__(self, path: Path, *, lease: float = 300.0, owner: str | None = None) -> None:
        self.path = path
        self.where = str(path)
        self.lease = lease
        self.owner = owner or run_owner()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise file_error(exc, f"не удалось создать папку для файла состояния «{path}»") from None
        try:
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise state_error(path, exc) from None
        # Switching a new file to WAL does not wait for other connections (SQLITE_BUSY at once, whatever the
        # timeout), so two runs starting together on a new state file would fail: they set it up in turns.
        try:
            with (
                exclusive(path.with_name(path.name + ".setup-lock"), 30, "файл состояния занят другим запуском"),
                self._errors(),
            ):
                self.db.execute("PRAGMA synchronous=FULL")  # a 'sent' mark must survive a power cut
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.db.execute("PRAGMA journal_mode=WAL")
                if self._version() != SCHEMA_VERSION:
                    self._upgrade()
        except PlanError:
            self.db.close()
            raise

    # ---------------------------------------------------------------- schema
    def _version(self) -> int:
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_version" in tables:
            row = self.db.execute("SELECT MAX(version) FROM schema_version").fetchone()
            return int(row[0] or 0)
        return 1 if "reminders" in tables else 0

    def _upgrade(self) -> None:
        """From whatever version the file has to SCHEMA_VERSION, in one transaction."""
        with self._transaction():
            version = self._version()
            if version > SCHEMA_VERSION:
                raise newer_schema(self.where, version)
            while version < SCHEMA_VERSION:
                for statement in _SQLITE_UPGRADES[version]:
                    self.db.execute(statement)
                version += 1
            self.db.execute("DELETE FROM schema_version")
            self.db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    # ---------------------------------------------------------------- plumbing
    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise state_error(self.path, exc) from None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._errors():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.db.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (a full disk does): then there is nothing to undo.
                if self.db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self.db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self.db.close()

    # ---------------------------------------------------------------- reading
    def lookup(self, keys: Iterable[Key]) -> dict[Key, SendState]:
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        with self._errors():
            self.db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS wanted (plan, item, occurrence, lead, recipient, "
                "PRIMARY KEY (plan, item, occurrence, lead, recipient)) WITHOUT ROWID"
            )
        with self._transaction():
            self.db.execute("DELETE FROM wanted")
            self.db.executemany("INSERT OR IGNORE INTO wanted VALUES (?, ?, ?, ?, ?)", keys)
        with self._errors():
            rows = self.db.execute(
                "SELECT r.plan, r.item, r.occurrence, r.lead, r.recipient, r.status, r.message_id FROM wanted w "
                "JOIN reminders r USING (plan, item, occurrence, lead, recipient)"
            ).fetchall()
        return {(r[0], r[1], r[2], r[3], r[4]): SendState(r[5], r[6]) for r in rows}

    def last_run(self) -> datetime | None:
        with self._errors():
            row = self.db.execute("SELECT last FROM runs WHERE id = 1").fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def records(self) -> Iterator[Record]:
        with self._errors():
            cursor = self.db.execute(
                "SELECT plan, item, occurrence, lead, recipient, status, message_id, send_at, attempts, detail, "
                "updated FROM reminders ORDER BY plan, item, occurrence, lead, recipient"
            )
            for row in cursor:
                yield _record(row)

    def summary(self, recent: int = RECENT) -> Summary:
        with self._errors():
            counts = dict.fromkeys(STATUSES, 0)
            counts.update(self.db.execute("SELECT status, COUNT(*) FROM reminders GROUP BY status").fetchall())
            latest = {
                status: [
                    _record(row)
                    for row in self.db.execute(
                        "SELECT plan, item, occurrence, lead, recipient, status, message_id, send_at, attempts, "
                        "detail, updated FROM reminders WHERE status = ? ORDER BY updated DESC LIMIT ?",
                        (status, recent),
                    )
                ]
                for status in STATUSES
                if status != "sent" and counts[status]
            }
        return Summary(self.where, counts, self.last_run(), latest)

    # ---------------------------------------------------------------- writing
    def record_run(self, now: datetime) -> None:
        with self._transaction():
            self.db.execute(
                "INSERT INTO runs (id, last) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last = excluded.last "
                "WHERE excluded.last > runs.last",
                (now.isoformat(),),
            )

    def _write(
        self,
        keys: Iterable[Key],
        status: str,
        now: datetime,
        *,
        where: str = "",
        message_id: str | None = None,
        send_at: datetime | None = None,
        detail: str | None = None,
        attempt: bool = False,
        lease_until: float | None = None,
    ) -> None:
        clock = time.time()
        rows = [
            {
                "plan": key[0],
                "item": key[1],
                "occurrence": key[2],
                "lead": key[3],
                "recipient": key[4],
                "status": status,
                "message_id": message_id,
                "send_at": send_at.isoformat() if send_at else None,
                "attempt": int(attempt),
                "detail": detail,
                "updated": now.isoformat(),
                "owner": self.owner if lease_until is not None else None,
                "lease_until": lease_until,
                "me": self.owner,
                "clock": clock,
            }
            for key in unique_keys(keys)
        ]
        with self._transaction():
            self.db.executemany(_UPSERT + where, rows)

    def claim(self, keys: Iterable[Key], message_id: str, send_at: datetime, now: datetime) -> set[Key]:
        wanted = unique_keys(keys)
        with self._transaction():  # BEGIN IMMEDIATE: no other writer between the look and the claim
            clock = time.time()
            taken = set()
            for key in wanted:
                row = self.db.execute(
                    "SELECT status, owner, lease_until FROM reminders "
                    "WHERE plan = ? AND item = ? AND occurrence = ? AND lead = ? AND recipient = ?",
                    key,
                ).fetchone()
                if row is not None and not _claimable(row[0], row[1], row[2], self.owner, clock):
                    taken.add(key)
            if taken:
                return taken
            self.db.executemany(
                _UPSERT,
                [
                    {
                        "plan": key[0],
                        "item": key[1],
                        "occurrence": key[2],
                        "lead": key[3],
                        "recipient": key[4],
                        "status": "pending",
                        "message_id": message_id,
                        "send_at": send_at.isoformat(),
                        "attempt": 1,
                        "detail": None,
                        "updated": now.isoformat(),
                        "owner": self.owner,
                        "lease_until": clock + self.lease,
                    }
                    for key in wanted
                ],
            )
        return set()

    def sent(self, keys: Iterable[Key], now: datetime, detail: str | None = None) -> None:
        self._write(keys, "sent", now, detail=detail)

    def failed(self, keys: Iterable[Key], now: datetime, detail: str) -> None:
        self._write(keys, "failed", now, detail=detail, where=_OURS_OR_UNSETTLED)

    def deferred(self, keys: Iterable[Key], now: datetime, detail: str) -> None:
        self._write(keys, "deferred", now, detail=detail, where=_OURS_OR_UNSETTLED)

    def missed(self, keys: Iterable[Key], now: datetime) -> None:
        self._write(keys, "missed", now, detail=MISSED_DETAIL, where=_NOT_LIVE)

    def merge(self, records: Iterable[Record], last_run: datetime | None) -> int:
        written = 0
        rank = _RANK_SQL.format("excluded") + " > " + _RANK_SQL.format("reminders")
        with self._transaction():
            for record in records:
                cursor = self.db.execute(
                    """INSERT INTO reminders (plan, item, occurrence, lead, recipient, status, message_id, send_at,
                                              attempts, detail, updated)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (plan, item, occurrence, lead, recipient) DO UPDATE SET
                           status = excluded.status, message_id = excluded.message_id, send_at = excluded.send_at,
                           attempts = excluded.attempts, detail = excluded.detail, updated = excluded.updated,
                           owner = NULL, lease_until = NULL
                       WHERE """
                    + rank,
                    (
                        *record.key,
                        record.status,
                        record.message_id,
                        record.send_at.isoformat() if record.send_at else None,
                        record.attempts,
                        record.detail,
                        record.updated.isoformat(),
                    ),
                )
                written += cursor.rowcount
            if last_run is not None:
                self.db.execute(
                    "INSERT INTO runs (id, last) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last = excluded.last "
                    "WHERE excluded.last > runs.last",
                    (last_run.isoformat(),),
                )
        return written


def _claimable(status: str, owner: str | None, lease_until: float | None, me: str, clock: float) -> bool:
    if status == "deferred":
        return True
    return status == "pending" and (lease_until is None or lease_until < clock or owner == me)


def _record(row: tuple[object, ...] | sqlite3.Row) -> Record:
    plan, item, occurrence, lead, recipient, status, message_id, send_at, attempts, detail, updated = row
    return Record(
        key=(str(plan), str(item), str(occurrence), str(lead), str(recipient)),
        status=str(status),
        message_id=None if message_id is None else str(message_id),
        send_at=datetime.fromisoformat(str(send_at)) if send_at else None,
        attempts=int(str(attempts)),
        detail=None if detail is None else str(detail),
        updated=datetime.fromisoformat(str(updated)),
    )
