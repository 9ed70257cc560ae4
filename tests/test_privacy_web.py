"""PDPA through the pages: registering needs no consent and records the notice version, the
optional boxes, withdrawing from the manage link, the admins' notice page, the public notice."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from eventsys.db import db, utcnow
from eventsys.privacy import services
from eventsys.privacy.models import Consent
from eventsys.registration.models import Registration
from eventsys.volunteers.services import PRIVACY_NOTICE_VERSION
from tests.fixtures.registration import national_id


def _form(n: int, **kw) -> dict:
    data = {
        "prefix": "mrs", "first_name": f"ประภา{n}", "last_name": "ทองดี", "national_id": national_id(500 + n),
        "phone": f"085{n:07d}", "email": f"prapa{n}@example.org", "province": "50",
    }  # fmt: skip
    data.update(kw)
    return data


def _ticked(page: str, name: str) -> bool:
    [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return re.search(r"\schecked[\s>]", tag) is not None


def _event(make_event):
    return make_event(capacity=10, starts_at=utcnow() + timedelta(days=10))


def _register(client, event, n: int, **kw) -> str:
    response = client.post(f"/e/{event.slug}/register", data=_form(n, **kw))
    assert response.status_code == 302 and "/r/" in response.headers["Location"], response.get_data(
        as_text=True
    )
    return response.headers["Location"].split("/r/")[1].split("?")[0]


def _notice_form(version: str, **kw) -> dict:
    data = {
        "version": version,
        "data_controller": "กรมพัฒนาสังคมและสวัสดิการ",
        "dpo_contact": "dpo@example.go.th",
        "retention": "5 ปี",
        "body_th": "ประกาศฉบับใหม่",
        "body_en": "The new notice",
    }
    data.update(kw)
    return data


def test_registering_needs_no_consent_and_records_the_notice_version(client, make_event):
    event = _event(make_event)
    form = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert (
        'name="consent_photos"' in form
        and 'name="consent_news_email"' in form
        and 'name="consent_news_line"' in form
    )
    assert not any(_ticked(form, f"consent_{p}") for p in ("photos", "news_email", "news_line"))
    assert f"/privacy/{PRIVACY_NOTICE_VERSION}" in form and "24(4)" in form
    _register(client, event, 1)  # no box ticked at all
    db.session.rollback()
    registration = db.session.query(Registration).one()
    assert registration.consent_version == registration.privacy_notice_version == PRIVACY_NOTICE_VERSION
    assert db.session.query(Consent).count() == 0


def test_registration_form_reports_the_ticked_boxes(app, make_event):
    from eventsys.registration.forms import registration_form_for

    event = _event(make_event)
    with app.test_request_context(method="POST", data={"consent_photos": "y", "consent_news_line": "y"}):
        assert registration_form_for(event, "th").optional_consents() == {"photos", "news_line"}
    with app.test_request_context(method="POST", data={}):
        assert registration_form_for(event, "th").optional_consents() == set()


def test_ticked_boxes_on_the_form_are_recorded_with_version_and_time(client, make_event):
    event = _event(make_event)
    _register(client, event, 2, consent_photos="y", consent_news_email="y")
    db.session.rollback()
    registration = db.session.query(Registration).one()
    consents = services.consents_of(db.session, registration.volunteer)
    assert set(consents) == {"photos", "news_email"}
    assert {c.notice_version for c in consents.values()} == {registration.consent_version}
    assert all(
        c.given_at >= registration.created_at and c.source == "registration" for c in consents.values()
    )


def test_the_person_gives_and_withdraws_consents_from_the_manage_page(client, make_event):
    event = _event(make_event)
    token = _register(client, event, 3)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert f'action="/r/{token}/consents"' in page and 'name="consent_news_line"' in page
    before = utcnow()
    response = client.post(f"/r/{token}/consents", data={"consent_photos": "y", "consent_news_line": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/r/{token}#consents")
    db.session.rollback()
    volunteer = db.session.query(Registration).one().volunteer
    consents = services.consents_of(db.session, volunteer)
    assert services.given_purposes(db.session, volunteer) == {"photos", "news_line"}
    assert (
        consents["photos"].notice_version == PRIVACY_NOTICE_VERSION and consents["photos"].given_at >= before
    )
    assert consents["photos"].source == "manage"
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert _ticked(page, "consent_photos") and _ticked(page, "consent_news_line")
    assert not _ticked(page, "consent_news_email")
    client.post(f"/r/{token}/consents", data={"consent_news_line": "y"})  # photos unticked: withdrawn
    db.session.rollback()
    consents = services.consents_of(db.session, volunteer)
    assert consents["photos"].withdrawn_at is not None and consents["news_line"].is_given
    assert client.post(f"/r/{token[:-1]}/consents", data={"consent_photos": "y"}).status_code == 404


def test_withdrawing_needs_the_csrf_token(app, client, make_event):
    event = _event(make_event)
    token = _register(client, event, 4)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/r/{token}/consents", data={"consent_photos": "y"}).status_code == 400
    db.session.rollback()
    assert db.session.query(Consent).count() == 0


def test_an_admin_publishes_a_version_and_the_next_registration_records_it(
    client, login, make_user, make_event
):
    event = _event(make_event)
    login(make_user("admin"))
    page = client.get("/admin/privacy").get_data(as_text=True)
    assert PRIVACY_NOTICE_VERSION in page and "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์" in page
    refused = client.post("/admin/privacy", data=_notice_form(PRIVACY_NOTICE_VERSION))
    assert refused.status_code == 422
    response = client.post("/admin/privacy", data=_notice_form("2026-12-v2"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/privacy")
    assert "2026-12-v2" in client.get("/admin/privacy").get_data(as_text=True)
    _register(client, event, 5)
    db.session.rollback()
    assert db.session.query(Registration).one().consent_version == "2026-12-v2"
    new = client.get("/privacy").get_data(as_text=True)
    assert "ประกาศฉบับใหม่" in new and "กรมพัฒนาสังคมและสวัสดิการ" in new
    old = client.get(f"/privacy/{PRIVACY_NOTICE_VERSION}")
    assert old.status_code == 200 and "มาตรา 24(4)" in old.get_data(as_text=True)
    assert client.get("/privacy/no-such-version").status_code == 404


@pytest.mark.parametrize("role", ["organizer", "staff"])
def test_only_admins_edit_the_notice(client, login, make_user, role):
    assert client.get("/admin/privacy").status_code == 302  # anonymous: to the log-in page
    login(make_user(role))
    assert client.get("/admin/privacy").status_code == 403
    assert client.post("/admin/privacy", data=_notice_form("2026-12-v9")).status_code == 403
    db.session.rollback()
    assert services.current_notice_version(db.session) == PRIVACY_NOTICE_VERSION


def test_the_notice_page_shows_html_as_text(client, login, make_user):
    login(make_user("admin"))
    script = "<script>alert('pdpa')</script>"
    client.post(
        "/admin/privacy",
        data=_notice_form(
            "xss-1", body_th=f"## {script}\n{script}", data_controller=script, retention=script
        ),
    )
    for url in ("/privacy/xss-1", "/privacy", "/admin/privacy"):
        page = client.get(url).get_data(as_text=True)
        assert script not in page and "&lt;script&gt;alert(" in page, url


def test_erasing_a_person_removes_their_consents(client, login, make_user, make_event):
    event = _event(make_event)
    token = _register(client, event, 6)
    client.post(f"/r/{token}/consents", data={"consent_photos": "y"})
    db.session.rollback()
    volunteer = db.session.query(Registration).one().volunteer
    login(make_user("admin"))
    exported = client.get(f"/volunteers/{volunteer.id}/export.json").get_json()
    assert [c["purpose"] for c in exported["consents"]] == ["photos"]
    assert exported["registrations"][0]["privacy_notice_version"] == PRIVACY_NOTICE_VERSION
    assert client.post(f"/volunteers/{volunteer.id}/erase").status_code == 302
    db.session.rollback()
    assert db.session.query(Consent).count() == 0
