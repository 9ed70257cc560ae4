"""A person registers on a phone in real headless Chromium and sees their QR ticket."""

from __future__ import annotations

import gzip
import re
from datetime import timedelta

import pytest

from eventsys.db import db, utcnow
from eventsys.events.models import Question, QuestionKind
from eventsys.registration.models import Registration
from tests.fixtures.registration import national_id

pytestmark = pytest.mark.browser


def test_register_on_a_phone_and_see_the_qr_ticket(live_server, phone_page, make_event, tmp_path):
    event = make_event(capacity=30, starts_at=utcnow() + timedelta(days=7), venue="ศาลากลางจังหวัด")
    event.questions.append(
        Question(
            key="q1",
            label="อาหารที่รับประทาน",
            kind=QuestionKind.SINGLE_CHOICE,
            options=["ปกติ", "มังสวิรัติ"],
            is_required=True,
        )
    )
    db.session.commit()
    outside: list[str] = []
    phone_page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None
    )
    phone_page.goto(f"{live_server.url}/e/{event.slug}")
    assert phone_page.inner_text("#seats-left").startswith("30")
    phone_page.get_by_role("link", name="ลงทะเบียน").first.click()
    phone_page.get_by_label("เลขประจำตัวประชาชน").fill(national_id(77))
    phone_page.get_by_label("คำนำหน้า").select_option("mrs")
    phone_page.get_by_label("ชื่อ", exact=True).fill("บุญเรือน")
    phone_page.get_by_label("นามสกุล").fill("แก้วมณี")
    phone_page.get_by_label("โทรศัพท์มือถือ").fill("081-234-5678")
    phone_page.get_by_label("จังหวัด").select_option(label="เชียงใหม่")
    phone_page.get_by_label("มังสวิรัติ").check()
    phone_page.get_by_label("ส่งข่าวสารกิจกรรมและการอบรมครั้งต่อไปให้ข้าพเจ้าทางอีเมล").check()  # optional, unticked
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="ลงทะเบียน").click()
    assert "/r/" in phone_page.url
    qr = phone_page.locator("img.qr")
    qr.wait_for()
    phone_page.wait_for_function("document.querySelector('img.qr').naturalWidth > 0")
    assert phone_page.inner_text("#registration-status") == "ยืนยันแล้ว"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=str(tmp_path / "ticket-phone.png"), full_page=True)
    assert outside == []
    db.session.rollback()
    registration = db.session.query(Registration).one()
    assert registration.answers == {"q1": "มังสวิรัติ"} and registration.volunteer.first_name == "บุญเรือน"


def test_public_pages_weigh_under_50_kb_compressed(client, make_event):
    event = make_event(
        capacity=30, starts_at=utcnow() + timedelta(days=7), sessions=4, description="ก" * 2000
    )
    for path in (f"/e/{event.slug}", f"/e/{event.slug}/register"):
        html = client.get(path).get_data()
        total = len(gzip.compress(html))
        for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
            response = client.get(asset.decode())
            total += len(gzip.compress(response.get_data()))
            response.close()
        assert total <= 50 * 1024, (path, total)


def test_a_person_on_file_confirms_with_the_code_on_a_phone(
    app, live_server, phone_page, make_event, tmp_path
):
    """Registering again with one's ID: the code step in Thai on a phone-sized screen shows
    only masked destinations; the code read from the outbox opens the person's ticket."""
    from pathlib import Path

    from eventsys.volunteers.crypto import cipher
    from eventsys.volunteers.services import VolunteerData, save_volunteer

    event = make_event(capacity=30, starts_at=utcnow() + timedelta(days=7), venue="โรงแรมปรินซ์พาเลซ")
    save_volunteer(
        db.session,
        VolunteerData(first_name="บุญเรือน", last_name="แก้วมณี", national_id=national_id(78),
                      phone="0812345678", email="boonruen@example.org"),
        cipher=cipher(),
    )  # fmt: skip
    db.session.commit()
    phone_page.goto(f"{live_server.url}/e/{event.slug}/register")
    phone_page.get_by_label("เลขประจำตัวประชาชน").fill(national_id(78))
    phone_page.get_by_label("ชื่อ", exact=True).fill("บุญเรือน")
    phone_page.get_by_label("นามสกุล").fill("แก้วมณี")
    phone_page.get_by_label("โทรศัพท์มือถือ").fill("0812345678")
    phone_page.get_by_label("จังหวัด").select_option(label="เชียงใหม่")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="ลงทะเบียน").click()
    assert "/verify/" in phone_page.url
    sent_to = phone_page.inner_text("#sent-to")
    assert "08x-xxx-5678" in sent_to and "b•••@example.org" in sent_to
    page_text = phone_page.inner_text("body")
    assert "แก้วมณี" not in page_text and "0812345678" not in page_text
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=str(tmp_path / "verify-phone.png"), full_page=True)
    outbox = Path(app.instance_path) / "outbox"
    [sms] = list(outbox.glob("*.sms.txt"))
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sms.read_text(encoding="utf-8")).group(1)
    phone_page.get_by_label("รหัสยืนยัน").fill("000000" if code != "000000" else "111111")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="ยืนยัน", exact=True).click()
    assert "ไม่ตรงกับรหัสที่ส่งไป" in phone_page.inner_text("body")
    phone_page.get_by_label("รหัสยืนยัน").fill(code)
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="ยืนยัน", exact=True).click()
    assert "/r/" in phone_page.url
    phone_page.locator("img.qr").wait_for()
    assert phone_page.inner_text("#registration-status") == "ยืนยันแล้ว"
    assert "บุญเรือน" in phone_page.inner_text("body")
