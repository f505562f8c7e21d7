"""The command line as a user meets it: help, version, exit codes, golden output of check and explain."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT, Result
from plan_calendar.cli import app

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PLAN_CAL_UPDATE_GOLDEN") == "1"


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == actual, f"{name} differs; PLAN_CAL_UPDATE_GOLDEN=1 rewrites it"


def test_check_example_golden(cli: Callable[..., Result]) -> None:
    result = cli("check", "examples/rmo-2019-2020.yaml")
    assert result.code == 0, result.err
    _golden("check-rmo-2019-2020.txt", result.out)


def test_check_example_json_golden(cli: Callable[..., Result]) -> None:
    result = cli("check", "--json", "examples/rmo-2019-2020.yaml")
    assert result.code == 0
    data = json.loads(result.out)
    assert set(data) == {"plan", "items", "errors", "warnings"}
    assert len(data["items"]) == 15
    _golden("check-rmo-2019-2020.json", result.out)


def test_example_plan_reads_as_the_seed_says(cli: Callable[..., Result]) -> None:
    data = json.loads(cli("check", "--json", EXAMPLE).out)
    by_id = {i["id"]: i for i in data["items"]}
    assert by_id["zasedanie-rmo-sentyabr"]["reading"]["start"] == "2019-09-19"
    assert len(by_id["zasedanie-rmo-sentyabr"]["agenda"]) == 4
    assert by_id["sdacha-plana"]["reading"]["due"] == "2019-09-30"
    assert by_id["seminar-chitatelskaya-kompetenciya"]["reading"]["warnings"] == ["«девраль» прочитано как «февраль»"]
    assert by_id["zakaz-uchebnikov"]["reading"]["occurrences"] == [["2020-01-01", "2020-04-30"]]
    assert by_id["konsultacii"]["reading"]["kind"] == "ongoing"
    assert not data["errors"]


def test_explain_json_lines(cli: Callable[..., Result]) -> None:
    result = cli("explain", "--year", "2019-2020", "--json", "до 1 октября", "декабрь, март", "31 февраля")
    assert result.code == 1
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert lines[0] == {
        "input": "до 1 октября",
        "kind": "deadline",
        "start": "2019-09-30",
        "end": "2019-09-30",
        "due": "2019-09-30",
        "time": None,
        "end_time": None,
        "occurrences": [["2019-09-30", "2019-09-30"]],
        "warnings": [],
        "reading": "срок — 30 сентября 2019, пн",
    }
    assert lines[1]["occurrences"] == [["2019-12-01", "2019-12-31"], ["2020-03-01", "2020-03-31"]]
    assert set(lines[2]) == {"input", "error"}
    assert "31 февраля" in lines[2]["error"]


def test_explain_text(cli: Callable[..., Result]) -> None:
    result = cli("explain", "--year", "2019-2020", "19.09 (пт)", "по плану")
    assert result.code == 0
    _golden("explain.txt", result.out)


def test_explain_until_inclusive(cli: Callable[..., Result]) -> None:
    result = cli("explain", "--year", "2019-2020", "--until-inclusive", "--json", "до 1 октября")
    assert json.loads(result.out)["due"] == "2019-10-01"


def test_explain_default_year_is_the_current_one(cli: Callable[..., Result]) -> None:
    from datetime import date

    today = date.today()
    first = today.year if today.month >= 9 else today.year - 1
    result = cli("explain", "--json", "1 сентября")
    assert json.loads(result.out)["start"] == f"{first}-09-01"


def test_version(cli: Callable[..., Result]) -> None:
    from plan_calendar import __version__

    result = cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"plan-cal {__version__}"


@pytest.mark.parametrize("args", [["explain", "--bogus", "x"], ["nosuch"], ["check"], ["explain", "--year"]])
def test_usage_errors_exit_2_in_russian(cli: Callable[..., Result], args: list[str]) -> None:
    result = cli(*args)
    assert result.code == 2
    assert "ошибка:" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chek"], "ошибка: нет такой команды: chek. Может быть, check?"),
        (["serve", "--port", "abc"], "ошибка: неверное значение --port: нужно целое число"),
        (["build", "--out"], "ошибка: параметру --out нужно значение"),
        (["check", "--bogus"], "ошибка: нет такого параметра: --bogus"),
    ],
)
def test_usage_error_messages(cli: Callable[..., Result], args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.code == 2
    assert message in result.err.splitlines()
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,}", result.err.replace("plan-cal", "")), result.err  # no English


def test_bad_year_option(cli: Callable[..., Result]) -> None:
    result = cli("explain", "--year", "2019", "май")
    assert result.code == 1
    assert "учебный год «2019»" in result.err


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", [None, *_commands()])
def test_every_command_and_option_has_russian_help(cli: Callable[..., Result], command: str | None) -> None:
    import typer.main

    group = typer.main.get_command(app)
    cmd = group if command is None else group.commands[command]  # type: ignore[attr-defined]
    assert cmd.help and _is_russian(cmd.help)
    for param in cmd.params:
        text = getattr(param, "help", None)
        assert text and _is_russian(text), f"{command}: {param.name} has no Russian help"
    result = cli(*([command] if command else []), "--help")
    assert result.code == 0
    for english in ("Show this message", "Usage:", "[OPTIONS]", "Options", "Arguments", "Commands"):
        assert english not in result.out


def _is_russian(text: str) -> bool:
    return any("а" <= ch <= "я" for ch in text.lower())


def test_module_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "plan_calendar", "check", str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "120"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Итого: 15 пунктов" in result.stdout
