"""What one input may cost: caps generous for real plans, checked before a hostile file is expanded in memory.

A real plan is at most a few megabytes and a few thousand rows; each cap is orders of magnitude above that
and far below what would take a gigabyte of memory. They are documented for users in docs/plan-format.md
(plans) and README («import»).
"""

from __future__ import annotations

MIB = 1024 * 1024

# Plans (YAML).
PLAN_FILE_BYTES = 64 * MIB  # the file as stored
PLAN_CHARS = 10_000_000  # characters of every key and value, with each alias (*name) counted where it is used

# Imported documents.
TEXT_FILE_BYTES = 32 * MIB  # .csv, .tsv, .txt
ARCHIVE_MEMBERS = 10_000  # files inside a .docx, .odt or .xlsx (each is a zip archive)
ARCHIVE_TOTAL_BYTES = 128 * MIB  # all of them unpacked (pictures are kept in memory too)
ARCHIVE_XML_BYTES = 32 * MIB  # the XML parts unpacked: a parsed tree takes about 15 times their size
ARCHIVE_MEMBER_BYTES = 24 * MIB  # one part unpacked
ARCHIVE_RATIO = 100  # unpacked size / packed size of one member, for members over ARCHIVE_RATIO_FROM
ARCHIVE_RATIO_FROM = 1 * MIB
SHEET_CELLS = 500_000  # cells of a workbook, and rows × columns of the area one sheet spans
MERGED_CELLS = 100_000  # cells covered by merged ranges in one workbook or document
TABLE_COLUMNS = 1_000  # columns of one table row (.docx, .odt: repeated and spanned cells)
