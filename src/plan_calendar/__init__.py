"""plan-cal: a yearly work plan with free-form Russian dates, read into calendars and reminders.

The package API mirrors the CLI::

    >>> from datetime import date
    >>> from plan_calendar import AcademicYear, read_when
    >>> read_when("до 1 октября", AcademicYear(2019)).when.due
    datetime.date(2019, 9, 30)
"""

from __future__ import annotations

from plan_calendar.dates.grammar import read_when
from plan_calendar.dates.school import AcademicYear
from plan_calendar.errors import DateError, PlanError
from plan_calendar.plan import Item, Plan
from plan_calendar.schedule import Schedule, interpret
from plan_calendar.yamlplan import load_plan


def __getattr__(name: str) -> str:
    # importlib.metadata costs ~50 ms at start-up; only `--version` needs it, so it is looked up on demand.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

        try:
            return version("plan-cal")
        except PackageNotFoundError:  # pragma: no cover - a source tree without install
            return "0.0.0"
    raise AttributeError(name)


__all__ = [
    "AcademicYear",
    "DateError",
    "Item",
    "Plan",
    "PlanError",
    "Schedule",
    "__version__",
    "interpret",
    "load_plan",
    "read_when",
]
