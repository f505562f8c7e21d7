"""Real date cells from published plans (tests/fixtures/real-cells.tsv): each reads as recorded.

The table was collected from plans nobody here wrote; its readings were checked by hand (a second reader went
through every row). A change that reads one of them differently must be looked at: fix the grammar, or the row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_calendar import AcademicYear, DateError, read_when
from plan_calendar.report import reading_json

TABLE = Path(__file__).parent / "fixtures" / "real-cells.tsv"


def _rows() -> list[list[str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cells = line.split("\t")
        assert len(cells) == 9, line
        rows.append(cells)
    return rows


ROWS = _rows()


def test_the_table_is_real_and_large() -> None:
    assert len(ROWS) >= 400
    assert len({r[0] for r in ROWS}) == len(ROWS), "every cell appears once"
    assert all(r[8].startswith(("http", "pages-corpus")) for r in ROWS), "every cell names its source"
    assert len({r[8] for r in ROWS}) >= 100, "from many plans"


def test_at_least_95_percent_of_real_cells_are_read() -> None:
    errors = sum(1 for r in ROWS if r[2] == "error")
    assert errors / len(ROWS) <= 0.05


@pytest.mark.parametrize("row", ROWS, ids=[r[0][:60] for r in ROWS])
def test_real_cell(row: list[str]) -> None:
    cell, year, kind, start, end, time, warned = row[:7]
    text = cell.replace("\\n", "\n")
    academic_year = AcademicYear(int(year[:4]))
    if kind == "error":
        with pytest.raises(DateError):
            read_when(text, academic_year)
        return
    data = reading_json(read_when(text, academic_year))
    assert (data["kind"], data["start"] or "-", data["end"] or "-", data["time"] or "-") == (kind, start, end, time)
    assert bool(data["warnings"]) == (warned == "warn"), data["warnings"]
