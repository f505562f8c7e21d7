"""What the readers of one date cell share: :class:`Context`.

The grammar is a set of plain functions, one family to a module (:mod:`~plan_calendar.dates.monthly`,
:mod:`~plan_calendar.dates.recurrence`, :mod:`~plan_calendar.dates.periods`, :mod:`~plan_calendar.dates.clock`,
:mod:`~plan_calendar.dates.points`, :mod:`~plan_calendar.dates.days`, :mod:`~plan_calendar.dates.lenient`,
:mod:`~plan_calendar.dates.piecewise`, :mod:`~plan_calendar.dates.grammar`), each taking the context of the cell
it reads as its first argument and a :class:`~plan_calendar.dates.tokens.TokStream` over the tokens of one part.
The modules import each other in that order and never back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plan_calendar.dates.lexicon import Lexicon
from plan_calendar.dates.school import AcademicYear
from plan_calendar.dates.tokens import Tok

__all__ = ["Context"]


@dataclass(slots=True)
class Context:
    """The cell being read, the settings it is read with, and what reading it has said so far.

    A reader that tries a shape and gives up (raises ``NoMatch``) takes back what it appended to ``warnings``
    and ``rest``: callers mark their lengths before trying and cut them back after."""

    text: str  # the cell as written
    year: AcademicYear  # the year of dates without one, the bounds of repetitions, the terms
    until_inclusive: bool  # «до 1 октября» is due on 1 October (True) or on 30 September (False)
    lex: Lexicon
    source: str = ""  # the text as read (words broken by hyphenation joined): spans of tokens point into it
    warnings: list[str] = field(default_factory=list)
    rest: list[Tok] = field(default_factory=list)  # tokens that are not part of the date (quoted in a warning)
    month_unnamed: bool = False  # the cell's days name no month («15»): they are read as the item's month
    salvaging: bool = False  # reading the cell piece by piece (docs/dates.md, «Что кроме даты»)
