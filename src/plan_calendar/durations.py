"""Lead times and durations written as «14d», «3d», «12h», «90m», «1h30m» (config and plan share them)."""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["format_duration", "parse_duration"]

_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$", re.IGNORECASE)


def parse_duration(text: str) -> timedelta:
    """«14d», «3d», «12h», «90m», «1h30m» → timedelta; raises ValueError."""
    m = _DURATION.match(str(text))
    if not m or not any(m.groups()):
        raise ValueError(text)
    days, hours, minutes = (int(g or 0) for g in m.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def format_duration(value: timedelta) -> str:
    """The inverse of :func:`parse_duration` in its shortest form: 14d, 1d12h, 90 minutes → 1h30m, zero → 0d."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((days, "d"), (hours, "h"), (mins, "m")) if v) or "0d"
