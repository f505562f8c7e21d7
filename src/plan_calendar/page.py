"""The overview page: `build` writes ``index.html`` next to the feeds (Jinja2 template ``templates/site/``).

One self-contained file: the plans, a subscribe block per feed, the year at a glance (September to August, each
item on its days), undated items, and the warnings `check` would print. No wall clock: "updated" is the plans'
last change, so an unchanged plan gives a byte-identical page.
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape

from plan_calendar.config import CalendarSettings, DisplaySettings
from plan_calendar.dates.describe import describe, plural
from plan_calendar.dates.lexicon import KIND_NAMES
from plan_calendar.display import Entry, item_entries
from plan_calendar.errors import Source
from plan_calendar.report import plan_json
from plan_calendar.schedule import Schedule
from plan_calendar.when import Deadline, Ongoing, Recurring, Undated

__all__ = ["DIGEST_MARK", "FeedLink", "page_digest", "render_page"]

PAGE_VERSION = 4  # raise when the template or the page model changes, so pages are rendered anew
_DEFAULT_DURATION = CalendarSettings().default_duration


@dataclass(frozen=True)
class FeedLink:
    """One feed on the page: its title, its file, and the addresses to subscribe with."""

    name: str
    title: str
    filename: str
    events: int
    https: str | None  # None when [calendar] url is not configured
    webcal: str | None


@dataclass(frozen=True)
class Segment:
    start: int  # first day of the month covered
    end: int  # last day
    style: str  # deadline | day | span | pattern | ongoing
    label: str  # text alternative: what the mark or bar means


@dataclass
class Row:
    item: str  # the item's id (data-item: tests compare the page's days with the feed's)
    title: str
    wording: str
    reading: str
    kind: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Month:
    key: str  # 2019-10, for the "today" marker
    label: str
    days: int
    rows: list[Row] = field(default_factory=list)


@dataclass
class PlanView:
    title: str
    updated: str
    updated_iso: str
    description: str | None
    year: str
    months: list[Month]
    undated: list[tuple[str, str]]
    errors: list[str]
    warnings: list[str]


def _months(schedule: Schedule, display: DisplaySettings, duration: timedelta) -> list[Month]:
    """September to August; each item is marked on the days its calendar entries fall on in the feed (the same
    entries, and each occurrence of a repetition as a calendar expands it), in the months they touch."""
    year = schedule.plan.academic_year
    months: dict[tuple[int, int], Month] = {}
    for offset in range(12):
        m = (8 + offset) % 12 + 1
        y = year.first if m >= 9 else year.second
        first = date(y, m, 1)
        label = format_date(first, "LLLL y", locale="ru").capitalize()
        months[(y, m)] = Month(f"{y}-{m:02d}", label, calendar.monthrange(y, m)[1])
    for scheduled in schedule.scheduled:
        if scheduled.reading is None or isinstance(scheduled.reading.when, Undated):
            continue
        by_month: dict[tuple[int, int], list[Segment]] = {}
        for entry in item_entries(schedule.plan, scheduled, display, duration):
            for a, b in entry_days(entry):
                y, m = a.year, a.month
                while (y, m) <= (b.year, b.month):
                    if (y, m) in months:
                        first = date(y, m, 1)
                        last = date(y, m, months[(y, m)].days)
                        by_month.setdefault((y, m), []).append(_segment(entry, max(a, first), min(b, last), a == b))
                    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        if not by_month:
            continue
        item = scheduled.item
        kind = KIND_NAMES[item.kind.value] if item.kind is not None else ""
        reading_text = describe(scheduled.reading)
        wording = " ".join(item.when.split())
        for key, segments in by_month.items():
            segments.sort(key=lambda seg: (seg.start, seg.end))
            months[key].rows.append(Row(item.id, item.title, wording, reading_text, kind, segments))
    for month in months.values():
        month.rows.sort(key=lambda r: (r.segments[0].start, r.title))
    return list(months.values())


def entry_days(entry: Entry) -> list[tuple[date, date]]:
    """The days each occurrence of ``entry`` covers, first and last inclusive, as a calendar shows them."""
    length = entry.end - entry.start  # type: ignore[operator]
    out = []
    for start in entry.occurrences():
        end = start + length
        first = start.date() if isinstance(start, datetime) else start
        last = (end - timedelta(microseconds=1)).date() if isinstance(end, datetime) else end - timedelta(days=1)
        out.append((first, max(first, last)))
    return out


@lru_cache(maxsize=1024)
def _short(d: date) -> str:
    """«5 сентября»."""
    return format_date(d, "d MMMM", locale="ru")


def _segment(entry: Entry, start: date, end: date, single_day: bool) -> Segment:
    part = entry.part
    if isinstance(part, Deadline) or (isinstance(part, Recurring) and part.deadline):
        return Segment(start.day, end.day, "deadline", f"срок: {_short(start)}")
    label = _short(start) if single_day else f"с {_short(start)} по {_short(end)}"
    if isinstance(part, Ongoing):
        return Segment(start.day, end.day, "ongoing", label)
    if entry.tentative:  # a seminar "in October": the feed's marker on the first day, the day not known yet
        return Segment(start.day, end.day, "tentative", f"{label}, дата уточняется")
    if entry.rrule is not None or isinstance(part, Recurring):
        return Segment(start.day, end.day, "pattern", label)
    return Segment(start.day, end.day, "day" if single_day else "span", label)


def _errors(schedule: Schedule, kept: set[str]) -> list[str]:
    """What needs fixing: each item that could not be read, and how the calendar shows it meanwhile."""
    out = []
    titles = {e.item.id: e.item.title for e in schedule.scheduled}
    for error in schedule.errors:
        line = _where(error.source)
        item_id = next((e.item.id for e in schedule.scheduled if e.error is error), None)
        if item_id is None:
            item_id = next((i for i, err in schedule.plan.broken if err is error), None)
        name = f"«{titles[item_id]}» ({item_id}), " if item_id in titles else (f"{item_id}, " if item_id else "")
        shown = "В календаре показан, как был до ошибки." if item_id in kept else "В календарь не попал."
        out.append(f"{line}{name}{error.advice} {shown}")
    return out


def _warnings(schedule: Schedule) -> list[str]:
    """What to check, each named by its place and the item's title, the id after it."""
    titles = {e.item.id: e.item.title for e in schedule.scheduled}
    out = []
    for w in schedule.warnings:
        where = _where(w.source)
        title = titles.get(w.item_id) if w.item_id is not None else None
        name = f"«{title}» ({w.item_id}): " if title is not None else (f"{w.item_id}: " if w.item_id else "")
        out.append(f"{where}{name}{w.message}")
    return out


