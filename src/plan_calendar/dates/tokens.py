"""Tokens of the date grammar: one regular expression cuts the text, the lexicon classifies the words."""

from __future__ import annotations

import re
from enum import Enum
from typing import Final, Literal, NamedTuple

from plan_calendar.dates.lexicon import Cls, Lexicon, Word

__all__ = [
    "DayMonth",
    "DotTok",
    "IntTok",
    "NoMatch",
    "Tag",
    "TextTok",
    "TimeTok",
    "Tok",
    "TokStream",
    "TokTag",
    "WordTok",
    "clean_text",
    "number_token",
    "tokenize",
    "weekday_token",
]


class TokTag(Enum):
    """What a token is. (Its value's type follows from it: see the token classes below.)"""

    __hash__ = object.__hash__  # as Word's (lexicon.py): tags are looked up in sets on every token

    NUM = "number"  # 19
    DOT = "dotted date"  # 19.09., 19.09.2019, 2019-09-19
    TIME = "time"  # 14:00, 14.30, 14-00
    ORD = "ordinal number"  # 1-я, 11-го
    NL = "line break"
    PUNCT = "punctuation"  # - , ; ( ) / +
    MONTH = "month"  # 1…12
    WDAY = "weekday"  # 0 (Monday) … 6
    WCHECK = "weekday in brackets"  # (чт): checked against the day before it
    ORDW = "ordinal word"  # первая, последняя, II: 1…5, −1
    WORD = "word"  # a key word of the lexicon
    UNK = "unknown word"  # not a date word


class Tag:
    """The token tags as plain class attributes: the grammar compares them on every token, and an Enum's own
    attribute access costs several times a plain class's (measured: the grammar read 10% fewer cells a second).
    ``Final`` keeps each a literal, so that ``t.tag is Tag.NUM`` tells the type checker which token ``t`` is."""

    NUM: Final = TokTag.NUM
    DOT: Final = TokTag.DOT
    TIME: Final = TokTag.TIME
    ORD: Final = TokTag.ORD
    NL: Final = TokTag.NL
    PUNCT: Final = TokTag.PUNCT
    MONTH: Final = TokTag.MONTH
    WDAY: Final = TokTag.WDAY
    WCHECK: Final = TokTag.WCHECK
    ORDW: Final = TokTag.ORDW
    WORD: Final = TokTag.WORD
    UNK: Final = TokTag.UNK


DayMonth = tuple[int, int, int | None]
"""A dotted date's numbers as written — (day, month, year); «19.09.» has no year. A plain tuple: a named one would
cost a Python-level call for every date the tokenizer meets."""


class IntTok(NamedTuple):
    """A number, an ordinal, a month (1…12), a weekday (0…6) or an ordinal word (1…5, −1 for «последний»)."""

    tag: Literal[TokTag.NUM, TokTag.ORD, TokTag.MONTH, TokTag.WDAY, TokTag.WCHECK, TokTag.ORDW]
    value: int
    text: str
    span: tuple[int, int] = (-1, -1)  # where in the text it stands (to quote the words that are not a date)


class WordTok(NamedTuple):
    """A key word of the lexicon («до», «каждый», «четверть»)."""

    tag: Literal[TokTag.WORD]
    value: Word
    text: str
    span: tuple[int, int] = (-1, -1)


class DotTok(NamedTuple):
    """A dotted or ISO date: «19.09.», «19.09.2019», «2019-09-19»."""

    tag: Literal[TokTag.DOT]
    value: DayMonth
    text: str
    span: tuple[int, int] = (-1, -1)


class TimeTok(NamedTuple):
    """A time of day: (hour, minute)."""

    tag: Literal[TokTag.TIME]
    value: tuple[int, int]
    text: str
    span: tuple[int, int] = (-1, -1)


class TextTok(NamedTuple):
    """Punctuation, a line break or an unknown word: the value is its text."""

    tag: Literal[TokTag.PUNCT, TokTag.NL, TokTag.UNK]
    value: str
    text: str
    span: tuple[int, int] = (-1, -1)


Tok = IntTok | WordTok | DotTok | TimeTok | TextTok
"""A token: its tag, its value (typed by the tag), the text it came from and where it stands in the cell."""


