"""`plan-cal build`: plans → the feeds and the page in the output folder, a build that cron can run forever.

The pipeline: read the plans (one that cannot be read writes nothing, the others still build), choose the feeds
(one per plan, and the config's ``[[feeds]]`` by plan, kind, tag and responsible), keep the previous build's
events of items that cannot be read now, and under the build lock render (:mod:`plan_calendar.ics`) and replace
only what changed (:mod:`plan_calendar.files`), the overview page (:mod:`plan_calendar.page`) too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from plan_calendar.config import Config, FeedSpec
from plan_calendar.display import Entry, calendar_entries
from plan_calendar.errors import PlanError, PlanErrors, file_error
from plan_calendar.files import build_lock, remove_leftovers, sources_time, write_atomic
from plan_calendar.ics.feed import Feed, uid_of
from plan_calendar.ics.render import plan_events, render
from plan_calendar.ics.versions import feed_digest, previous_events, read_previous
from plan_calendar.identity import IdStore
from plan_calendar.memory import cyclic_gc_paused
from plan_calendar.page import DIGEST_MARK, FeedLink, page_digest, render_page
from plan_calendar.plan import Plan
from plan_calendar.schedule import Schedule, interpret
from plan_calendar.yamlplan import load_plan

__all__ = ["BuildReport", "build"]


@dataclass
class FeedResult:
    """What happened to one feed in a build."""

    name: str
    path: Path
    events: int
    written: bool
    changed_items: int = 0


@dataclass
class BuildReport:
    """The summary a build prints."""

    feeds: list[FeedResult] = field(default_factory=list)
    undated: list[tuple[str, str, str, str]] = field(default_factory=list)  # plan id, item id, when, title
    warnings: int = 0
    page_written: bool = False
    errors: list[PlanError] = field(default_factory=list)  # items (and plans) left out of this build, with why
    unusable: int = 0  # plans that could not be read at all: their files, [[feeds]] and the page are left as they were
    kept: dict[str, set[str]] = field(default_factory=dict)  # plan id → items shown as before their error

    @property
    def events(self) -> int:
        return sum(f.events for f in self.feeds)


def build(
    plan_paths: list[Path],
    config: Config,
    out: Path,
    progress: Callable[[int, int], Callable[[int], None] | None] | None = None,
) -> BuildReport:
    """Read the plans, and write a feed per plan plus the config's extra feeds into ``out``.

    A plan that cannot be used at all (YAML syntax, an unknown key of the plan) writes nothing
    (:class:`~plan_calendar.errors.PlanErrors`); an item that cannot be read is left out — or, when the previous
    build published it, kept as it was — and listed in ``BuildReport.errors``. ``progress(total)`` may return a
    callback that is called once per rendered event.
    """
    with cyclic_gc_paused():  # plan_calendar.memory: a third of a big build's time otherwise
        return _build(plan_paths, config, out, progress)


def _build(
    plan_paths: list[Path],
    config: Config,
    out: Path,
    progress: Callable[[int, int], Callable[[int], None] | None] | None,
) -> BuildReport:
    ids = IdStore.load(out)  # document plans' ids from the builds before (plan_calendar.identity)
    schedules: list[Schedule] = []
    unusable: list[PlanError] = []
    for path in plan_paths:
        try:
            schedules.append(interpret(load_plan(path, ids), config.reminders.country))
        except PlanError as exc:  # this plan writes nothing; the other plans' calendars are still built
            unusable.extend(exc.errors if isinstance(exc, PlanErrors) else [exc])
    if not schedules:
        raise PlanErrors(unusable)
    _check_names(schedules, config)
    stamp = sources_time([*plan_paths, *([config.source] if config.source else [])])
    feeds = _feeds(schedules, config, stamp)
    report = BuildReport(warnings=sum(len(s.warnings) for s in schedules), unusable=len(unusable))
    report.errors.extend(unusable)
    for s in schedules:
        report.errors.extend(s.errors)
    if unusable:
        # A calendar of several plans and the page would lose the plan that cannot be read: they stay as they are.
        feeds = [f for f in feeds if not f.uid_prefix]
    for s in schedules:
        report.undated.extend(
            (s.plan.id, e.item.id, " ".join(e.item.when.split()), e.item.title)
            for e in s.scheduled
            if not e.dated and not e.error
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise file_error(exc, f"не удалось создать папку «{out}»") from None
    tick = progress(sum(len(f.entries) for f in feeds), 0) if progress else None
    with build_lock(out):
        remove_leftovers(out)
        feeds = [_with_kept(feed, schedules, out / feed.filename, report.kept) for feed in feeds]
        try:
            _write_feeds(out, schedules, feeds, config, report=report, tick=tick, with_page=not unusable)
        except OSError as exc:  # a read-only folder, a full disk: what to fix, not «внутренняя ошибка»
            raise file_error(exc, f"не удалось записать календари в папку «{out}»") from None
        ids.save()
    report.feeds.sort(key=lambda f: [x.name for x in feeds].index(f.name))
    return report


# ----------------------------------------------------------------------------- events kept from before
def _with_kept(feed: Feed, schedules: list[Schedule], path: Path, kept: dict[str, set[str]]) -> Feed:
    """The feed with the previous build's events of items that cannot be read now (their UIDs tell them)."""
    # A plan's own feed keeps that plan's items; an extra feed ([[feeds]]) those of every plan it drew from.
    owners = schedules if feed.uid_prefix else [s for s in schedules if s.plan.id == feed.name]
    stems = {
        f"{feed.uid_prefix}{s.plan.id}-{item_id}": (s.plan.id, item_id) for s in owners for item_id in s.broken_ids
    }
    if not stems:
        return feed
    live = {uid_of(feed, entry) for entry in feed.entries}
    chosen = []
    for uid, block in sorted(previous_events(path).items()):
        stem = uid.rsplit("@", 1)[0]
        if stem in live:
            continue  # an item that is read now has this UID: its event is the new one
        owner = _owner(stem, stems)
        if owner is not None:
            chosen.append(block)
            kept.setdefault(owner[0], set()).add(owner[1])
    return replace(feed, kept=tuple(chosen)) if chosen else feed


