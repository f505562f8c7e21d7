"""`plan-cal remind` end to end against a real SMTP server (aiosmtpd): exactly once, on working days."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import icalendar
import pytest

from conftest import EXAMPLE, STATES, Result, state_for
from smtpserver import Server, make_certificate

HEAD = 'plan: План\nid: p\nacademic_year: "2019-2020"\n'


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as s:
        yield s


def _config(
    tmp_path: Path,
    port: int,
    plans: list[Path],
    *,
    recipients: tuple[str, ...] = ("lib@example.org",),
    extra_smtp: str = 'security = "none"',
    extra: str = "",
) -> Path:
    path = tmp_path / "plan-cal.toml"
    listed = ", ".join(f'"{p}"' for p in plans)
    path.write_text(
        f"plans = [{listed}]\n"
        f'[calendar]\nurl = "https://plan.example.org/"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\n{extra_smtp}\nsender = "РМО библиотекарей <rmo@example.org>"\n'
        f"timeout = 2\n"
        f"[reminders]\nrecipients = [{', '.join(repr(r).replace(chr(39), chr(34)) for r in recipients)}]\n"
        f'state = "{state_for(tmp_path)}"\n{extra}',
        encoding="utf-8",
    )
    return path


def _plan(tmp_path: Path, items: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + "items:\n" + items, encoding="utf-8")
    return path


def _ledger(tmp_path: Path) -> list[tuple[str, ...]]:
    """What the test's ledger (SQLite or PostgreSQL) holds: (item, occurrence, lead, recipient, status)."""
    from plan_calendar.config import ReminderSettings
    from plan_calendar.reminders.ledger import open_ledger

    state = state_for(tmp_path)
    where = state if "://" in state else tmp_path / state
    with open_ledger(ReminderSettings(), where) as ledger:
        return sorted((*r.key[1:], r.status) for r in ledger.rows())


