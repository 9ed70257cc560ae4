"""SMS as a channel: queued after the commit, the outbox file, the ThaiBulkSMS gateway (a fake
one on 127.0.0.1), retries, failed deliveries on the admins' outbox page, masking."""

from __future__ import annotations

import base64
import json
import logging
import stat
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from sqlalchemy import func, select

from eventsys.config import from_environ
from eventsys.db import db
from eventsys.errors import RuleViolation
from eventsys.jobs.models import Job, JobStatus
from eventsys.jobs.services import mark_failed, take_queued_jobs
from eventsys.jobs.tasks import enqueue_queued, send_sms
from eventsys.masking import mask_email, mask_phone
from eventsys.registration.services import MAIL_JOB, take_queued_notices
from eventsys.registration.tasks import commit_and_notify
from eventsys.sms import OutgoingSms, SmsNotSent, queue_sms, read_outbox_file, send_thaibulksms

TEXT = "ตั๋วของคุณพร้อมแล้ว: งานอาสา 12 ธ.ค. 08:30 น."


def _outbox(app) -> Path:
    return Path(app.instance_path) / "outbox"


def _sms_files(app) -> list[Path]:
    return sorted(_outbox(app).glob("*.sms.txt"))


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("0812345678", "08x-xxx-5678"),
        ("081-234-5678", "08x-xxx-5678"),
        ("+66 81 234 5678", "08x-xxx-5678"),
        ("021234567", "02-xxx-4567"),
        ("1234", "•••"),
        ("", "•••"),
    ],
)
def test_mask_phone(number, masked):
    assert mask_phone(number) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("somchai@example.org", "s•••@example.org"),
        ("a@b.co", "a•••@b.co"),
        ("no-at-sign", "•••"),
    ],
)
def test_mask_email(address, masked):
    assert mask_email(address) == masked


# --- queued after the commit, written to the outbox -----------------------------------------


def test_queued_sms_is_written_to_the_outbox_after_the_commit(app):
    job = queue_sms(db.session, to="081-234-5678", text=TEXT, purpose="ticket_reminder")
    assert _sms_files(app) == []  # nothing before the commit
    commit_and_notify(db.session)
    [path] = _sms_files(app)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    message = read_outbox_file(path)
    assert message["to"] == "0812345678" and message["text"] == TEXT
    db.session.rollback()  # see the job's commits
    job = db.session.get(Job, job.id)
    assert job.kind == "sms" and job.status == JobStatus.DONE and job.result["sent"] == path.name
    assert job.params == {"to": "0812345678", "text": TEXT, "purpose": "ticket_reminder"}


def test_rolled_back_sms_is_never_sent(app):
    queue_sms(db.session, to="0812345678", text=TEXT, purpose="ticket_reminder")
    db.session.rollback()
    assert take_queued_jobs(db.session) == []  # the rollback forgot it
    queue_sms(db.session, to="0812345678", text=TEXT, purpose="ticket_reminder")
    db.session.rollback()
    enqueue_queued(db.session)
    assert _sms_files(app) == []
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_taking_the_mail_notices_leaves_the_sms_queued(app):
    """``take_queued_notices`` (older callers) takes e-mail only; the SMS still goes out."""
    queue_sms(db.session, to="0812345678", text=TEXT, purpose="ticket_reminder")
    db.session.commit()
    assert take_queued_notices(db.session) == []
    [(kind, _job_id)] = take_queued_jobs(db.session)
    assert kind == "sms"


def test_a_number_that_is_not_a_thai_mobile_is_refused(app):
    with pytest.raises(RuleViolation):
        queue_sms(db.session, to="12345", text=TEXT, purpose="x")
    with pytest.raises(RuleViolation):
        queue_sms(db.session, to="0812345678", text="  ", purpose="x")


def test_settings_from_the_environment(tmp_path):
    config = from_environ(
        {"SMS_BACKEND": "ThaiBulkSMS", "SMS_TIMEOUT": "2.5", "SMS_SENDER": "EVENTSYS"}, str(tmp_path)
    )
    assert (config["SMS_BACKEND"], config["SMS_TIMEOUT"], config["SMS_SENDER"]) == (
        "thaibulksms",
        2.5,
        "EVENTSYS",
    )
    assert from_environ({}, str(tmp_path))["SMS_API_URL"] == "https://api-v2.thaibulksms.com/sms"
    with pytest.raises(ValueError):
        from_environ({"SMS_BACKEND": "carrier-pigeon"}, str(tmp_path))


