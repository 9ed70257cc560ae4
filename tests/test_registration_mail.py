"""E-mail never blocks a registration, and each notice is in the person's language."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from eventsys.db import db, utcnow
from eventsys.jobs.models import Job, JobStatus
from eventsys.registration.models import Registration
from tests.fixtures.registration import national_id


def _form(n: int, **kw) -> dict:
    data = {
        "first_name": f"วิไล{n}", "last_name": "ทองคำ", "national_id": national_id(100 + n),
        "phone": f"087{n:07d}", "email": f"wilai{n}@example.org", "province": "10", "consent": "y",
    }  # fmt: skip
    data.update(kw)
    return data


@pytest.fixture
def app_config():
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1}  # nothing listens: every send fails


def test_registration_succeeds_when_mail_is_down(client, make_event):
    event = make_event(capacity=5, starts_at=utcnow() + timedelta(days=5))
    response = client.post(f"/e/{event.slug}/register", data=_form(1))
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.query(Registration).one().status.value == "confirmed"
    job = db.session.query(Job).one()
    # the attempt failed and is recorded; the queue will try again (retries left), so the job
    # waits as queued rather than failed
    assert job.kind == "registration_mail" and job.status == JobStatus.QUEUED
    assert "ConnectionRefusedError" in job.error


def test_waitlist_notice_in_english_for_an_english_reader(app, client, make_event, monkeypatch):
    app.config["MAIL_SERVER"] = ""  # back to the outbox
    event = make_event(capacity=0, starts_at=utcnow() + timedelta(days=5))
    client.post(f"/e/{event.slug}/register?lang=en", data=_form(2))
    [path] = list((Path(app.instance_path) / "outbox").glob("*.eml"))
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("You are on the waiting list")
    assert "image/png" not in [p.get_content_type() for p in message.walk()]  # no ticket yet
