"""Times of day in the date grammar: «14:00», «в 15.00», «11.00-13.00», «с 9 до 15», «11-30-13-30».

Plain functions over a :class:`~plan_calendar.dates.context.Context`, like :mod:`~plan_calendar.dates.recurrence`."""

from __future__ import annotations

from datetime import date, time

from plan_calendar.dates.context import Context
from plan_calendar.dates.describe import day as _ru_date
from plan_calendar.dates.lexicon import Word
from plan_calendar.dates.tokens import NoMatch, Tag, TokStream

__all__ = ["check_weekday", "clock_text", "next_is_month_at", "time_range"]


def time_range(cx: Context, s: TokStream, *, after_day: bool = False) -> tuple[time, time | None] | None:
    """A time or a time range: «14:00», «в 15.00», «11.00-13.00», «с 10.00 до 13.00», «с 9 до 15 ч»,
    «11-30-13-30»; after a day also «- 16.00» («22.12-16.00»)."""
    save = s.pos
    if after_day:
        dash, nxt = s.peek(), s.peek(1)
        if dash is not None and dash.tag is Tag.PUNCT and dash.value == "-" and nxt is not None and nxt.tag is Tag.TIME:
            s.next()
    since = s.word(Word.FROM)
    hours = _hours_range(s) if since else None
    if hours is not None:  # «с 9 до 15», «с 10 до 15 часов»
        s.pos += 3
        s.word(Word.HOUR)
        return time(hours[0]), time(hours[1])
    start = _clock(cx, s, context=after_day or since)
    if start is None:
        s.pos = save
        return None
    mark = s.pos
    if s.punct("-") or s.word(Word.UNTIL) or s.word(Word.TO):
        end = _clock(cx, s, context=True)
        if end is not None:
            return start, end
        s.pos = mark
    return start, None


def _time(cx: Context, s: TokStream) -> time | None:
    """A time alone (no range), as after «по средам»."""
    times = time_range(cx, s)
    return None if times is None else times[0]


def _clock(cx: Context, s: TokStream, *, context: bool) -> time | None:
    """«14:00», «в 14.00», «15.00ч», «в 14 ч», «в 14-00»; in the context of a day also «14-30»."""
    save = s.pos
    had_in = s.word(Word.IN) or context
    t = s.peek()
    if t is None:
        s.pos = save
        return None
    hm: tuple[int, int] | None = None
    if t.tag is Tag.TIME:
        hm = t.value
        s.next()
    elif t.tag is Tag.DOT and t.value[2] is None:
        h, m, _ = t.value
        nxt = s.peek(1)
        hour_word = nxt is not None and nxt.tag is Tag.WORD and nxt.value is Word.HOUR
        if (had_in and not context) or hour_word:
            hm = (h, m)
            s.next()
    elif t.tag is Tag.NUM:
        nxt = s.peek(1)
        if nxt is not None and nxt.tag is Tag.WORD and nxt.value is Word.HOUR:
            hm = (t.value, 0)
            s.next()
        elif had_in and nxt is not None and nxt.tag is Tag.PUNCT and nxt.value == "-":
            after = s.peek(2)
            if (
                after is not None
                and after.tag is Tag.NUM
                and len(after.text) == 2
                and after.value < 60
                and t.value <= 23
                and not next_is_month_at(s, 3)
            ):
                hm = (t.value, after.value)
                s.pos += 3
    if hm is None:
        s.pos = save
        return None
    s.word(Word.HOUR)
    h, m = hm
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise NoMatch(f"время {h}:{m:02d} невозможно")
    return time(h, m)


def check_weekday(cx: Context, day: date, weekday: int, written: str) -> None:
    if day.weekday() != weekday:
        actual = cx.lex.weekday_names[day.weekday()]
        cx.warnings.append(
            f"{_ru_date(day)} — {actual}, а в плане указано «{written}»: проверьте число или день недели"
        )


def clock_text(times: tuple[time, time | None]) -> str:
    start, end = times
    return f"{start:%H:%M}–{end:%H:%M}" if end is not None else f"{start:%H:%M}"


def next_is_month_at(s: TokStream, ahead: int) -> bool:
    t = s.peek(ahead)
    return t is not None and t.tag is Tag.MONTH


def _hours_range(s: TokStream) -> tuple[int, int] | None:
    """«9 до 15» after «с»: whole hours of a day (the next three tokens), or None."""
    a, until, b = s.peek(), s.peek(1), s.peek(2)
    if (
        a is not None
        and a.tag is Tag.NUM
        and a.value <= 23
        and until is not None
        and until.tag is Tag.WORD
        and until.value is Word.UNTIL
        and b is not None
        and b.tag is Tag.NUM
        and a.value < b.value <= 23
        and not next_is_month_at(s, 3)
    ):
        return a.value, b.value
    return None
