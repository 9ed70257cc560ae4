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
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from lxml import etree

from eventsys.volunteers import thai
from eventsys.volunteers.models import Volunteer, network_label
from eventsys.volunteers.services import ImportRow, VolunteerData

FORMATS = ("xlsx", "csv")
#: largest upload accepted (the app's MAX_CONTENT_LENGTH is the outer bound)
MAX_BYTES = 20 * 1024 * 1024
#: data rows a sheet may hold (the header not counted); more is refused, never read on
MAX_ROWS = 100_000
#: columns a sheet may use; a cell further right is refused before any row is built
MAX_COLUMNS = 60
#: characters a cell may hold; a longer one is refused, so reports and job results stay small
MAX_CELL_CHARS = 2_000
#: what an .xlsx (a zip) may unpack to in all; the sheet is streamed, so this bounds time
MAX_XLSX_UNPACKED_BYTES = 256 * 1024 * 1024
#: what the shared-strings part may unpack to: it is the one part held in memory
MAX_XLSX_STRINGS_BYTES = 64 * 1024 * 1024
#: how tightly a part may be packed: Excel manages 5–30 times, a zip bomb thousands
MAX_XLSX_RATIO = 200
#: parts smaller than this unpacked are not held to the ratio (tiny repetitive XML packs well)
_RATIO_FLOOR_BYTES = 1024 * 1024


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


def _too_many_rows() -> SheetError:
    return SheetError(
        _l("File: more than %(limit)s rows; split it into smaller files.", limit=f"{MAX_ROWS:,}")
    )


def _too_many_columns() -> SheetError:
    return SheetError(
        _l("File: more than %(limit)s columns; delete the columns that are not needed.", limit=MAX_COLUMNS)
    )


def _cell_too_long(number: int) -> SheetError:
    return SheetError(
        _l(
            "File: row %(row)s has a cell longer than %(limit)s characters; shorten it.",
            row=number,
            limit=f"{MAX_CELL_CHARS:,}",
        )
    )


def _not_a_workbook() -> SheetError:
    return SheetError(_l("File: this is not an Excel workbook (.xlsx)."))


def _check_cells(number: int, cells: list[str]) -> None:
    """Refuse a row wider than :data:`MAX_COLUMNS` or with a cell over :data:`MAX_CELL_CHARS`."""
    if len(cells) > MAX_COLUMNS:
        raise _too_many_columns()
    for cell in cells:
        if len(cell) > MAX_CELL_CHARS:
            raise _cell_too_long(number)


def _read_csv(raw: bytes, read_rows: int | None) -> tuple[list[str], Iterator[list[str]], str, int]:
    """The header and a row stream; the csv module's own field limit (131,072 characters)
    stops a giant cell before it is built, and :func:`_check_cells` applies ours."""
    if b"\x00" in raw[:4096]:
        raise SheetError(_l("File: this is not a CSV text file."))
    text, encoding = _decode(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def refusal(number: int, error: csv.Error) -> SheetError:
        if "field larger than field limit" in str(error):
            return _cell_too_long(number)
        return SheetError(_l("File: row %(row)s is not readable CSV.", row=number))

    try:
        headers = next(reader)
    except StopIteration:
        raise SheetError(_l("File: the file is empty.")) from None
    except csv.Error as error:
        raise refusal(1, error) from error
    _check_cells(1, headers)

    def rows() -> Iterator[list[str]]:
        number = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise refusal(number + 1, error) from error
            number += 1
            if read_rows is not None and number > read_rows:
                return
            if number - 1 > MAX_ROWS:
                raise _too_many_rows()
            _check_cells(number, cells)
            yield cells

    return headers, rows(), encoding, min(MAX_ROWS, max(0, text.count("\n") - 1))


# --- .xlsx, streamed --------------------------------------------------------------------------
# Read with lxml's iterparse straight from the zip, one row at a time: never an allocation
# sized by the sheet's claimed ``dimension`` or by a far-away cell reference (a cell at
# XFD1048576 once made a dense reader ask for 512 GiB). Every limit is checked on the cell
# before its row is built.

_XML_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False}
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
#: Excel's own last column (XFD); a cell further right is a broken or forged file
_XLSX_LAST_COLUMN = 16_384


