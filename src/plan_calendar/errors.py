"""Errors a user can act on.

Every error the package raises for bad input is a :class:`PlanError`. It carries where the problem is (file,
line, column, the expression) and a Russian message that says what to do. The CLI turns it into one line on
stderr and an exit code; only ``--debug`` shows a traceback.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, as documented in docs/DESIGN.md."""

    OK = 0
    PLAN_ERROR = 1
    USAGE = 2
    SERVICE = 3


@dataclass(frozen=True, slots=True)
class Source:
    """A position in a file: 1-based line and column (column may be unknown).

    In a document plan (Word, Excel, CSV) ``place`` says where, as a reader of the document finds it —
    «таблица 1, строка 7, столбец «Сроки»» — and ``line`` is that row's number."""

    file: str
    line: int | None = None
    column: int | None = None
    place: str | None = None

    def __str__(self) -> str:
        if self.place is not None:
            return f"{self.file}, {self.place}" if self.place else self.file
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class PlanError(Exception):
    """Base class: bad input that the user can fix. ``message`` is Russian and complete."""

    exit_code: ExitCode = ExitCode.PLAN_ERROR

    def __init__(
        self,
        message: str,
        *,
        source: Source | None = None,
        expression: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.expression = expression
        self.hint = hint

    def located(self, source: Source) -> PlanError:
        """Return the same error placed at ``source`` (used when a date error is found inside a plan)."""
        self.source = source
        return self

    @property
    def advice(self) -> str:
        """The message and what to do about it, without the place: «… не найден. Проверьте путь.»"""
        if not self.hint:
            return self.message
        end = "" if self.message.endswith((".", "!", "?", ":")) else "."
        return f"{self.message}{end} {self.hint}"

    def __str__(self) -> str:
        return f"{self.source}: {self.advice}" if self.source is not None else self.advice


class DateError(PlanError):
    """A date expression that cannot be read, or names an impossible date."""


class PlanFormatError(PlanError):
    """The plan file is not valid YAML, or breaks the plan format."""


class PlanErrors(PlanFormatError):
    """A plan that cannot be used at all, with every problem found on the way (``check`` prints them all)."""

    def __init__(self, errors: list[PlanError], plan: object | None = None) -> None:
        first = errors[0]
        super().__init__(first.message, source=first.source, expression=first.expression, hint=first.hint)
        self.errors = errors
        # The plan as far as it could be read (its items and dates), when the problems left it readable: `check`
        # shows its readings with the errors; `build` and `remind` still refuse it.
        self.plan = plan


class ConfigError(PlanError):
    """The configuration file is missing, unreadable or wrong."""


class ServiceError(PlanError):
    """An outside service failed (SMTP unreachable, a temporary refusal): retry later."""

    exit_code = ExitCode.SERVICE


# What a failed file operation means to a user, by errno: the Russian reason, and whether it passes by itself.
_FILE_REASONS = {
    errno.ENOSPC: "на диске нет места",
    errno.EDQUOT: "исчерпана дисковая квота",
    errno.EFBIG: "файл больше допустимого размера",
    errno.EIO: "ошибка ввода-вывода диска",
    errno.EROFS: "файловая система только для чтения",
    errno.EACCES: "нет прав на запись",
    errno.EPERM: "нет прав на запись",
    errno.ENOTDIR: "в пути файл вместо папки",
    errno.EISDIR: "в пути папка вместо файла",
    errno.ENOENT: "папки нет",
}
_FILE_TRANSIENT = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def file_error(exc: OSError, message: str) -> PlanError:
    """A failed read or write of our own files, as an error a user can act on: no space or a disk fault is an
    outside failure (ServiceError, exit 3: it passes once space is freed); permissions and paths are set-up
    errors (ConfigError, exit 1). ``message`` says what failed: «не удалось записать календари в папку «…»»."""
    reason = _FILE_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    if exc.errno in _FILE_TRANSIENT:
        return ServiceError(f"{message}: {reason}", hint="Освободите место или проверьте диск и повторите.")
    return ConfigError(f"{message}: {reason}", hint="Проверьте путь и права на папку.")
