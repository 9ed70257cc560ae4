"""The volunteer pages in real headless Chromium on a phone: import a sheet, search the list."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import PASSWORD
from tests.fixtures.volunteers import national_id

pytestmark = pytest.mark.browser


def _log_in(page, server, user) -> None:
    page.goto(server.url + "/login")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit].btn-primary").click()
    page.wait_for_load_state()


def test_import_a_thai_excel_csv_then_find_people_on_a_phone(live_server, phone_page, make_user, tmp_path):
    text = io.StringIO()
    csv.writer(text).writerows(
        [
            ["คำนำหน้า", "ชื่อ", "นามสกุล", "เลขประจำตัวประชาชน", "เบอร์โทรศัพท์", "จังหวัด"],
            ["นางสาว", "เกศินี", "แก้วมณี", national_id(1), "081-234-5678", "เชียงใหม่"],
            ["นาย", "สมชาย", "ใจดี", "", "0899998888", "กทม."],
            ["", "", "ไม่มีชื่อ", "", "", ""],
        ]
    )
    sheet = tmp_path / "รายชื่อ.csv"
    sheet.write_bytes(text.getvalue().encode("cp874"))
    _log_in(phone_page, live_server, make_user())
    phone_page.goto(live_server.url + "/volunteers/import")
    phone_page.locator("input[type=file]").set_input_files(str(sheet))
    phone_page.locator("form .btn-primary").click()
    phone_page.wait_for_load_state()
    assert "เกศินี" in phone_page.inner_text("table") and "cp874" in phone_page.inner_text("main")
    phone_page.get_by_role("button", name="นำเข้า").click()
    phone_page.wait_for_load_state()
    counts = phone_page.inner_text(".import-counts")
    assert "2\nเพิ่มใหม่" in counts.replace(" ", "\n") or "2 เพิ่มใหม่" in counts
    assert "ไม่มีชื่อ" in phone_page.inner_text("table")
    phone_page.goto(live_server.url + "/volunteers/")
    phone_page.locator("#q").fill("มณี")
    phone_page.get_by_role("button", name="ค้นหา").click()
    phone_page.wait_for_load_state()
    rows = phone_page.locator(".volunteer-table tbody tr")
    assert rows.count() == 1 and "นางสาวเกศินี แก้วมณี" in rows.first.inner_text()
    assert national_id(1) not in phone_page.content()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
