"""Reading and writing volunteer sheets (.xlsx and .csv) without Flask.

The columns export writes are the columns import reads: each column has an English and a
Thai header, and import also knows common variants (``ชื่อ``, ``เบอร์โทร`` …). CSV is read as
UTF-8 (with or without BOM) or as cp874, the code page Thai Excel saves in; it is written
as UTF-8 with a BOM so Excel shows Thai. Cells starting with ``= + - @`` are written with a
leading apostrophe so no spreadsheet runs them as formulas; import takes it off again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from eventsys.volunteers import thai
from eventsys.volunteers.models import Volunteer
from eventsys.volunteers.services import ImportRow, VolunteerData

FORMATS = ("xlsx", "csv")
#: largest upload accepted (the app's MAX_CONTENT_LENGTH is the outer bound)
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    field: str
    en: str
    th: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("record_id", "Record ID", "รหัสในระบบ", ("id",)),
    Column("prefix", "Title", "คำนำหน้า", ("prefix", "คำนำหน้าชื่อ", "คำนำหน้านาม")),
    Column("first_name", "First name", "ชื่อ", ("firstname", "first name (thai)", "given name", "ชื่อจริง")),
    Column("last_name", "Last name", "นามสกุล", ("lastname", "surname", "family name", "สกุล")),
    Column("first_name_en", "First name (English)", "ชื่อ (อังกฤษ)", ("ชื่อภาษาอังกฤษ",)),
    Column("last_name_en", "Last name (English)", "นามสกุล (อังกฤษ)", ("นามสกุลภาษาอังกฤษ",)),
    Column(
        "national_id",
        "National ID",
        "เลขประจำตัวประชาชน",
        ("national id number", "citizen id", "id card", "เลขบัตรประชาชน", "เลขบัตรประจำตัวประชาชน"),
    ),
    Column("passport_no", "Passport number", "เลขหนังสือเดินทาง", ("passport", "passport no", "พาสปอร์ต")),
    Column(
        "phone",
        "Phone",
        "เบอร์โทรศัพท์",
        ("mobile", "telephone", "tel", "phone number", "โทรศัพท์", "เบอร์โทร", "หมายเลขโทรศัพท์", "มือถือ"),
    ),
    Column("email", "E-mail", "อีเมล", ("email", "e-mail address", "อีเมล์")),
    Column("province", "Province", "จังหวัด", ()),
    Column("district", "District", "อำเภอ/เขต", ("อำเภอ", "เขต", "amphoe")),
    Column("organization", "Organization", "หน่วยงาน", ("organisation", "agency", "สังกัด", "องค์กร")),
    Column("position", "Position", "ตำแหน่ง", ("role", "status", "ตำแหน่ง/สถานะ", "สถานะ")),
    Column("network_type", "Network type", "ประเภทเครือข่าย", ("network", "เครือข่าย")),
    Column("language", "Language", "ภาษา", ()),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-.:*]+", " ", thai.normalise_text(str(text or "")).lower()).strip()


_HEADER_TO_FIELD = {
    _header_key(name): column.field
    for column in COLUMNS
    for name in (column.field, column.en, column.th, *column.aliases)
}


class SheetError(ValueError):
    """A file that cannot be read as a volunteer sheet; ``message`` says why, for people."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Sheet:
    """A readable file: its header, how the header maps to fields, and its data rows."""

    headers: list[str]
    mapping: dict[int, str]  #: column position → field
    encoding: str
    rows: Iterator[list[str]]
    unknown_headers: list[str] = field(default_factory=list)
    #: about how many data rows (for a progress bar); None if unknown
    total_hint: int | None = None


def map_headers(headers: list[str]) -> tuple[dict[int, str], list[str]]:
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for position, header in enumerate(headers):
        name = _HEADER_TO_FIELD.get(_header_key(header))
        if name and name not in mapping.values():
            mapping[position] = name
        elif str(header or "").strip():
            unknown.append(str(header))
    return mapping, unknown


