"""The printed sign-in sheet (ใบลงทะเบียน, issue 13 point 4): real PDFs on both databases,
measured with a PDF layout library. Every drawn character and table rule lies inside the page
box less its margins (the page number inside the page, below the table); the heading (event,
B.E. date, venue, organizing unit) and the column headings on every page; "หน้า i/N" on each;
the phone column only when the event asks; morning and afternoon columns only for a full day."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTComponent, LTCurve, LTLine, LTRect
from sqlalchemy import select

from eventsys.certificates import documents
from eventsys.db import db
from eventsys.events.models import Event
from tests.test_certificates_pdf import no_weasyprint_warnings, pdf_text  # noqa: F401 - autouse fixture

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
#: rules are stroked half their width outside their line; glyph boxes round
TOLERANCE = 0.5
#: 09.00 – 16.00 on Thursday 12 November 2015 (B.E. 2558), Bangkok time
DAY_START = datetime(2015, 11, 12, 2, 0, tzinfo=UTC)
DAY_END = datetime(2015, 11, 12, 9, 0, tzinfo=UTC)
LONG_NAME = "สุดาวรรณประเสริฐศักดิ์ศรีสวัสดิ์วัฒนาการยิ่งยืนยงคงกระพันชาตรีมหาสมบัติพูนทวี"
LONG_LAST = "ณ อยุธยามหาสารคามกาฬสินธุ์ร้อยเอ็ดศรีสะเกษอุบลราชธานีเจริญวงศ์ไพบูลย์"
LONG_ORG = "ศูนย์ประสานงานอาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์ตำบลโนนสังอำเภอเมืองจังหวัดหนองบัวลำภู"
LONG_POSITION = "ประธานอาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์ระดับจังหวัด(อพม.)"
#: a real surname with no break opportunity at all (a foreign partner's)
UNBREAKABLE = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessenschafewaren"
COLUMNS = ("ลำดับ", "ชื่อ–สกุล", "ตำแหน่ง", "หน่วยงาน/เครือข่าย", "จังหวัด", "ลายมือชื่อ", "หมายเหตุ")


def drawn(data: bytes) -> list[tuple[LTComponent, list[LTComponent]]]:
    """Each page with every character and every line, rectangle or curve drawn on it."""

    def walk(item):
        if isinstance(item, LTChar | LTLine | LTRect | LTCurve):
            yield item
        elif hasattr(item, "__iter__"):
            for child in item:
                yield from walk(child)

    return [(page, list(walk(page))) for page in extract_pages(io.BytesIO(data))]


def page_texts(data: bytes) -> list[str]:
    """Each page's text as a reader copies it, in drawing order (``-raw``: ``-layout`` splits
    bold Thai words); ำ is ำ there (``pdf.mark_sara_am``)."""
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True)
    return text.stdout.decode().split("\f")[:-1]


def assert_inside_margins(data: bytes) -> None:
    """Everything inside the page box less the sheet's margins, except the page number, which
    is inside the page below the bottom margin's edge; and the table fills the width."""
    margins = {side: mm * MM for side, mm in documents.SIGNIN_MARGINS_MM.items()}
    left, right = margins["left"], A4[0] - margins["right"]
    bottom, top = margins["bottom"], A4[1] - margins["top"]
    pages = drawn(data)
    for number, (page, items) in enumerate(pages, start=1):
        assert page.width == pytest.approx(A4[0], abs=0.1) and page.height == pytest.approx(A4[1], abs=0.1)
        rules = [i for i in items if not isinstance(i, LTChar)]
        assert rules, f"page {number}: no table drawn"
        outside = [
            (type(i).__name__, i.get_text() if isinstance(i, LTChar) else "", round(i.x0, 1), round(i.x1, 1))
            for i in items
            if i.x0 < left - TOLERANCE or i.x1 > right + TOLERANCE
        ]
        assert outside == [], f"page {number}: drawn past the left or right margin: {outside[:8]}"
        assert all(i.y0 >= bottom - TOLERANCE and i.y1 <= top + TOLERANCE for i in rules), f"page {number}"
        footer = [i for i in items if i.y1 < bottom]
        assert all(isinstance(i, LTChar) and i.y0 >= 0 for i in footer), f"page {number}"
        assert "".join(i.get_text() for i in footer).replace(" ", "") == f"หน้า{number}/{len(pages)}"
        above = [i for i in items if isinstance(i, LTChar) and i.y1 >= bottom]
        assert all(i.y0 >= bottom - TOLERANCE and i.y1 <= top + TOLERANCE for i in above), f"page {number}"
        assert max(i.x1 for i in rules) > right - 1 and min(i.x0 for i in rules) < left + 1  # full width
        # and no character crosses a column's rule: long words wrap inside their own cell
        columns = [i for i in rules if isinstance(i, LTLine) and i.width < 1.5 and i.height > 1]
        crossing = [
            (c.get_text(), round(c.x0, 1), round(c.x1, 1), round(rule.x0, 1))
            for c in items
            if isinstance(c, LTChar)
            for rule in columns
            if rule.y0 < (c.y0 + c.y1) / 2 < rule.y1
            and c.x0 < rule.x0 - TOLERANCE
            and c.x1 > rule.x1 + TOLERANCE
        ]
        assert crossing == [], f"page {number}: text across a column rule: {crossing[:8]}"


