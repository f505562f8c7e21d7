"""Every module's doctests run (they are examples in the docs; an example that stops working is a bug)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import plan_calendar

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(plan_calendar.__path__, prefix="plan_calendar.")
    if not name.endswith("__main__")
)


def test_there_are_doctests() -> None:
    found = sum(
        len(test.examples) for name in MODULES for test in doctest.DocTestFinder().find(importlib.import_module(name))
    )
    assert found >= 15


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
