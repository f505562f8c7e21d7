"""Tokens of the date grammar: one regular expression cuts the text, the lexicon classifies the words."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from plan_calendar.dates.lexicon import Cls, Lexicon, Word

__all__ = ["NoMatch", "Tok", "TokStream", "tokenize"]


class Tok(NamedTuple):
    """A token: its kind, its value and the text it came from."""

    kind: str  # NUM DOT TIME ORD NL PUNCT MONTH WDAY WCHECK ORDW WORD UNK
    value: Any  # what it is depends on kind: int, Word, (d, m, y), (h, m), str
    text: str


TOKEN_RE = re.compile(
    r"""
    (?P<nl>\n)
  | (?P<iso>(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d))
  | (?P<time>(?<!\d)(\d{1,2}):(\d{2})(?!\d))
  | (?P<dot>(?<![\d.])(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2})(?!\d))?\.?)
  | (?P<ord>(\d{1,2})-?(?:ая|ой|ий|ый|го|я|й|е|ю)(?![а-яa-z]))
  | (?P<num>\d+)
  | (?P<word>[а-яa-z]+)\.?
  | (?P<punct>[-,;()/+])
  | (?P<space>[ \t\r\f\v]+)
  | (?P<other>.)
    """,
    re.VERBOSE,
)

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
            cls = entry.cls
            if cls is Cls.MONTH:
                tokens.append(Tok("MONTH", entry.value, word))
            elif cls is Cls.WEEKDAY:
                tokens.append(Tok("WDAY", entry.value, word))
            elif cls is Cls.ORDINAL:
                tokens.append(Tok("ORDW", entry.value, word))
            elif cls is Cls.WORD:
                if entry.value is Word.APPROX:
                    warnings.append(f"в плане сказано «{word}»: дата приблизительная")
                    continue
                tokens.append(Tok("WORD", entry.value, word))
            else:
                tokens.append(Tok("UNK", word, word))
        elif group == "num":
            tokens.append(Tok("NUM", int(m.group("num")), m.group("num")))
        elif group == "dot":
            y = m.group(m.re.groupindex["dot"] + 3)
            d, mo = int(m.group(m.re.groupindex["dot"] + 1)), int(m.group(m.re.groupindex["dot"] + 2))
            year_value = None if y is None else (int(y) if len(y) == 4 else 2000 + int(y))
            tokens.append(Tok("DOT", (d, mo, year_value), m.group("dot")))
        elif group == "iso":  # 2019-09-05, as YAML users write dates
            i = m.re.groupindex["iso"]
            iso = (int(m.group(i + 3)), int(m.group(i + 2)), int(m.group(i + 1)))
            tokens.append(Tok("DOT", iso, m.group("iso")))
        elif group == "time":
            i = m.re.groupindex["time"]
            tokens.append(Tok("TIME", (int(m.group(i + 1)), int(m.group(i + 2))), m.group("time")))
        elif group == "ord":
            tokens.append(Tok("ORD", int(m.group(m.re.groupindex["ord"] + 1)), m.group("ord")))
        elif group == "nl":
            tokens.append(Tok("NL", None, "\n"))
        elif group == "punct":
            tokens.append(Tok("PUNCT", m.group("punct"), m.group("punct")))
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
        return self.tokens[i] if i < len(self.tokens) else None

    def next(self) -> Tok:
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def done(self) -> bool:
        return self.pos >= len(self.tokens)

    def peek_word(self, word: Word, ahead: int = 0) -> bool:
        t = self.peek(ahead)
        return t is not None and t.kind == "WORD" and t.value is word

    def word(self, word: Word) -> bool:
        if self.peek_word(word):
            self.pos += 1
            return True
        return False

    def punct(self, char: str) -> bool:
        t = self.peek()
        if t is not None and t.kind == "PUNCT" and t.value == char:
            self.pos += 1
            return True
        return False

    def expect_done(self) -> None:
        # Trailing "г.", "года" and filler words are harmless.
        while self.word(Word.YEAR) or self.word(Word.FILLER) or self.punct("."):
            pass
        if not self.done():
            rest = " ".join(t.text for t in self.tokens[self.pos :])
            raise NoMatch(f"непонятно «{rest}»")
