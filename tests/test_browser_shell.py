"""The base layout in real headless Chromium: Thai text drawn with Sarabun, no outside requests."""

from datetime import UTC, datetime

import pytest

from tests.browser import platform_fonts

pytestmark = pytest.mark.browser


def test_public_page_on_a_phone_uses_the_served_thai_font(live_server, phone_page, make_event, tmp_path):
    make_event(
        slug="prince-palace",
        title="การประชุมเชิงปฏิบัติการ อพม. และเครือข่าย พม.",
        starts_at=datetime(2015, 11, 12, 3, 0, tzinfo=UTC),
        sessions=2,
    )
    outside = []
    phone_page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None
    )
    phone_page.goto(live_server.url + "/e/prince-palace")
    phone_page.wait_for_load_state("networkidle")
    phone_page.evaluate("document.fonts.ready")
    assert phone_page.locator("html").get_attribute("lang") == "th"
    # Every glyph of the title (Thai letters, the periods of "อพม.") and the time comes from Sarabun.
    for selector in ("h1", ".agenda-time", ".agenda-title"):
        fonts = platform_fonts(phone_page, selector)
        assert fonts and all(f.startswith("Sarabun") for f in fonts), (selector, fonts)
    assert "10.00 น." in phone_page.inner_text(".agenda")
    assert outside == []
    # Nothing overflows the phone's width.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=str(tmp_path / "event-phone.png"), full_page=True)


def test_language_switch_in_the_browser(live_server, phone_page):
    phone_page.goto(live_server.url + "/")
    phone_page.get_by_role("link", name="English").click()
    phone_page.wait_for_load_state()
    assert phone_page.locator("html").get_attribute("lang") == "en"
    phone_page.goto(live_server.url + "/login")
    assert phone_page.get_by_role("heading", name="Log in").is_visible()