# --- the ThaiBulkSMS gateway, faked on 127.0.0.1 ----------------------------------------------

API_KEY, API_SECRET = "key-123", "secret-456"


@dataclass
class FakeGateway:
    """Answers each POST with the next of ``answers`` (status, JSON body, seconds to wait),
    after checking Basic auth; records the form fields it was sent."""

    url: str = ""
    answers: list[tuple[int, dict, float]] = field(default_factory=list)
    requests: list[dict[str, list[str]]] = field(default_factory=list)


def _success(number: str = "0812345678") -> dict:
    return {
        "remaining_credit": 99,
        "total_use_credit": 1,
        "credit_type": "standard",
        "phone_number_list": [{"number": number, "message_id": "msg-abc", "used_credit": 1}],
        "bad_phone_number_list": [],
    }


def _error(code: int, name: str, description: str) -> dict:
    return {"error": {"code": code, "name": name, "description": description}}


@pytest.fixture
def gateway():
    fake = FakeGateway()
    expected_auth = "Basic " + base64.b64encode(f"{API_KEY}:{API_SECRET}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            if self.path != "/sms" or self.headers.get("Authorization") != expected_auth:
                status, answer, delay = 401, _error(401, "UNAUTHORIZED", "Invalid API key or secret"), 0.0
            else:
                fake.requests.append(parse_qs(body))
                status, answer, delay = fake.answers.pop(0)
            time.sleep(delay)
            payload = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    yield fake
    server.shutdown()
    server.server_close()


def _config(gateway: FakeGateway, **kw) -> dict:
    return {
        "SMS_BACKEND": "thaibulksms",
        "SMS_API_URL": gateway.url,
        "SMS_API_KEY": API_KEY,
        "SMS_API_SECRET": API_SECRET,
        "SMS_SENDER": "EVENTSYS",
        "SMS_TIMEOUT": 2,
        **kw,
    }


def test_gateway_success_sends_the_documented_fields(gateway):
    gateway.answers.append((201, _success(), 0))
    message_id = send_thaibulksms(OutgoingSms(to="0812345678", text=TEXT), config=_config(gateway))
    assert message_id == "msg-abc"
    assert gateway.requests == [{"msisdn": ["0812345678"], "message": [TEXT], "sender": ["EVENTSYS"]}]


def test_gateway_refusing_the_number_raises(gateway):
    gateway.answers.append(
        (
            201,
            {
                **_success(),
                "phone_number_list": [],
                "bad_phone_number_list": [{"number": "0812345678", "message": "Invalid phone number"}],
            },
            0,
        )  # fmt: skip
    )
    with pytest.raises(SmsNotSent, match="08x-xxx-5678: Invalid phone number"):
        send_thaibulksms(OutgoingSms(to="0812345678", text=TEXT), config=_config(gateway))


def test_wrong_credentials_raise_with_the_gateways_reason(gateway):
    with pytest.raises(SmsNotSent, match="401.*Invalid API key or secret"):
        send_thaibulksms(
            OutgoingSms(to="0812345678", text=TEXT), config=_config(gateway, SMS_API_SECRET="wrong")
        )
    assert gateway.requests == []


def test_a_silent_gateway_times_out(gateway):
    gateway.answers.append((201, _success(), 1.5))
    started = time.monotonic()
    with pytest.raises(SmsNotSent, match="not reached.*(?i:timed out|timeout)"):
        send_thaibulksms(OutgoingSms(to="0812345678", text=TEXT), config=_config(gateway, SMS_TIMEOUT=0.3))
    assert time.monotonic() - started < 1.4


@dataclass
class QueueTask:
    """What the queue hands a job on each attempt: how many retries are left after it."""

    retries: int


def test_a_gateway_error_is_retried_then_sent_and_the_text_never_logged(app, gateway, caplog):
    app.config.update(_config(gateway))
    gateway.answers += [(500, _error(500, "INTERNAL_ERROR", "Try again later"), 0), (201, _success(), 0)]
    job = queue_sms(db.session, to="0812345678", text=TEXT, purpose="ticket_reminder")
    db.session.commit()
    take_queued_jobs(db.session)  # the attempts are run by hand below, as the queue would

    with caplog.at_level(logging.INFO), pytest.raises(SmsNotSent):
        send_sms._run(job.id, task=QueueTask(retries=3))
    db.session.rollback()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.QUEUED and "500" in job.error and "Try again later" in job.error
    assert TEXT not in caplog.text and "0812345678" not in caplog.text
    assert TEXT not in job.error

    send_sms._run(job.id, task=QueueTask(retries=2))
    db.session.rollback()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.DONE and job.result["sent"] == "msg-abc"
    assert len(gateway.requests) == 2


def _failed_sms(app, gateway) -> Job:
    """An SMS job whose last attempt the gateway refused."""
    app.config.update(_config(gateway))
    gateway.answers.append((400, _error(400, "BAD_REQUEST", "Insufficient credit"), 0))
    job = queue_sms(db.session, to="0812345678", text=TEXT, purpose="ticket_reminder")
    db.session.commit()
    take_queued_jobs(db.session)
    with pytest.raises(SmsNotSent):
        send_sms._run(job.id, task=QueueTask(retries=0))
    db.session.rollback()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.FAILED
    return job


def test_failed_sms_shows_on_the_outbox_and_retry_sends_it(app, client, gateway, make_user, login):
    job = _failed_sms(app, gateway)
    login(make_user("admin"))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "08x-xxx-5678" in page and "0812345678" not in page
    assert "ticket_reminder" in page and "Insufficient credit" in page
    assert f"/admin/outbox/failed/{job.id}/retry" in page

    app.config["SMS_BACKEND"] = "outbox"  # the cause is fixed: this time it goes through
    response = client.post(f"/admin/outbox/failed/{job.id}/retry")
    assert response.status_code == 302
    db.session.rollback()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.DONE and job.error == ""
    [path] = _sms_files(app)
    assert read_outbox_file(path)["text"] == TEXT
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert f"/admin/outbox/failed/{job.id}/retry" not in page
    assert "SMS" in page and "081-234-5678" in page  # listed among the kept messages, formatted

    # a second press (another tab) does not send it twice
    client.post(f"/admin/outbox/failed/{job.id}/retry")
    assert len(_sms_files(app)) == 1


def test_retry_button_needs_a_csrf_token(app, client, gateway, make_user, login):
    job = _failed_sms(app, gateway)
    app.config["WTF_CSRF_ENABLED"] = True
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    admin = make_user("admin")
    client.post(
        "/login", data={"email": admin.email, "password": "correct horse battery", "csrf_token": token}
    )
    assert client.post(f"/admin/outbox/failed/{job.id}/retry").status_code == 400
    db.session.rollback()
    assert db.session.get(Job, job.id).status == JobStatus.FAILED


def test_outbox_is_for_admins_and_organizers_see_a_count(
    app, client, make_user, login, make_event, register_person, person
):
    organizer, other_organizer, admin = make_user("organizer"), make_user("organizer"), make_user("admin")
    event = make_event(owner=organizer)
    register_person(event, person(email="somchai@example.org"))
    take_queued_jobs(db.session)
    mail_job = db.session.scalars(select(Job).where(Job.kind == MAIL_JOB)).one()
    mark_failed(mail_job, error="SMTPRecipientsRefused: mailbox unavailable")
    db.session.commit()

    login(organizer)
    assert client.get("/admin/outbox").status_code == 403
    dashboard = client.get("/manage/?lang=en").get_data(as_text=True)
    assert "could not be delivered: 1." in dashboard
    client.post("/logout")

    login(other_organizer)  # their events had no failure
    assert "could not be delivered" not in client.get("/manage/?lang=en").get_data(as_text=True)
    client.post("/logout")

    login(admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "s•••@example.org" in page and "somchai@example.org" not in page
    assert "mailbox unavailable" in page
