"""The ledger: one SQLite row per (plan, item, occurrence, lead, recipient), so no reminder is lost or sent twice.

A row is ``pending`` before the SMTP transaction starts and ``sent`` after the server accepted the message,
``failed`` when the server refused it for good (5xx), ``deferred`` after a temporary failure (sent again next
run), ``missed`` when it was older than the catch-up window. The one window for a duplicate is a crash between
the server's acceptance and the update to ``sent``: the row stays ``pending`` and is sent again, with the same
Message-ID, so mail systems can drop the copy.

WAL mode lets a reader (the scheduler) and a writer (cron's ``remind``) share the file; a lock file makes two
sending runs take turns.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from plan_calendar.errors import ConfigError, PlanError, ServiceError, file_error
from plan_calendar.locking import exclusive

__all__ = ["Key", "Ledger"]

Key = tuple[str, str, str, str, str]  # plan, item, occurrence (ISO day), lead, recipient
UNSENT = frozenset({"pending", "deferred"})
_SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
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
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY CHECK (id = 1), last TEXT NOT NULL);
"""


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


class Ledger:
    """The reminders' state file. Every SQLite error comes out as a PlanError (see :func:`state_error`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
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
                self.db.executescript(_SCHEMA)
        except PlanError:
            self.db.close()
            raise

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise state_error(self.path, exc) from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def sending(self, wait: float = 120.0) -> contextlib.AbstractContextManager[None]:
        """Exclusive right to send: two runs (cron and the scheduler) take turns."""
        return exclusive(self.path.with_name(self.path.name + ".lock"), wait, "другой запуск напоминаний не закончился")

    def statuses(self, keys: Iterable[Key]) -> dict[Key, str]:
        """The status of each key that has a row: a join on the primary key, flat as the ledger grows."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        with self._errors():
            return self._statuses(keys)

    def _statuses(self, keys: list[Key]) -> dict[Key, str]:
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS wanted (plan, item, occurrence, lead, recipient, "
            "PRIMARY KEY (plan, item, occurrence, lead, recipient)) WITHOUT ROWID"
        )
        with self._transaction():
            self.db.execute("DELETE FROM wanted")
            self.db.executemany("INSERT OR IGNORE INTO wanted VALUES (?, ?, ?, ?, ?)", keys)
        rows = self.db.execute(
            "SELECT r.plan, r.item, r.occurrence, r.lead, r.recipient, r.status FROM wanted w "
            "JOIN reminders r USING (plan, item, occurrence, lead, recipient)"
        )
        return {(row[0], row[1], row[2], row[3], row[4]): row[5] for row in rows}

    def last_run(self) -> datetime | None:
        """When the previous sending run happened (to tell which reminders slipped out of the window since)."""
        with self._errors():
            row = self.db.execute("SELECT last FROM runs WHERE id = 1").fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def record_run(self, now: datetime) -> None:
        with self._transaction():
            self.db.execute(
                "INSERT INTO runs (id, last) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last = excluded.last "
                "WHERE excluded.last > runs.last",
                (now.isoformat(),),
            )

    def _set(
        self,
        keys: Iterable[Key],
        status: str,
        now: datetime,
        *,
        message_id: str | None = None,
        send_at: datetime | None = None,
        detail: str | None = None,
        attempt: bool = False,
    ) -> None:
        rows = [
            (*key, status, message_id, send_at.isoformat() if send_at else None, int(attempt), detail, now.isoformat())
            for key in keys
        ]
        with self._transaction():
            self.db.executemany(
                """INSERT INTO reminders (plan, item, occurrence, lead, recipient, status, message_id, send_at,
                                          attempts, detail, updated)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (plan, item, occurrence, lead, recipient) DO UPDATE SET
                       status = excluded.status,
                       message_id = COALESCE(excluded.message_id, message_id),
                       send_at = COALESCE(excluded.send_at, send_at),
                       attempts = attempts + excluded.attempts,
                       detail = excluded.detail,
                       updated = excluded.updated""",
                rows,
            )

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

    def claim(self, keys: Iterable[Key], message_id: str, send_at: datetime, now: datetime) -> None:
        """Before the SMTP transaction: these reminders are being sent."""
        self._set(keys, "pending", now, message_id=message_id, send_at=send_at, attempt=True)

    def sent(self, keys: Iterable[Key], now: datetime, detail: str | None = None) -> None:
        self._set(keys, "sent", now, detail=detail)

    def failed(self, keys: Iterable[Key], now: datetime, detail: str) -> None:
        self._set(keys, "failed", now, detail=detail)

    def deferred(self, keys: Iterable[Key], now: datetime, detail: str) -> None:
        self._set(keys, "deferred", now, detail=detail)

    def missed(self, keys: Iterable[Key], now: datetime) -> None:
        self._set(keys, "missed", now, detail="старше окна догоняющей отправки (catch_up)")

    def rows(self) -> list[dict[str, object]]:
        """Everything, for tests and inspection."""
        cursor = self.db.execute("SELECT * FROM reminders ORDER BY plan, item, occurrence, lead, recipient")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]