def _local(element) -> str:
    """An element's name without its namespace (OOXML has a transitional and a strict one)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _namespace(element) -> str:
    tag = element.tag
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""


def _rich_text(element, ns: str) -> str:
    """The text of a shared string or inline string: ``<t>`` or runs ``<r><t>``, without
    phonetic hints (``<rPh>``)."""
    text = element.findtext(ns + "t")
    if text is not None:
        return text
    return "".join(t.text or "" for t in element.iterfind(f"{ns}r/{ns}t"))


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(base, target))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, member name) of ``part``."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    root = etree.fromstring(archive.read(rels), etree.XMLParser(**_XML_OPTIONS))
    return {
        rel.get("Id", ""): (rel.get("Type", ""), _resolve(folder, rel.get("Target", "")))
        for rel in root
        if _local(rel) == "Relationship"
    }


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb by the sizes the zip declares (zipfile never unpacks past them)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > _RATIO_FLOOR_BYTES and info.file_size > MAX_XLSX_RATIO * max(
            1, info.compress_size
        ):
            raise SheetError(
                _l(
                    "File: the workbook is packed too tightly to be a real spreadsheet; "
                    "save it again from Excel."
                )
            )
    if total > MAX_XLSX_UNPACKED_BYTES:
        raise SheetError(
            _l(
                "File: the workbook unpacks to more than %(limit)s MB; split it into smaller files.",
                limit=MAX_XLSX_UNPACKED_BYTES // 2**20,
            )
        )


def _workbook_parts(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The member names of the first worksheet and of the shared strings (if any)."""
    workbook = next(
        (target for kind, target in _relationships(archive, "").values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    root = etree.fromstring(archive.read(workbook), etree.XMLParser(**_XML_OPTIONS))
    first = next((el for el in root.iter("{*}sheet")), None)
    if first is None:
        raise _not_a_workbook()
    rel_id = next((value for key, value in first.attrib.items() if etree.QName(key).localname == "id"), "")
    relationships = _relationships(archive, workbook)
    sheet = relationships.get(rel_id)
    if sheet is None:
        raise _not_a_workbook()
    strings = next(
        (target for kind, target in relationships.values() if kind.endswith("/sharedStrings")), None
    )
    if strings is not None and strings not in archive.namelist():
        strings = None
    return sheet[1], strings


class _SharedStrings:
    """The workbook's string table, read only as far as the cells so far need it (a preview
    of the first rows reads the first strings, not the whole table)."""

    def __init__(self, archive: zipfile.ZipFile, part: str | None):
        self._items: list[str] = []
        self._source = archive.open(part) if part else None
        self._events = (
            etree.iterparse(self._source, events=("end",), tag="{*}si", **_XML_OPTIONS)
            if self._source
            else None
        )

    def __getitem__(self, index: int) -> str:
        while len(self._items) <= index:
            item = next(self._events, None) if self._events is not None else None
            if item is None:
                raise _not_a_workbook()
            element = item[1]
            self._items.append(_rich_text(element, _namespace(element)))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
        return self._items[index]

    def close(self) -> None:
        if self._source is not None:
            self._source.close()


def _cell_value(cell, ns: str, strings: _SharedStrings) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(ns + "is")
        return "" if inline is None else _rich_text(inline, ns).strip()
    raw = cell.findtext(ns + "v")
    if raw is None:
        return ""
    if kind == "s":
        if not raw.strip().isdigit() or len(raw.strip()) > 9:
            raise _not_a_workbook()
        return strings[int(raw)].strip()
    if kind == "b":
        return "1" if raw.strip() == "1" else ""
    if kind == "n":
        try:
            return _cell_text(float(raw))
        except (ValueError, OverflowError):
            pass
    return raw.strip()


def _xlsx_rows(
    archive: zipfile.ZipFile, sheet_part: str, strings: _SharedStrings, read_rows: int | None
) -> Iterator[list[str]]:
    """Every row from the first (up to ``read_rows``), rows missing from the XML given as
    ``[]`` so rows keep their spreadsheet numbers. Raises SheetError at the first cell past
    a limit, before its row is built; an empty (formatted) cell right of
    :data:`MAX_COLUMNS` is ignored."""
    previous = 0
    cells: dict[int, str] = {}
    column = in_row = at_row = 0
    ns = cell_tag = None
    try:
        with archive.open(sheet_part) as source:
            for _event, element in etree.iterparse(
                source, events=("end",), tag=("{*}c", "{*}row"), **_XML_OPTIONS
            ):
                if ns is None:
                    ns = _namespace(element)
                    cell_tag = ns + "c"
                if element.tag == cell_tag:
                    ref = element.get("r")
                    if ref:
                        match = _REF.fullmatch(ref)
                        if match is None:
                            raise _not_a_workbook()
                        column = 0
                        for letter in match.group(1):
                            column = column * 26 + ord(letter) - 64
                        at_row = int(match.group(2))
                    else:
                        column, at_row = column + 1, previous + 1
                    if read_rows is not None and at_row > read_rows:
                        return
                    if at_row - 1 > MAX_ROWS:
                        raise _too_many_rows()
                    in_row += 1
                    if column > _XLSX_LAST_COLUMN or in_row > _XLSX_LAST_COLUMN:
                        raise _not_a_workbook()
                    value = _cell_value(element, ns, strings)
                    if not value:
                        continue
                    if column > MAX_COLUMNS:
                        raise _too_many_columns()
                    if len(value) > MAX_CELL_CHARS:
                        raise _cell_too_long(at_row)
                    cells[column] = value
                    continue
                number_text = element.get("r") or ""
                number = int(number_text) if number_text.isdigit() and len(number_text) < 8 else previous + 1
                if number <= previous:
                    raise _not_a_workbook()
                if read_rows is not None and number > read_rows:
                    return
                if number - 1 > MAX_ROWS:
                    raise _too_many_rows()
                for _ in range(previous + 1, number):
                    yield []
                yield [cells.get(position, "") for position in range(1, max(cells, default=0) + 1)]
                previous, column, in_row = number, 0, 0
                cells = {}
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError) as error:
        if isinstance(error, SheetError):
            raise
        raise _not_a_workbook() from error
    finally:
        strings.close()
        archive.close()


def _read_xlsx(path: Path, read_rows: int | None) -> tuple[list[str], Iterator[list[str]], int | None]:
    """The first worksheet, streamed; no row count is known until it has been read. The
    row stream owns the open zip and closes it when done (or when dropped)."""
    archive = None
    try:
        archive = zipfile.ZipFile(path)
        _check_archive(archive)
        sheet_part, strings_part = _workbook_parts(archive)
        if strings_part is not None and archive.getinfo(strings_part).file_size > MAX_XLSX_STRINGS_BYTES:
            raise SheetError(
                _l(
                    "File: the workbook's text unpacks to more than %(limit)s MB; "
                    "split it into smaller files.",
                    limit=MAX_XLSX_STRINGS_BYTES // 2**20,
                )
            )
        rows = _xlsx_rows(archive, sheet_part, _SharedStrings(archive, strings_part), read_rows)
        archive = None  # closed by the row stream from here on
        headers = next(rows)
    except StopIteration:
        raise SheetError(_l("File: the file is empty.")) from None
    except SheetError:
        raise
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, OSError, ValueError) as error:
        raise _not_a_workbook() from error
    finally:
        if archive is not None:
            archive.close()
    return headers, rows, None