@pytest.fixture
def signin(app, tmp_path):
    """The sign-in sheet of ``event`` (or one of its sessions) as PDF bytes, with its text."""

    def render(event, session_id=None) -> tuple[bytes, list[str]]:
        data = documents.signin_sheet_pdf(
            db.session, event=event, session_id=session_id, upload_dir=str(tmp_path)
        )
        return data, page_texts(data)

    return render


def test_a_full_day_sheet_with_long_thai_names_fits_portrait_a4(signin, make_event, make_cert_registration):
    event = make_event(
        title="โครงการประชุมเชิงปฏิบัติการพัฒนาศักยภาพอาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์ (อพม.) "
        "ประจำปีงบประมาณ พ.ศ. 2559",
        starts_at=DAY_START,
        ends_at=DAY_END,
        venue="ห้องประชุมชั้น 5 โรงแรมเซ็นทารา แกรนด์ เซ็นทรัลเวิลด์ กรุงเทพมหานคร",
        organizer_unit="กองส่งเสริมและพัฒนาอาสาสมัคร กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
        signin_shows_phone=True,
    )
    for i in range(36):
        long = i % 3 == 0
        make_cert_registration(
            event,
            first_name=f"{LONG_NAME}{i:02d}" if long else f"สมศรี{i:02d}",
            last_name=LONG_LAST if long else "ใจดี",
            organization=LONG_ORG if long else "ศูนย์พัฒนาสังคม",
            position=LONG_POSITION if long else "อพม.",
            phone=f"08{i:08d}",
            province_code="14",
        )
    make_cert_registration(
        event, prefix="Mr.", first_name="Hubert", last_name=UNBREAKABLE, organization=f"GIZ-{UNBREAKABLE}"
    )
    data, pages = signin(event)

    assert_inside_margins(data)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        flat = " ".join(text.split())
        assert "ใบลงทะเบียน" in flat and "โครงการประชุมเชิงปฏิบัติการ" in flat
        assert "วันพฤหัสบดีที่ 12 พฤศจิกายน พ.ศ. 2558 เวลา 09.00 – 16.00 น." in flat
        assert "เซ็นทารา แกรนด์" in flat and "กองส่งเสริมและพัฒนาอาสาสมัคร" in flat
        for heading in (*COLUMNS, "โทรศัพท์", "เช้า", "บ่าย"):
            assert heading in "".join(text.split()), (number, heading)  # a heading may wrap
        assert text.rstrip().endswith(f"หน้า {number}/{len(pages)}"), text[-200:]
    compact = "".join("".join(pages).split())  # long words wrap inside their cells
    for i in range(0, 36, 3):  # every long name, position and organization printed whole
        assert f"นางสาว{LONG_NAME}{i:02d}{LONG_LAST.replace(' ', '')}" in compact, i
    assert compact.count(LONG_ORG) == 12 and compact.count(LONG_POSITION) == 12
    assert compact.count("พระนครศรีอยุธยา") == 36 and compact.count("นางสาวสมศรี") == 24
    assert "080-000-0003" in compact and "080-000-0035" in compact
    assert f"Mr.Hubert{UNBREAKABLE}" in compact and f"GIZ-{UNBREAKABLE}" in compact
    assert "รวมผู้ลงทะเบียนล่วงหน้า37คน" in compact
    alone = {int(n) for n in re.findall(r"^(\d+)$", "\n".join(pages), re.M)}
    assert set(range(38, 43)) <= alone  # five numbered blank rows for walk-ins


