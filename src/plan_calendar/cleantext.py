"""Control characters: removed from what plans and imported tables say, escaped in what the console shows.

A strict calendar client rejects a whole feed for one control character, YAML refuses most of them, and a
terminal runs escape sequences. Text read from a plan or a table is cleaned once, where it is read
(:func:`clean_text`); what the CLI and the server print is escaped (:func:`escape_controls`), since file names,
templates and request lines are not plan text.
"""

from __future__ import annotations

import re

__all__ = ["clean_text", "escape_controls", "yaml_printable"]

# Everything YAML counts as printable (YAML 1.1 §5.1: what a plan may contain) minus tab and the line breaks
# other than line feed; anything else is either a line break to normalise or a character to remove.
_SUSPECT = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LINE_BREAK = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_REMOVED = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What a terminal may act on: C0 except tab and line feed, DEL, C1.
_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What a YAML double-quoted scalar written by `import` must escape: outside YAML's printable set, or a line break
# other than line feed (a reader would fold it).
_YAML_UNSAFE = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(text: str) -> tuple[str, bool]:
    """``text`` with line breaks as ``\\n``, tabs as spaces and other control characters removed; and whether
    any character was removed (a changed line break or tab is not a removal)."""
    if _SUSPECT.search(text) is None:
        return text, False
    normal = _LINE_BREAK.sub("\n", text).replace("\t", " ")
    cleaned = _REMOVED.sub("", normal)
    return cleaned, len(cleaned) != len(normal)


def escape_controls(text: str) -> str:
    """``text`` for a terminal or a log: control characters other than tab and line feed as ``\\xNN``."""
    if _TERMINAL.search(text) is None:
        return text
    return _TERMINAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def yaml_printable(text: str) -> str:
    """A JSON string literal (a valid YAML double-quoted scalar) for ``text`` that every YAML reader reads back
    as ``text``: characters outside YAML's printable set, and U+0085/U+2028/U+2029, are ``\\uXXXX`` escapes."""
    import json  # noqa: PLC0415 - only `import` writes YAML

    quoted = json.dumps(text, ensure_ascii=False)
    if _YAML_UNSAFE.search(quoted) is None:
        return quoted
    return _YAML_UNSAFE.sub(lambda m: "".join(f"\\u{unit:04x}" for unit in _utf16(m.group())), quoted)


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
