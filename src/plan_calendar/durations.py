"""Lead times and durations: «14d», «3d», «12h», «90m», «1h30m», and as people write them in Russian — «7 дней»,
«1 день», «2 недели», «3 часа», «1 час 30 минут», «45 мин», «2 ч» (config and plan share them)."""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["format_duration", "parse_duration"]

# One number and its unit; a duration is one or more of them, largest first («1 час 30 минут», «1 день 12 часов»,
# «1h30m»): the short forms of the settings («14d», «12h», «90m») are this grammar's Latin units.
_PART = re.compile(
    r"\s*(\d+)\s*(?P<unit>"
    r"недел[яиью]|нед\.?|w"
    r"|дн(?:я|ей|\.)?|день|сут(?:ки|ок|\.)?|д\.?|d"
    r"|час(?:а|ов)?|ч\.?|h"
    r"|минут[аы]?|мин\.?|м\.?|m(?:in)?"
    r")(?![a-zа-яё])\s*(?:и\s+)?",
    re.IGNORECASE,
)
_MINUTES = {"w": 7 * 1440, "d": 1440, "h": 60, "m": 1}


def _unit(word: str) -> str:
    first = word.lower()[0]
    return {"н": "w", "w": "w", "д": "d", "с": "d", "d": "d", "ч": "h", "h": "h"}.get(first, "m")


def parse_duration(text: str) -> timedelta:
    """«14d», «1h30m», «7 дней», «2 недели», «1 час 30 минут» → timedelta; raises ValueError."""
    text = str(text)
    position, total, last = 0, 0, None
    stripped = text.strip()
    if not stripped:
        raise ValueError(text)
    text = stripped
    while position < len(text):
        part = _PART.match(text, position)
        if part is None or part.end() == position:
            raise ValueError(text)
        unit = _unit(part.group("unit"))
        order = list(_MINUTES).index(unit)
        if last is not None and order <= last:  # «30 минут 1 час», «1 день 2 дня»: not a duration
            raise ValueError(text)
        last = order
        total += int(part.group(1)) * _MINUTES[unit]
        position = part.end()
    return timedelta(minutes=total)


def format_duration(value: timedelta) -> str:
    """The inverse of :func:`parse_duration` in its shortest form: 14d, 1d12h, 90 minutes → 1h30m, zero → 0d."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((days, "d"), (hours, "h"), (mins, "m")) if v) or "0d"
