"""The rules a written value must follow, shared by the plan reader and the settings reader.

Each rule is written once here: what an email address, an id, a recipient group's name and a time of day look
like, how a misspelt word finds the word meant, how a value is looked up in an enumeration. The readers keep
their own messages (they say where the value was written); the rule is this module's. Durations have their own
module, :mod:`plan_calendar.durations`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time
from enum import Enum
from typing import TypeVar

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

__all__ = [
    "ADDRESS_RE",
    "ID_RULE",
    "allowed_values",
    "did_you_mean",
    "enum_member",
    "is_address",
    "is_group_name",
    "is_id",
    "key_hint",
    "parse_clock",
]

# An address as the reminders accept it: no display name, no list separators, no quotes (a quoted local part
# would need quoting again in every header and in ORGANIZER's mailto:).
ADDRESS_RE = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")
# Ids of plans, items and extra feeds: they become file names and UIDs.
_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
ID_RULE = "может содержать только строчные латинские буквы, цифры и дефисы"
# A recipient group's name in `notify:` (the groups themselves are named in the settings).
_GROUP_RE = re.compile(r"[\w.-]+")
_CLOCK_RE = re.compile(r"(\d{1,2})([:.])(\d{2})(?::(\d{2}))?")
_TYPO_EDITS = 3  # a word this many edits from a known one is taken for a typo of it

_E = TypeVar("_E", bound=Enum)


def is_address(text: str) -> bool:
    """Whether ``text`` is one email address (``lib@example.org``), with nothing around it."""
    return ADDRESS_RE.fullmatch(text) is not None


def is_id(text: str) -> bool:
    """Whether ``text`` is an id: lowercase Latin letters, digits and hyphens, not starting with a hyphen."""
    return _ID_RE.fullmatch(text) is not None


def is_group_name(text: str) -> bool:
    """Whether ``text`` can name a group of recipients: letters, digits, ``_``, ``.`` and ``-``."""
    return _GROUP_RE.fullmatch(text) is not None


def parse_clock(text: str, *, dot: bool = False, seconds: bool = False) -> time | None:
    """A time of day written «14:00» (hours 0–23); None when ``text`` is not one.

    ``dot`` also accepts «14.00» (plans: a cell copied from a document), ``seconds`` «09:00:30» (settings)."""
    m = _CLOCK_RE.fullmatch(text.strip())
    if m is None or (m.group(2) == "." and not dot) or (m.group(4) is not None and not seconds):
        return None
    hours, minutes, secs = int(m.group(1)), int(m.group(3)), int(m.group(4) or 0)
    if hours > 23 or minutes > 59 or secs > 59:
        return None
    return time(hours, minutes, secs)


def did_you_mean(word: str, choices: Iterable[str], otherwise: str) -> str:
    """The hint for an unknown ``word``: «Может быть, «…»?» with the nearest of ``choices`` (at most three
    edits away, the first of equals), else ``otherwise``."""
    guess = process.extractOne(word, choices, scorer=Levenshtein.distance, score_cutoff=_TYPO_EDITS)
    return f"Может быть, «{guess[0]}»?" if guess else otherwise


def key_hint(key: str, allowed: tuple[str, ...]) -> str:
    """The hint for an unknown key: the key meant, or the list of keys allowed where it was written."""
    return did_you_mean(key, allowed, f"Допустимые ключи: {', '.join(allowed)}.")


def enum_member(enum: type[_E], value: object) -> _E | None:
    """The member of ``enum`` whose value is ``value``; None when there is none."""
    try:
        return enum(value)
    except ValueError:
        return None


def allowed_values(enum: type[Enum]) -> str:
    """``enum``'s values for a hint, in their order: «span, start, monthly, hidden»."""
    return ", ".join(str(member.value) for member in enum)