def _where(source: Source | None) -> str:
    """«строка 12: », or a document plan's place («таблица 1, строка 7, столбец «Сроки»: »)."""
    if source is None:
        return ""
    if source.place is not None:
        return f"{source.place}: " if source.place else ""
    return f"строка {source.line}: " if source.line else ""


def _view(
    schedule: Schedule, updated: datetime, kept: set[str], display: DisplaySettings, duration: timedelta
) -> PlanView:
    plan = schedule.plan
    undated = [
        (e.item.title, " ".join(e.item.when.split()))
        for e in schedule.scheduled
        if e.reading is not None and isinstance(e.reading.when, Undated)
    ]
    return PlanView(
        title=plan.title,
        updated=format_datetime(updated, "d MMMM y, HH:mm", locale="ru"),
        updated_iso=updated.isoformat(timespec="seconds"),
        description=plan.description,
        year=plan.academic_year.name,
        months=_months(schedule, display, duration),
        undated=undated,
        errors=_errors(schedule, kept),
        warnings=_warnings(schedule),
    )


DIGEST_MARK = "<!-- plan-cal-digest: "


def page_digest(
    schedules: list[Schedule],
    feeds: list[FeedLink],
    updated: dict[str, datetime],
    templates: Path | None = None,
    kept: dict[str, set[str]] | None = None,
    *,
    display: DisplaySettings | None = None,
    duration: timedelta = _DEFAULT_DURATION,
) -> str:
    """A hash of everything the page shows, so an unchanged page need not be rendered again."""
    content = [repr(feeds), repr(sorted(updated.items())), str(PAGE_VERSION)]
    content.append(repr((display or DisplaySettings(), duration)))
    content.append(repr(sorted((plan, sorted(items)) for plan, items in (kept or {}).items())))
    for schedule in schedules:
        content.append(repr(plan_json(schedule.plan)))
        for entry in schedule.scheduled:
            content.append(repr((entry.item, entry.reading, entry.error and entry.error.message)))
        content.append(repr([w.message for w in schedule.warnings]))
    if templates is not None and (templates / "site" / "index.html").is_file():
        content.append((templates / "site" / "index.html").read_text(encoding="utf-8"))
    return hashlib.sha256("\n".join(content).encode("utf-8")).hexdigest()[:32]


def render_page(
    schedules: list[Schedule],
    feeds: list[FeedLink],
    updated: dict[str, datetime],
    templates: Path | None = None,
    kept: dict[str, set[str]] | None = None,
    *,
    display: DisplaySettings | None = None,
    duration: timedelta = _DEFAULT_DURATION,
) -> str:
    """The page's HTML (autoescaped: nothing from a plan can add markup or scripts).

    ``updated`` maps each plan's id to its last change (the plan file's modification time); ``kept`` names the
    items whose entries the feeds show as they were before their error; ``display`` and ``duration`` are the
    feeds' (the page marks the days of the feeds' entries)."""
    kept = kept or {}
    display = display or DisplaySettings()
    loaders: list[object] = [PackageLoader("plan_calendar", "templates")]
    if templates is not None:
        loaders.insert(0, FileSystemLoader(templates))
    env = Environment(
        loader=ChoiceLoader(loaders),  # type: ignore[arg-type]
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals["plural"] = plural
    template = env.get_template("site/index.html")
    views = [_view(s, updated[s.plan.id], kept.get(s.plan.id, set()), display, duration) for s in schedules]
    html = template.render(plans=views, feeds=feeds)
    digest = page_digest(schedules, feeds, updated, templates, kept, display=display, duration=duration)
    return f"{html}{DIGEST_MARK}{digest} -->\n"