TOKEN_RE = re.compile(
    r"""
    (?P<nl>\n)
  | (?P<iso>(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d))
  | (?P<time>(?<![\d.])([01]?\d|2[0-3])(?::|-(?=00)|\.(?=00|1[3-9]|[2-5]\d))(\d{2})(?!\d)\.?)
  | (?P<spaced>(?<![\d./])(\d{1,2})\.\ (\d{1,2})\.\ ?(\d{4})(?!\d)\.?)
  | (?P<dot>(?<![\d./])(\d{1,2})(?P<sep>[./])(\d{1,2})(?:(?P=sep)(\d{4}|\d{2})(?!\d))?\.?(?![\d/]))
  | (?P<ord>(\d{1,2})-?(?:ая|ой|ий|ый|го|я|й|е|ю)(?![а-яa-z]))
  | (?P<num>\d+)
  | (?P<word>[а-я]+|[a-z]+)\.?
  | (?P<punct>[-,;()/+])
  | (?P<space>[ \t\r\f\v]+)
  | (?P<other>.)
    """,
    re.VERBOSE,
)

_G = TOKEN_RE.groupindex
_DOT_D, _DOT_M, _DOT_Y = _G["dot"] + 1, _G["dot"] + 3, _G["dot"] + 4  # (+2 is the separator: «.» or «/»)
_ISO_Y, _ISO_M, _ISO_D = _G["iso"] + 1, _G["iso"] + 2, _G["iso"] + 3
_SPACED_D, _SPACED_M, _SPACED_Y = _G["spaced"] + 1, _G["spaced"] + 2, _G["spaced"] + 3
# The groups of a date's day, month and year, by the form it is written in.
_DATE_GROUPS = {
    "dot": (_DOT_D, _DOT_M, _DOT_Y),
    "spaced": (_SPACED_D, _SPACED_M, _SPACED_Y),  # «13. 11. 2021»: a whole date with spaces after its dots
    "iso": (_ISO_D, _ISO_M, _ISO_Y),
}
_TIME_H, _TIME_M = _G["time"] + 1, _G["time"] + 2
_ORD_N = _G["ord"] + 1

_NORMALISE = str.maketrans(
    {
        "ё": "е",
        "–": "-",
        "—": "-",
        "‑": "-",
        "‒": "-",
        "−": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "«": " ",
        "»": " ",
        '"': " ",
    }
)


_TRAILING = frozenset({Word.YEAR, Word.FILLER, Word.CURRENT})
# What a word with a number for its value was recognised as → its token tag.
_NUMBER_TAGS: dict[Cls, Literal[TokTag.MONTH, TokTag.WDAY, TokTag.ORDW]] = {
    Cls.MONTH: Tag.MONTH,
    Cls.WEEKDAY: Tag.WDAY,
    Cls.ORDINAL: Tag.ORDW,
}


# «сен-\nтября», «те- чение»: a word broken by hyphenation at a line end (PDF exports), joined before reading.
_HYPHENATION = re.compile(r"([а-яё]+)- *\n\s*([а-яё]+)", re.IGNORECASE)
_ABBREVIATED_DURING = re.compile(r"(?<![а-яё])теч(?:-е|\.)", re.IGNORECASE)


