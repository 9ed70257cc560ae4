"""The whole workshop day in real Chromium on a phone-sized screen, Thai then English (issue
13): the organizer sets the event up in the web console only, a volunteer registers, door
staff check people in, the organizer issues certificates, and one verifies. No page may be
wider than the phone."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from eventsys.certificates.models import Certificate
from eventsys.db import db, utcnow
from eventsys.events.models import AgendaSession, Event
from eventsys.i18n import to_local
from tests.browser import PHONE, log_in
from tests.conftest import PASSWORD
from tests.fixtures.registration import national_id

pytestmark = pytest.mark.browser


def fits(page) -> None:
    """The page is no wider than the phone: nothing to scroll sideways.

    ``scrollingElement.scrollWidth <= innerWidth`` alone proves nothing on a mobile viewport:
    Chromium (like a phone) then widens the layout viewport to the content, so ``innerWidth``
    grows with it (908 for a 900 px element). The phone's own width is the measure."""
    page.wait_for_load_state("load")
    phone_width = page.viewport_size["width"]
    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(
        """(width) => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)""",
        phone_width,
    )
    assert scroll_width <= min(inner_width, phone_width), (page.url, scroll_width, inner_width, wide)


def phone(browser, locale: str = "th-TH"):
    context = browser.new_context(locale=locale, **PHONE)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def be(moment: datetime) -> str:
    """A local time as typed by a Thai organizer: the Buddhist-era year."""
    return f"{moment.year + 543}{moment:-%m-%dT%H:%M}"


