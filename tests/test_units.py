"""The pieces directly: the tokenizer, `describe`, and the display policy (what each reading becomes in a feed).

The other tests reach these through the CLI and the feed; these pin each piece's own contract, so a change in one
shows where it is, not three layers away.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from plan_calendar import AcademicYear, interpret, read_when
from plan_calendar.config import DisplaySettings
from plan_calendar.dates.describe import describe
from plan_calendar.dates.lexicon import Word, lexicon
from plan_calendar.dates.tokens import DotTok, IntTok, Tag, TimeTok, TokTag, WordTok, tokenize
from plan_calendar.display import Entry, item_entries
from plan_calendar.plan import Display
from plan_calendar.yamlplan import parse_plan

YEAR = AcademicYear(2019)


# ----------------------------------------------------------------------------- tokenizer
@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("19.09.", [Tag.DOT]),
        ("19.09.2019", [Tag.DOT]),
        ("2019-09-19", [Tag.DOT]),
        ("11/11", [Tag.DOT]),
        ("14:00", [Tag.TIME]),
        ("14.30", [Tag.TIME]),  # no month 30: a time
        ("10.10", [Tag.DOT]),  # 10 October, not 10:10
        ("14-00", [Tag.TIME]),
        ("1-я неделя", [Tag.ORD, Tag.WORD]),
        ("IIчетверть", [Tag.ORDW, Tag.WORD]),
        ("5 сентября", [Tag.NUM, Tag.MONTH]),
        ("чт", [Tag.WDAY]),
        ("до 1 октября", [Tag.WORD, Tag.NUM, Tag.MONTH]),
        ("актовый зал", [Tag.UNK, Tag.UNK]),
        ("12,\n13", [Tag.NUM, Tag.PUNCT, Tag.NL, Tag.NUM]),
    ],
)
def test_tokens(text: str, tags: list[TokTag]) -> None:
    assert [t.tag for t in tokenize(text, lexicon(), [])] == tags


def test_tokens_keep_where_they_stand_and_typos_are_reported() -> None:
    warnings: list[str] = []
    [num, month] = tokenize("  5 девраля", lexicon(), warnings)
    assert (num.span, month.span, month.value) == ((2, 3), (4, 11), 2)
    assert warnings == ["«девраля» прочитано как «февраля»"]
    [approx_dropped] = tokenize("ориентировочно май", lexicon(), warnings)
    assert approx_dropped.tag is Tag.MONTH and "дата приблизительная" in warnings[-1]
    [word] = tokenize("до", lexicon(), [])
    assert word.value is Word.UNTIL


def test_token_values_are_typed_by_their_tag() -> None:
    day, time, ordinal, word, wday = tokenize("19.09 14:00 2-я неделя пт", lexicon(), [])
    assert day == DotTok(Tag.DOT, (19, 9, None), "19.09", (0, 5))
    assert time == TimeTok(Tag.TIME, (14, 0), "14:00", (6, 11))
    assert ordinal == IntTok(Tag.ORD, 2, "2-я", (12, 15))
    assert word == WordTok(Tag.WORD, Word.WEEK, "неделя", (16, 22))
    assert wday == IntTok(Tag.WDAY, 4, "пт", (23, 25))


# ----------------------------------------------------------------------------- describe
@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("19.09 14:00", "19 сентября 2019, чт, 14:00"),
        ("19.09 10.00-12.00", "19 сентября 2019, чт, 10:00–12:00"),
        ("до 1 октября", "срок — 30 сентября 2019, пн"),
        ("октябрь", "весь октябрь 2019"),
        ("январь-апрель", "январь–апрель 2020"),
        ("12-16 ноября", "12–16 ноября 2019"),
        ("в течение года", "в течение учебного года: 1 сентября 2019 – 31 мая 2020"),
        ("по средам в 15.00", "по средам в 15:00, 1 сентября 2019 – 31 мая 2020: 39 раз"),
        ("2-я среда каждого месяца", "2-я среда каждого месяца, 1 сентября 2019 – 31 мая 2020: 9 раз"),
        ("по плану", "без даты (по плану)"),
        ("декабрь, март", "весь декабрь 2019; весь март 2020"),
    ],
)
def test_describe(text: str, described: str) -> None:
    assert describe(read_when(text, YEAR)) == described


# ----------------------------------------------------------------------------- the display policy
PLAN = """\
plan: Тест
id: t
academic_year: "2019-2020"
items:
  - {id: a, title: Семинар, when: октябрь}
  - {id: b, title: Месячник, when: октябрь}
  - {id: c, title: Консультации, when: в течение года}
  - {id: d, title: Заседание, when: "19.09 14:00"}
  - {id: e, title: Скрытое, when: октябрь, display: hidden}
"""


DEFAULTS = DisplaySettings()


def _entries(item_id: str, display: DisplaySettings = DEFAULTS) -> list[Entry]:
    schedule = interpret(parse_plan(PLAN, "plan.yaml"))
    [scheduled] = [e for e in schedule.scheduled if e.item.id == item_id]
    return item_entries(schedule.plan, scheduled, display, timedelta(minutes=90))


def test_a_period_is_a_marker_on_its_first_day_that_says_the_date_is_not_known() -> None:
    [entry] = _entries("a")
    assert (entry.start, entry.end, entry.tentative) == (date(2019, 10, 1), date(2019, 10, 2), True)
    assert "дата уточняется" in entry.summary


def test_a_campaign_spans_its_period() -> None:
    [entry] = _entries("b")
    assert (entry.start, entry.end, entry.tentative) == (date(2019, 10, 1), date(2019, 11, 1), False)


def test_throughout_the_year_is_a_monthly_marker() -> None:
    [entry] = _entries("c")
    assert entry.rrule == "FREQ=MONTHLY" and entry.until == date(2020, 5, 31)


def test_a_timed_day_lasts_the_default_duration_in_the_plans_time_zone() -> None:
    [entry] = _entries("d")
    assert isinstance(entry.start, datetime) and entry.end - entry.start == timedelta(minutes=90)
    assert str(entry.start.tzinfo) == "Europe/Moscow" and not entry.transparent


def test_display_settings_and_the_items_own_display() -> None:
    [entry] = _entries("a", DisplaySettings(period=Display.SPAN))
    assert (entry.start, entry.end, entry.tentative) == (date(2019, 10, 1), date(2019, 11, 1), False)
    assert _entries("e") == []