def open_sheet(
    path: Path,
    *,
    filename: str | None = None,
    max_bytes: int | None = MAX_BYTES,
    read_rows: int | None = None,
) -> Sheet:
    """Open an uploaded or given file; raises SheetError with a message for people, also
    from its row stream. ``max_bytes`` bounds uploads (the command line passes None);
    ``read_rows`` stops the stream after that many rows, header included (the preview in
    the web request reads the start only)."""
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
        headers, rows, encoding, total = _read_csv(path.read_bytes(), read_rows)
    else:
        headers, rows, total = _read_xlsx(path, read_rows)
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


def count_rows(path: Path, *, filename: str | None = None, max_bytes: int | None = MAX_BYTES) -> int:
    """Read the whole sheet once, keeping nothing, and return its data rows: the import job
    calls this first so that a file past a limit is refused before any row is saved (and
    the progress bar gets a true total, not the sheet's own claim). Raises SheetError."""
    sheet = open_sheet(path, filename=filename, max_bytes=max_bytes)
    count = 0
    for count, _cells in enumerate(sheet.rows, start=1):  # noqa: B007 - the count is the point
        pass
    return count


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
            language=language_code(values.get("language", "")),
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
# Through the app's one spreadsheet writer (registration/export.py): formula-safe cells, CSV
# as UTF-8 with a BOM.

