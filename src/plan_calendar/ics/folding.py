"""Folding: content lines split at 75 octets without breaking a character or an escape.

icalendar 7.3 folds the lines it writes, but can split a ``\\\\`` escape across a fold (docs/client-rules.md);
:func:`repair_folds` re-folds just those lines with :func:`fold_line`.
"""

from __future__ import annotations

__all__ = ["fold_line", "repair_folds"]


def repair_folds(data: bytes) -> bytes:
    """Re-fold the lines where icalendar split an escape sequence across a fold.

    icalendar 7.3 keeps a trailing backslash with the next line (collective/icalendar#1501, PR #1502), but when a
    line ends in a complete ``\\\\`` escape it moves the second backslash and splits the pair — the defect that
    made Google drop events. Lines are left alone unless a folded line ends in a backslash (rare), so the
    repair costs nothing on ordinary feeds.
    """
    if b"\\\r\n " not in data:
        return data
    physical = data.split(b"\r\n")
    out: list[bytes] = []
    group: list[bytes] = []

    def flush() -> None:
        if not group:
            return
        if any(_odd_backslashes(line) for line in group[:-1]):
            logical = b"".join([group[0], *(line[1:] for line in group[1:])])
            out.append(fold_line(logical.decode("utf-8")).encode("utf-8"))
        else:
            out.extend(group)
        group.clear()

    for line in physical:
        if line.startswith(b" ") and group:
            group.append(line)
        else:
            flush()
            group.append(line)
    flush()
    return b"\r\n".join(out)


def _odd_backslashes(line: bytes) -> bool:
    return (len(line) - len(line.rstrip(b"\\"))) % 2 == 1


def fold_line(line: str, limit: int = 75) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character or a ``\\x`` / ``^x`` escape."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    escape_open = False  # the last character starts an escape whose second character has not come yet
    for char in line:
        width = len(char.encode("utf-8"))
        if current and size + width > (limit if not chunks else limit - 1):
            carry = [current.pop()] if escape_open and len(current) > 1 else []
            chunks.append("".join(current))
            current = carry
            size = sum(len(c.encode("utf-8")) for c in current)
        current.append(char)
        size += width
        escape_open = not escape_open and char in "\\^"
    chunks.append("".join(current))
    return "\r\n ".join(chunks)