def test_columns_follow_the_event_and_the_session(signin, make_event, make_cert_registration):
    half_day = make_event(starts_at=DAY_START, ends_at=DAY_START.replace(hour=5), venue="", organizer_unit="")
    make_cert_registration(half_day, first_name="สมหญิง", phone="0812345678")
    data, pages = signin(half_day)
    assert_inside_margins(data)
    flat = " ".join("".join(pages).split())
    assert "ลายมือชื่อ" in flat and "หมายเหตุ" in flat
    assert "โทรศัพท์" not in flat and "081-234-5678" not in flat  # the event did not ask for phones
    assert "เช้า" not in flat and "บ่าย" not in flat
    assert "09.00 – 12.00 น." in flat and " ณ " not in flat and "จัดโดย" not in flat
    assert pages[0].rstrip().endswith("หน้า 1/1")

    full_day = make_event(starts_at=DAY_START, ends_at=DAY_END, sessions=2, venue="ศาลากลาง")
    make_cert_registration(full_day, first_name="สมหญิง")
    whole, _ = signin(full_day)
    assert "เช้า" in " ".join(pdf_text(whole).split())
    one_session = full_day.sessions[1]
    one_session.room = "ห้อง 301"
    db.session.commit()
    data, pages = signin(full_day, session_id=one_session.id)
    assert_inside_margins(data)
    flat = " ".join("".join(pages).split())
    assert "ช่วงที่ 2" in flat and "10.00 – 11.00 น." in flat and "ณ ศาลากลาง ห้อง 301" in flat
    assert "ลายมือชื่อ" in flat and "เช้า" not in flat and "บ่าย" not in flat  # one session, one column


def test_full_day_is_morning_and_afternoon_in_bangkok():
    at = lambda day, hour, minute=0: datetime(2015, 11, day, hour, minute, tzinfo=UTC)  # noqa: E731 - UTC = Bangkok − 7
    assert documents.is_full_day(at(12, 2), at(12, 9))  # 09.00 – 16.00
    assert not documents.is_full_day(at(12, 2), at(12, 5))  # 09.00 – 12.00
    assert not documents.is_full_day(at(12, 2), at(12, 5, 45))  # a morning that runs into lunch
    assert not documents.is_full_day(at(12, 6), at(12, 9))  # 13.00 – 16.00
    assert documents.is_full_day(at(12, 4), at(12, 6, 30))  # 11.00 – 13.30
    assert documents.is_full_day(at(12, 8), at(13, 3))  # 15.00 until the next morning
    assert not documents.is_full_day(at(11, 23), at(12, 4))  # 06.00 – 11.00 (UTC day before)


def test_columns_add_up_to_the_printable_width():
    for phone in (False, True):
        for full_day in (False, True):
            columns = documents.signin_columns(phone=phone, full_day=full_day)
            total = sum(c.width_mm for c in columns)
            assert documents.SIGNIN_CONTENT_WIDTH_MM - 0.1 < total <= documents.SIGNIN_CONTENT_WIDTH_MM
            assert all(c.width_mm >= 11 for c in columns), columns  # room for ลำดับ and a heading


def test_dates_in_the_heading_are_buddhist_era():
    day = datetime(2015, 11, 12, 2, tzinfo=UTC)
    assert documents.thai_date_span(day, day) == "วันพฤหัสบดีที่ 12 พฤศจิกายน พ.ศ. 2558"
    assert documents.thai_date_span(day, day.replace(day=13)) == "ระหว่างวันที่ 12 – 13 พฤศจิกายน พ.ศ. 2558"
    assert (
        documents.thai_date_span(day.replace(day=30), day.replace(month=12, day=1))
        == "ระหว่างวันที่ 30 พฤศจิกายน – 1 ธันวาคม พ.ศ. 2558"
    )
    assert (
        documents.thai_date_span(day.replace(month=12, day=31), day.replace(year=2016, month=1, day=1))
        == "ระหว่างวันที่ 31 ธันวาคม พ.ศ. 2558 – 1 มกราคม พ.ศ. 2559"
    )
    # 31 December 20.00 UTC is already 1 January in Bangkok
    new_year = datetime(2015, 12, 31, 20, tzinfo=UTC)
    assert documents.thai_date_span(new_year, new_year) == "วันศุกร์ที่ 1 มกราคม พ.ศ. 2559"


def test_the_organizer_chooses_the_phone_column_on_the_event_form(client, login, make_user):
    login(make_user("organizer"))
    form = {"title": "อบรมอาสาสมัคร", "starts_at": "2027-11-12T09:00", "ends_at": "2027-11-12T16:00"}
    assert client.post("/manage/events/new", data=form).status_code == 302
    db.session.rollback()
    event = db.session.scalars(select(Event)).one()
    assert event.signin_shows_phone is False  # off unless asked
    edit = f"/manage/events/{event.id}/edit"
    assert 'name="signin_shows_phone"' in client.get(edit).get_data(as_text=True)
    assert client.post(edit, data={**form, "signin_shows_phone": "y"}).status_code == 302
    db.session.rollback()
    assert db.session.get(Event, event.id).signin_shows_phone is True
    pdf = client.get(f"/manage/events/{event.id}/certificates/signin.pdf")
    assert pdf.status_code == 200 and "โทรศัพท์" in pdf_text(pdf.data)