def test_the_whole_day_on_a_phone(browser, live_server, make_user):
    organizer = make_user("organizer", full_name="ผู้จัด ทดสอบ")
    staff = make_user("staff", full_name="เจ้าหน้าที่ หน้างาน")
    today = to_local(utcnow()).replace(tzinfo=None).replace(hour=0, minute=0, second=0, microsecond=0)
    url = live_server.url

    # --- the organizer, in the web console only -------------------------------------------------
    context, page = phone(browser)
    log_in(page, url, organizer.email, PASSWORD)
    fits(page)
    # (the CSP drops style attributes: the width is set through the CSSOM)
    page.evaluate(
        "() => { const wide = document.createElement('div'); wide.textContent = 'x';"
        " wide.style.width = '900px'; document.body.appendChild(wide); }"
    )
    with pytest.raises(AssertionError):  # the check can fail
        fits(page)
    page.goto(f"{url}/manage/events/new")
    fits(page)
    page.fill("#title", "อบรมอาสาสมัครพัฒนาสังคม")
    page.fill("#starts_at", be(today))
    page.fill("#ends_at", be(today.replace(hour=23, minute=59)))
    page.fill("#venue", "ศาลากลางจังหวัด")
    page.fill("#capacity", "30")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    assert "/manage/events/" in page.url, page.inner_text("main")
    fits(page)
    db.session.rollback()
    event = db.session.scalars(select(Event)).one()
    assert to_local(event.starts_at).date() == today.date()  # 25xx read as B.E.
    for title, start, end in (("ช่วงเช้า", 9, 12), ("ช่วงบ่าย", 13, 16)):
        page.click("details:has(#session-title) summary")
        page.fill("#session-title", title)
        page.fill("#session-starts_at", be(today.replace(hour=start)))
        page.fill("#session-ends_at", be(today.replace(hour=end)))
        with page.expect_navigation():
            page.click("form:has(#session-title) button[type=submit]")
        fits(page)
    page.click("details:has(#question-label) summary")
    page.fill("#question-label", "อาหารที่รับประทาน")
    page.select_option("#question-kind", "single_choice")
    page.fill("#question-options", "ปกติ\nมังสวิรัติ")
    page.check("#question-is_required")
    with page.expect_navigation():
        page.click("form:has(#question-label) button[type=submit]")
    fits(page)
    page.fill("#staff-email", staff.email)
    with page.expect_navigation():
        page.click("form:has(#staff-email) button[type=submit]")
    # edit an agenda item in place: the afternoon ends at 15:30
    db.session.rollback()
    afternoon = db.session.scalars(select(AgendaSession).where(AgendaSession.title == "ช่วงบ่าย")).one()
    page.click(f"a[href$='/sessions/{afternoon.id}/edit']")
    fits(page)
    page.fill("#ends_at", be(today.replace(hour=15, minute=30)))
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    assert "แก้ไขหัวข้อในกำหนดการแล้ว" in page.inner_text("main")
    db.session.rollback()
    assert to_local(db.session.get(AgendaSession, afternoon.id).ends_at).strftime("%H:%M") == "15:30"
    with page.expect_navigation():
        page.click("form[action$='/status/published'] button")
    fits(page)
    db.session.rollback()
    slug = db.session.get(Event, event.id).slug
    event_id = event.id

    # --- a volunteer registers on their phone, in Thai --------------------------------------------
    volunteer_context, person = phone(browser)
    person.goto(f"{url}/e/{slug}")
    fits(person)
    person.get_by_role("link", name="ลงทะเบียน").first.click()
    person.wait_for_url(f"**/e/{slug}/register")
    fits(person)
    person.get_by_label("เลขประจำตัวประชาชน").fill(national_id(4242))
    person.get_by_label("คำนำหน้า").select_option("mrs")
    person.get_by_label("ชื่อ", exact=True).fill("บุญเรือน")
    person.get_by_label("นามสกุล").fill("แก้วมณี")
    person.get_by_label("โทรศัพท์มือถือ").fill("081-234-5678")
    person.get_by_label("จังหวัด").select_option(label="เชียงใหม่")
    person.get_by_label("มังสวิรัติ").check()
    with person.expect_navigation():
        person.get_by_role("button", name="ลงทะเบียน").click()
    assert "/r/" in person.url
    person.wait_for_function(
        "document.querySelector('img.qr') && document.querySelector('img.qr').naturalWidth > 0"
    )
    assert person.inner_text("#registration-status") == "ยืนยันแล้ว"
    fits(person)
    manage_url = person.url

    # --- door staff: log in, land on today's scanner, search and a walk-in ---------------------------
    door_context, door = phone(browser)
    log_in(door, url, staff.email, PASSWORD)
    door.wait_for_url(f"**/checkin/{event_id}/")
    door.wait_for_load_state("networkidle")
    fits(door)
    door.fill("#search", "บุญเรือน")
    door.press("#search", "Enter")
    door.wait_for_selector(".search-hit")
    with door.expect_response(lambda r: r.url.endswith("/manual")):
        door.click(".search-hit")
    door.wait_for_selector("#result.result-ok")
    assert "บุญเรือน" in door.inner_text("#result-name")
    fits(door)
    door.click(f"a[href$='/checkin/{event_id}/walk-in']")
    fits(door)
    door.fill("#first_name", "สมปอง")
    door.fill("#last_name", "เดินมา")
    door.fill("#phone", "0891112233")
    door.select_option("#province", label="ขอนแก่น")
    with door.expect_navigation():
        door.click("form:has(#first_name) button[type=submit]")
    assert "/walk-in" in door.url  # the required question was not answered: asked again
    door.get_by_label("ปกติ").check()
    with door.expect_navigation():
        door.click("form:has(#first_name) button[type=submit]")
    door.wait_for_url(f"**/checkin/{event_id}/")
    assert "สมปอง" in door.inner_text("main")
    fits(door)

    # --- the organizer follows the day: registrations and live attendance -------------------------
    page.goto(f"{url}/manage/events/{event_id}/registrations")
    assert "บุญเรือน" in page.inner_text("main") and "สมปอง" in page.inner_text("main")
    fits(page)
    page.goto(f"{url}/manage/events/{event_id}/attendance")
    fits(page)

    # --- the organizer issues certificates before the day is over: a warning to confirm -------------
    page.goto(f"{url}/manage/events/{event_id}/certificates")
    fits(page)
    assert page.is_visible("#issue-early-warning")
    hint = page.inner_text("#hours-hint")
    assert "6 ชั่วโมง" in hint  # 09–12 and 13–15.30: 5.5 hours, printed as 6
    with page.expect_navigation():
        page.click(".issue-form button[type=submit]")
    assert "ยังไม่สิ้นสุด" in page.inner_text("main")
    page.check("#confirm_early")
    with page.expect_navigation():
        page.click(".issue-form button[type=submit]")
    assert "2" in page.inner_text(".flash-success")
    fits(page)
    db.session.rollback()
    codes = list(db.session.scalars(select(Certificate.verification_code)))
    assert len(codes) == 2

    # --- the certificate verifies -------------------------------------------------------------------
    person.goto(f"{url}/verify/{codes[0]}")
    fits(person)
    assert "เกียรติบัตรฉบับนี้ถูกต้อง" in person.inner_text("main")

    # --- the same pages in English ------------------------------------------------------------------
    person.goto(manage_url)
    person.click(".lang-switch a[hreflang=en]")
    person.wait_for_load_state("load")
    assert person.get_attribute("html", "lang") == "en"
    fits(person)
    person.goto(f"{url}/e/{slug}")
    assert "Register" in person.inner_text("main")
    fits(person)
    person.goto(f"{url}/verify/{codes[0]}")
    assert "This certificate is valid." in person.inner_text("main")
    fits(person)
    door.click(".lang-switch a[hreflang=en]")
    door.wait_for_url(f"**/checkin/{event_id}/")
    assert "Ready to scan" in door.inner_text("#result-head") or "Checked in" in door.inner_text("main")
    fits(door)
    page.click(".lang-switch a[hreflang=en]")
    page.wait_for_load_state("load")
    assert "Issue certificates to everyone eligible" in page.inner_text("main")
    fits(page)
    page.goto(f"{url}/manage/events/{event_id}")
    assert "Agenda" in page.inner_text("main") and "Registration questions" in page.inner_text("main")
    fits(page)
    for each in (context, volunteer_context, door_context):
        each.close()
