"""What every reader gives: a :class:`Document` — the text above and between the tables, and the tables as cell texts.

The readers (one a format, dispatched by :func:`~plan_calendar.importers.readers.read_document`) fill it in; what the
tables mean is decided once, in :mod:`plan_calendar.importers.table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Document", "Table"]

Table = list[list[str]]


@dataclass
class Document:
    """What an importer needs from any source: the lines before the first table, and every table."""

    preamble: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what could not be read (a formula without its value)
    # Paragraphs between table k-1 and table k (k >= 1): a plan's title may follow a layout table of stamps.
    between: dict[int, list[str]] = field(default_factory=dict)
    # What each table is called in messages: «таблица 1», «лист «План»»; empty for a CSV file's only table.
    names: list[str] = field(default_factory=list)
    # The row number a reader shows for each row of each table (a sheet's own row numbers); None: 1, 2, 3…
    row_numbers: list[list[int] | None] = field(default_factory=list)

    def texts_before(self, index: int) -> list[str]:
        """The paragraphs right before table ``index``."""
        return self.preamble if index == 0 else self.between.get(index, [])

    def name(self, index: int) -> str:
        return self.names[index] if index < len(self.names) else f"таблица {index + 1}"

    def row_number(self, table: int, row: int) -> int:
        numbers = self.row_numbers[table] if table < len(self.row_numbers) else None
        return numbers[row] if numbers is not None and row < len(numbers) else row + 1