def _another_database(url: str) -> str:
    import psycopg

    name = url.rsplit("/", 1)[1] + "_other"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def test_the_example_plan_at_a_chosen_moment(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    config = _config(tmp_path, server.port, [EXAMPLE])
    result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert result.code == 0, result.err
    assert "отправлено писем 1" in result.out
    [message] = server.recorder.parsed()
    assert message["Subject"] == "Срок: Сдача плана работы библиотеки на 2019-2020 учебный год"
    body = message.get_body(("plain",)).get_content()
    assert "срок — 30 сентября 2019 г., понедельник — через 14 дней" in body
    assert "В плане: «до 1 октября»" in body
    assert "https://plan.example.org/rmo-2019-2020.ics" in body
    # The same moment again sends nothing.
    again = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert again.code == 0 and "отправлено писем 0" in again.out and "уже были отправлены раньше: 1" in again.out
    assert len(server.recorder.messages) == 1
    sent = [row for row in _ledger(tmp_path) if row[4] == "sent"]
    assert sent == [("sdacha-plana", "2019-09-30", "14d", "lib@example.org", "sent")]
    # An older reminder (1 day before 5 September) is past the catch-up window: logged as missed, never sent.
    assert ("iniciativnaya-gruppa", "2019-09-05", "1d", "lib@example.org", "missed") in _ledger(tmp_path)


def test_an_email_parsed_back(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    plan = _plan(
        tmp_path,
        "  - id: zased\n    title: Заседание РМО <b>важно</b>\n    when: 19.09 14:00\n"
        "    location: ИМЦ\n    responsible: Иванова И. И.\n"
        "    agenda: [Обеспеченность учебниками, Новая модель библиотеки]\n",
    )
    config = _config(tmp_path, server.port, [plan])
    assert cli("remind", "--config", config, "--at", "2019-09-18T09:00").code == 0
    [message] = server.recorder.parsed()
    assert message["From"] == "РМО библиотекарей <rmo@example.org>"
    assert message["To"] == "lib@example.org"
    assert message["Date"] == "Wed, 18 Sep 2019 09:00:00 +0300"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@example.org>")
    assert message.get_content_type() == "multipart/mixed"
    alternative = message.get_payload()[0]
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "19 сентября 2019 г., четверг, 14:00 — завтра" in text
    assert "Место: ИМЦ" in text and "Ответственные: Иванова И. И." in text and "1) Обеспеченность учебниками" in text
    assert "<b>важно</b>" not in html and "&lt;b&gt;важно&lt;/b&gt;" in html, "HTML is autoescaped"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "PUBLISH"
    cal = icalendar.Calendar.from_ical(attachment.get_content())
    assert str(cal["METHOD"]) == "PUBLISH"
    [event] = cal.walk("VEVENT")
    assert event["DTSTART"].dt.isoformat() == "2019-09-19T14:00:00+03:00"
    assert not event.walk("VALARM") and str(event["ORGANIZER"]) == "mailto:rmo@example.org"


def test_headers_cannot_be_injected(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    plan = _plan(tmp_path, '  - id: a\n    title: "Отчёт\\nBcc: evil@example.com\\r\\nX-Evil: 1"\n    when: до 20.09\n')
    config = _config(tmp_path, server.port, [plan])
    assert cli("remind", "--config", config, "--at", "2019-09-18T09:00").code == 0
    [(_, recipients, raw)] = server.recorder.messages
    assert recipients == ["lib@example.org"]
    header_lines = raw.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
    assert not [line for line in header_lines if line.startswith(("Bcc:", "X-Evil:"))]
    [message] = server.recorder.parsed()
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["Subject"] == "Срок: Отчёт Bcc: evil@example.com X-Evil: 1", "the text stays in the subject"


def test_a_saturday_reminder_goes_out_on_friday(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    # Due Monday 30 September: "1d" falls on Sunday 29th and moves to Friday 27th, with "3d".
    config = _config(tmp_path, server.port, [EXAMPLE], extra='catch_up = "1h"\n')
    assert "отправлено писем 0" in cli("remind", "--config", config, "--at", "2019-09-26T09:00").out
    result = cli("remind", "--config", config, "--at", "2019-09-27T09:00")
    assert "отправлено писем 1" in result.out, result.out + result.err
    for weekend in ("2019-09-28T09:00", "2019-09-29T09:00"):
        assert "отправлено писем 0" in cli("remind", "--config", config, "--at", weekend).out
    assert {row[2] for row in _ledger(tmp_path) if row[4] == "sent"} == {"3d", "1d"}
    [message] = server.recorder.parsed()
    assert message.get_body(("plain",)).get_content().count("Сдача плана работы") == 1


def test_a_holiday_moves_the_reminder(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    # Due Tuesday 5 November 2019; the day before is Unity Day (a holiday), so "1d" goes out on Friday 1 November.
    plan = _plan(tmp_path, "  - {id: otchet, title: Отчёт, when: не позднее 5 ноября}\n")
    config = _config(tmp_path, server.port, [plan], extra='before_deadline = ["1d"]\ncatch_up = "1h"\n')
    assert "отправлено писем 0" in cli("remind", "--config", config, "--at", "2019-10-31T09:00").out
    assert "отправлено писем 1" in cli("remind", "--config", config, "--at", "2019-11-01T09:00").out
    assert "отправлено писем 0" in cli("remind", "--config", config, "--at", "2019-11-04T09:00").out


def test_the_digest(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    plan = _plan(
        tmp_path,
        "  - {id: a, title: Первый отчёт, when: до 20.09}\n"
        "  - {id: b, title: Второй отчёт, when: не позднее 19.09}\n"
        "  - {id: c, title: Семинар, when: 19.09}\n",
    )
    config = _config(
        tmp_path,
        server.port,
        [plan],
        recipients=("one@example.org", "two@example.org"),
        extra='before_deadline = ["1d"]\nbefore_event = ["1d"]\n',
    )
    assert "отправлено писем 2" in cli("remind", "--config", config, "--at", "2019-09-18T09:00").out
    messages = server.recorder.parsed()
    assert sorted(m["To"] for m in messages) == ["one@example.org", "two@example.org"]
    assert messages[0]["Subject"] == "Напоминания по плану на 18 сентября 2019: 3 пункта"
    text = messages[0].get_body(("plain",)).get_content()
    assert all(t in text for t in ("Первый отчёт", "Второй отчёт", "Семинар"))
    assert len(list(messages[0].iter_attachments())) == 3


def test_without_digest_one_email_each(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    plan = _plan(tmp_path, "  - {id: a, title: А, when: до 20.09}\n  - {id: b, title: Б, when: до 20.09}\n")
    config = _config(tmp_path, server.port, [plan], extra='digest = false\nbefore_deadline = ["1d"]\n')
    assert "отправлено писем 2" in cli("remind", "--config", config, "--at", "2019-09-18T09:00").out


def test_month_start_and_notify(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    plan = _plan(tmp_path, "  - {id: m, title: Мониторинг фондов, when: ноябрь, notify: [metod]}\n")
    config = _config(tmp_path, server.port, [plan], extra='[reminders.groups]\nmetod = ["metod@example.org"]\n')
    result = cli("remind", "--config", config, "--at", "2019-11-01T09:00")
    assert "отправлено писем 1" in result.out, result.err
    [message] = server.recorder.parsed()
    assert message["To"] == "metod@example.org"
    assert message["Subject"] == "В ноябре по плану: Мониторинг фондов"


def test_per_item_remind_overrides_the_lead_times(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    plan = _plan(
        tmp_path,
        "  - {id: a, title: Сдача отчёта, when: до 1 октября, remind: [7d]}\n"
        "  - {id: b, title: Сдача плана, when: до 1 октября, remind: false}\n",
    )
    config = _config(tmp_path, server.port, [plan])
    assert "отправлено писем 0" in cli("remind", "--config", config, "--at", "2019-09-16T09:00").out  # not 14d
    result = cli("remind", "--config", config, "--at", "2019-09-23T09:00")  # 7 days before the due 30 September
    assert "отправлено писем 1" in result.out, result.err
    for moment in ("2019-09-27T09:00", "2019-09-29T09:00"):  # not the settings' 3d and 1d
        assert "отправлено писем 0" in cli("remind", "--config", config, "--at", moment).out
    assert server.recorder.parsed()[0]["Subject"].endswith("Сдача отчёта")
    assert _ledger(tmp_path) == [("a", "2019-09-30", "7d", "lib@example.org", "sent")]


def test_a_monthly_deadline_reminds_before_each_due_day(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    plan = _plan(tmp_path, "  - {id: tabel, title: Табель посещаемости, when: до 5 числа каждого месяца}\n")
    config = _config(tmp_path, server.port, [plan], extra='before_deadline = ["3d"]\n')
    # Due on the 4th: 4 October 2019 is a Friday, so 3 days before is Tuesday 1 October.
    assert "отправлено писем 1" in cli("remind", "--config", config, "--at", "2019-10-01T09:00").out
    # 4 January 2020 is a holiday: the due day stays, the reminder (1 January) moves to the last working day.
    assert "отправлено писем 1" in cli("remind", "--config", config, "--at", "2019-12-31T09:00").out
    subjects = [m["Subject"] for m in server.recorder.parsed()]
    assert subjects == ["Срок: Табель посещаемости"] * 2
    text = server.recorder.parsed()[0].get_body(("plain",)).get_content()
    assert "4 октября 2019 г., пятница" in text and "через 3 дня" in text
    assert [row[1] for row in _ledger(tmp_path) if row[4] == "sent"] == ["2019-10-04", "2020-01-04"]


def test_notify_with_an_unknown_group_names_the_plan_line(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    plan = _plan(
        tmp_path,
        "  - id: m\n    title: Мониторинг\n    when: 5 ноября\n    notify: [metod]\n"
        "  - {id: z, title: Заседание, when: 2 ноября}\n",
    )
    config = _config(tmp_path, server.port, [plan])
    dry = cli("remind", "--config", config, "--at", "2019-11-01T09:00", "--dry-run")
    assert dry.code == 1 and "группы «metod» нет в настройках" in dry.err
    result = cli("remind", "--config", config, "--at", "2019-11-01T09:00")
    assert result.code == 1
    assert f"{plan}:8:13" in result.err and "группы «metod» нет в настройках" in result.err
    assert "Пропущено только то, где ошибка; остальные напоминания обработаны как обычно." in result.err
    assert "Traceback" not in result.err
    # One typo does not hold back the other items' reminders.
    assert [m["Subject"] for m in server.recorder.parsed()] == ["Скоро по плану: Заседание"]
    assert {row[0] for row in _ledger(tmp_path)} == {"z"}


def test_a_reminder_for_every_term_names_its_own_term(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    plan = _plan(tmp_path, "  - {id: itogi, title: Итоги четверти, when: в конце четверти}\n")
    config = _config(tmp_path, server.port, [plan])
    # The last week of the II term (approximate dates): 22–28 December 2019; the 22nd is a Sunday.
    result = cli("remind", "--config", config, "--at", "2019-12-23T09:00")
    assert "отправлено писем 1" in result.out, result.err
    [message] = server.recorder.parsed()
    assert message["Subject"] == "С 22 декабря по плану: Итоги четверти"
    text = message.get_body(("plain",)).get_content()
    assert "конец II четверти (22–28 декабря 2019, приблизительно)" in text
    assert "октября" not in text, "only the term the reminder is about"


def test_an_item_with_errors_holds_back_only_its_own_reminders(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    broken = _plan(
        tmp_path,
        "  - {id: a, title: Семинар, when: 31 февраля}\n  - {id: b, title: Отчёт, when: до 1 октября}\n",
        name="broken.yaml",
    )
    config = _config(tmp_path, server.port, [broken, EXAMPLE])
    result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert result.code == 1
    assert f"{broken}:5:" in result.err and "даты 31 февраля 2020 не бывает" in result.err
    assert "Напоминания по этому пункту не отправлены, по остальным — отправлены" in result.err
    assert "Traceback" not in result.err
    sent = " ".join(m.get_body(("plain",)).get_content() for m in server.recorder.parsed())
    assert "Сдача плана работы библиотеки" in sent, "the example plan's reminder went out all the same"
    assert "Отчёт" in sent and "Семинар" not in sent, "and so did the broken plan's readable item"


def test_check_with_the_config_warns_about_unknown_groups(
    cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    plan = _plan(
        tmp_path,
        "  - id: m\n    title: Мониторинг\n    when: 5 ноября\n    notify: [metod, lib@example.org, all]\n"
        "  - {id: n, title: Отчёт, when: 6 ноября, notify: metodisty}\n",
    )
    config = _config(tmp_path, server.port, [plan], extra='[reminders.groups]\nmetodisty = ["m@example.org"]\n')
    without = cli("check", plan)
    assert without.code == 0 and "metod" not in without.out, "without a config groups are not known"
    result = cli("check", plan, "--config", config)
    assert result.code == 0, result.err
    [line] = [x for x in result.out.splitlines() if "предупреждение: notify" in x]
    assert line.startswith(f"{plan}:8:13: предупреждение: notify: группы «metod» нет в [reminders.groups]")


def test_catch_up_window(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    config = _config(tmp_path, server.port, [EXAMPLE], extra='catch_up = "3d"\n')
    late = cli("remind", "--config", config, "--at", "2019-09-18T10:00")  # the 14d reminder was due on the 16th
    assert "отправлено писем 1" in late.out
    assert "Это напоминание запоздало" in server.recorder.parsed()[0].get_body(("plain",)).get_content()
    tmp2 = tmp_path / "other"
    tmp2.mkdir()
    if "://" in state:  # a second, empty ledger on the same server
        STATES[tmp2] = _another_database(state)
    config2 = _config(tmp2, server.port, [EXAMPLE], extra='catch_up = "3d"\n')
    too_late = cli("remind", "--config", config2, "--at", "2019-09-21T10:00")  # five days late: skipped
    assert "отправлено писем 0" in too_late.out and "пропущено как слишком старые" in too_late.out
    assert ("sdacha-plana", "2019-09-30", "14d", "lib@example.org", "missed") in _ledger(tmp2)
    assert not [row for row in _ledger(tmp2) if row[4] == "sent"]


def test_dry_run_sends_and_records_nothing(cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    config = _config(tmp_path, server.port, [EXAMPLE])
    result = cli("remind", "--config", config, "--at", "2019-09-16T09:00", "--dry-run")
    assert result.code == 0
    assert "Кому: lib@example.org" in result.out and "через 14 дней" in result.out
    assert not server.recorder.messages
    assert not (tmp_path / "state.sqlite3").exists()


def test_starttls_with_auth(cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test certificate, and only it
    monkeypatch.setenv("RMO_SMTP_PASSWORD", "Secret-123")
    with Server(tls=context, users={"rmo@example.org": "Secret-123"}) as server:
        config = _config(
            tmp_path,
            server.port,
            [EXAMPLE],
            extra_smtp=('security = "starttls"\nusername = "rmo@example.org"\npassword_env = "RMO_SMTP_PASSWORD"'),
        )
        result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
        assert result.code == 0, result.err
        assert server.recorder.logins == ["rmo@example.org"] and len(server.recorder.messages) == 1
        monkeypatch.setenv("RMO_SMTP_PASSWORD", "wrong")
        (tmp_path / "state.sqlite3").unlink()
        wrong = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
        assert wrong.code == 1 and "не принял имя пользователя или пароль" in wrong.err
        monkeypatch.delenv("RMO_SMTP_PASSWORD")
        missing = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
        assert missing.code == 1 and "RMO_SMTP_PASSWORD" in missing.err
        monkeypatch.setenv("RMO_SMTP_PASSWORD", "пароль")
        cyrillic = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
        assert cyrillic.code == 1 and "только латиницу" in cyrillic.err and "Traceback" not in cyrillic.err


def test_server_down_then_up(state: str, cli: Callable[..., Result], tmp_path: Path) -> None:
    from smtpserver import free_port

    port = free_port()
    config = _config(tmp_path, port, [EXAMPLE])
    down = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert down.code == 3 and "повторится при следующем запуске" in down.err
    assert ("sdacha-plana", "2019-09-30", "14d", "lib@example.org", "deferred") in _ledger(tmp_path)
    with Server(port=port) as server:
        up = cli("remind", "--config", config, "--at", "2019-09-16T09:05")
        assert up.code == 0 and len(server.recorder.messages) == 1
        assert cli("remind", "--config", config, "--at", "2019-09-16T09:10").code == 0
        assert len(server.recorder.messages) == 1


def test_451_then_success(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    server.recorder.behaviour.temporary_failures = 1
    config = _config(tmp_path, server.port, [EXAMPLE])
    first = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert first.code == 3 and "451" in first.err
    second = cli("remind", "--config", config, "--at", "2019-09-16T10:00")
    assert second.code == 0 and len(server.recorder.messages) == 1


def test_550_for_one_recipient_of_two(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    server.recorder.behaviour.refuse["bad@example.org"] = "550 5.1.1 no such user"
    config = _config(tmp_path, server.port, [EXAMPLE], recipients=("good@example.org", "bad@example.org"))
    result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert result.code == 1 and "550 5.1.1 no such user" in result.err
    assert [r[1] for r in server.recorder.messages] == [["good@example.org"]]
    statuses = {row[3]: row[4] for row in _ledger(tmp_path) if row[0] == "sdacha-plana"}
    assert statuses == {"good@example.org": "sent", "bad@example.org": "failed"}
    again = cli("remind", "--config", config, "--at", "2019-09-16T11:00")
    assert again.code == 0 and len(server.recorder.messages) == 1, "neither resent nor retried forever"


def test_connection_dropped_in_data(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    server.recorder.behaviour.drop_data = 1
    config = _config(tmp_path, server.port, [EXAMPLE])
    assert cli("remind", "--config", config, "--at", "2019-09-16T09:00").code == 3
    assert not server.recorder.messages
    assert cli("remind", "--config", config, "--at", "2019-09-16T09:30").code == 0
    assert len(server.recorder.messages) == 1


def test_slow_server_past_the_timeout(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    server.recorder.behaviour.stall_data = 4  # the client waits 2 s
    config = _config(tmp_path, server.port, [EXAMPLE])
    assert cli("remind", "--config", config, "--at", "2019-09-16T09:00").code == 3
    server.recorder.behaviour.stall_data = 0
    assert cli("remind", "--config", config, "--at", "2019-09-16T09:30").code == 0
    assert len(server.recorder.messages) == 1


def test_message_id_is_stable(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from plan_calendar.configfile import load_config
    from plan_calendar.reminders.compose import compose
    from plan_calendar.reminders.rules import due
    from plan_calendar.reminders.run import load_schedules

    config = load_config(_config(tmp_path, 25, [EXAMPLE]))
    now = datetime(2019, 9, 16, 9, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    schedules, errors = load_schedules([EXAMPLE])
    assert errors == []
    first = compose(due(schedules, config, now)[0], config, now)
    second = compose(due(schedules, config, now)[0], config, now)
    assert [m.message_id for m in first] == [m.message_id for m in second]
    assert [m.as_bytes() for m in first] == [m.as_bytes() for m in second], "emails are byte-identical"


@pytest.mark.parametrize(
    ("moment", "countdown"),
    [
        ("2019-11-11T09:00", "через 21 день"),
        ("2019-11-27T09:00", "через 5 дней"),
        ("2019-11-29T09:00", "через 3 дня"),
        ("2019-12-01T09:00", "через 1 день"),
    ],
)
def test_countdown_plurals(cli: Callable[..., Result], tmp_path: Path, moment: str, countdown: str) -> None:
    # Due Monday 2 December 2019; 1 December is a Sunday, so working days are off for this test.
    plan = _plan(tmp_path, "  - {id: a, title: Отчёт, when: не позднее 2 декабря}\n")
    config = _config(
        tmp_path,
        25,
        [plan],
        extra='before_deadline = ["21d", "5d", "3d", "1d"]\nworking_days_only = false\ncatch_up = "1h"\n',
    )
    result = cli("remind", "--config", config, "--at", moment, "--dry-run")
    expected = "завтра" if countdown == "через 1 день" else countdown
    assert f"срок — 2 декабря 2019 г., понедельник — {expected}" in result.out


def test_two_runs_at_once_send_once(state: str, tmp_path: Path, server: Server) -> None:
    import os
    import subprocess
    import sys

    from conftest import ROOT

    config = _config(tmp_path, server.port, [EXAMPLE], recipients=tuple(f"r{n}@example.org" for n in range(20)))
    command = [sys.executable, "-m", "plan_calendar", "remind", "--config", str(config), "--at", "2019-09-16T09:00"]
    runs = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ})
        for _ in range(3)
    ]
    for run in runs:
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0, err.decode()
    recipients = sorted(r for _, rcpt, _ in server.recorder.messages for r in rcpt)
    assert recipients == sorted(f"r{n}@example.org" for n in range(20)), "each recipient exactly once"


def test_templates_can_be_overridden(state: str, cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    folder = tmp_path / "my-templates" / "email"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("Не забудьте: {{ reminders[0].title }}", encoding="utf-8")
    config = _config(tmp_path, server.port, [EXAMPLE])
    config.write_text('templates = "my-templates"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("remind", "--config", config, "--at", "2019-09-16T09:00").code == 0
    [message] = server.recorder.parsed()
    assert message["Subject"] == "Не забудьте: Сдача плана работы библиотеки на 2019-2020 учебный год"
    assert "через 14 дней" in message.get_body(("plain",)).get_content(), "the other templates stay built in"


def test_a_weekly_meeting_is_not_reminded_in_the_holidays(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    """«по четвергам» has no meeting on 31 October (autumn holidays of the plan's terms) nor on 2 January (a public
    holiday): no reminder for them, as the feed has no occurrence."""
    path = tmp_path / "plan.yaml"
    path.write_text(
        HEAD
        + "terms:\n  - {name: осенние каникулы, start: 2019-10-28, end: 2019-11-04}\n"
        + "items:\n  - {id: m, title: Совещание, when: по четвергам, time: '13:30', remind: [1d]}\n",
        encoding="utf-8",
    )
    config = _config(tmp_path, server.port, [path])
    for moment in ("2019-10-30T14:00", "2020-01-01T14:00"):
        result = cli("remind", "--config", config, "--at", moment)
        assert result.code == 0, result.err
    sent = [m.get_body(("plain",)).get_content() for m in server.recorder.parsed()]
    assert not any("31 октября" in text or "2 января" in text for text in sent), sent
    result = cli("remind", "--config", config, "--at", "2019-11-06T14:00")
    assert "отправлено писем 1" in result.out, result.err
    check = cli("check", path)
    assert "сроки каникул в плане не указаны" not in check.out, "the plan gives its autumn holidays"


# ----------------------------------------------------------------------------- faults (issue 10)
def test_a_refused_sender_stops_the_run_and_loses_nothing(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    server.recorder.behaviour.refuse_sender = "553 5.7.1 sender address rejected"
    config = _config(tmp_path, server.port, [EXAMPLE], recipients=("one@example.org", "two@example.org"))
    refused = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert refused.code == 1, refused.err
    assert "553 5.7.1 sender address rejected" in refused.err and "Traceback" not in refused.err
    assert not [row for row in _ledger(tmp_path) if row[4] in ("failed", "sent")], "a set-up error is not the letter's"
    # Once the server takes the sender again, the reminders go out, once each.
    server.recorder.behaviour.refuse_sender = None
    fixed = cli("remind", "--config", config, "--at", "2019-09-16T09:30")
    assert fixed.code == 0, fixed.err
    assert sorted(r for _, rcpt, _ in server.recorder.messages for r in rcpt) == ["one@example.org", "two@example.org"]


def test_authentication_required_is_a_set_up_error(state: str, cli: Callable[..., Result], tmp_path: Path) -> None:
    with Server(users={"rmo@example.org": "Secret-123"}) as server:  # 530 to MAIL FROM without a login
        config = _config(tmp_path, server.port, [EXAMPLE])
        result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
        assert result.code == 1 and "530" in result.err and "username" in result.err, result.err
        assert not [row for row in _ledger(tmp_path) if row[4] in ("failed", "sent")]
        again = cli("remind", "--config", config, "--at", "2019-09-16T09:10")
        assert "уже были отправлены раньше: 0" in again.err, "refused reminders are never counted as sent"
        assert not server.recorder.messages


def test_failed_reminders_are_not_counted_as_sent(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    server.recorder.behaviour.refuse["bad@example.org"] = "550 5.1.1 no such user"
    config = _config(tmp_path, server.port, [EXAMPLE], recipients=("bad@example.org",))
    assert cli("remind", "--config", config, "--at", "2019-09-16T09:00").code == 1
    again = cli("remind", "--config", config, "--at", "2019-09-16T11:00")
    assert "уже были отправлены раньше: 0" in again.out, again.out


def test_deferred_reminders_that_age_out_are_missed(state: str, cli: Callable[..., Result], tmp_path: Path) -> None:
    from smtpserver import free_port

    plan = _plan(tmp_path, "  - {id: otchet, title: Отчёт, when: до 20.09}\n")  # due 19 September
    config = _config(tmp_path, free_port(), [plan], extra='before_deadline = ["1d"]\ncatch_up = "3d"\n')
    down = cli("remind", "--config", config, "--at", "2019-09-18T09:00")
    assert down.code == 3
    assert _ledger(tmp_path) == [("otchet", "2019-09-19", "1d", "lib@example.org", "deferred")]
    later = cli("remind", "--config", config, "--at", "2019-09-22T09:30")  # the server never came back in time
    assert "пропущено как слишком старые: 1" in later.out + later.err
    assert _ledger(tmp_path) == [("otchet", "2019-09-19", "1d", "lib@example.org", "missed")]


def test_an_address_the_server_cannot_take_fails_alone(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    # The server has no SMTPUTF8: a Cyrillic domain goes as IDNA; a Cyrillic local part cannot go at all.
    config = _config(
        tmp_path, server.port, [EXAMPLE], recipients=("ivan@пример.рф", "zoe@example.org", "иван@пример.рф")
    )
    result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert result.code == 1, result.err
    assert "иван@пример.рф" in result.err and "SMTPUTF8" in result.err
    assert sorted(r for _, rcpt, _ in server.recorder.messages for r in rcpt) == [
        "ivan@xn--e1afmkfd.xn--p1ai",
        "zoe@example.org",
    ]
    assert [m["To"] for m in server.recorder.parsed()] == ["ivan@xn--e1afmkfd.xn--p1ai", "zoe@example.org"]
    statuses = {row[3]: row[4] for row in _ledger(tmp_path) if row[0] == "sdacha-plana"}
    assert statuses == {"ivan@пример.рф": "sent", "zoe@example.org": "sent", "иван@пример.рф": "failed"}
    again = cli("remind", "--config", config, "--at", "2019-09-16T10:00")
    assert again.code == 0 and len(server.recorder.messages) == 2, again.err


def test_a_cyrillic_address_to_a_server_with_smtputf8(state: str, cli: Callable[..., Result], tmp_path: Path) -> None:
    with Server(smtputf8=True) as server:
        config = _config(tmp_path, server.port, [EXAMPLE], recipients=("иван@пример.рф",))
        result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
        assert result.code == 0, result.err
        assert [rcpt for _, rcpt, _ in server.recorder.messages] == [["иван@xn--e1afmkfd.xn--p1ai"]]


def test_check_warns_about_addresses_most_servers_refuse(
    cli: Callable[..., Result], tmp_path: Path, server: Server
) -> None:
    plan = _plan(tmp_path, "  - id: m\n    title: Мониторинг\n    when: 5 ноября\n    notify: [иван@пример.рф]\n")
    result = cli("check", plan)
    assert result.code == 0, result.err
    [line] = [x for x in result.out.splitlines() if "иван@пример.рф" in x and x.startswith(str(plan))]
    assert line.startswith(f"{plan}:8:13: предупреждение") and "SMTPUTF8" in line
    config = _config(tmp_path, server.port, [plan], recipients=("пётр@example.org", "ivan@пример.рф"))
    with_config = cli("check", plan, "--config", config)
    assert with_config.code == 0, with_config.err
    assert "пётр@example.org" in with_config.out and "ivan@пример.рф" not in with_config.out, with_config.out


def test_no_password_in_clear_to_another_machine(cli: Callable[..., Result], tmp_path: Path) -> None:
    plan = _plan(tmp_path, "  - {id: a, title: Отчёт, when: до 20.09}\n")
    config = _config(
        tmp_path, 587, [plan], extra_smtp='security = "none"\nusername = "rmo@example.org"\npassword_env = "RMO_PW"'
    )
    config.write_text(config.read_text(encoding="utf-8").replace("127.0.0.1", "smtp.example.org"), encoding="utf-8")
    for args in (("check", plan, "--config", config), ("remind", "--config", config, "--dry-run")):
        result = cli(*args)
        assert result.code == 1, result.out + result.err
        assert f"{config}:7:" in result.err and "открытым текстом" in result.err and "Traceback" not in result.err


def test_a_server_without_auth_is_reported_as_such(
    state: str, cli: Callable[..., Result], tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RMO_PW", "Secret-123")
    config = _config(
        tmp_path,
        server.port,
        [EXAMPLE],
        extra_smtp='security = "none"\nusername = "rmo@example.org"\npassword_env = "RMO_PW"',
    )
    result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert result.code == 1, result.err
    assert "не предлагает вход по паролю (AUTH)" in result.err and "не поддерживает STARTTLS" not in result.err
    assert not server.recorder.messages


def test_a_full_disk_under_the_ledger_is_not_corruption(
    cli: Callable[..., Result], tmp_path: Path, server: Server, small_disk: Callable[..., Path]
) -> None:
    from conftest import fill

    disk = small_disk("disk", "256k")
    plan = _plan(tmp_path, "  - {id: otchet, title: Отчёт, when: до 20.09}\n")  # due 19 September
    config = _config(tmp_path, server.port, [plan], extra='before_deadline = ["1d"]\n')
    config.write_text(
        config.read_text(encoding="utf-8").replace('state = "state.sqlite3"', 'state = "disk/state.sqlite3"'),
        encoding="utf-8",
    )
    assert cli("remind", "--config", config, "--at", "2019-09-17T09:00").code == 0  # nothing due; the ledger is made
    filler = fill(disk)
    full = cli("remind", "--config", config, "--at", "2019-09-18T09:00")
    assert full.code == 3, full.err
    assert "нет места" in full.err and "Traceback" not in full.err
    assert "повреждена" not in full.err and "другой путь" not in full.err, "that advice would resend everything"
    assert not server.recorder.messages
    filler.unlink()
    freed = cli("remind", "--config", config, "--at", "2019-09-18T09:30")
    assert freed.code == 0, freed.err
    assert len(server.recorder.messages) == 1
