"""The date grammar against its table of real and tricky expressions (tests/fixtures/expressions.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_calendar import AcademicYear, DateError, read_when
from plan_calendar.report import reading_json
from plan_calendar.when import Recurring

TABLE = Path(__file__).parent / "fixtures" / "expressions.txt"


def _rows() -> list[tuple[str, str, str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(" | ")]
        cells += [""] * (5 - len(cells))
        rows.append(tuple(cells[:5]))
    return rows  # type: ignore[return-value]


ROWS = _rows()


def test_table_is_large_enough() -> None:
    assert len(ROWS) >= 200
    assert len({r[0] for r in ROWS}) == len(ROWS), "every expression appears once"


@pytest.mark.parametrize(("text", "kind", "start", "end", "checks"), ROWS, ids=[r[0] for r in ROWS])
def test_expression(text: str, kind: str, start: str, end: str, checks: str) -> None:
    expression = text.replace("\\n", "\n")
    year = AcademicYear(2019)
    expected = dict(_check(c) for c in checks.split("; ") if c)
    if kind == "error":
        with pytest.raises(DateError) as info:
            read_when(expression, year)
        assert expected["error~"] in info.value.message
        return
    reading = read_when(expression, year)
    data = reading_json(reading)
    assert data["kind"] == kind
    assert (data["start"] or "-") == start
    assert (data["end"] or "-") == end
    if "due=" in expected:
        assert data["due"] == expected["due="]
    if "time=" in expected:
        assert data["time"] == expected["time="]
    if "rule=" in expected:
        assert isinstance(reading.when, Recurring)
        assert str(reading.when.rule) == expected["rule="]
    if "n=" in expected:
        assert len(data["occurrences"]) == int(expected["n="])
    warnings = [c.split("~", 1)[1] for c in checks.split("; ") if c.startswith("warn~")]
    assert len(reading.warnings) == len(warnings)
    for fragment, warning in zip(warnings, reading.warnings, strict=True):
        assert fragment in warning


def _check(text: str) -> tuple[str, str]:
    for sep in ("~", "="):
        if sep in text:
            key, value = text.split(sep, 1)
            return key + sep, value
    raise AssertionError(f"bad check {text!r} in {TABLE}")
