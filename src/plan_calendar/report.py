"""Plans, items, readings and check results as JSON-ready dictionaries: ``check --json`` and ``explain --json``
(the shapes documented in README and docs/dates.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plan_calendar.dates.describe import describe
from plan_calendar.durations import format_duration
from plan_calendar.errors import PlanError, Source
from plan_calendar.plan import Item, Plan, PlanWarning
from plan_calendar.schedule import Schedule
from plan_calendar.when import Day, Deadline, Each, Reading, Recurring, Several


def plan_json(plan: Plan) -> dict[str, Any]:
    """The plan's own fields for ``check --json``."""
    out: dict[str, Any] = {
        "id": plan.id,
        "title": plan.title,
        "academic_year": plan.academic_year.name,
        "timezone": plan.timezone,
        "locale": plan.locale,
        "until_inclusive": plan.until_inclusive,
        "file": plan.source.file,
    }
    if plan.organizer is not None:
        out["organizer"] = {"name": plan.organizer.name, "email": plan.organizer.email}
    if plan.description:
        out["description"] = plan.description
    if plan.academic_year.terms:
        out["terms"] = [
            {"name": t.name, "start": t.start.isoformat(), "end": t.end.isoformat()} for t in plan.academic_year.terms
        ]
    return out


def item_json(item: Item) -> dict[str, Any]:
    """The item's fields for ``check --json``: only those the plan sets, in plan-format names."""
    out: dict[str, Any] = {"id": item.id, "title": item.title, "when": item.when}
    if item.kind is not None:
        out["kind"] = item.kind.value
    if item.time is not None:
        out["time"] = item.time.strftime("%H:%M")
    if item.duration is not None:
        out["duration"] = int(item.duration.total_seconds() // 60)
    for name in ("agenda", "responsible", "tags"):
        value = getattr(item, name)
        if value:
            out[name] = list(value)
    for name in ("description", "location"):
        value = getattr(item, name)
        if value is not None:
            out[name] = value
    if item.remind is not None:
        out["remind"] = [format_duration(lead) for lead in item.remind] or False
    if item.notify is not None:
        out["notify"] = list(item.notify)
    if item.display is not None:
        out["display"] = item.display.value
    out["line"] = item.source.line
    if item.source.place is not None:  # a document plan: «таблица 1, строка 7»
        out["place"] = item.source.place
    return out


def reading_json(reading: Reading) -> dict[str, Any]:
    """The fields of ``explain --json`` for one reading (without ``input``)."""
    bounds = reading.bounds()
    when = reading.when
    due = when.due.isoformat() if isinstance(when, Deadline) else None
    times = {(p.time, p.end_time) for p in _timed(reading)}
    t, end_time = next(iter(times)) if len(times) == 1 else (None, None)
    return {
        "kind": reading.shape_name,
        "start": bounds[0].isoformat() if bounds else None,
        "end": bounds[1].isoformat() if bounds else None,
        "due": due,
        "time": t.strftime("%H:%M") if t is not None else None,
        "end_time": end_time.strftime("%H:%M") if end_time is not None else None,
        "occurrences": [[a.isoformat(), b.isoformat()] for a, b in when.occurrences()],
        "warnings": list(reading.warnings),
        "reading": describe(reading),
    }


def _timed(reading: Reading) -> list[Day | Recurring]:
    """The parts of a reading that can carry a time of day."""
    when = reading.when
    parts = when.parts if isinstance(when, Several) else (when,)
    return [p for p in parts if isinstance(p, Day) or (isinstance(p, Recurring) and p.each is Each.DAY)]


def error_json(error: PlanError, item_id: str | None = None) -> dict[str, Any]:
    source = error.source
    out = {
        "file": source.file if source else None,
        "line": source.line if source else None,
        "column": source.column if source else None,
        "item": item_id,
        "message": error.advice,
    }
    return _with_place(out, source)


def warning_json(warning: PlanWarning) -> dict[str, Any]:
    out = {
        "file": warning.source.file,
        "line": warning.source.line,
        "column": warning.source.column,
        "item": warning.item_id,
        "message": warning.message,
    }
    return _with_place(out, warning.source)


def _with_place(out: dict[str, Any], source: Source | None) -> dict[str, Any]:
    """A document plan's place («таблица 1, строка 7, столбец «Сроки»»), only for document plans."""
    if source is not None and source.place is not None:
        out["place"] = source.place
    return out


def check_json(schedule: Schedule) -> dict[str, Any]:
    """``check --json`` for one plan."""
    items = []
    # Items the plan reader left out (a missing title, an unknown key) have no reading: only their errors.
    errors = [error_json(error, item_id) for item_id, error in schedule.plan.broken]
    for entry in schedule.scheduled:
        data = item_json(entry.item)
        if entry.reading is not None:
            data["reading"] = reading_json(entry.reading)
        if entry.error is not None:
            data["error"] = error_json(entry.error, entry.item.id)
            errors.append(data["error"])
        items.append(data)
    return {
        "plan": plan_json(schedule.plan),
        "items": items,
        "errors": sorted(errors, key=lambda e: (e["line"] or 0, e["column"] or 0)),
        "warnings": [warning_json(w) for w in schedule.warnings],
    }


def unusable_json(path: Path, errors: list[PlanError]) -> dict[str, Any]:
    """``check --json`` for a plan that could not be used at all: its file and every error found in it."""
    return {"plan": {"file": str(path)}, "items": [], "errors": [error_json(e) for e in errors], "warnings": []}