def _cell_text(value) -> str:
    """A cell as text: whole numbers without ".0" (Excel stores IDs and phones as numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp874"), "cp874"
    except UnicodeDecodeError as error:
        raise SheetError(_l("File: the text is neither UTF-8 nor Thai Windows (cp874) encoded.")) from error


def _read_csv(raw: bytes) -> tuple[list[str], Iterator[list[str]], str, int]:
    if b"\x00" in raw[:4096]:
        raise SheetError(_l("File: this is not a CSV text file."))
    text, encoding = _decode(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise SheetError(_l("File: the file is empty.")) from None
    except csv.Error as error:
        raise SheetError(_l("File: this is not a readable CSV file.")) from error
    return headers, reader, encoding, max(0, text.count("\n") - 1)


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[list[str]], int | None]:
    """The first worksheet, read with calamine (Rust; ~10x faster than openpyxl at reading)."""
    from python_calamine import CalamineError, CalamineWorkbook, XmlError, ZipError

    try:
        worksheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        values = worksheet.iter_rows()
        headers = [_cell_text(v) for v in next(values)]
    except StopIteration:
        raise SheetError(_l("File: the file is empty.")) from None
    except (CalamineError, XmlError, ZipError, OSError, ValueError, IndexError) as error:
        raise SheetError(_l("File: this is not an Excel workbook (.xlsx).")) from error

    def rows() -> Iterator[list[str]]:
        for row in values:
            yield [_cell_text(v) for v in row]

    return headers, rows(), max(0, worksheet.height - 1)


def open_sheet(path: Path, *, filename: str | None = None, max_bytes: int | None = MAX_BYTES) -> Sheet:
    """Open an uploaded or given file; raises SheetError with a message for people.
    ``max_bytes`` bounds uploads (the command line passes None)."""
    name = (filename or path.name).lower()
    kind = name.rsplit(".", 1)[-1] if "." in name else ""
    if kind not in FORMATS:
        raise SheetError(_l("File: only .xlsx and .csv files can be imported."))
    size = path.stat().st_size
    if size == 0:
        raise SheetError(_l("File: the file is empty."))
    if max_bytes is not None and size > max_bytes:
        raise SheetError(_l("File: larger than 20 MB; split it into smaller files."))
    if kind == "csv":
        headers, rows, encoding, total = _read_csv(path.read_bytes())
    else:
        headers, rows, total = _read_xlsx(path)
        encoding = "xlsx"
    headers = [str(h or "").strip() for h in headers]
    mapping, unknown = map_headers(headers)
    if "first_name" not in mapping.values():
        raise SheetError(
            _l(
                "File: no first-name column found; the first row must hold headers "
                "such as “ชื่อ” or “First name”."
            )
        )
    return Sheet(
        headers=headers,
        mapping=mapping,
        encoding=encoding,
        rows=rows,
        unknown_headers=unknown,
        total_hint=total,
    )


_MASKED_ID = re.compile(r"[xX*×]")


def un_neutralise(text: str) -> str:
    """Take off the apostrophe :func:`neutralise` put before a formula-like cell."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def row_values(sheet: Sheet, cells: list[str]) -> dict[str, str]:
    return {name: un_neutralise(cells[i]) if i < len(cells) else "" for i, name in sheet.mapping.items()}


def to_import_row(number: int, values: dict[str, str]) -> ImportRow:
    """One sheet row as the registry's input. A masked ID (``x-xxxx-xxxxx-12-3``) counts as
    no ID; a phone whose leading zero Excel dropped (``812345678``) gets it back."""
    national_id = values.get("national_id", "")
    if _MASKED_ID.search(national_id):
        national_id = ""
    phone = values.get("phone", "")
    if phone.isdigit() and (
        (len(phone) == 9 and phone[0] in "689") or (len(phone) == 8 and phone[0] in "234567")
    ):
        phone = "0" + phone
    record_id = values.get("record_id", "")
    return ImportRow(
        number=number,
        record_id=int(record_id) if record_id.isdigit() and len(record_id) < 12 else None,
        data=VolunteerData(
            first_name=values.get("first_name", ""),
            last_name=values.get("last_name", ""),
            prefix=values.get("prefix", ""),
            first_name_en=values.get("first_name_en", ""),
            last_name_en=values.get("last_name_en", ""),
            national_id=national_id,
            passport_no=values.get("passport_no", ""),
            phone=phone,
            email=values.get("email", ""),
            province=values.get("province", ""),
            district=values.get("district", ""),
            organization=values.get("organization", ""),
            position=values.get("position", ""),
            network_type=values.get("network_type", ""),
            language=values.get("language", "").strip().lower(),
        ),
    )


