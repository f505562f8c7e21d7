"""The ledger: one row per (plan, item, occurrence, lead, recipient), so no reminder is lost or sent twice.

A row is ``pending`` from the moment a run *claims* it (just before the SMTP transaction) and ``sent`` after the
server accepted the message, ``failed`` when the server refused it for good (5xx), ``deferred`` after a temporary
failure (sent again next run), ``missed`` when it was older than the catch-up window.

Claims, not locks, keep runs apart, on one host or several: a claim is one transaction that turns every row of a
message ``pending``, owned by this run, for ``lease`` seconds; it succeeds only if no row is sent, failed, missed
or claimed by another run whose lease has not run out. So two runs never send the same reminder, and a run killed
in the middle of a send leaves its claim to expire, after which any run takes it over. The one window for a
duplicate is a run dying between the server's acceptance and the update to ``sent``: the row stays ``pending``
and, after the lease, is sent again with the same Message-ID (kept in the row), so mail systems can drop the copy.

Two implementations share this interface and its tests: ``SqliteLedger`` (the embedded default, one host; see
``sqliteledger.py``) and ``PostgresLedger`` (``state = "postgresql://…"``, several hosts; see ``pgledger.py``). Both
create and upgrade their schema themselves: a ``schema_version`` table, each upgrade one transaction.
"""

from __future__ import annotations

import os
import socket
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from plan_calendar.config import ReminderSettings
from plan_calendar.errors import ConfigError

__all__ = [
    "SCHEMA_VERSION",
    "STATUSES",
    "UNSENT",
    "Key",
    "Ledger",
    "Record",
    "SendState",
    "Summary",
    "describe_state",
    "ledger_exists",
    "open_ledger",
]

Key = tuple[str, str, str, str, str]  # plan, item, occurrence (ISO day), lead, recipient
STATUSES = ("pending", "sent", "failed", "deferred", "missed")
UNSENT = frozenset({"pending", "deferred"})
SCHEMA_VERSION = 2  # 1: the first SQLite ledger (no version table); 2: claims (owner, lease_until)
# When two ledgers are merged (ledger migrate), the more settled status of a reminder wins.
RANK = {"deferred": 0, "pending": 1, "missed": 2, "failed": 3, "sent": 4}
RECENT = 20  # rows of each unsettled status that `ledger status` shows


class SendState(NamedTuple):
    """What the ledger knows of a reminder that has a row: where its sending stands, and its Message-ID."""

    status: str
    message_id: str | None


@dataclass(frozen=True, slots=True)
class Record:
    """One row, in the form both ledgers read and write (``ledger migrate``, ``ledger status``). Claims do not
    travel: a ``pending`` record is one whose run may have died, to be taken over (with its Message-ID)."""

    key: Key
    status: str
    message_id: str | None
    send_at: datetime | None
    attempts: int
    detail: str | None
    updated: datetime


@dataclass
class Summary:
    """What `plan-cal ledger status` shows."""

    where: str
    counts: dict[str, int]
    last_run: datetime | None
    recent: dict[str, list[Record]] = field(default_factory=dict)  # the latest rows of each status but sent