#: the first column of an export: a row number a reader can count (import ignores it)
NUMBER_HEADER = {"th": "ลำดับ", "en": "No."}
#: the language column, as readers write it; import reads these back (and the codes)
LANGUAGE_NAMES = {"th": {"th": "ไทย", "en": "อังกฤษ"}, "en": {"th": "Thai", "en": "English"}}
_LANGUAGE_BY_NAME = {
    name.lower(): code for names in LANGUAGE_NAMES.values() for code, name in names.items()
} | {"th": "th", "en": "en"}


def neutralise(text: str) -> str:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    from eventsys.registration.export import safe_cell

    return safe_cell(text)


def headers_for(language: str, fields: Iterable[str] | None = None) -> list[str]:
    chosen = [COLUMN_BY_FIELD[f] for f in fields] if fields else list(COLUMNS)
    return [c.th if language == "th" else c.en for c in chosen]


def volunteer_values(
    volunteer: Volunteer, *, national_id: str | None, masked: bool, language: str = "th"
) -> list[str]:
    """A record as export cells, in :data:`COLUMNS` order, as a reader of ``language`` reads
    them (province, network type and language by name; import reads the names back). IDs and
    phones are written with dashes so spreadsheets keep them as text (leading zeros intact)."""
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
        thai.province_name(volunteer.province_code, language),
        volunteer.district,
        volunteer.organization,
        volunteer.position,
        network_label(volunteer.network_type),
        LANGUAGE_NAMES["th" if language == "th" else "en"].get(volunteer.language, volunteer.language),
    ]


def language_code(text: str) -> str:
    """ "th" or "en" from a code or a language's name in a sheet ("ไทย", "English"); else ""."""
    return _LANGUAGE_BY_NAME.get(text.strip().lower(), "")


def _writer(stream, kind: str, headers: list[str]):
    from eventsys.registration.export import SpreadsheetWriter

    writer = SpreadsheetWriter(stream, kind)
    writer.write(headers)
    return writer


def write_error_sheet(stream, kind: str, outcomes, *, fields: list[str], language: str) -> None:
    """The skipped rows with their values and the reason, ready to fix and import again."""
    row_header, reason_header = ("แถว", "ปัญหา") if language == "th" else ("Row", "Problem")
    writer = _writer(stream, kind, [row_header, *headers_for(language, fields), reason_header])
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
    """Write the people of ``query`` to ``stream``; full IDs only when not ``masked``. The first
    column is ลำดับ 1…n; the others are the import columns (so importing an export changes
    nothing), headers and values in ``language``. Returns how many were written;
    ``progress(n)`` is called every 1,000 rows."""
    language = "th" if language == "th" else "en"
    writer = _writer(stream, kind, [NUMBER_HEADER[language], *headers_for(language)])
    count = 0
    with force_locale(language):  # network types by name, as the reader reads them
        for volunteer in session.scalars(query.execution_options(yield_per=1000)):
            national_id = None
            if not masked and volunteer.national_id_encrypted:
                national_id = cipher.decrypt(volunteer.national_id_encrypted)
            values = volunteer_values(volunteer, national_id=national_id, masked=masked, language=language)
            count += 1
            writer.write([count, *values])
            if progress and count % 1000 == 0:
                progress(count)
    writer.close()
    return count
