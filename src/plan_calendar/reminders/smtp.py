"""Reminder emails, sent: one SMTP session per run (TLS by default), and the test letter of `plan-cal remind --test`.

What the server answers decides what becomes of the reminders: a temporary failure leaves them for the next run,
a permanent one records them as failed, a refused sender or login stops the run with what to fix.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid, parseaddr

from plan_calendar.config import Config, Security, SmtpSettings
from plan_calendar.errors import ConfigError, PlanError, ServiceError
from plan_calendar.reminders.addresses import needs_smtputf8, wire_address
from plan_calendar.reminders.compose import Message

__all__ = ["PermanentFailure", "SetupFailure", "SmtpSender", "TemporaryFailure", "send_test_letter"]


class TemporaryFailure(Exception):
    """The server could not be reached or said "try later" (4xx): the reminders stay unsent for the next run."""

    def __init__(self, detail: str, *, connection_lost: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.connection_lost = connection_lost


class PermanentFailure(Exception):
    """The server refused this message for good (5xx): recorded as failed, not retried."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class SetupFailure(Exception):
    """The server refused the run, not a letter: the sender (5xx to MAIL FROM) or the login (530, 535). The
    reminders stay unsent and go out once the set-up is fixed; ``error`` says what to fix (exit code 1)."""

    def __init__(self, error: ConfigError) -> None:
        super().__init__(error.message)
        self.error = error
        self.detail = error.message


# Answers that mean "log in first" or "your login is wrong", wherever in the transaction they come.
_AUTH_CODES = frozenset({530, 534, 535, 538})
_TOO_BIG = 552  # to MAIL FROM with SIZE=: this message is too large, not a refusal of the sender


