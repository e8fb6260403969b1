"""The amendment list as CSV and XLSX, with the list's filters applied: one row per
amendment, the same columns in both, read and written a chunk at a time.

Spreadsheets run a cell that starts with = + - or @ as a formula, and anyone can type such a
title or reason: every such text cell gets a leading apostrophe, which shows the text as
written and runs nothing."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from amendments.listing import ListedAmendment
from amendments.models import Amendment

COLUMNS = (
    "Number",
    "Chapter",
    "¶ and lines",
    "Kind",
    "Title",
    "Author",
    "Status",
    "Supporters",
    "Word change",
    "Proposed text",
    "Reason",
    "Decision",
    "Decision reason",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The most characters one XLSX cell holds.
_XLSX_CELL_CHARS = 32767

Cell = str | int


def guarded(value: Cell) -> Cell:
    """A text cell that a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _name(user: object) -> str:
    name, role = getattr(user, "public_name", ""), getattr(user, "role_label", "")
    return f"{name} ({role})" if role else str(name)


def _decision(amendment: Amendment) -> str:
    if amendment.decided_at is None or amendment.status not in Amendment.DECIDED_STATUSES:
        return ""
    by = f" by {_name(amendment.decided_by)}" if amendment.decided_by else ""
    return f"{amendment.get_status_display()}{by} on {amendment.decided_at:%Y-%m-%d}"


def export_row(listed: ListedAmendment) -> list[Cell]:
    """One amendment's cells, in the order of COLUMNS, guarded."""
    amendment = listed.amendment
    proposed = "" if amendment.kind == Amendment.Kind.DELETE else amendment.proposed_text
    cells: list[Cell] = [
        amendment.pk,
        amendment.chapter.title,
        listed.place,
        amendment.get_kind_display(),
        amendment.title,
        _name(amendment.author),
        amendment.get_status_display(),
        int(getattr(amendment, "support_count", 0)),
        amendment.word_delta,
        proposed.strip(),
        amendment.reason,
        _decision(amendment),
        amendment.decision_reason,
    ]
    return [guarded(cell) for cell in cells]


class _Line:
    """A file-like object whose write returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[ListedAmendment]) -> Iterator[str]:
    """The CSV, a line at a time: UTF-8 with a byte order mark, so that Excel reads it as
    UTF-8, then the header and a line per amendment."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for listed in rows:
        yield writer.writerow(export_row(listed))


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        # Control characters are not allowed in the file's XML: they are left out.
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:_XLSX_CELL_CHARS]
    return value


def xlsx_file(rows: Iterable[ListedAmendment]) -> IO[bytes]:
    """The XLSX in a temporary file (kept in memory while small), rewound: written in
    openpyxl's write-only mode, a row at a time."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Amendments")
    sheet.append(list(COLUMNS))
    for listed in rows:
        sheet.append([_xlsx_cell(cell) for cell in export_row(listed)])
    output = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output