def import_rows_of(sheet: Sheet) -> Iterator[ImportRow]:
    """The sheet's data rows (blank rows left out), numbered as in the spreadsheet (the
    header is row 1)."""
    for number, cells in enumerate(sheet.rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = row_values(sheet, cells)
        row = to_import_row(number, values)
        row.values = values
        yield row


# --- writing ------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    from eventsys.registration.export import safe_cell

    return safe_cell(text)


def headers_for(language: str, fields: Iterable[str] | None = None) -> list[str]:
    chosen = [COLUMN_BY_FIELD[f] for f in fields] if fields else list(COLUMNS)
    return [c.th if language == "th" else c.en for c in chosen]


def volunteer_values(volunteer: Volunteer, *, national_id: str | None, masked: bool) -> list[str]:
    """A record as export cells, in :data:`COLUMNS` order. IDs and phones are written with
    dashes so spreadsheets keep them as text (leading zeros intact)."""
    if masked:
        id_text = volunteer.masked_national_id
    else:
        id_text = thai.format_national_id(national_id) if national_id else ""
    return [
        str(volunteer.id),
        volunteer.prefix,
        volunteer.first_name,
        volunteer.last_name,
        volunteer.first_name_en,
        volunteer.last_name_en,
        id_text,
        volunteer.passport_no or "",
        thai.format_phone(volunteer.phone) if volunteer.phone else "",
        volunteer.email,
        thai.province_name(volunteer.province_code),
        volunteer.district,
        volunteer.organization,
        volunteer.position,
        volunteer.network_type,
        volunteer.language,
    ]


class SheetWriter:
    """Write rows to ``stream`` as .xlsx or .csv (UTF-8 with BOM), formula-safe, as text."""

    def __init__(self, stream, kind: str, headers: list[str]):
        if kind not in FORMATS:
            raise ValueError(kind)
        self.stream, self.kind = stream, kind
        if kind == "csv":
            self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
            self._csv = csv.writer(self._text)
        else:
            import openpyxl

            self._workbook = openpyxl.Workbook(write_only=True)
            self._sheet = self._workbook.create_sheet()
        self.write(headers)

    def write(self, cells: list[str]) -> None:
        safe = [neutralise(str(c)) for c in cells]
        if self.kind == "csv":
            self._csv.writerow(safe)
        else:
            self._sheet.append(safe)

    def close(self) -> None:
        if self.kind == "csv":
            self._text.flush()
            self._text.detach()
        else:
            self._workbook.save(self.stream)


def write_error_sheet(stream, kind: str, outcomes, *, fields: list[str], language: str) -> None:
    """The skipped rows with their values and the reason, ready to fix and import again."""
    row_header, reason_header = ("แถว", "ปัญหา") if language == "th" else ("Row", "Problem")
    writer = SheetWriter(stream, kind, [row_header, *headers_for(language, fields), reason_header])
    for outcome in outcomes:
        values = outcome.get("values") or {}
        writer.write([str(outcome["number"]), *(values.get(f, "") for f in fields), outcome["reason"]])
    writer.close()


def export_volunteers(
    session,
    query,
    stream,
    *,
    kind: str,
    cipher,
    masked: bool,
    language: str,
    progress=None,
) -> int:
    """Write the people of ``query`` to ``stream``; full IDs only when not ``masked``.
    Returns how many were written; ``progress(n)`` is called every 1,000 rows."""
    writer = SheetWriter(stream, kind, headers_for(language))
    count = 0
    for volunteer in session.scalars(query.execution_options(yield_per=1000)):
        national_id = None
        if not masked and volunteer.national_id_encrypted:
            national_id = cipher.decrypt(volunteer.national_id_encrypted)
        writer.write(volunteer_values(volunteer, national_id=national_id, masked=masked))
        count += 1
        if progress and count % 1000 == 0:
            progress(count)
    writer.close()
    return count