def run_owner() -> str:
    """Who holds a claim: this host, this process and this run (two runs in one process are two owners)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Ledger(ABC):
    """The interface `remind`, the scheduler and `plan-cal ledger` use. Every failure comes out as a PlanError:
    ServiceError (exit 3, try later) when the store is busy or unreachable, ConfigError when it needs a human."""

    where: str  # the ledger for messages: a file, or a URL without a password
    owner: str  # this run's claims
    lease: float  # seconds a claim lasts

    # ---------------------------------------------------------------- reading
    @abstractmethod
    def lookup(self, keys: Iterable[Key]) -> dict[Key, SendState]:
        """The status and Message-ID of each key that has a row, flat as the ledger grows (primary-key lookups)."""

    def statuses(self, keys: Iterable[Key]) -> dict[Key, str]:
        return {key: entry.status for key, entry in self.lookup(keys).items()}

    @abstractmethod
    def last_run(self) -> datetime | None:
        """When the latest sending run happened (to tell which reminders slipped out of the window since)."""

    @abstractmethod
    def summary(self, recent: int = RECENT) -> Summary: ...

    @abstractmethod
    def records(self) -> Iterator[Record]:
        """Every row, in key order."""

    def rows(self) -> list[Record]:
        """Everything, for tests and inspection."""
        return list(self.records())

    # ---------------------------------------------------------------- writing
    @abstractmethod
    def record_run(self, now: datetime) -> None:
        """Note a sending run at ``now`` (the latest of all runs is kept)."""

    @abstractmethod
    def claim(self, keys: Iterable[Key], message_id: str, send_at: datetime, now: datetime) -> set[Key]:
        """Claim the reminders of one message before its SMTP transaction, all or none, in one transaction.

        Returns the keys that cannot be claimed — sent, failed or missed already, or claimed by another run whose
        lease has not run out — and then claims none; an empty set means every key is this run's for ``lease``
        seconds. A key this run claimed already can be claimed again (a retry after a lost connection)."""

    @abstractmethod
    def sent(self, keys: Iterable[Key], now: datetime, detail: str | None = None) -> None:
        """The server accepted the message: recorded whoever holds the claim now."""

    @abstractmethod
    def failed(self, keys: Iterable[Key], now: datetime, detail: str) -> None:
        """Refused for good; like :meth:`deferred`, it changes only rows that are unclaimed, deferred or this
        run's own claims: another run's outcome is never overwritten."""

    @abstractmethod
    def deferred(self, keys: Iterable[Key], now: datetime, detail: str) -> None: ...

    @abstractmethod
    def missed(self, keys: Iterable[Key], now: datetime) -> None:
        """Older than the catch-up window: changes only rows not sent, not settled and not claimed by a live run."""

    @abstractmethod
    def merge(self, records: Iterable[Record], last_run: datetime | None) -> int:
        """Add another ledger's history in one transaction (``ledger migrate``): for a reminder in both, the more
        settled status wins (sent, failed, missed, pending, deferred). Returns the rows written."""

    # ---------------------------------------------------------------- lifetime
    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


MISSED_DETAIL = "старше окна догоняющей отправки (catch_up)"


def unique_keys(keys: Iterable[Key]) -> list[Key]:
    """Each key once, in one order everywhere: two runs claiming overlapping keys lock rows alike."""
    return sorted(set(keys))


def newer_schema(where: str, version: int) -> ConfigError:
    """The error for a ledger whose schema a later plan-cal wrote (its hosts are upgraded one by one)."""
    return ConfigError(
        f"журнал «{where}» записан более новой версией plan-cal (версия схемы {version}, эта версия знает "
        f"до {SCHEMA_VERSION})",
        hint="Обновите plan-cal на этом компьютере до той же версии, что и на остальных.",
    )


# ----------------------------------------------------------------------------- choosing one
def ledger_exists(state: Path | str) -> bool:
    """Whether there is a ledger to read (a PostgreSQL ledger is a server: taken to exist)."""
    return isinstance(state, str) or state.exists()


def describe_state(state: Path | str) -> str:
    """The ledger for messages: a file's path, or the URL (the config refuses URLs with a password)."""
    return str(state)


def open_ledger(settings: ReminderSettings, state: Path | str | None = None) -> Ledger:
    """The ledger ``settings.state`` (or ``state``) names: a SQLite file, or a PostgreSQL database."""
    where = settings.state if state is None else state
    if isinstance(where, str):
        try:
            from plan_calendar.reminders.pgledger import PostgresLedger  # noqa: PLC0415 - psycopg only when used
        except ImportError as exc:
            raise ConfigError(
                f"журнал в PostgreSQL указан, но модуль psycopg не установлен ({exc.name})",
                hint="Установите plan-cal с поддержкой PostgreSQL: pip install 'plan-cal[postgresql]'.",
            ) from None
        return PostgresLedger(where, lease=settings.lease)
    from plan_calendar.reminders.sqliteledger import SqliteLedger  # noqa: PLC0415 - it imports this module

    return SqliteLedger(where, lease=settings.lease)
