"""The door scanner in real headless Chromium: a fake camera shows a real ticket; offline sync."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from eventsys.checkin.models import CheckIn
from eventsys.db import db
from tests.browser import PHONE, launch_with_camera, log_in, write_camera_video
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def check_ins() -> list[CheckIn]:
    db.session.rollback()
    return list(db.session.scalars(select(CheckIn)))


def test_camera_scan_checks_the_person_in(
    playwright_instance, live_server, door, make_checkin_registration, ticket_token, tmp_path
):
    event, _owner, staff = door
    registration = make_checkin_registration(event, first_name="ประภาพร")
    video = tmp_path / "cam.y4m"
    write_camera_video(video, ticket_token(registration))
    browser = launch_with_camera(playwright_instance, video)
    try:
        context = browser.new_context(locale="th-TH", permissions=["camera"], **PHONE)
        context.set_default_timeout(10_000)
        page = context.new_page()
        log_in(page, live_server.url, staff.email, PASSWORD)
        with page.expect_response(lambda r: r.url.endswith("/api/v1/checkins")) as answer:
            page.goto(f"{live_server.url}/checkin/{event.id}/")
            loaded = time.monotonic()
        assert answer.value.status == 200
        page.wait_for_selector("#result.result-ok")
        decoded_after = time.monotonic() - loaded
        assert page.inner_text("#result-head") == "เช็กอินแล้ว"
        assert "ประภาพร" in page.inner_text("#result-name")
        assert "สำนักงานพัฒนาสังคม" in page.inner_text("#result-detail")
        records = check_ins()
        assert [(r.registration_id, r.method.value, r.staff_user_id) for r in records] == [
            (registration.id, "camera", staff.id)
        ]
        # the camera keeps showing the same ticket: no second record, and undo works
        page.wait_for_timeout(1500)
        assert len(check_ins()) == 1
        with page.expect_response(lambda r: "/undo" in r.url):
            page.click("#undo")
        page.wait_for_selector("#result.result-warn")
        assert check_ins() == []
        print(f"first decode and check-in {decoded_after:.2f} s after load")
        context.close()
    finally:
        browser.close()


def test_offline_scans_survive_a_reload_and_sync_once(
    browser, live_server, door, make_checkin_registration, ticket_token
):
    event, _owner, staff = door
    registration = make_checkin_registration(event, first_name="สุดารัตน์")
    token = ticket_token(registration)
    # bypass_csp: Playwright's wait_for_function evaluates strings, which our CSP forbids
    context = browser.new_context(locale="th-TH", bypass_csp=True, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, live_server.url, staff.email, PASSWORD)
    scanner_url = f"{live_server.url}/checkin/{event.id}/"
    page.goto(scanner_url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker, which caches the page and its files
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#list-status:not(:empty)")  # ticket list downloaded
    page.wait_for_load_state("networkidle")

    context.set_offline(True)
    page.fill("#wedge", token)
    page.press("#wedge", "Enter")
    page.wait_for_selector("#result.result-pending")
    assert "สุดารัตน์" in page.inner_text("#result-name")  # known from the offline list
    page.wait_for_function("document.getElementById('checkin').dataset.pending === '1'")
    # a forged ticket is refused offline and not queued
    page.fill("#wedge", token[:-3] + "abc")
    page.press("#wedge", "Enter")
    page.wait_for_selector("#result.result-bad")
    scanned_before = time.time()

    page.reload()  # offline: the service worker serves the page from its cache
    page.wait_for_function("document.getElementById('checkin').dataset.pending === '1'")
    assert check_ins() == []

    page.wait_for_timeout(1200)  # the record must keep the scan time, not the upload time
    with page.expect_response(lambda r: r.url.endswith("/api/v1/checkins/batch")) as synced:
        context.set_offline(False)
    assert synced.value.status == 200
    page.wait_for_function("document.getElementById('checkin').dataset.pending === '0'")
    records = check_ins()
    assert len(records) == 1 and records[0].registration_id == registration.id
    assert records[0].checked_in_at.timestamp() <= scanned_before
    assert records[0].recorded_at > records[0].checked_in_at
    # syncing again (another interval, a reload) sends nothing new
    page.click("#sync-now")
    page.reload()
    page.wait_for_timeout(500)
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    context.close()


def test_the_scanner_shows_only_what_means_something_and_a_repeat_stays_green(
    browser, live_server, door, make_checkin_registration, ticket_token
):
    """Undo is hidden until there is something to undo; on a phone the USB box does not take
    focus (the keyboard would cover the camera); the same ticket again moments later is the
    same arrival (green), not a duplicate (amber)."""
    event, _owner, staff = door
    registration = make_checkin_registration(event, first_name="มาลัย")
    token = ticket_token(registration)
    context = browser.new_context(locale="th-TH", **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, live_server.url, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/checkin/{event.id}/")
    page.wait_for_load_state("networkidle")
    assert not page.is_visible("#undo")
    assert page.evaluate("document.activeElement && document.activeElement.id") != "wedge"
    page.fill("#wedge", token)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/checkins")):
        page.press("#wedge", "Enter")
    page.wait_for_selector("#result.result-ok")
    assert page.is_visible("#undo")
    page.wait_for_timeout(4300)  # past the camera's sighting window: the scan is sent again
    page.fill("#wedge", token)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/checkins")) as again:
        page.press("#wedge", "Enter")
    assert again.value.json()["result"] == "already_checked_in"
    page.wait_for_timeout(200)
    assert page.get_attribute("#result", "data-kind") == "ok"
    assert len(check_ins()) == 1
    context.close()
    desktop = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 800})
    page = desktop.new_page()
    log_in(page, live_server.url, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/checkin/{event.id}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.activeElement && document.activeElement.id") == "wedge"
    desktop.close()


def test_the_same_ticket_more_than_a_minute_later_is_amber(
    browser, live_server, door, make_checkin_registration, ticket_token
):
    """Within a minute the same ticket on the same device is the same arrival (green); a real
    second arrival later shows amber "already checked in". The page's clock is Playwright's,
    moved on 61 seconds rather than waited for."""
    event, _owner, staff = door
    registration = make_checkin_registration(event, first_name="วันเพ็ญ")
    token = ticket_token(registration)
    context = browser.new_context(locale="th-TH", **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.clock.install()
    log_in(page, live_server.url, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/checkin/{event.id}/")
    page.wait_for_load_state("networkidle")

    def scan() -> dict:
        page.fill("#wedge", token)
        with page.expect_response(lambda r: r.url.endswith("/api/v1/checkins")) as answer:
            page.press("#wedge", "Enter")
        page.wait_for_timeout(200)
        return answer.value.json()

    assert scan()["result"] == "checked_in"
    page.wait_for_selector("#result.result-ok")
    page.clock.fast_forward(30_000)
    assert scan()["result"] == "already_checked_in"
    assert page.get_attribute("#result", "data-kind") == "ok"  # dropped and picked up: same arrival
    page.clock.fast_forward(61_000)
    assert scan()["result"] == "already_checked_in"
    page.wait_for_selector("#result.result-warn")
    assert page.inner_text("#result-head").startswith("เช็กอินไปแล้วเมื่อ")
    assert len(check_ins()) == 1
    context.close()