def clean_text(text: str, lex: Lexicon) -> str:
    """The cell as the grammar reads it: words broken across lines joined («сен-\nтября»), but not a range whose
    halves are words of their own («сентябрь-\nоктябрь»); «теч-е», «теч.» spelled out."""

    def join(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        joined, alone = lex.lookup((left + right).lower()), lex.lookup(left.lower())
        if joined[0].cls is Cls.UNKNOWN and alone[0].cls is not Cls.UNKNOWN and alone[1] is None:
            return m.group(0)
        return left + right

    if "-" in text and "\n" in text:
        text = _HYPHENATION.sub(join, text)
    if "теч" in text:
        text = _ABBREVIATED_DURING.sub("течение ", text)  # «в теч-е года», «в теч. года», «в теч.года»
    return text


def weekday_token(t: Tok | None) -> IntTok | None:
    """``t`` if it is a weekday, bare («чт») or in brackets («(чт)»)."""
    if t is not None and (t.tag is Tag.WDAY or t.tag is Tag.WCHECK):
        return t
    return None


def number_token(t: Tok | None) -> IntTok | None:
    """``t`` if it counts something: a number, an ordinal number or an ordinal word («2», «2-я», «II», «вторая»)."""
    if t is not None and (t.tag is Tag.NUM or t.tag is Tag.ORD or t.tag is Tag.ORDW):
        return t
    return None


class NoMatch(Exception):
    """Internal: this shape does not fit; try the next one."""


def tokenize(text: str, lex: Lexicon, warnings: list[str]) -> list[Tok]:
    """Cut a date text into classified tokens; typo corrections and «ориентировочно» go to ``warnings``."""
    tokens: list[Tok] = []
    lookup = lex.lookup
    for m in TOKEN_RE.finditer(text.lower().translate(_NORMALISE)):
        group = m.lastgroup
        if group == "space":
            continue
        if group == "word":
            word = m.group("word")
            entry, correction = lookup(word)
            if correction:
                warnings.append(correction)
            if entry.value is Word.APPROX:
                warnings.append(f"в плане сказано «{word}»: дата приблизительная")
                continue
            value = entry.value
            if isinstance(value, Word):
                tokens.append(WordTok(Tag.WORD, value, word, m.span()))
            elif isinstance(value, int):
                tokens.append(IntTok(_NUMBER_TAGS[entry.cls], value, word, m.span()))
            else:
                tokens.append(TextTok(Tag.UNK, word, word, m.span()))
        elif group == "num":
            tokens.append(IntTok(Tag.NUM, int(m.group("num")), m.group("num"), m.span()))
        elif group in _DATE_GROUPS:  # «19.09.», «19.09.19», «13. 11. 2021», 2019-09-05 (as YAML users write dates)
            d, mo, y = m.group(*_DATE_GROUPS[group])
            year = None if y is None else (int(y) if len(y) == 4 else 2000 + int(y))
            tokens.append(DotTok(Tag.DOT, (int(d), int(mo), year), m.group(group), m.span()))
        elif group == "time":  # «14:00», «14.00», «10.30», «14-00»: never a day and a month
            tokens.append(TimeTok(Tag.TIME, (int(m.group(_TIME_H)), int(m.group(_TIME_M))), m.group("time"), m.span()))
        elif group == "ord":
            tokens.append(IntTok(Tag.ORD, int(m.group(_ORD_N)), m.group("ord"), m.span()))
        elif group == "nl":
            tokens.append(TextTok(Tag.NL, "\n", "\n", m.span()))
        elif group == "punct":
            tokens.append(TextTok(Tag.PUNCT, m.group("punct"), m.group("punct"), m.span()))
        # "other" characters (quotes, stray symbols) carry no meaning and are dropped
    return tokens


class TokStream:
    """A cursor over a part's tokens."""

    __slots__ = ("pos", "tokens")

    def __init__(self, tokens: list[Tok]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self, ahead: int = 0) -> Tok | None:
        i = self.pos + ahead
        tokens = self.tokens
        return tokens[i] if i < len(tokens) else None

    def next(self) -> Tok:
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def done(self) -> bool:
        return self.pos >= len(self.tokens)

    # The three below are the grammar's innermost calls: written out rather than through peek() (a third of
    # the reading time went to these cursor calls).
    def peek_word(self, word: Word, ahead: int = 0) -> bool:
        i = self.pos + ahead
        tokens = self.tokens
        if i >= len(tokens):
            return False
        t = tokens[i]
        return t[1] is word and t[0] is Tag.WORD

    def word(self, word: Word) -> bool:
        i = self.pos
        tokens = self.tokens
        if i < len(tokens) and tokens[i][1] is word and tokens[i][0] is Tag.WORD:
            self.pos = i + 1
            return True
        return False

    def punct_at(self, char: str, ahead: int) -> bool:
        """Whether the token ``ahead`` of the cursor is the punctuation ``char`` (the cursor stays)."""
        t = self.peek(ahead)
        return t is not None and t.tag is Tag.PUNCT and t.value == char

    def punct(self, char: str) -> bool:
        i = self.pos
        tokens = self.tokens
        if i < len(tokens) and tokens[i][0] is Tag.PUNCT and tokens[i][1] == char:
            self.pos = i + 1
            return True
        return False

    def skip(self, words: frozenset[Word]) -> None:
        """Step over any run of these words."""
        i = self.pos
        tokens = self.tokens
        n = len(tokens)
        while i < n and tokens[i][0] is Tag.WORD and tokens[i][1] in words:
            i += 1
        self.pos = i

    def expect_done(self) -> None:
        # Trailing "г.", "года" and filler words are harmless.
        i = self.pos
        tokens = self.tokens
        n = len(tokens)
        while i < n and (
            (tokens[i][0] is Tag.WORD and tokens[i][1] in _TRAILING)
            or (tokens[i][0] is Tag.PUNCT and tokens[i][1] == ".")
        ):
            i += 1
        self.pos = i
        if not self.done():
            rest = " ".join(t.text for t in self.tokens[self.pos :])
            raise NoMatch(f"непонятно «{rest}»")
