"""Tokens of the date grammar: one regular expression cuts the text, the lexicon classifies the words."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, NamedTuple

from plan_calendar.dates.lexicon import Cls, Lexicon, Word

__all__ = ["K", "NoMatch", "Tok", "TokKind", "TokStream", "clean_text", "tokenize"]


class TokKind(Enum):
    """What a token is."""

    NUM = "number"  # 19
    DOT = "dotted date"  # 19.09., 19.09.2019, 2019-09-19: value (day, month, year or None)
    TIME = "time"  # 14:00, 14.30, 14-00: value (hour, minute)
    ORD = "ordinal number"  # 1-я, 11-го
    NL = "line break"
    PUNCT = "punctuation"  # - , ; ( ) / +
    MONTH = "month"  # value 1…12
    WDAY = "weekday"  # value 0 (Monday) … 6
    WCHECK = "weekday in brackets"  # (чт): checked against the day before it
    ORDW = "ordinal word"  # первая, последняя, II: value 1…5, −1
    WORD = "word"  # a key word: value a lexicon Word
    UNK = "unknown word"  # not a date word: value its text


class K:
    """The token kinds as plain class attributes: the grammar compares them on every token, and an Enum's own
    attribute access costs several times a plain class's (measured: the grammar read 10% fewer cells a second)."""

    NUM = TokKind.NUM
    DOT = TokKind.DOT
    TIME = TokKind.TIME
    ORD = TokKind.ORD
    NL = TokKind.NL
    PUNCT = TokKind.PUNCT
    MONTH = TokKind.MONTH
    WDAY = TokKind.WDAY
    WCHECK = TokKind.WCHECK
    ORDW = TokKind.ORDW
    WORD = TokKind.WORD
    UNK = TokKind.UNK


class Tok(NamedTuple):
    """A token: its kind, its value and the text it came from."""

    kind: TokKind
    value: Any  # what it is depends on kind: int, Word, (d, m, y), (h, m), str
    text: str
    span: tuple[int, int] = (-1, -1)  # where in the text it stands (to quote the words that are not a date)


TOKEN_RE = re.compile(
    r"""
    (?P<nl>\n)
  | (?P<iso>(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d))
  | (?P<time>(?<![\d.])([01]?\d|2[0-3])(?::|-(?=00)|\.(?=00|1[3-9]|[2-5]\d))(\d{2})(?!\d)\.?)
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


_TRAILING = frozenset({Word.YEAR, Word.FILLER})
# What a word was recognised as → its token kind (an unknown word keeps its text as its value).
_WORD_KINDS = {Cls.MONTH: K.MONTH, Cls.WEEKDAY: K.WDAY, Cls.ORDINAL: K.ORDW, Cls.WORD: K.WORD, Cls.UNKNOWN: K.UNK}


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
            tokens.append(Tok(_WORD_KINDS[entry.cls], entry.value, word, m.span()))
        elif group == "num":
            tokens.append(Tok(K.NUM, int(m.group("num")), m.group("num"), m.span()))
        elif group == "dot":
            d, mo, y = m.group(_DOT_D, _DOT_M, _DOT_Y)
            year_value = None if y is None else (int(y) if len(y) == 4 else 2000 + int(y))
            tokens.append(Tok(K.DOT, (int(d), int(mo), year_value), m.group("dot"), m.span()))
        elif group == "iso":  # 2019-09-05, as YAML users write dates
            y, mo, d = m.group(_ISO_Y, _ISO_M, _ISO_D)
            tokens.append(Tok(K.DOT, (int(d), int(mo), int(y)), m.group("iso"), m.span()))
        elif group == "time":  # «14:00», «14.00», «10.30», «14-00»: never a day and a month
            tokens.append(Tok(K.TIME, (int(m.group(_TIME_H)), int(m.group(_TIME_M))), m.group("time"), m.span()))
        elif group == "ord":
            tokens.append(Tok(K.ORD, int(m.group(_ORD_N)), m.group("ord"), m.span()))
        elif group == "nl":
            tokens.append(Tok(K.NL, None, "\n", m.span()))
        elif group == "punct":
            tokens.append(Tok(K.PUNCT, m.group("punct"), m.group("punct"), m.span()))
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
        return t[1] is word and t[0] is K.WORD

    def word(self, word: Word) -> bool:
        i = self.pos
        tokens = self.tokens
        if i < len(tokens) and tokens[i][1] is word and tokens[i][0] is K.WORD:
            self.pos = i + 1
            return True
        return False

    def punct(self, char: str) -> bool:
        i = self.pos
        tokens = self.tokens
        if i < len(tokens) and tokens[i][0] is K.PUNCT and tokens[i][1] == char:
            self.pos = i + 1
            return True
        return False

    def skip(self, words: frozenset[Word]) -> None:
        """Step over any run of these words."""
        i = self.pos
        tokens = self.tokens
        n = len(tokens)
        while i < n and tokens[i][0] is K.WORD and tokens[i][1] in words:
            i += 1
        self.pos = i

    def expect_done(self) -> None:
        # Trailing "г.", "года" and filler words are harmless.
        i = self.pos
        tokens = self.tokens
        n = len(tokens)
        while i < n and (
            (tokens[i][0] is K.WORD and tokens[i][1] in _TRAILING) or (tokens[i][0] is K.PUNCT and tokens[i][1] == ".")
        ):
            i += 1
        self.pos = i
        if not self.done():
            rest = " ".join(t.text for t in self.tokens[self.pos :])
            raise NoMatch(f"непонятно «{rest}»")
