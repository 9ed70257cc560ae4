"""PDPA rules without Flask: the current notice, publishing, consents, erase, merge, export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsys.db import db
from eventsys.errors import NotFound, PermissionDenied, RuleViolation
from eventsys.files import current_store
from eventsys.privacy import services
from eventsys.privacy.markup import render_notice
from eventsys.privacy.models import Consent, PrivacyNotice
from eventsys.volunteers.services import PRIVACY_NOTICE_VERSION, erase_volunteer, merge_volunteers


def _notice(**kw) -> dict:
    values = {
        "version": "2026-12-v2",
        "body_th": "## ผู้ควบคุมข้อมูล\nกระทรวง",
        "body_en": "",
        "data_controller": "กรมกิจการผู้สูงอายุ",
        "dpo_contact": "dpo@example.go.th",
        "retention": "5 ปี",
    }
    values.update(kw)
    return values


def test_an_empty_table_falls_back_to_the_built_in_notice(app):
    notice = services.current_notice(db.session)
    assert notice.version == services.current_notice_version(db.session) == PRIVACY_NOTICE_VERSION
    assert "มาตรา 24(4)" in notice.body_th and "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์" in notice.body_th
    assert services.notice_by_version(db.session, PRIVACY_NOTICE_VERSION).body_en
    with pytest.raises(NotFound):
        services.notice_by_version(db.session, "2099-01-v9")


def test_publishing_makes_the_new_version_current_and_keeps_the_old_ones(make_user, now):
    admin = make_user("admin")
    services.publish_notice(db.session, **_notice(), actor=admin, now=now)
    services.publish_notice(db.session, **_notice(version="2026-12-v3"), actor=admin, now=now + timedelta(1))
    db.session.commit()
    assert services.current_notice_version(db.session) == "2026-12-v3"
    assert services.current_notice(db.session).data_controller == "กรมกิจการผู้สูงอายุ"
    assert services.notice_by_version(db.session, "2026-12-v2").created_by_id == admin.id
    assert [n.version for n in services.list_notices(db.session)] == [
        "2026-12-v3", "2026-12-v2", PRIVACY_NOTICE_VERSION,
    ]  # fmt: skip


def test_publishing_checks_the_actor_and_the_fields(make_user, now):
    with pytest.raises(PermissionDenied):
        services.publish_notice(db.session, **_notice(), actor=make_user("organizer"), now=now)
    admin = make_user("admin")
    services.publish_notice(db.session, **_notice(), actor=admin, now=now)
    for version in ("2026-12-v2", PRIVACY_NOTICE_VERSION, "bad version", ""):
        with pytest.raises(RuleViolation) as error:
            services.publish_notice(db.session, **_notice(version=version), actor=admin, now=now)
        assert set(error.value.fields) == {"version"}, version
    with pytest.raises(RuleViolation) as error:
        services.publish_notice(
            db.session,
            **_notice(version="v4", body_th=" ", retention="", dpo_contact=""),
            actor=admin,
            now=now,
        )
    assert set(error.value.fields) == {"body_th", "retention", "dpo_contact"}


def test_record_consents_gives_the_listed_purposes_only(make_volunteer, now):
    person = make_volunteer()
    services.record_consents(
        db.session, volunteer=person, purposes={"photos"}, notice_version="v1", source="registration", now=now
    )
    services.record_consents(
        db.session,
        volunteer=person,
        purposes={"news_line"},
        notice_version="v2",
        source="api",
        now=now + timedelta(1),
    )
    db.session.commit()
    consents = services.consents_of(db.session, person)
    assert set(consents) == {"photos", "news_line"}
    photos = consents["photos"]
    assert (photos.is_given, photos.notice_version, photos.given_at, photos.source) == (
        True,
        "v1",
        now,
        "registration",
    )
    assert consents["news_line"].notice_version == "v2"
    services.record_consents(
        db.session, volunteer=person, purposes=set(), notice_version="v2", source="registration", now=now
    )
    assert services.given_purposes(db.session, person) == {"photos", "news_line"}
    with pytest.raises(RuleViolation) as error:
        services.record_consents(
            db.session, volunteer=person, purposes={"marketing"}, notice_version="v2", source="api", now=now
        )
    assert set(error.value.fields) == {"consents"}


def test_set_consents_withdraws_the_rest_and_keeps_unchanged_times(make_volunteer, now):
    person = make_volunteer()
    services.record_consents(
        db.session, volunteer=person, purposes={"photos", "news_email"}, notice_version="v1",
        source="registration", now=now,
    )  # fmt: skip
    later = now + timedelta(days=3)
    services.set_consents(
        db.session,
        volunteer=person,
        purposes={"photos", "news_line"},
        notice_version="v2",
        source="manage",
        now=later,
    )
    db.session.commit()
    consents = services.consents_of(db.session, person)
    assert consents["photos"].given_at == now and consents["photos"].notice_version == "v1"
    assert consents["news_email"].withdrawn_at == later and not consents["news_email"].is_given
    assert consents["news_line"].given_at == later and consents["news_line"].notice_version == "v2"
    # given again after withdrawing: a new consent under the version of the day
    services.set_consents(
        db.session, volunteer=person, purposes={"news_email"}, notice_version="v3", source="manage", now=later
    )
    consents = services.consents_of(db.session, person)
    assert consents["news_email"].is_given and consents["news_email"].notice_version == "v3"
    assert services.given_purposes(db.session, person) == {"news_email"}


def test_erase_removes_consents_and_export_includes_them(make_volunteer, make_user, cipher, now):
    from eventsys.volunteers.services import person_export

    admin = make_user("admin")
    person, other = make_volunteer(), make_volunteer()
    for volunteer in (person, other):
        services.record_consents(
            db.session, volunteer=volunteer, purposes={"photos"}, notice_version="v1", source="staff", now=now
        )
    exported = person_export(db.session, person, cipher=cipher, actor=admin, now=now)
    assert exported["consents"] == [
        {
            "purpose": "photos", "given": True, "notice_version": "v1", "given_at": now.isoformat(),
            "withdrawn_at": None, "source": "staff",
        }
    ]  # fmt: skip
    erase_volunteer(db.session, person, actor=admin, now=now, files=current_store())
    db.session.commit()
    assert db.session.scalars(select(Consent.volunteer_id)).all() == [other.id]


def test_merging_people_keeps_the_latest_consent_of_each_purpose(make_volunteer, make_user, cipher, now):
    admin = make_user("admin")
    keep, drop = make_volunteer(), make_volunteer()
    services.record_consents(
        db.session, volunteer=keep, purposes={"photos"}, notice_version="v1", source="registration", now=now
    )
    later = now + timedelta(days=1)
    services.record_consents(
        db.session, volunteer=drop, purposes={"photos", "news_line"}, notice_version="v2", source="manage",
        now=now,
    )  # fmt: skip
    services.set_consents(
        db.session, volunteer=drop, purposes={"news_line"}, notice_version="v2", source="manage", now=later
    )
    db.session.commit()
    merge_volunteers(db.session, keep=keep, drop=drop, cipher=cipher, actor=admin, now=later)
    db.session.commit()
    consents = services.consents_of(db.session, keep)
    assert (
        set(consents) == {"photos", "news_line"}
        and db.session.scalar(select(Consent).where(Consent.volunteer_id == drop.id)) is None
    )
    assert consents["photos"].withdrawn_at == later  # the drop's withdrawal came last
    assert consents["news_line"].is_given


def test_the_notice_text_is_rendered_escaped():
    html = str(
        render_notice(
            '## หัวข้อ <b>\n<script>alert(1)</script>\n\n- ข้อ "หนึ่ง"\n- https://example.org/a?b=1&c=2"x'
        )
    )
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<h2>หัวข้อ &lt;b&gt;</h2>" in html and "<li>ข้อ &#34;หนึ่ง&#34;</li>" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2' in html and '"x' not in html  # a quote stays escaped


def test_the_default_is_stored_as_a_notice_row_would_be(app):
    notice = services.default_notice()
    assert isinstance(notice, PrivacyNotice) and notice.id is None and notice not in db.session
