"""The Russian words of the date grammar, in one place.

The grammar sees only :class:`Word` concepts, month and weekday numbers and ordinals; this module maps text
to them. Month and weekday names come from CLDR through babel (nominative, genitive and abbreviated forms);
the other cases ("в октябре", "по средам", "каждую пятницу") are derived from the CLDR stems by regular
endings, so no month table is written by hand. Another language is another lexicon with the same interface.

Unknown words close to a known one (edit distance 1, or 2 for long words) are read as that word, and the
correction is reported: «девраль» прочитано как «февраль».
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto
from functools import cache, lru_cache

from babel import Locale
from rapidfuzz import process
from rapidfuzz.distance import OSA

from plan_calendar.errors import DateError


class Word(Enum):
    """Language-neutral concepts the grammar works with."""

    # Members are equal only to themselves, so they may hash by identity: Enum's own __hash__ is a Python-level
    # call, and the grammar looks words up in sets on every token (measured: 3% of the reading time).
    __hash__ = object.__hash__

    UNTIL = auto()  # до
    NOT = auto()  # не (не позднее)
    LATER = auto()  # позднее, позже
    LESS_OFTEN = auto()  # реже («не реже 1 раза в месяц»)
    CURRENT = auto()  # текущего, сего («до 20 апреля текущего года»): the year said again, after a date
    BY = auto()  # к
    FROM = auto()  # с
    TO = auto()  # по
    IN = auto()  # в, на
    AND = auto()  # и
    DURING = auto()  # (в) течение, (на) протяжении
    DEADLINE = auto()  # срок
    YEAR = auto()  # год, г.
    SCHOOL = auto()  # учебный (год)
    WHOLE = auto()  # весь, целый, круглый
    ALWAYS = auto()  # постоянно
    DAILY = auto()  # ежедневно
    WEEKLY = auto()  # еженедельно
    MONTHLY = auto()  # ежемесячно
    QUARTERLY = auto()  # ежеквартально
    YEARLY = auto()  # ежегодно
    EVERY = auto()  # каждый
    TIMES = auto()  # раз
    NUMBER = auto()  # число (15 числа)
    START = auto()  # начало
    MIDDLE = auto()  # середина
    END = auto()  # конец
    HALF = auto()  # половина
    DECADE = auto()  # декада
    WEEK = auto()  # неделя
    MONTH = auto()  # месяц
    QUARTER = auto()  # четверть
    HALF_YEAR = auto()  # полугодие
    TRIMESTER = auto()  # триместр
    HOLIDAYS = auto()  # каникулы
    AUTUMN = auto()
    WINTER = auto()
    SPRING = auto()
    SUMMER = auto()
    WORKDAYS = auto()  # будни, будние (дни)
    WEEKEND = auto()  # выходные
    EXCEPT = auto()  # кроме
    DAYS = auto()  # дни
    HOUR = auto()  # ч, час
    APPROX = auto()  # ориентировочно, примерно
    FILLER = auto()  # words that carry no date: "дата", "проведения", "период"
    CALENDAR = auto()  # календарный (год)
    EVE = auto()  # накануне
    CAL_QUARTER = auto()  # квартал: a quarter of the calendar year


class Cls(Enum):
    """What a word was recognised as."""

    MONTH = auto()
    WEEKDAY = auto()
    ORDINAL = auto()
    WORD = auto()
    UNKNOWN = auto()


@dataclass(frozen=True, slots=True)
class Lexeme:
    """A recognised word: its class, its value, and the canonical form (for correction messages)."""

    cls: Cls
    value: int | Word | str  # a month, weekday or ordinal's number; a key word; an unknown word's text
    form: str


_WORDS: dict[Word, tuple[str, ...]] = {
    Word.UNTIL: ("до",),
    Word.NOT: ("не",),
    Word.LATER: ("позднее", "позже"),
    Word.LESS_OFTEN: ("реже",),
    Word.BY: ("к", "ко"),
    Word.FROM: ("с", "со", "от"),
    Word.TO: ("по",),
    Word.IN: ("в", "во", "на"),
    Word.AND: ("и",),
    Word.DURING: ("течение", "течении", "протяжении", "продолжение", "время", "теч"),
    Word.DEADLINE: ("срок", "сроки", "срока"),
    Word.YEAR: ("год", "года", "году", "г", "гг"),
    Word.SCHOOL: ("учебный", "учебного", "учебном", "учебному", "уч"),
    Word.WHOLE: ("весь", "всего", "всем", "целый", "круглый"),
    Word.ALWAYS: ("постоянно", "систематически", "регулярно"),
    Word.DAILY: ("ежедневно",),
    Word.WORKDAYS: ("будни", "будням", "будние", "будних", "будним", "рабочие", "рабочим", "рабочих"),
    Word.WEEKEND: ("выходные", "выходных", "выходным"),
    Word.EXCEPT: ("кроме",),
    Word.DAYS: ("дни", "дням", "дней"),
    Word.WEEKLY: ("еженедельно",),
    Word.MONTHLY: ("ежемесячно",),
    Word.QUARTERLY: ("ежеквартально", "ежечетвертно"),
    Word.YEARLY: ("ежегодно",),
    Word.EVERY: ("каждый", "каждую", "каждое", "каждого", "каждой", "каждые", "каждая", "каждом"),
    Word.TIMES: ("раз", "раза"),
    Word.NUMBER: ("число", "числа", "числу", "числе"),
    Word.START: ("начало", "начале", "начала"),
    Word.MIDDLE: ("середина", "середине", "середины", "середину"),
    Word.END: ("конец", "конце", "конца"),
    Word.HALF: ("половина", "половине", "половины", "половину"),
    Word.DECADE: ("декада", "декаде", "декады", "декаду"),
    Word.WEEK: ("неделя", "неделе", "недели", "неделю", "недель"),
    Word.MONTH: ("месяц", "месяца", "месяце", "месяцев", "мес"),
    Word.QUARTER: ("четверть", "четверти", "четвертей", "четв"),
    Word.HALF_YEAR: ("полугодие", "полугодия", "полугодии", "полугодию", "полуг"),
    Word.TRIMESTER: ("триместр", "триместра", "триместре", "трим"),
    Word.HOLIDAYS: ("каникулы", "каникул", "каникулах", "каникулам"),
    Word.AUTUMN: ("осенние", "осенних", "осенний", "осенняя", "осеннее"),
    Word.WINTER: ("зимние", "зимних", "зимний", "зимнее", "новогодние", "новогодних"),
    Word.SPRING: ("весенние", "весенних", "весенний", "весеннее"),
    Word.SUMMER: ("летние", "летних", "летний", "летнее"),
    Word.HOUR: ("ч", "час", "часа", "часов"),
    Word.APPROX: ("ориентировочно", "примерно", "приблизительно", "предположительно"),
    Word.FILLER: ("дата", "проведения", "период", "периоде", "периода", "в"),
    Word.CURRENT: ("текущего", "текущем", "сего"),
    Word.EVE: ("накануне",),
    Word.CALENDAR: ("календарный", "календарного", "календарном", "календарному"),
    Word.CAL_QUARTER: ("квартал", "квартала", "квартале", "кварталы", "кв"),
}

# Ordinals as words; roman numerals as plans write terms ("I четверть"). -1 is "the last".
_ORDINALS: dict[int, tuple[str, ...]] = {
    1: ("первый", "первая", "первое", "первую", "первой", "первого", "первые", "один", "одна", "i"),
    2: ("второй", "вторая", "второе", "вторую", "второго", "вторые", "два", "две", "ii"),
    3: ("третий", "третья", "третье", "третью", "третьей", "третьего", "три", "iii"),
    4: ("четвертый", "четвертая", "четвертое", "четвертую", "четвертой", "четвертого", "четыре", "iv"),
    5: ("пятый", "пятая", "пятое", "пятую", "пятой", "пятого", "v"),
    -1: ("последний", "последняя", "последнее", "последнюю", "последней", "последнего"),
}

# Title words that mark a campaign: an activity that fills its whole period (месячник, неделя книги, акция).
CAMPAIGN_STEMS = ("месячник", "недел", "декад", "акци", "конкурс", "марафон", "фестивал", "олимпиад")
# Russian names of item kinds, for calendar categories and messages.
KIND_NAMES = {
    "meeting": "Заседание",
    "seminar": "Семинар",
    "event": "Мероприятие",
    "campaign": "Акция",
    "deadline": "Срок",
    "task": "Работа",
    "consultation": "Консультация",
}

# Words a typo is never corrected to: common words of a cell that are not dates («уроки» is not «сроки»).
_NOT_CORRECTED = frozenset({Word.DEADLINE, Word.FILLER, Word.DAYS, Word.LESS_OFTEN, Word.CURRENT})
_SOFT_MONTH_ENDINGS = ("я", "е", "ю", "ем")
_HARD_MONTH_ENDINGS = ("", "а", "е", "у", "ом")
_WEEKDAY_ENDINGS = ("", "а", "у", "ы", "е", "и", "ам", "ом", "ой", "ям", "ей", "ами")
_FUZZY_MIN_LENGTH = 5


def _clean(form: str) -> str:
    return form.lower().replace("ё", "е").rstrip(".")


class Lexicon:
    """Maps words to :class:`Lexeme` values; built once per locale from CLDR."""

    def __init__(self, locale: str = "ru") -> None:
        loc = Locale.parse(locale)
        self.locale = locale
        self._table: dict[str, Lexeme] = {}
        self.month_names: dict[int, str] = {}  # nominative, for messages
        self.weekday_names: dict[int, str] = {}
        self.weekday_abbreviations: dict[int, str] = {}
        self._add_months(loc)
        self._add_weekdays(loc)
        for value, forms in _ORDINALS.items():
            for form in forms:
                self._table.setdefault(form, Lexeme(Cls.ORDINAL, value, form))
        for word, forms in _WORDS.items():
            for form in forms:
                self._table.setdefault(form, Lexeme(Cls.WORD, word, form))
        # Fuzzy candidates: long enough that one edit cannot turn one real word into another.
        self._fuzzy_choices = sorted(
            f
            for f, lexeme in self._table.items()
            if len(f) >= 4 and f.isalpha() and f.isascii() is False and lexeme.value not in _NOT_CORRECTED
        )

    def _add_months(self, loc: Locale) -> None:
        nominative = loc.months["stand-alone"]["wide"]
        genitive = loc.months["format"]["wide"]
        names = {m: _clean(nominative[m]) for m in range(1, 13)}
        self.month_names = dict(names)
        self.month_genitives = {m: _clean(genitive[m]) for m in range(1, 13)}  # «сентября»
        for month, name in names.items():
            entry = Lexeme(Cls.MONTH, month, name)
            forms = {name, _clean(genitive[month])}
            forms.add(_clean(loc.months["format"]["abbreviated"][month]))
            forms.add(_clean(loc.months["stand-alone"]["abbreviated"][month]))
            if name[-1] in "ьй":  # сентябрь, май: soft stems
                stem = name[:-1]
                forms.update(stem + e for e in _SOFT_MONTH_ENDINGS)
            else:  # март, август
                forms.update(name + e for e in _HARD_MONTH_ENDINGS)
            for form in forms:
                self._table[form] = entry
        # Unambiguous prefixes of three letters or more: "сен", "окт", "нояб", "февр".
        for month, name in names.items():
            for n in range(3, len(name)):
                prefix = name[:n]
                if sum(other.startswith(prefix) for other in names.values()) == 1:
                    self._table.setdefault(prefix, Lexeme(Cls.MONTH, month, name))

    def _add_weekdays(self, loc: Locale) -> None:
        wide = loc.days["format"]["wide"]
        abbreviated = loc.days["format"]["abbreviated"]
        for day in range(7):  # babel: 0 is Monday
            name = _clean(wide[day])
            entry = Lexeme(Cls.WEEKDAY, day, name)
            self.weekday_names[day] = name
            self.weekday_abbreviations[day] = _clean(abbreviated[day])
            stem = name[:-1] if name[-1] in "аея" else name
            for ending in _WEEKDAY_ENDINGS:
                self._table.setdefault(stem + ending, entry)
            self._table[_clean(abbreviated[day])] = entry
        # Abbreviations plans use beside CLDR's «пн», «вт»: «пон», «понед», «суб», «воскр», «вскр».
        for form, day in (("пон", 0), ("понед", 0), ("суб", 5), ("субб", 5), ("воскр", 6), ("вскр", 6)):
            self._table.setdefault(form, Lexeme(Cls.WEEKDAY, day, self.weekday_names[day]))

    def lookup(self, word: str) -> tuple[Lexeme, str | None]:
        """The entry for a lower-case word, and a correction message when the word was a typo.

        >>> entry, correction = lexicon().lookup("девраль")
        >>> entry.value, correction
        (2, '«девраль» прочитано как «февраль»')
        """
        entry = self._table.get(word)
        if entry is not None:
            return entry, None
        return self._fuzzy(word)

    @lru_cache(maxsize=4096)  # noqa: B019 - one Lexicon per locale lives for the whole process
    def _fuzzy(self, word: str) -> tuple[Lexeme, str | None]:
        unknown = Lexeme(Cls.UNKNOWN, word, word)
        if len(word) < _FUZZY_MIN_LENGTH:
            return unknown, None
        limit = 2 if len(word) >= 9 else 1
        found = process.extractOne(word, self._fuzzy_choices, scorer=OSA.distance, score_cutoff=limit)
        if found is None:
            return unknown, None
        form = found[0]
        entry = self._table[form]
        if entry.cls is Cls.MONTH and len(form) < len(entry.form) and entry.form.startswith(form):
            form = entry.form  # an abbreviation matched («октябь» ~ «октяб»): name the month itself
        # Report the form the author meant in the case they wrote it ("девраль" -> "февраль").
        return entry, f"«{word}» прочитано как «{form}»"


def prepositional(nominative: str) -> str:
    """A month in the prepositional case, from its CLDR nominative.

    >>> prepositional("ноябрь"), prepositional("май"), prepositional("март")
    ('ноябре', 'мае', 'марте')
    """
    return nominative[:-1] + "е" if nominative[-1] in "ьй" else nominative + "е"


# «начало октября», «конец I четверти»: the part words as they head a label.
PART_WORDS = {Word.START: "начало", Word.MIDDLE: "середина", Word.END: "конец"}

_TERM_GENITIVES = {"четверть": "четверти", "полугодие": "полугодия", "триместр": "триместра", "каникулы": "каникул"}


def term_genitive(name: str) -> str:
    """A school period's name in the genitive: «I четверть» → «I четверти», «осенние каникулы» → «осенних каникул»."""

    def genitive(word: str) -> str:
        if word in _TERM_GENITIVES:
            return _TERM_GENITIVES[word]
        if word.endswith("ие") and len(word) > 3:  # осенние → осенних
            return word[:-2] + "их"
        return word

    return " ".join(genitive(word) for word in name.split())


@cache
def lexicon(locale: str = "ru") -> Lexicon:
    """The lexicon for a locale (built once)."""
    if Locale.parse(locale).language != "ru":
        raise DateError(
            f"язык «{locale}» пока не поддерживается",
            hint="Сейчас даты читаются только по-русски: укажите locale: ru.",
        )
    return Lexicon(locale)
