"""Properties of the date grammar that hold for every input, checked with hypothesis."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from plan_calendar import AcademicYear, DateError, read_when
from plan_calendar.dates.lexicon import lexicon
from plan_calendar.when import Day, Deadline, Span

YEARS = st.integers(min_value=2000, max_value=2090).map(AcademicYear)
GENITIVE = {
    1: "января",
    2: "февраля",
    3: "марта",
    4: "апреля",
    5: "мая",
    6: "июня",
    7: "июля",
    8: "августа",
    9: "сентября",
    10: "октября",
    11: "ноября",
    12: "декабря",
}


@st.composite
def academic_days(draw: st.DrawFn) -> tuple[AcademicYear, date]:
    """A year and a day inside it (1 September – 31 August)."""
    year = draw(YEARS)
    offset = draw(st.integers(min_value=0, max_value=(year.end - year.start).days))
    return year, year.start + timedelta(days=offset)


@given(
    academic_days(),
    st.sampled_from(
        [
            "{d} {month}",
            "{dd}.{mm}.",
            "{dd}.{mm}",
            "{d}.{m}",
            "{dd}.{mm}.{yyyy}",
            "{d} {month} {yyyy}",
            "{d} {month} {yyyy} г.",
            "{d}{month}",
        ]
    ),
)
def test_a_written_day_reads_back_as_that_day(case: tuple[AcademicYear, date], pattern: str) -> None:
    year, day = case
    text = pattern.format(
        d=day.day, dd=f"{day.day:02d}", m=day.month, mm=f"{day.month:02d}", month=GENITIVE[day.month], yyyy=day.year
    )
    reading = read_when(text, year)
    assert reading.when == Day(day)


def test_genitive_table_matches_cldr() -> None:
    # The strategy above writes month names itself; make sure they are the forms CLDR gives.
    from babel.dates import get_month_names

    assert get_month_names("wide", context="format", locale="ru") == GENITIVE
    assert lexicon().month_names[2] == "февраль"


@given(academic_days(), academic_days(), st.sampled_from(["{a}-{b}", "с {a} по {b}", "{a} – {b}"]))
def test_a_range_starts_before_it_ends(
    first: tuple[AcademicYear, date], second: tuple[AcademicYear, date], pattern: str
) -> None:
    year = first[0]
    a, b = sorted([first[1], second[1].replace(year=first[1].year) if _valid(second[1], first[1].year) else first[1]])
    text = pattern.format(a=f"{a.day:02d}.{a.month:02d}.{a.year}", b=f"{b.day:02d}.{b.month:02d}.{b.year}")
    reading = read_when(text, year)
    assert isinstance(reading.when, Span | Day)
    bounds = reading.bounds()
    assert bounds is not None and bounds[0] <= bounds[1]
    assert bounds == (a, b)


def _valid(d: date, y: int) -> bool:
    return d.day <= calendar.monthrange(y, d.month)[1]


MONTHS = st.integers(min_value=1, max_value=12)


@given(
    YEARS,
    MONTHS,
    st.integers(min_value=1, max_value=31),
    st.sampled_from(
        [
            "{d} {month}",
            "{dd}.{mm}",
            "до {d} {month}",
            "{month}",
            "в {month_p}",
            "начало {month}",
            "конец {month}",
            "{d}-{d2} {month}",
            "не позднее {dd}.{mm}",
            "с {d} {month}",
            "вторая половина {month}",
            "1-я неделя {month}",
        ]
    ),
)
def test_without_a_year_every_reading_lies_in_the_academic_year(
    year: AcademicYear, month: int, d: int, pattern: str
) -> None:
    names = lexicon().month_names
    text = pattern.format(
        d=d,
        d2=min(d + 1, 31),
        dd=f"{d:02d}",
        mm=f"{month:02d}",
        month=GENITIVE[month] if "{month}" in pattern and pattern != "{month}" else names[month],
        month_p=names[month][:-1] + "е" if names[month][-1] in "ьй" else names[month] + "е",
    )
    try:
        reading = read_when(text, year)
    except DateError:
        return  # e.g. 31 of a 30-day month: an error, and that is the point
    bounds = reading.bounds()
    assert bounds is not None
    # The summer before the year counts (a deadline "до 1 сентября" falls on 31 August).
    assert year.start - timedelta(days=31) <= bounds[0] <= bounds[1] <= year.end


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(
            [
                *"0123456789.,-–—:;() \n",
                *"абвгдежзиклмнопрстуфхцчшщыьэюя",
                "сентября",
                " октябрь",
                " до ",
                " с ",
                " по ",
                "каждый",
                " четверть",
                " I",
                "неделя",
                " раз в ",
                "года",
                "течение",
                " 12",
                "31",
                "(пн)",
                "последняя",
            ]
        ),
        max_size=20,
    ).map("".join)
)
def test_reading_raises_nothing_but_its_own_error(text: str) -> None:
    try:
        reading = read_when(text, AcademicYear(2019))
    except DateError as exc:
        assert exc.message
        return
    bounds = reading.bounds()
    if bounds is not None:
        assert bounds[0] <= bounds[1]


@given(academic_days())
def test_until_is_the_day_before_unless_inclusive(case: tuple[AcademicYear, date]) -> None:
    year, day = case
    text = f"до {day.day} {GENITIVE[day.month]} {day.year}"
    exclusive_reading = read_when(text, year)
    exclusive, inclusive = exclusive_reading.when, read_when(text, year, until_inclusive=True).when
    assert isinstance(exclusive, Deadline) and isinstance(inclusive, Deadline)
    assert inclusive.due == day
    assert exclusive.due == day - timedelta(days=1)
    assert exclusive_reading.text == text, "the plan's wording is kept with the reading"


# Words that are not in the lexicon and not within its typo distance: places, rooms, event names.
REST_WORDS = st.sampled_from(
    ["актовый зал", "кабинет информатики", "библиотека", "Шестаково", "ДК «Строитель»", "педсовет", "викторина"]
)


@given(
    academic_days(),
    REST_WORDS,
    st.sampled_from(["{date}, {rest}", "{date}\n{rest}", "{date} {rest}", "{date} ({rest})", "{date} – {rest}"]),
)
@settings(max_examples=200)
def test_a_day_with_other_words_reads_the_day_and_names_the_words(
    case: tuple[AcademicYear, date], rest: str, pattern: str
) -> None:
    year, day = case
    text = pattern.format(date=f"{day.day} {GENITIVE[day.month]}", rest=rest)
    reading = read_when(text, year)
    assert reading.when == Day(day)
    assert any(f"«{rest}»" in w for w in reading.warnings), reading.warnings


@given(st.text(alphabet="абвгдежзийклмнопрстуфхцчшщъыьэюя ,.-()«»0123456789\n", max_size=60), YEARS)
@settings(max_examples=500)
def test_every_word_left_out_of_a_reading_is_named(text: str, year: AcademicYear) -> None:
    """A reading either uses a word or quotes it in a warning: nothing in a cell is dropped silently."""
    try:
        reading = read_when(text, year)
    except DateError:
        return
    warnings = " ".join(reading.warnings).lower()
    lex = lexicon()
    for word in text.replace("\n", " ").split():
        token = word.strip(",.-()«»").lower()
        if len(token) < 3 or not token.isalpha():
            continue
        entry, _ = lex.lookup(token)
        if entry.cls.name == "UNKNOWN":
            assert token in warnings, (token, reading)