# What display.py puts after plan and item in a UID: a part's day, and a number for a second part on the same day.
_KEY_SUFFIX = re.compile(r"-\d{8}(?:-\d+)?")


def _owner(stem: str, stems: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """The (plan, item) whose UIDs this stem is one of: the item's own, or with a part's key after it."""
    for prefix, owner in stems.items():
        if stem == prefix or (stem.startswith(prefix) and _KEY_SUFFIX.fullmatch(stem[len(prefix) :])):
            return owner
    return None


# ----------------------------------------------------------------------------- writing
def _write_feeds(
    out: Path,
    schedules: list[Schedule],
    feeds: list[Feed],
    config: Config,
    *,
    report: BuildReport,
    tick: Callable[[int], None] | None,
    with_page: bool = True,
) -> None:
    """Render what changed and replace those files (under the build lock); the page too, unless told not to."""
    rendered = []
    for feed in feeds:
        path = out / feed.filename
        events = plan_events(feed, config.calendar)
        previous = read_previous(path)
        if previous.digest == feed_digest(feed, config.calendar, events):
            # Same content as the feed on disk: its bytes would be the same, so skip rendering it.
            report.feeds.append(FeedResult(feed.name, path, feed.events, written=False))
            if tick is not None:
                tick(len(events))
            continue
        data, changed = render(feed, config.calendar, previous.versions, tick, events)
        rendered.append((feed, path, data, changed))
    for feed, path, data, changed in rendered:
        written = write_atomic(path, data)
        report.feeds.append(FeedResult(feed.name, path, feed.events, written, changed))
    if not with_page:
        return
    changed_at = {s.plan.id: sources_time([Path(s.plan.source.file)]) for s in schedules}
    links = [_link(f, config) for f in feeds]
    page_path = out / "index.html"
    # The page marks the days of the feeds' own entries: the same display settings and duration.
    display, duration = config.display, config.calendar.default_duration
    kept = report.kept
    digest = page_digest(schedules, links, changed_at, config.templates, kept, display=display, duration=duration)
    if not _page_has_digest(page_path, digest):
        page = render_page(
            schedules, links, changed_at, config.templates, report.kept, display=display, duration=duration
        )
        report.page_written = write_atomic(page_path, page.encode("utf-8"))


def _page_has_digest(path: Path, digest: str) -> bool:
    """Whether the page on disk was rendered from the same content (its digest is in its last line)."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 200))
            tail = handle.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return False
    return f"{DIGEST_MARK}{digest} -->" in tail


def _link(feed: Feed, config: Config) -> FeedLink:
    url = config.calendar.url
    https = f"{url}{feed.filename}" if url else None
    webcal = "webcal://" + https.split("://", 1)[1] if https else None
    return FeedLink(feed.name, feed.title, feed.filename, feed.events, https, webcal)


# ----------------------------------------------------------------------------- the feeds of a build
def _check_names(schedules: list[Schedule], config: Config) -> None:
    seen: dict[str, str] = {}
    for s in schedules:
        if s.plan.id in seen:
            raise PlanError(
                f"у планов «{seen[s.plan.id]}» и «{s.plan.source.file}» одинаковый id «{s.plan.id}»",
                hint="Задайте разные id: календари получили бы одно имя файла.",
            )
        seen[s.plan.id] = s.plan.source.file
    for spec in config.feeds:
        if spec.name in seen:
            raise PlanError(
                f"календарь «{spec.name}» из настроек называется так же, как план «{seen[spec.name]}»",
                hint="Переименуйте [[feeds]] name.",
            )


def _feeds(schedules: list[Schedule], config: Config, stamp: datetime) -> list[Feed]:
    feeds = []
    everything: list[Entry] = []
    for schedule in schedules:
        plan = schedule.plan
        entries = tuple(calendar_entries(schedule, config.display, config.calendar.default_duration))
        everything.extend(entries)
        feeds.append(
            Feed(
                name=plan.id,
                title=plan.title,
                description=_plan_description(plan),
                timezone=plan.timezone,
                entries=entries,
                first_year=plan.academic_year.first,
                last_year=plan.academic_year.second,
                stamp=stamp,
            )
        )
    for spec in config.feeds:
        chosen = tuple(e for e in everything if _matches(spec, e))
        plans = [s.plan for s in schedules] or []
        feeds.append(
            Feed(
                name=spec.name,
                title=spec.title,
                description=spec.description or spec.title,
                timezone=plans[0].timezone if plans else "Europe/Moscow",
                entries=chosen,
                first_year=min((p.academic_year.first for p in plans), default=1970),
                last_year=max((p.academic_year.second for p in plans), default=1971),
                uid_prefix=f"{spec.name}-",
                stamp=stamp,
            )
        )
    return feeds


def _matches(spec: FeedSpec, entry: Entry) -> bool:
    item = entry.item
    if spec.plans and entry.plan.id not in spec.plans:
        return False
    if spec.kinds and (item.kind is None or item.kind.value not in spec.kinds):
        return False
    if spec.tags and not set(spec.tags) & set(item.tags):
        return False
    return not spec.responsible or bool(set(spec.responsible) & set(item.responsible))


def _plan_description(plan: Plan) -> str:
    return f"{plan.title}. Учебный год {plan.academic_year.name}. Календарь создан plan-cal из плана работы."
