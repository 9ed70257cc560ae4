"""Import and export of volunteer sheets: encodings, Excel quirks, bad rows, broken files,
formula injection, round trips, and the command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from eventsys.db import db
from eventsys.volunteers import services, sheets
from eventsys.volunteers.models import Volunteer
from tests.fixtures.volunteers import national_id

THAI_HEADER = ["คำนำหน้า", "ชื่อ", "นามสกุล", "เลขประจำตัวประชาชน", "เบอร์โทรศัพท์", "จังหวัด", "หน่วยงาน"]


def _csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def _import(path: Path, cipher) -> list[services.RowOutcome]:
    sheet = sheets.open_sheet(path)
    outcomes = services.import_rows(db.session, sheets.import_rows_of(sheet), cipher=cipher)
    db.session.commit()
    return outcomes


def _count() -> int:
    return db.session.scalar(select(func.count(Volunteer.id)))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_csv_in_every_encoding_thai_excel_writes(app, cipher, tmp_path, encoding):
    rows = [
        THAI_HEADER,
        ["นางสาว", "เกศินี", "แก้วมณี", national_id(1), "081-234-5678", "เชียงใหม่", "พมจ.เชียงใหม่"],
        ["นาย", "สมชาย", "ใจดี", "", "0899998888", "กทม.", ""],
    ]
    path = tmp_path / "people.csv"
    path.write_bytes(_csv_bytes(rows, encoding))
    outcomes = _import(path, cipher)
    assert [o.status for o in outcomes] == ["created", "created"]
    people = db.session.scalars(select(Volunteer).order_by(Volunteer.sort_key)).all()
    assert [(v.prefix, v.first_name, v.last_name) for v in people] == [
        ("นางสาว", "เกศินี", "แก้วมณี"),
        ("นาย", "สมชาย", "ใจดี"),
    ]
    assert people[0].province_code == "50" and people[1].province_code == "10"
    assert people[0].national_id_tail == national_id(1)[-4:] and people[0].phone == "0812345678"


def test_xlsx_with_numbers_where_excel_put_them_and_english_headers(app, cipher, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["First name", "Surname", "National ID", "Mobile", "Province", "E-mail", "Notes"])
    sheet.append(["Somsak", "Dee", int(national_id(7)), 812345678, "Chiang Mai", "s@x.org", "hi"])
    sheet.append([None, None, None, None, None, None, None])  # blank rows are left out
    sheet.append(["Anna", "Berg", None, None, None, None, None])
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    opened = sheets.open_sheet(path)
    assert opened.unknown_headers == ["Notes"]
    outcomes = _import(path, cipher)
    assert [(o.number, o.status) for o in outcomes] == [(2, "created"), (4, "created")]
    somsak = db.session.scalar(select(Volunteer).where(Volunteer.first_name == "Somsak"))
    assert somsak.phone == "0812345678" and somsak.province_code == "50"
    assert services.national_id_of(somsak, cipher=cipher) == national_id(7)


def test_bad_rows_are_skipped_with_reasons_and_good_rows_kept(app, cipher, tmp_path):
    rows = [
        THAI_HEADER,
        ["", "ดี", "หนึ่ง", national_id(1), "0811111111", "", ""],
        ["", "", "ไม่มีชื่อ", "", "0811111112", "", ""],
        ["", "ผิด", "เลข", "1101700230709", "0811111113", "", ""],
        ["", "ผิด", "จังหวัด", "", "0811111114", "แอตแลนติส", ""],
        ["", "ดี", "สอง", "", "0811111115", "", ""],
    ]
    path = tmp_path / "people.csv"
    path.write_bytes(_csv_bytes(rows, "utf-8"))
    outcomes = _import(path, cipher)
    assert [(o.number, o.status) for o in outcomes] == [
        (2, "created"),
        (3, "skipped"),
        (4, "skipped"),
        (5, "skipped"),
        (6, "created"),
    ]
    reasons = {o.number: o.reason for o in outcomes}
    assert "ชื่อ" in reasons[3] and "เลขประจำตัวประชาชน" in reasons[4] and "จังหวัด" in reasons[5]
    assert _count() == 2
    stream = io.BytesIO()
    skipped = [{"number": o.number, "reason": o.reason, "values": o.values} for o in outcomes if o.reason]
    sheets.write_error_sheet(
        stream, "csv", skipped, fields=["first_name", "last_name", "national_id"], language="th"
    )
    lines = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig"))))
    assert lines[0] == ["แถว", "ชื่อ", "นามสกุล", "เลขประจำตัวประชาชน", "ปัญหา"]
    assert [line[0] for line in lines[1:]] == ["3", "4", "5"] and lines[2][3] == "1101700230709"


def test_dedupe_within_the_file_and_against_the_table(app, cipher, tmp_path, make_volunteer):
    number = national_id(11)
    existing = make_volunteer("สมศรี", last_name="มีสุข", national_id=number, phone="0811111111")
    dashed = f"{number[0]}-{number[1:5]}-{number[5:10]}-{number[10:12]}-{number[12]}"
    rows = [
        THAI_HEADER,
        ["", "ศรี", "ชื่ออื่น", dashed, "0822222222", "", "ใหม่"],  # same ID typed differently
        ["", "มานี", "ใจดี", "", "0833333333", "", ""],
        ["", "มานี", "ใจดี", "", "083-333-3333", "", "หน่วยงานเอ"],  # same name + phone, same file
    ]
    path = tmp_path / "people.csv"
    path.write_bytes(_csv_bytes(rows, "utf-8"))
    outcomes = _import(path, cipher)
    assert [o.status for o in outcomes] == ["updated", "created", "updated"]
    assert _count() == 2
    db.session.refresh(existing)
    assert existing.first_name == "สมศรี"  # an import never renames a matched person
    assert existing.phone == "0822222222" and existing.organization == "ใหม่"


def _export(kind: str, cipher, *, masked: bool, language: str = "th") -> bytes:
    stream = io.BytesIO()
    query = services.filtered_query(services.VolunteerFilter(), cipher=cipher).order_by(Volunteer.sort_key)
    sheets.export_volunteers(
        db.session, query, stream, kind=kind, cipher=cipher, masked=masked, language=language
    )
    return stream.getvalue()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("masked", [False, True])
def test_round_trip_changes_nothing(app, cipher, tmp_path, make_volunteer, kind, masked):
    make_volunteer(
        "สมชาย",
        national_id=national_id(1),
        email="a@x.org",
        province="50",
        first_name_en="Somchai",
        organization="=cmd|' /C calc'!A0",
        language="en",
    )
    make_volunteer("-เครื่องหมาย", phone="", prefix="ว่าที่ร้อยตรี", network_type="@net")
    make_volunteer("John", last_name="Smith", passport_no="AB123456", phone="021234567")
    before = {v.id: services.snapshot(v) for v in db.session.scalars(select(Volunteer))}
    path = tmp_path / f"export.{kind}"
    path.write_bytes(_export(kind, cipher, masked=masked))
    outcomes = _import(path, cipher)
    assert [o.status for o in outcomes] == ["unchanged"] * 3
    db.session.expire_all()
    assert {v.id: services.snapshot(v) for v in db.session.scalars(select(Volunteer))} == before


def test_masked_id_never_overwrites_a_stored_one(app, cipher, tmp_path, make_volunteer):
    person = make_volunteer("สมชาย", national_id=national_id(1), phone="0811111111")
    rows = [THAI_HEADER, ["", "สมชาย", "ใจดี", "x-xxxx-xxxxx-12-3", "0811111111", "", "ใหม่"]]
    path = tmp_path / "people.csv"
    path.write_bytes(_csv_bytes(rows, "utf-8"))
    assert [o.status for o in _import(path, cipher)] == ["updated"]
    db.session.refresh(person)
    assert services.national_id_of(person, cipher=cipher) == national_id(1) and person.organization == "ใหม่"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_neutralises_formulas_and_keeps_thai_and_ids_as_text(app, cipher, make_volunteer, kind):
    make_volunteer(
        '=HYPERLINK("http://evil")',
        last_name="+ใจดี",
        national_id=national_id(1),
        organization="@SUM(A1)",
        phone="0812345678",
    )
    raw = _export(kind, cipher, masked=False)
    if kind == "csv":
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(raw))
        rows = [[c.value or "" for c in row] for row in workbook.active.iter_rows()]
        # every cell is text (IDs and phones keep their zeros) but ลำดับ, a number to count
        assert all(c.data_type == "s" for row in workbook.active.iter_rows() for c in row[1:] if c.value)
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[0] == "ลำดับ" and str(row["ลำดับ"]) == "1"
    assert "ชื่อ" in header
    assert row["ชื่อ"] == '\'=HYPERLINK("http://evil")' and row["นามสกุล"] == "'+ใจดี"
    assert row["หน่วยงาน"] == "'@SUM(A1)"
    assert row["เบอร์โทรศัพท์"] == "081-234-5678"
    number = national_id(1)
    assert (
        row["เลขประจำตัวประชาชน"] == f"{number[0]}-{number[1:5]}-{number[5:10]}-{number[10:12]}-{number[12]}"
    )
    masked = _export(kind, cipher, masked=True)
    assert number.encode() not in masked and number[1:5].encode() not in masked


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.csv", b"", "empty"),
        ("people.txt", b"a,b", "only .xlsx and .csv"),
        ("people.xlsx", b"this is not a zip file", "not an Excel workbook"),
        ("people.csv", b"\x00\x01\x02PK\x03\x04binary", "not a CSV"),
        ("people.csv", "สี,ขนาด\nแดง,ใหญ่\n".encode(), "no first-name column"),
    ],
)
def test_broken_files_get_a_clear_message(app, tmp_path, name, content, message):
    from flask_babel import force_locale

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(sheets.SheetError) as caught:
        sheets.open_sheet(path)
    with app.test_request_context(), force_locale("en"):
        assert message in str(caught.value.message)


def test_oversize_file_is_refused(app, tmp_path, monkeypatch):
    path = tmp_path / "people.csv"
    path.write_bytes("ชื่อ\nสมชาย\n".encode())
    with pytest.raises(sheets.SheetError, match="20"):
        sheets.open_sheet(path, max_bytes=10)
    assert sheets.open_sheet(path, max_bytes=None).mapping == {0: "first_name"}


def test_cli_import_and_export(app, runner, tmp_path, cipher, monkeypatch):
    monkeypatch.setattr(services, "ANALYZE_AFTER", 1)  # PostgreSQL: VACUUM (ANALYZE) afterwards
    rows = [
        THAI_HEADER,
        ["", "สมชาย", "ใจดี", national_id(1), "0812345678", "", ""],
        ["", "", "", "", "", "", "x"],
    ]
    source = tmp_path / "in.csv"
    source.write_bytes(_csv_bytes(rows, "cp874"))
    errors = tmp_path / "errors.xlsx"
    result = runner.invoke(args=["volunteers", "import", str(source), "--errors", str(errors)])
    assert result.exit_code == 0, result.output
    assert "created: 1" in result.output and "skipped: 1" in result.output and "row 3" in result.output
    assert errors.exists()
    target = tmp_path / "out.xlsx"
    result = runner.invoke(args=["volunteers", "export", str(target)])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    workbook = openpyxl.load_workbook(target)
    values = [c.value for c in list(workbook.active.iter_rows())[1]]
    assert "สมชาย" in values and any(national_id(1)[-1] == str(v)[-1:] and "-" in str(v) for v in values if v)
    result = runner.invoke(args=["volunteers", "import", str(tmp_path / "missing.csv")])
    assert result.exit_code != 0
    bad = tmp_path / "bad.xlsx"
    bad.write_text("nope")
    result = runner.invoke(args=["volunteers", "import", str(bad)])
    assert result.exit_code == 1 and "Excel" in result.output
