"""Registrations with their answers as ``.xlsx`` or ``.csv``, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would run as a
formula in Excel or LibreOffice: such text gets a leading apostrophe. The CSV starts with a
UTF-8 byte-order mark so Excel reads Thai correctly.
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
                volunteer.network_type,
                str(SOURCE_LABELS.get(registration.source.value, registration.source.value)),
                format_datetime(registration.created_at, locale=locale),
                format_datetime(registration.checked_in_at, locale=locale)
                if registration.checked_in_at
                else "",
                *(_answer_text(registration.answers.get(q.key), yes, no) for q in questions),
            )
        ]


def to_xlsx(table: Iterable[list[Any]], *, sheet: str = "registrations") -> bytes:
    """The table as one sheet of an .xlsx workbook, formula-safe. Every export of an event
    (registrations, attendance) goes through here and ``to_csv``."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(str(sheet)[:31])  # Excel's limit for a sheet's name
    for row in table:
        worksheet.append([safe_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_csv(table: Iterable[list[Any]]) -> bytes:
    """The table as CSV, UTF-8 with a byte-order mark (Excel on Thai Windows), formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([safe_cell(value) for value in row] for row in table)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
