"""Errors a user can act on.

Every error the package raises for bad input is a :class:`PlanError`. It carries where the problem is (file,
line, column, the expression) and a Russian message that says what to do. The CLI turns it into one line on
stderr and an exit code; only ``--debug`` shows a traceback.
"""

from __future__ import annotations

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

    def __init__(self, errors: list[PlanError]) -> None:
        first = errors[0]
        super().__init__(first.message, source=first.source, expression=first.expression, hint=first.hint)
        self.errors = errors


class ConfigError(PlanError):
    """The configuration file is missing, unreadable or wrong."""


class ServiceError(PlanError):
    """An outside service failed (SMTP unreachable, a temporary refusal): retry later."""

    exit_code = ExitCode.SERVICE
