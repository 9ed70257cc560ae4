"""The one spreadsheet writer of the app, and the registrations table it writes.

Every export (registrations, attendance, volunteers and their import reports) is written by
:class:`SpreadsheetWriter` (or ``to_csv``/``to_xlsx`` around it), so each is safe to open in
a spreadsheet the same way: a cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or
carriage return) would run as a formula in Excel or LibreOffice, so such text gets a leading
apostrophe; the CSV starts with a UTF-8 byte-order mark so Excel reads Thai correctly. What
goes in the cells is each export's business: a first column ลำดับ 1…n (never database ids),
labels in the reader's language, times in Bangkok time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from eventsys.i18n import format_datetime, label
from eventsys.registration.models import Registration
from eventsys.volunteers import thai
from eventsys.volunteers.models import network_label

#: the formats every export is offered in
FORMATS = ("xlsx", "csv")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: how a registration came in, as readers see it
SOURCE_LABELS = {
    "self": _l("Self-registration"),
    "staff": _l("By staff"),
    "import": _l("Imported"),
    "walk_in": _l("Walk-in"),
}


def safe_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _answer_text(value: Any, yes: str, no: str) -> str:
    if value is True:
        return yes
    if value is False:
        return no
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def rows(
    registrations: Iterable[Registration],
    questions,
    *,
    headers: list[str],
    locale: str,
    yes: str,
    no: str,
) -> Iterable[list[Any]]:
    """The header, then one row per registration: the first column is ลำดับ 1…n (a row
    number a reader can count, never a database id), statuses and sources in the reader's
    language, times in Bangkok time; the check-in time is empty for someone not checked in."""
    yield [*headers, *(q.label for q in questions)]
    for number, registration in enumerate(registrations, start=1):
        volunteer = registration.volunteer
        yield [
            safe_cell(value)
            for value in (
                number,
                label(registration.status),
                volunteer.prefix,
                volunteer.first_name,
                volunteer.last_name,
                thai.format_phone(volunteer.phone) if volunteer.phone else "",
                volunteer.email,
                thai.province_name(volunteer.province_code, locale),
                volunteer.organization,
                network_label(volunteer.network_type),
                str(SOURCE_LABELS.get(registration.source.value, registration.source.value)),
                format_datetime(registration.created_at, locale=locale),
                format_datetime(registration.checked_in_at, locale=locale)
                if registration.checked_in_at
                else "",
                *(_answer_text(registration.answers.get(q.key), yes, no) for q in questions),
            )
        ]


class SpreadsheetWriter:
    """Rows streamed to ``stream`` (binary) as ``.xlsx`` or ``.csv``, formula-safe: a list of
    100,000 people never sits in memory as one table. Call :meth:`close` at the end."""

    def __init__(self, stream, kind: str, *, sheet: str = "Sheet1"):
        if kind not in FORMATS:
            raise ValueError(kind)
        self.stream, self.kind = stream, kind
        if kind == "csv":
            self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
            self._csv = csv.writer(self._text)
        else:
            self._workbook = Workbook(write_only=True)
            self._sheet = self._workbook.create_sheet(str(sheet)[:31])  # Excel's limit for a name

    def write(self, row: Iterable[Any]) -> None:
        cells = [safe_cell(value) for value in row]
        if self.kind == "csv":
            self._csv.writerow(cells)
        else:
            self._sheet.append(cells)

    def write_all(self, table: Iterable[Iterable[Any]]) -> None:
        for row in table:
            self.write(row)

    def close(self) -> None:
        if self.kind == "csv":
            self._text.flush()
            self._text.detach()
        else:
            self._workbook.save(self.stream)


def to_bytes(table: Iterable[Iterable[Any]], kind: str, *, sheet: str = "Sheet1") -> bytes:
    """A whole table as one ``.xlsx`` or ``.csv`` file."""
    out = io.BytesIO()
    writer = SpreadsheetWriter(out, kind, sheet=sheet)
    writer.write_all(table)
    writer.close()
    return out.getvalue()


def to_xlsx(table: Iterable[Iterable[Any]], *, sheet: str = "registrations") -> bytes:
    """The table as one sheet of an .xlsx workbook, formula-safe."""
    return to_bytes(table, "xlsx", sheet=sheet)


def to_csv(table: Iterable[Iterable[Any]]) -> bytes:
    """The table as CSV, UTF-8 with a byte-order mark (Excel on Thai Windows), formula-safe."""
    return to_bytes(table, "csv")