class SmtpSender:
    """One SMTP session for a run: TLS by default, the password from the environment."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        self.settings.password()  # a missing password is a set-up error before any connection
        self.connect()
        self.login()
        return self

    def connect(self) -> None:
        """Connect, and switch to TLS (``security``); errors as in :meth:`_failures`."""
        s = self.settings
        with self._failures(logging_in=False):
            if s.security is Security.TLS:
                self.connection = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                self.connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security is Security.STARTTLS:
                    self.connection.starttls(context=self._context())

    def login(self) -> None:
        """Log in when [smtp] names a username (the password from the environment)."""
        s = self.settings
        if s.username is None or self.connection is None:
            return
        with self._failures(logging_in=True):
            password = s.password()
            if password is None:
                return
            try:
                self.connection.login(s.username, password)
            except UnicodeEncodeError:
                raise ConfigError(
                    "пароль или имя пользователя SMTP содержат не латинские символы, а вход на сервер по "
                    "протоколу SMTP поддерживает только латиницу",
                    hint="Задайте для почтового ящика пароль из латинских букв, цифр и знаков.",
                ) from None

    @staticmethod
    def _context() -> ssl.SSLContext:
        return ssl.create_default_context()

    @contextlib.contextmanager
    def _failures(self, *, logging_in: bool) -> Iterator[None]:
        """What a failed connection, TLS or login means (``logging_in``: which step a "not supported" answer is
        about, STARTTLS or AUTH); the connection is closed on any failure."""
        s = self.settings
        try:
            yield
        except PlanError:
            self.close()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise ConfigError(
                f"SMTP-сервер {s.host} не принял имя пользователя или пароль: {_answer(exc.smtp_code, exc.smtp_error)}",
                hint=f"Проверьте username в [smtp] и переменную {s.password_env}.",
            ) from None
        except smtplib.SMTPNotSupportedError:
            self.close()
            if logging_in:
                raise ConfigError(
                    f"SMTP-сервер {s.host}:{s.port} не предлагает вход по паролю (AUTH), а в [smtp] указан username",
                    hint="Если сервер принимает письма без входа, уберите username; иначе проверьте host, port и "
                    'security (вход часто доступен только после STARTTLS или на порту 465 с security = "tls").',
                ) from None
            raise ServiceError(
                f"SMTP-сервер {s.host} не поддерживает STARTTLS",
                hint='Укажите security = "tls" (порт 465) или проверьте адрес сервера.',
            ) from None
        except ssl.SSLError as exc:
            self.close()
            raise ServiceError(f"не удалось установить защищённое соединение с {s.host}: {exc.reason}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TemporaryFailure(f"SMTP-сервер {s.host}:{s.port} недоступен: {exc}", connection_lost=True) from None

    def __exit__(self, *_: object) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.quit()
        self.close()

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def send(self, message: Message) -> str:
        """Send one message; the server's answer, or TemporaryFailure / PermanentFailure."""
        if self.connection is None:
            raise TemporaryFailure("соединение с SMTP-сервером потеряно", connection_lost=True)
        _, sender = parseaddr(self.settings.sender)
        sender, recipient = wire_address(sender), wire_address(message.recipient)
        try:
            self.connection.ehlo_or_helo_if_needed()
            if not self.connection.has_extn("smtputf8"):
                self._check_ascii(sender, recipient)
            self.connection.send_message(message.email, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPNotSupportedError as exc:  # an OSError, but nothing was lost: the connection is fine
            raise PermanentFailure(f"сервер не может принять это письмо: {exc}") from None
        except smtplib.SMTPSenderRefused as exc:
            raise self._sender_refused(exc.smtp_code, exc.smtp_error, sender) from None
        except smtplib.SMTPRecipientsRefused as exc:
            code, answer = exc.recipients.get(message.recipient, (550, b""))
            raise self._by_code(code, answer) from None
        except smtplib.SMTPDataError as exc:
            raise self._by_code(exc.smtp_code, exc.smtp_error) from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:  # OSError covers timeouts
            self.close()
            raise TemporaryFailure(f"соединение с SMTP-сервером прервано: {exc}", connection_lost=True) from None
        except smtplib.SMTPResponseException as exc:
            raise self._by_code(exc.smtp_code, exc.smtp_error) from None
        return "250"

    def _check_ascii(self, sender: str, recipient: str) -> None:
        """Without SMTPUTF8 a non-ASCII local part cannot be sent: the sender's stops the run, a recipient's
        fails that letter alone."""
        host = self.settings.host
        if needs_smtputf8(sender):
            raise SetupFailure(
                ConfigError(
                    f"в адресе отправителя «{sender}» не латинские буквы до @, а SMTP-сервер {host} не принимает "
                    "такие адреса (нет SMTPUTF8)",
                    hint="Укажите в sender в [smtp] адрес латиницей.",
                )
            )
        if needs_smtputf8(recipient):
            raise PermanentFailure(
                f"в адресе «{recipient}» не латинские буквы до @, а SMTP-сервер {host} не принимает такие адреса "
                "(нет SMTPUTF8)"
            )

    def _sender_refused(self, code: int, text: bytes | str, sender: str) -> Exception:
        """MAIL FROM refused: a 5xx is about the sender or the account, the same for every letter of the run."""
        if 400 <= code < 500 or code == _TOO_BIG or code in _AUTH_CODES:
            return self._by_code(code, text)
        s = self.settings
        return SetupFailure(
            ConfigError(
                f"SMTP-сервер {s.host} не принял отправителя «{sender}»: {_answer(code, text)}",
                hint="Напоминания не отправлены и уйдут, когда отправителя исправят: проверьте sender в [smtp] "
                "(обычно это адрес того же ящика, что username) и вход на сервер.",
            )
        )

    def _by_code(self, code: int, text: bytes | str) -> Exception:
        answer = _answer(code, text)
        if code in _AUTH_CODES:
            s = self.settings
            hint = (
                f"Укажите username в [smtp] и пароль в переменной окружения {s.password_env}."
                if s.username is None
                else f"Проверьте username в [smtp] и переменную {s.password_env}."
            )
            return SetupFailure(
                ConfigError(
                    f"SMTP-сервер {s.host} не принимает письма без входа: {answer}",
                    hint=f"{hint} Напоминания не отправлены и уйдут после исправления.",
                )
            )
        if 400 <= code < 500:
            return TemporaryFailure(f"сервер просит повторить позже: {answer}")
        return PermanentFailure(f"сервер отклонил письмо: {answer}")


def _answer(code: int, text: bytes | str) -> str:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {detail}".strip()


# ----------------------------------------------------------------------------- the test letter
def send_test_letter(config: Config, address: str, now: datetime, say: Callable[[str], None]) -> str:
    """Send one letter to ``address`` with the current [smtp] settings, step by step, and say how each step went.

    The first step that fails raises a PlanError that names it: the server's name does not resolve, no
    connection, TLS, the login, the sender refused, the recipient refused, the letter refused. What the
    school's IT person runs first; the reminders' ledger is not touched. Returns the server's final answer."""
    s = config.smtp
    try:
        found = socket.getaddrinfo(s.host, s.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ServiceError(
            f"имя сервера {s.host} не найдено (DNS): {getattr(exc, 'strerror', None) or exc}",
            hint="Проверьте host в [smtp] (нет ли опечатки) и доступ этого компьютера к DNS.",
        ) from None
    addresses = ", ".join(dict.fromkeys(str(info[4][0]) for info in found))
    say(f"1. Имя сервера {s.host} найдено: {addresses}.")
    security = {Security.TLS: "TLS с первого байта", Security.STARTTLS: "STARTTLS", Security.NONE: "без шифрования"}
    sender = SmtpSender(s)
    s.password()  # a missing password is a set-up error before any connection
    try:
        sender.connect()
    except TemporaryFailure:
        raise ServiceError(
            f"не удалось подключиться к {s.host}:{s.port}: {_connect_reason(s.host, s.port, s.timeout)}",
            hint="Проверьте port в [smtp] (587 — STARTTLS, 465 — TLS, 25 — без шифрования) и что межсетевой "
            "экран выпускает соединения на этот порт.",
        ) from None
    try:
        say(f"2. Соединение с {s.host}:{s.port} установлено, защита: {security[s.security]}.")
        try:
            sender.login()
        except TemporaryFailure as exc:
            raise ServiceError(f"соединение прервано при входе: {exc.detail}") from None
        say(f"3. Вход: {'выполнен как ' + s.username if s.username else 'не нужен (username в [smtp] не указан)'}.")
        answer = _test_transaction(sender, config, address, now)
    finally:
        sender.__exit__(None, None, None)
    say(f"4. Пробное письмо отправлено на {address}: сервер ответил {answer}.")
    return answer


def _connect_reason(host: str, port: int, timeout: float) -> str:
    """Why a connection failed, in Russian (the errno of a fresh attempt)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return "сервер закрыл соединение, не ответив по протоколу SMTP"
    except TimeoutError:
        return f"сервер не ответил за {timeout:g} с"
    except ConnectionRefusedError:
        return "соединение отклонено (на этом порту сервер не принимает соединений)"
    except OSError as exc:
        return exc.strerror or str(exc)


def _test_transaction(sender: SmtpSender, config: Config, address: str, now: datetime) -> str:
    connection = sender.connection
    assert connection is not None
    s = config.smtp
    _, from_address = parseaddr(s.sender)
    wire_from, wire_to = wire_address(from_address), wire_address(address)
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = s.sender if wire_from == from_address else wire_from
    msg["To"] = wire_to
    msg["Date"] = format_datetime(now)
    msg["Subject"] = "plan-cal: пробное письмо"
    msg["Message-ID"] = make_msgid("plan-cal-test", domain=wire_from.rpartition("@")[2] or "plan-cal.local")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(
        "Это пробное письмо plan-cal: настройки почты работают, и напоминания будут приходить с этого адреса.\n\n"
        f"Сервер: {s.host}:{s.port}, отправитель: {s.sender}.\n"
    )
    try:
        connection.ehlo_or_helo_if_needed()
        if not connection.has_extn("smtputf8"):
            sender._check_ascii(wire_from, wire_to)
        code, text = connection.mail(wire_from)
        if code != 250:
            raise sender._sender_refused(code, text, wire_from)
        code, text = connection.rcpt(wire_to)
        if code not in (250, 251):
            raise _refused(s.host, code, text, f"не принял получателя «{address}»", "Проверьте адрес.")
        code, text = connection.data(msg.as_bytes(policy=SMTP_POLICY))
        if code != 250:
            raise _refused(s.host, code, text, "не принял письмо", "Ответ сервера объясняет причину.")
    except SetupFailure as exc:
        raise exc.error from None
    except PermanentFailure as exc:
        raise ConfigError(exc.detail) from None
    except TemporaryFailure as exc:
        raise ServiceError(exc.detail) from None
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise ServiceError(f"соединение с SMTP-сервером {s.host} прервано: {exc}") from None
    return _answer(code, text)


def _refused(host: str, code: int, text: bytes | str, what: str, hint: str) -> PlanError:
    error = ServiceError if 400 <= code < 500 else ConfigError
    return error(f"SMTP-сервер {host} {what}: {_answer(code, text)}", hint=hint)
