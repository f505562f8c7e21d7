"""A real SMTP server for the tests (aiosmtpd), with faults on demand, and a test certificate for STARTTLS."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Behaviour:
    """What the server does: refuse some recipients, answer 451 a number of times, drop or stall DATA."""

    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> "550 ..." or "451 ..."
    temporary_failures: int = 0  # answer DATA with 451 this many times
    drop_data: int = 0  # close the connection during DATA this many times
    stall_data: float = 0.0  # seconds to wait before answering DATA (then 451)
    refuse_sender: str | None = None  # answer MAIL FROM with this ("553 ...") instead of 250
    delay_data: float = 0.0  # seconds to take over each accepted message (a batch then takes a while)
    on_accept: Callable[[], None] | None = None  # called once a message is kept, before the client hears 250


class Recorder:
    """aiosmtpd handler that keeps every accepted message."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.received_at: list[float] = []  # time.time() of each accepted message
        self.behaviour = Behaviour()
        self.logins: list[str] = []
        self.data_started = 0  # DATA commands seen, before any answer

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.behaviour.refuse_sender is not None:
            return self.behaviour.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.behaviour.refuse:
            return self.behaviour.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_started += 1
        b = self.behaviour
        if b.drop_data:
            b.drop_data -= 1
            server.transport.abort()
            return "250 never heard"
        if b.stall_data:
            await asyncio.sleep(b.stall_data)
            return "451 too slow"
        if b.temporary_failures:
            b.temporary_failures -= 1
            return "451 4.3.0 try again later"
        if b.delay_data:
            await asyncio.sleep(b.delay_data)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        self.received_at.append(time.time())
        if b.on_accept is not None:
            b.on_accept()
        return "250 2.0.0 accepted"

    def parsed(self) -> list[EmailMessage]:
        """The messages as the default policy parses them (EmailMessage: get_body, iter_attachments)."""
        return [email.message_from_bytes(raw, policy=default_policy) for _, _, raw in self.messages]


class Server:
    """A running aiosmtpd controller on 127.0.0.1."""

    def __init__(
        self,
        *,
        tls: ssl.SSLContext | None = None,
        users: dict[str, str] | None = None,
        port: int | None = None,
        smtputf8: bool = False,
    ) -> None:
        """``users`` turns on AUTH (required before MAIL); without it the server offers no AUTH at all.
        ``smtputf8`` advertises SMTPUTF8 (addresses with non-ASCII local parts)."""
        self.recorder = Recorder()
        self.port = port or free_port()
        kwargs: dict[str, Any] = {"enable_SMTPUTF8": smtputf8}
        if tls is not None:
            kwargs.update(tls_context=tls, require_starttls=True)
        if users is not None:

            def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
                ok = isinstance(data, LoginPassword) and users.get(data.login.decode()) == data.password.decode()
                if ok:
                    self.recorder.logins.append(data.login.decode())
                return AuthResult(success=ok, handled=False)

            kwargs.update(authenticator=authenticate, auth_required=True, auth_require_tls=tls is not None)
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, server_hostname="localhost", **kwargs
        )

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1 (made in the test, not a blob of unknown origin)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path
