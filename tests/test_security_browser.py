"""Every page the app serves, in real Chromium under the real Content-Security-Policy: zero
violations. The crawl follows the links it finds (as an admin, on the demo data), so pages added
later are covered without touching this test."""

from urllib.parse import urldefrag, urlsplit

import pytest

from eventsys.demo import DEMO_LOGINS

pytestmark = pytest.mark.browser

#: listens before any page script runs (Playwright's init scripts are not subject to the CSP)
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' line ' + e.lineNumber);
});
"""
START = ["/", "/login", "/e/prince-palace-2558", "/no-such-page"]
MAX_PAGES = 60


def _violations(page, console):
    return list(page.evaluate("window.__csp")) + [m for m in console if "Content Security Policy" in m]


def _visit(page, url, console):
    console.clear()
    response = page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return response, _violations(page, console)


def _links(page, base):
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    for href in hrefs:
        href = urldefrag(href).url
        parts = urlsplit(href)
        downloads = (".ics", ".pdf", ".csv", ".xlsx", ".zip", ".png", ".svg", ".json", ".eml")
        if (
            href.startswith(base)
            and not parts.path.startswith(("/static/", "/lang/"))
            and not parts.path.endswith(downloads)
            and "/export" not in parts.path
        ):
            yield href


def test_pages_load_without_csp_violations(app, runner, live_server, phone_page):
    assert runner.invoke(args=["seed-demo", "--volunteers", "20"]).exit_code == 0
    from eventsys.db import db
    from eventsys.events.models import Event

    slug = db.session.scalars(db.select(Event.slug)).first()
    console: list[str] = []
    phone_page.on("console", lambda message: console.append(message.text))
    phone_page.add_init_script(LISTEN)

    found: dict[str, list[str]] = {}
    queue = [live_server.url + path.replace("prince-palace-2558", slug) for path in START]
    seen: set[str] = set()

    def crawl():
        while queue and len(seen) < MAX_PAGES:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response, violations = _visit(phone_page, url, console)
            assert response is not None and response.status < 500, (url, response and response.status)
            if violations:
                found[url] = violations
            queue.extend(link for link in _links(phone_page, live_server.url) if link not in seen)

    crawl()  # anonymous
    email, _role, password, _name = next(login for login in DEMO_LOGINS if login[1] == "admin")
    phone_page.goto(live_server.url + "/login")
    phone_page.fill("input[name=email]", email)
    phone_page.fill("input[name=password]", password)
    with phone_page.expect_navigation():
        phone_page.locator("form button[type=submit], form input[type=submit]").last.click()
    seen.clear()
    queue.extend(live_server.url + path for path in ("/manage/", "/admin/users"))
    crawl()  # as an admin
    assert len(seen) >= 3, seen
    assert live_server.url + "/admin/users" in seen
    assert found == {}


def test_the_listener_does_catch_inline_code(app, live_server, phone_page):
    """The check above can fail: a page with inline script and style is reported."""
    from eventsys.web import public

    @public
    def probe():
        return '<!doctype html><p style="color:red">x</p><script>document.title="x"</script>'

    app.add_url_rule("/_csp_probe", "csp_probe", probe)
    console: list[str] = []
    phone_page.on("console", lambda message: console.append(message.text))
    phone_page.add_init_script(LISTEN)
    _response, violations = _visit(phone_page, live_server.url + "/_csp_probe", console)
    directives = " ".join(violations)
    assert "script-src" in directives and "style-src" in directives
    assert phone_page.title() != "x"
