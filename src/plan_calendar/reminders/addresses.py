"""Email addresses on the wire: the domain in IDNA (every server takes it), the local part as written.

A non-ASCII domain («пример.рф») has an ASCII form (``xn--e1afmkfd.xn--p1ai``, stdlib IDNA codec); a non-ASCII
local part («иван@…») has none and needs a server that offers SMTPUTF8, which most do not.
"""

from __future__ import annotations

__all__ = ["UTF8_WARNING", "needs_smtputf8", "wire_address"]

UTF8_WARNING = (
    "в адресе «{address}» не латинские буквы до @: большинство почтовых серверов такие адреса не принимают "
    "(нужна поддержка SMTPUTF8), и напоминание на него, скорее всего, будет отклонено"
)


def wire_address(address: str) -> str:
    """``address`` with its domain in IDNA (ASCII); unchanged when the domain is ASCII or not a valid name."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address  # not a valid domain name: the server will say so for this recipient


def needs_smtputf8(address: str) -> bool:
    """Whether ``address`` can only be sent to a server that offers SMTPUTF8 (a non-ASCII local part)."""
    return not address.rpartition("@")[0].isascii()
