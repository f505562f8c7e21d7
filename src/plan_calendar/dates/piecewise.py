"""Reading a cell piece by piece, when it does not read whole (docs/dates.md, «Что кроме даты»).

Each part is read from left to right: the longest run of tokens from here that reads is a date (or a time of
the day before it); a token that starts no such run is not part of the date, and is quoted in a warning
(:func:`~plan_calendar.dates.lenient.warn_rest`). :func:`~plan_calendar.dates.lenient.leftover_is_safe` is the
precision rule. The strict reader of one part is passed in (``read_part``), so that this module sits below
:mod:`~plan_calendar.dates.grammar`, which uses it."""

from __future__ import annotations

from collections.abc import Callable

from plan_calendar.dates.clock import clock_text, time_range
from plan_calendar.dates.context import Context
from plan_calendar.dates.lenient import describe_parts, leftover_is_safe, named_day, only_time, temporal, without_date
from plan_calendar.dates.tokens import NoMatch, Tag, Tok, TokStream
from plan_calendar.errors import DateError
from plan_calendar.when import When

__all__ = ["ReadPart", "read_piecewise"]

ReadPart = Callable[[Context, list[Tok], list[When]], None]
"""Read one part strictly, appending (or completing) its reading in the list; raise NoMatch if it does not read."""


def read_piecewise(cx: Context, parts: list[list[Tok]], error: DateError, read_part: ReadPart) -> list[When]:
    """A cell that does not read whole: read every date in it, keep the rest as words that are not a date.

    Each part is read from left to right: the longest run of tokens from here that reads is a date (or a time
    of the day before it); a token that starts no such run is not part of the date. What is left over may
    only be words, numbers of something else («3 урок», «(7 дней)») and years: a leftover that could be part
    of a date («с 16 по 12 ноября», «середина учебного года») means the cell is wrong, and the error stands.
    Every guess leaves a warning (the words left over, or the pieces a part was read as)."""
    whens: list[When] = []
    times: list[str] = []
    pieces = 0
    dated = any(t.tag in (Tag.DOT, Tag.MONTH) for part in parts for t in part)
    for part in parts:
        p, n = 0, len(part)
        before = len(whens)
        read = [False] * n
        while p < n:
            end = _longest_reading(cx, part, p, whens, read_part, dated=dated)
            if end is not None:
                read[p:end] = [True] * (end - p)
                p = end
                continue
            clock = TokStream(part[p:])
            mark = len(cx.warnings)
            try:
                found = time_range(cx, clock)
            except NoMatch:
                found = None
                del cx.warnings[mark:]
            if found is not None and clock.pos > 0:
                times.append(clock_text(found))
                read[p : p + clock.pos] = [True] * clock.pos
                p += clock.pos
                continue
            cx.rest.append(part[p])
            p += 1
        if not leftover_is_safe(part, read, dated=dated):
            raise error
        pieces = max(pieces, len(whens) - before)
    if not whens:
        del cx.rest[:]
        named = named_day(cx)
        if named is not None:
            return [named]
        if times:
            return [only_time(cx, times)]
        if all(leftover_is_safe(part, [False] * len(part), dated=False, years=False) for part in parts):
            return [without_date(cx, [])]  # «2-й урок», «5-7 классы»: numbers of something else
        raise error
    if pieces > 1:
        cx.warnings.append(f"«{' '.join(cx.text.split())}» прочитано по частям: {describe_parts(whens)} — проверьте")
    if times:
        cx.warnings.append(f"время {', '.join(times)} не отнесено ни к одному дню — не учтено")
    return whens


def _longest_reading(
    cx: Context, part: list[Tok], p: int, whens: list[When], read_part: ReadPart, *, dated: bool
) -> int | None:
    """The end of the longest run of ``part`` from ``p`` that reads (appended to ``whens``), or None.

    In a cell that writes a date («Осенние каникулы: 29.10.2018 — 04.11.2018»), only runs with a date count:
    the words around it name the period, they do not date it a second time."""
    for j in range(len(part), p, -1):
        window = part[p:j]
        if not temporal(window):
            return None  # shorter runs hold no more temporal tokens than this one
        if dated and not any(t.tag in (Tag.DOT, Tag.MONTH) for t in window):
            return None
        mark = len(cx.warnings)
        trial = list(whens)
        try:
            read_part(cx, window, trial)
        except NoMatch:
            del cx.warnings[mark:]
            continue
        whens[:] = trial
        return j
    return None
