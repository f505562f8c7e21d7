"""Set-up that checks itself: missing settings are named, `remind --test` says which step of the mail set-up
fails, TOML mistakes are Russian with their line, and the summary counts letters and reminders apart."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLE, Result
from smtpserver import Server, free_port, make_certificate

SENDER = "РМО <rmo@example.org>"


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as s:
        yield s


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan-cal.toml"
    path.write_text(f'plans = ["{EXAMPLE}"]\n' + text, encoding="utf-8")
    return path


def _smtp(port: int, extra: str = 'security = "none"', host: str = "127.0.0.1") -> str:
    return f'[smtp]\nhost = "{host}"\nport = {port}\n{extra}\nsender = "{SENDER}"\ntimeout = 3\n'


RECIPIENTS = '[reminders]\nrecipients = ["lib@example.org"]\nstate = "state.sqlite3"\n'


# ----------------------------------------------------------------------------- nothing to send with, nobody to send to
def test_remind_without_smtp_is_an_error(cli: Callable[..., Result], tmp_path: Path) -> None:
    config = _config(tmp_path, RECIPIENTS)
    result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
    assert result.code == 1, result.out + result.err
    assert f"в файле настроек «{config}» нет раздела [smtp]" in result.err and "remind --test" in result.err
    assert "отправлено писем" not in result.out + result.err
    assert not (tmp_path / "state.sqlite3").exists(), "nothing recorded"


def test_remind_without_recipients_is_an_error(cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    config = _config(tmp_path, _smtp(server.port) + '[reminders]\nstate = "state.sqlite3"\n')
    for args in ((), ("--dry-run",)):
        result = cli("remind", "--config", config, "--at", "2019-09-16T09:00", *args)
        assert result.code == 1, result.out + result.err
        assert "напоминания некому отправлять" in result.err and "recipients" in result.err
        assert "отправлено писем" not in result.out + result.err
    assert not server.recorder.messages


def test_remind_without_a_config_file_is_an_error(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLAN_CAL_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    result = cli("remind", EXAMPLE, "--at", "2019-09-16T09:00")
    assert result.code == 1, result.out + result.err
    assert "файл настроек не найден" in result.err and "--config" in result.err


def test_notify_alone_is_enough(cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        'plan: План\nid: p\nacademic_year: "2019-2020"\nitems:\n'
        "  - {id: a, title: Отчёт, when: до 20.09, notify: [director@example.org]}\n",
        encoding="utf-8",
    )
    config = tmp_path / "plan-cal.toml"
    config.write_text(_smtp(server.port) + '[reminders]\nstate = "state.sqlite3"\nbefore_deadline = ["1d"]\n')
    result = cli("remind", plan, "--config", config, "--at", "2019-09-18T09:00")
    assert result.code == 0, result.err
    assert [rcpt for _, rcpt, _ in server.recorder.messages] == [["director@example.org"]]


# ----------------------------------------------------------------------------- the summary
def test_the_summary_counts_letters_and_reminders(cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        'plan: План\nid: p\nacademic_year: "2019-2020"\nitems:\n'
        "  - {id: a, title: Первый, when: до 20.09}\n  - {id: b, title: Второй, when: до 20.09}\n"
        "  - {id: c, title: Семинар, when: 19.09}\n",
        encoding="utf-8",
    )
    config = tmp_path / "plan-cal.toml"
    config.write_text(
        _smtp(server.port)
        + '[reminders]\nrecipients = ["one@example.org", "two@example.org"]\nstate = "state.sqlite3"\n'
        'before_deadline = ["1d"]\n',
        encoding="utf-8",
    )
    dry = cli("remind", plan, "--config", config, "--at", "2019-09-18T09:00", "--dry-run")
    assert "было бы отправлено писем: 2 (напоминаний: 6)" in dry.out, dry.out
    result = cli("remind", plan, "--config", config, "--at", "2019-09-18T09:00")
    assert result.code == 0, result.err
    assert "отправлено писем 2 (напоминаний: 6)" in result.out, result.out


# ----------------------------------------------------------------------------- remind --test
def test_a_test_letter(cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    config = _config(tmp_path, _smtp(server.port))  # no recipients: the test letter needs none
    result = cli("remind", "--config", config, "--test", "it@example.org")
    assert result.code == 0, result.err
    for step in ("Имя сервера 127.0.0.1 найдено", "Соединение с 127.0.0.1", "Вход: не нужен", "отправлено на it@"):
        assert step in result.out, result.out
    assert "Настройки почты работают." in result.out
    [(sender, recipients, _)] = server.recorder.messages
    assert (sender, recipients) == ("rmo@example.org", ["it@example.org"])
    [message] = server.recorder.parsed()
    assert message["Subject"] == "plan-cal: пробное письмо"
    assert not (tmp_path / "state.sqlite3").exists(), "the ledger is not touched"


def test_the_test_letter_names_a_refused_recipient(cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    server.recorder.behaviour.refuse["it@example.org"] = "550 5.1.1 no such user"
    result = cli("remind", "--config", _config(tmp_path, _smtp(server.port)), "--test", "it@example.org")
    assert result.code == 1, result.err
    assert "не принял получателя «it@example.org»: 550 5.1.1 no such user" in result.err


def test_the_test_letter_names_a_refused_sender(cli: Callable[..., Result], tmp_path: Path, server: Server) -> None:
    server.recorder.behaviour.refuse_sender = "553 5.7.1 sender address rejected"
    result = cli("remind", "--config", _config(tmp_path, _smtp(server.port)), "--test", "it@example.org")
    assert result.code == 1, result.err
    assert "не принял отправителя «rmo@example.org»: 553 5.7.1 sender address rejected" in result.err


def test_the_test_letter_names_a_failed_login(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RMO_PW", "wrong")
    with Server(users={"rmo@example.org": "Secret-123"}) as server:
        smtp = _smtp(server.port, 'security = "none"\nusername = "rmo@example.org"\npassword_env = "RMO_PW"')
        result = cli("remind", "--config", _config(tmp_path, smtp), "--test", "it@example.org")
    assert result.code == 1, result.err
    assert "Соединение с 127.0.0.1" in result.out and "не принял имя пользователя или пароль" in result.err


def test_the_test_letter_names_a_closed_port(cli: Callable[..., Result], tmp_path: Path) -> None:
    port = free_port()
    result = cli("remind", "--config", _config(tmp_path, _smtp(port)), "--test", "it@example.org")
    assert result.code == 3, result.err
    assert "Имя сервера 127.0.0.1 найдено" in result.out
    assert f"не удалось подключиться к 127.0.0.1:{port}: соединение отклонено" in result.err


def test_the_test_letter_names_an_unknown_host(cli: Callable[..., Result], tmp_path: Path) -> None:
    smtp = _smtp(587, 'security = "starttls"', host="smtp.no-such-school.invalid")
    result = cli("remind", "--config", _config(tmp_path, smtp), "--test", "it@example.org")
    assert result.code == 3, result.err
    assert "имя сервера smtp.no-such-school.invalid не найдено (DNS)" in result.err and "Traceback" not in result.err


def test_the_test_letter_names_a_tls_failure(
    cli: Callable[..., Result], tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # TLS from the first byte to a server that speaks plain SMTP; then STARTTLS with a certificate not trusted.
    tls = cli("remind", "--config", _config(tmp_path, _smtp(server.port, 'security = "tls"')), "--test", "a@b.org")
    assert tls.code == 3, tls.err
    assert "не удалось установить защищённое соединение с 127.0.0.1" in tls.err
    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with Server(tls=context) as secure:
        untrusted = cli(
            "remind", "--config", _config(tmp_path, _smtp(secure.port, 'security = "starttls"')), "--test", "a@b.org"
        )
    assert untrusted.code == 3, untrusted.err
    assert "не удалось установить защищённое соединение" in untrusted.err and "CERTIFICATE" in untrusted.err.upper()


def test_the_test_letter_needs_smtp_and_an_address(cli: Callable[..., Result], tmp_path: Path) -> None:
    without = cli("remind", "--config", _config(tmp_path, RECIPIENTS), "--test", "it@example.org")
    assert without.code == 1 and "нет раздела [smtp]" in without.err
    bad = cli("remind", "--config", _config(tmp_path, _smtp(25)), "--test", "не адрес")
    assert bad.code == 2 and "не адрес электронной почты" in bad.err


# ----------------------------------------------------------------------------- TOML in Russian
@pytest.mark.parametrize(
    ("text", "line", "russian"),
    [
        ("[smtp]\nhost = smtp.example.org\n", 2, "непонятное значение"),
        ('[smtp\nhost = "x"\n', 1, "заголовок раздела должен кончаться «]»"),
        ('[smtp]\nsender = "rmo@example.org\n', 2, "текст не закрыт"),
        ('[reminders]\nrecipients = ["a@example.org"\n', 2, "список не закрыт"),
        ("[smtp]\nport = 25\nport = 587\n", 3, "этот ключ уже задан выше"),
        ("[smtp]\n[smtp]\n", 2, "раздел «smtp» задан дважды"),
        ('[smtp]\nhost "x"\n', 2, "после ключа нужен знак «=»"),
        ('state = "C:\\plan\\state.sqlite3"\n', 1, "обратная черта"),
    ],
)
def test_toml_mistakes_are_russian_with_their_line(
    cli: Callable[..., Result], tmp_path: Path, text: str, line: int, russian: str
) -> None:
    config = tmp_path / "plan-cal.toml"
    config.write_text(text, encoding="utf-8")
    result = cli("check", EXAMPLE, "--config", config)
    assert result.code == 1
    assert f"{config}:{line}" in result.err and f"ошибка в записи TOML: {russian}" in result.err, result.err
    for english in ("Expected", "Invalid", "Unclosed", "Cannot", "Unterminated", "Illegal", "Unescaped", "line "):
        assert english not in result.err
