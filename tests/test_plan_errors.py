"""Bad plans: each gives a Russian message with file:line:column, exit code 1 and no traceback."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result

GOOD_HEAD = 'plan: Тест\nacademic_year: "2019-2020"\n'

CASES = [
    pytest.param(
        GOOD_HEAD + "items:\n  - id: a\n    title: Семинар\n    whne: октябрь\n",
        6,
        5,
        ["неизвестный ключ «whne»", "Может быть, «when»?"],
        id="unknown-item-key",
    ),
    pytest.param(
        GOOD_HEAD + "itmes:\n  - id: a\n", 3, 1, ["неизвестный ключ «itmes»", "«items»"], id="unknown-plan-key"
    ),
    pytest.param(GOOD_HEAD + "items:\n  - id: a\n    when: октябрь\n", 4, 5, ["не указан «title»"], id="missing-title"),
    pytest.param(GOOD_HEAD + "items:\n  - id: a\n    title: Семинар\n", 4, 5, ["не указан «when»"], id="missing-when"),
    pytest.param(
        GOOD_HEAD + "items:\n  - id: a\n    title: A\n    when: май\n  - id: a\n    title: B\n    when: май\n",
        7,
        9,
        ["id «a» уже есть в строке 4"],
        id="duplicate-id",
    ),
    pytest.param('plan: Тест\nacademic_year: "2019-2021"\nitems: []\n', 2, 16, ["второй год"], id="academic-year-gap"),
    pytest.param(
        "plan: Тест\nacademic_year: прошлый\nitems: []\n", 2, 16, ["учебный год «прошлый»"], id="academic-year-words"
    ),
    pytest.param(
        GOOD_HEAD + "items:\n  - id: a\n    title: Семинар: новое\n    when: май\n  - title x\n",
        None,
        None,
        ["ошибка в записи YAML"],
        id="yaml-syntax",
    ),
    pytest.param(
        GOOD_HEAD + "items:\n  - id: a\n    title: Семинар\n    when: 31 февраля\n",
        6,
        11,
        ["даты 31 февраля 2020 не бывает"],
        id="impossible-date",
    ),
    pytest.param(
        GOOD_HEAD + "items:\n  - id: a\n    title: Семинар\n    when: с 14 по\n",
        6,
        11,
        ["не удалось прочитать дату «с 14 по»"],
        id="unreadable-date",
    ),
    pytest.param(
        GOOD_HEAD + "items:\n  - id: Плохой id\n    title: Семинар\n    when: май\n",
        4,
        9,
        ["латинские буквы"],
        id="bad-id",
    ),
    pytest.param(
        GOOD_HEAD + "items:\n  - id: a\n    title: Семинар\n    when: май\n    kind: семенар\n",
        7,
        11,
        ["неизвестный вид пункта «семенар»", "Может быть, «семинар»?"],
        id="unknown-kind",
    ),
    pytest.param(
        GOOD_HEAD + "items:\n  - id: a\n    title: Семинар\n    when: май\n    time: 25:00\n",
        7,
        11,
        ["время «25:00»"],
        id="bad-time",
    ),
    pytest.param(
        GOOD_HEAD + "timezone: Europe/Mocsow\nitems: []\n", 3, 11, ["часовой пояс «Europe/Mocsow»"], id="bad-timezone"
    ),
    pytest.param(
        GOOD_HEAD + "terms:\n  - name: пятая четверть\n    start: 2019-09-02\n    end: 2019-10-27\nitems: []\n",
        4,
        11,
        ["непонятный период"],
        id="bad-term",
    ),
    pytest.param(
        GOOD_HEAD + "items:\n  - id: a\n    title: A\n    when: май\n    a: 1\n    a: 2\n",
        None,
        None,
        ["ключ «a» повторяется (он уже есть в строке 7)"],
        id="duplicate-key",
    ),
    pytest.param(
        GOOD_HEAD + "items:\n  - id: a\n    title: Семинар\n    when: май\n    remind: [7d, неделя]\n",
        7,
        13,
        ["remind: «неделя» — непонятный срок напоминания", "remind: [7 дней, 1 день]"],
        id="bad-remind",
    ),
    pytest.param(
        GOOD_HEAD + "defaults:\n  remind: {before: 3d}\nitems:\n  - id: a\n    title: Семинар\n    when: май\n",
        4,
        11,
        ["«remind» должен быть строкой или списком строк"],
        id="remind-mapping-in-defaults",
    ),
    pytest.param(
        GOOD_HEAD + "items:\n  - id: a\n    title: Семинар\n    when: май\n    notify: [lib@example, «методисты»]\n",
        7,
        13,
        ["notify: «lib@example» — не адрес почты и не имя группы"],
        id="bad-notify",
    ),
    pytest.param("", 1, None, ["файл плана пуст"], id="empty"),
    pytest.param("plan: Тест\nitems: []\n", 1, 1, ["не указан «academic_year»"], id="missing-year"),
]


@pytest.mark.parametrize(("text", "line", "column", "fragments"), CASES)
def test_bad_plan(
    cli: Callable[..., Result],
    write_plan: Callable[[str], Path],
    text: str,
    line: int | None,
    column: int | None,
    fragments: list[str],
) -> None:
    path = write_plan(text)
    result = cli("check", path)
    assert result.code == 1
    output = result.out + result.err
    assert "Traceback" not in output
    for fragment in fragments:
        assert fragment in output
    location = re.escape(str(path)) + (f":{line}" if line else r":\d+") + (f":{column}" if column else "")
    assert re.search(location, output), output


def test_bad_plan_json_reports_item_errors(cli: Callable[..., Result], write_plan: Callable[[str], Path]) -> None:
    import json

    path = write_plan(
        GOOD_HEAD + "items:\n  - id: a\n    title: A\n    when: 31 февраля\n"
        "  - id: b\n    title: B\n    when: девраль\n"
    )
    result = cli("check", "--json", path)
    assert result.code == 1
    data = json.loads(result.out)
    assert [e["item"] for e in data["errors"]] == ["a"]
    assert data["errors"][0]["line"] == 6
    assert data["items"][1]["reading"]["kind"] == "month"
    assert data["warnings"][0]["message"] == "«девраль» прочитано как «февраль»"


def test_remind_and_notify_as_read(cli: Callable[..., Result], write_plan: Callable[[str], Path]) -> None:
    import json

    path = write_plan(
        GOOD_HEAD + "defaults:\n  notify: metodisty\nitems:\n"
        "  - {id: a, title: A, when: до 1 октября, remind: [1d, 14d, 90m, 1d]}\n"
        "  - {id: b, title: B, when: 5 мая, remind: нет, notify: [director@example.org, all]}\n"
        "  - {id: c, title: C, when: 6 мая}\n"
    )
    result = cli("check", "--json", path)
    assert result.code == 0, result.err
    items = {i["id"]: i for i in json.loads(result.out)["items"]}
    assert items["a"]["remind"] == ["14d", "1d", "1h30m"]
    assert items["a"]["notify"] == ["metodisty"]
    assert items["b"]["remind"] is False
    assert items["b"]["notify"] == ["director@example.org", "all"]
    assert "remind" not in items["c"]


def test_missing_file(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("check", tmp_path / "nope.yaml")
    assert result.code == 1
    assert "не найден" in result.err
    assert "Traceback" not in result.err


def test_yaml_numbers_keep_their_text(cli: Callable[..., Result], write_plan: Callable[[str], Path]) -> None:
    # YAML reads 19.10 as the float 19.1: the date must be taken as written, not as the float.
    path = write_plan(
        GOOD_HEAD + "items:\n  - id: a\n    title: A\n    when: 19.10\n  - id: b\n    title: B\n    when: 2019-09-05\n"
    )
    import json

    result = cli("check", "--json", path)
    data = json.loads(result.out)
    assert result.code == 0
    assert [i["when"] for i in data["items"]] == ["19.10", "2019-09-05"]
    assert data["items"][0]["reading"]["start"] == "2019-10-19"


def test_missing_id_is_proposed(cli: Callable[..., Result], write_plan: Callable[[str], Path]) -> None:
    path = write_plan(GOOD_HEAD + "items:\n  - title: Сдача плана работы\n    when: до 1 октября\n")
    result = cli("check", path)
    assert result.code == 0
    # The message is one line, however long the path: editors and grep read «file:line:column: …».
    [line] = [x for x in result.out.splitlines() if x.startswith(f"{path}:4:5: предупреждение:")]
    assert "добавьте «id: sdacha-plana-raboty», чтобы события не дублировались" in line


def test_debug_shows_the_traceback(cli: Callable[..., Result], write_plan: Callable[[str], Path]) -> None:
    path = write_plan("plan: Тест\nitems: []\n")
    result = cli("--debug", "check", path)
    assert result.code == 1
    assert "Traceback" in result.err


def test_check_reports_every_error_in_one_run(cli: Callable[..., Result], write_plan: Callable[[str], Path]) -> None:
    path = write_plan(
        GOOD_HEAD + "items:\n"
        "  - {id: a, title: Первый, when: 5 октября, tiem: '14:00'}\n"  # an unknown key
        "  - {id: b, title: Второй, when: 31 февраля}\n"  # an impossible date
        "  - {id: c, title: Третий, when: по средам, time: '25:00'}\n"  # a bad time
        "  - {id: a, title: Дубль, when: октябрь}\n"  # a repeated id
        "  - {id: d, title: Хороший, when: 12 ноября}\n"
    )
    result = cli("check", path)
    assert result.code == 1
    errors = [line for line in result.out.splitlines() if ": ошибка: " in line]
    assert [e.split(": ошибка: ")[0].rsplit(":", 1)[0] for e in errors] == [f"{path}:{n}" for n in (4, 5, 6, 7)]
    assert "неизвестный ключ «tiem»" in errors[0] and "31 февраля" in errors[1]
    assert "25:00" in errors[2] and "id «a» уже есть в строке 4" in errors[3]
    assert "Traceback" not in result.err


def test_check_reports_every_error_of_a_plan_it_cannot_use(
    cli: Callable[..., Result], write_plan: Callable[[str], Path]
) -> None:
    path = write_plan(GOOD_HEAD + "colour: red\nitems:\n  - {id: a, title: A, when: май, tiem: x}\n")
    result = cli("check", "--json", path)
    assert result.code == 1
    data = json.loads(result.out)
    assert data["plan"]["file"] == str(path), "the plan as far as it reads, with every error"
    assert [e["line"] for e in data["errors"]] == [3, 5]
    assert "неизвестный ключ «colour»" in data["errors"][0]["message"]
    # A plan that does not read at all (YAML syntax) is a document with its file and its error.
    path.write_text(GOOD_HEAD + "items: [\n", encoding="utf-8")
    data = json.loads(cli("check", "--json", path).out)
    assert data["plan"] == {"file": str(path)} and data["items"] == [] and len(data["errors"]) == 1


def test_repeats_without_school_holidays_are_noted_once(
    cli: Callable[..., Result], write_plan: Callable[[str], Path]
) -> None:
    path = write_plan(
        GOOD_HEAD
        + "items:\n  - {id: a, title: Кружок, when: по средам}\n  - {id: b, title: Совет, when: по пятницам}\n"
    )
    result = cli("check", path)
    assert result.code == 0
    notes = [line for line in result.out.splitlines() if "предупреждение: сроки каникул в плане не указаны" in line]
    assert len(notes) == 1 and notes[0].startswith(f"{path}:4:")


def test_a_plan_indented_with_tabs(cli: Callable[..., Result], write_plan: Callable[[str], Path]) -> None:
    path = write_plan(GOOD_HEAD + "items:\n\t- id: a\n\t  title: Семинар\n\t  when: май\n")
    result = cli("check", path)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{path}:4:1: табуляция в строке 4: в отступах YAML табуляция не допускается" in result.err
    assert "замените табуляции пробелами" in result.err
    assert "found" not in result.err and "token" not in result.err, "no English PyYAML message"
    # A tab under an item, after lines indented with spaces.
    path = write_plan(GOOD_HEAD + "items:\n  - id: a\n    title: Семинар\n\twhen: май\n")
    result = cli("check", path)
    assert result.code == 1 and "табуляция в строке 6" in result.err


def test_raw_control_bytes(cli: Callable[..., Result], write_plan: Callable[[str], Path]) -> None:
    # A NUL byte: the file is not UTF-8 text (UTF-16, a word processor's file): an error with its line.
    path = write_plan(GOOD_HEAD + "items:\n  - id: a\n    title: Сем\x00инар\n    when: май\n")
    result = cli("check", path)
    assert result.code == 1 and "Traceback" not in result.err
    assert "в строке 5 нулевой байт (NUL)" in result.err and "UTF-8" in result.err
    assert "unacceptable" not in result.err and "position" not in result.err
    # Other raw control characters (copied from another program) are removed, with a warning naming the line.
    path = write_plan(GOOD_HEAD + "items:\n  - id: a\n    title: Сем\x1b[31mинар\x7f\n    when: май\n")
    result = cli("check", "--json", path)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["items"][0]["title"] == "Сем[31mинар"
    [warning] = data["warnings"]
    assert warning["line"] == 5 and "в строке 5 удалены управляющие символы" in warning["message"]


def test_a_bad_setting_of_the_plan_does_not_hide_the_items_errors(
    cli: Callable[..., Result], write_plan: Callable[[str], Path]
) -> None:
    path = write_plan(
        GOOD_HEAD + "timezone: Europe/Moskva\nitems:\n  - {id: a, title: A, when: 31 февраля}\n"
        "  - {id: b, titel: B, when: 5 октября}\n"
    )
    result = cli("check", path)
    assert result.code == 1
    lines = [line for line in result.out.splitlines() if ": ошибка: " in line]
    assert [line.split(":")[1] for line in lines] == ["3", "5", "6", "6"]
    assert "часовой пояс «Europe/Moskva»" in lines[0] and "31 февраля" in lines[1] and "titel" in " ".join(lines)
