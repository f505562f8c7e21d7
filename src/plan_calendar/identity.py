"""Stable ids for the rows of a document plan, which has no ids written by its author.

An item's id makes its events' UIDs and its reminders' ledger keys. In YAML the author writes it; a Word or Excel
plan has only titles and dates, and an id proposed from the title would change with every corrected typo. So the
ids a build gave are kept next to the feeds, in ``<output folder>/.plan-cal-ids.json``, and the next reading of
the document matches its rows to them (docs/plan-format.md, «Документ как план»):

1. the same title (ignoring case, «ё» and spaces) and the same date — the date text as written, or the first day
   it is read as;
2. the same title alone, when exactly one row and one earlier item have it (the date was changed);
3. the same date and a similar title (rapidfuzz: 80 or more of 100; a corrected typo, a word added), the most
   similar pairs first.

A row that matches keeps the earlier item's id, whatever its position in the table: inserting a row or
re-ordering rows changes no id. Other rows get a new id proposed from the title, never one used before in that
plan. A row whose title and date both changed is a new item (its old events disappear, new ones appear).

The file is written by ``build`` and ``remind`` (not by ``check`` or ``remind --dry-run``), under the output
folder's build lock; a missing or unreadable file means no earlier ids.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from plan_calendar.ids import IdPool

__all__ = ["IDS_FILE", "IdStore", "Row"]

IDS_FILE = ".plan-cal-ids.json"
SIMILAR = 80  # rapidfuzz token-set ratio from which two titles on the same date are one item
_VERSION = 1


@dataclass(frozen=True, slots=True)
class Row:
    """What identifies a row: its title, its date as written, and the first day that date is read as."""

    title: str
    when: str
    start: date | None


@dataclass(frozen=True, slots=True)
class _Known:
    id: str
    row: Row


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def _same_date(a: Row, b: Row) -> bool:
    return _norm(a.when) == _norm(b.when) or (a.start is not None and a.start == b.start)


class IdStore:
    """The ids earlier builds gave to document plans' rows, per plan id."""

    def __init__(self, folder: Path | None, data: dict[str, Any] | None = None) -> None:
        self.folder = folder
        self.plans: dict[str, list[_Known]] = {}
        self.retired: dict[str, set[str]] = {}
        self.changed = False
        for plan_id, entry in (data or {}).get("plans", {}).items():
            with contextlib.suppress(KeyError, TypeError, ValueError):
                self.plans[plan_id] = [
                    _Known(
                        str(i["id"]),
                        Row(str(i["title"]), str(i["when"]), date.fromisoformat(i["start"]) if i["start"] else None),
                    )
                    for i in entry["items"]
                ]
                self.retired[plan_id] = {str(x) for x in entry.get("retired", [])}

    @classmethod
    def load(cls, folder: Path) -> IdStore:
        """The ids kept in ``folder`` (none when the file is missing or unreadable)."""
        try:
            data = json.loads((folder / IDS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(folder)
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return cls(folder)
        return cls(folder, data)

    def assign(self, plan_id: str, rows: Sequence[Row]) -> list[str]:
        """An id for each row, in order: the earlier item's when the row matches one, else a new one."""
        known = self.plans.get(plan_id, [])
        ids: list[str | None] = [None] * len(rows)
        free = list(range(len(known)))  # earlier items not matched yet

        def claim(r: int, k: int) -> None:
            ids[r] = known[k].id
            free.remove(k)

        titles = [_norm(row.title) for row in rows]
        known_titles = [_norm(k.row.title) for k in known]
        for r, row in enumerate(rows):  # 1. same title, same date
            k = next((k for k in free if known_titles[k] == titles[r] and _same_date(row, known[k].row)), None)
            if k is not None:
                claim(r, k)
        for r in range(len(rows)):  # 2. same title, one of each left: the date changed
            if ids[r] is not None:
                continue
            here = [x for x in range(len(rows)) if ids[x] is None and titles[x] == titles[r]]
            there = [k for k in free if known_titles[k] == titles[r]]
            if len(here) == 1 and len(there) == 1:
                claim(r, there[0])
        pairs = sorted(  # 3. same date, similar title: the most similar first
            (
                (-fuzz.token_set_ratio(titles[r], known_titles[k]), r, k)
                for r in range(len(rows))
                if ids[r] is None
                for k in free
                if _same_date(rows[r], known[k].row)
            ),
        )
        for score, r, k in pairs:
            if -score >= SIMILAR and ids[r] is None and k in free:
                claim(r, k)
        used = {k.id for k in known} | self.retired.get(plan_id, set())
        pool = IdPool(used | {i for i in ids if i is not None})
        out = [i if i is not None else pool.propose(rows[r].title) for r, i in enumerate(ids)]
        self._record(plan_id, rows, out, known)
        return out

    def _record(self, plan_id: str, rows: Sequence[Row], ids: list[str], known: list[_Known]) -> None:
        now = [_Known(i, row) for i, row in zip(ids, rows, strict=True)]
        if now == known:
            return
        gone = {k.id for k in known} - set(ids)
        self.plans[plan_id] = now
        self.retired[plan_id] = self.retired.get(plan_id, set()) | gone
        self.changed = True

    def save(self) -> None:
        """Write the file if anything changed (atomically; the caller holds the folder's build lock)."""
        if not self.changed or self.folder is None:
            return
        data = {
            "version": _VERSION,
            "about": "Ids plan-cal gave to the rows of document plans (docs/plan-format.md). Do not edit.",
            "plans": {
                plan_id: {
                    "items": [
                        {
                            "id": k.id,
                            "title": k.row.title,
                            "when": k.row.when,
                            "start": k.row.start.isoformat() if k.row.start else None,
                        }
                        for k in items
                    ],
                    "retired": sorted(self.retired.get(plan_id, set())),
                }
                for plan_id, items in sorted(self.plans.items())
            },
        }
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f"{IDS_FILE}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)  # as the feeds: build and remind may run as different users
            os.replace(tmp, self.folder / IDS_FILE)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self.changed = False
