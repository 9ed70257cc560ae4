"""Shared machinery: background jobs with progress, the mail outbox, signed ticket tokens."""

from email import message_from_bytes

import pytest

from eventsys.db import db
from eventsys.files import LocalStore
from eventsys.jobs.models import Job, JobStatus
from eventsys.jobs.services import create_job, job_payload
from eventsys.jobs.tasks import job_task
from eventsys.mail import Attachment, OutgoingMail, deliver
from eventsys.registration.tickets import TicketSigner, fingerprint


@job_task("test_count")
def count_job(job, session, progress):
    total = job.params["n"]
    for done in range(0, total + 1, 10):
        progress(done, total)
    return {"counted": total}


@job_task("test_fail")
def failing_job(job, session, progress):
    raise ValueError("bad input in row 3")


def test_job_runs_and_records_progress_and_result(app, make_user):
    job = create_job(db.session, kind="test_count", params={"n": 50}, actor=make_user("organizer"))
    db.session.commit()
    count_job.enqueue(job)
    db.session.rollback()  # end this session's snapshot to see the job's commits
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.DONE and job.result == {"counted": 50}
    assert job_payload(job)["percent"] == 100


def test_failed_job_is_recorded_not_lost(app):
    job = create_job(db.session, kind="test_fail", params={})
    db.session.commit()
    failing_job.enqueue(job)
    db.session.rollback()  # end this session's snapshot to see the job's commits
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.FAILED and "bad input in row 3" in job.error


def test_job_status_only_for_its_owner_or_admin(client, app, make_user, login):
    owner, other = make_user("organizer"), make_user("organizer")
    job = create_job(db.session, kind="test_count", params={"n": 10}, actor=owner)
    db.session.commit()
    login(other)
    assert client.get(f"/jobs/{job.id}.json").status_code == 404
    client.post("/logout")
    login(owner)
    assert client.get(f"/jobs/{job.id}.json").get_json()["status"] == "queued"


def test_outbox_delivery_with_inline_image_and_thai_subject(tmp_path):
    mail = OutgoingMail(
        to="somsri@example.org",
        subject="ยืนยันการลงทะเบียน",
        text="เรียน คุณสมศรี",
        html='<p>เรียน คุณสมศรี</p><img src="cid:qr">',
        attachments=[Attachment("ticket.png", "image/png", b"\x89PNG fake", content_id="qr")],
    )
    name = deliver(mail, config={"MAIL_SENDER": "noreply@example.org"}, outbox=LocalStore(tmp_path))
    message = message_from_bytes((tmp_path / "outbox" / name).read_bytes())
    assert str(message["Subject"]).startswith("=?utf-8?") or "ยืนยัน" in str(message["Subject"])
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(message["Subject"]))) == "ยืนยันการลงทะเบียน"
    parts = [part.get_content_type() for part in message.walk()]
    assert "text/html" in parts and parts.count("image/png") == 2  # inline + attachment


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-1], lambda t: "x" + t, lambda t: t.replace(".", ""), lambda t: ""]
)
def test_tampered_tokens_are_refused(mangle):
    signer = TicketSigner("key")
    token = signer.token_for("abcdefgh")
    assert signer.verify(token) == "abcdefgh"
    assert signer.verify(mangle(token)) is None


def test_tokens_from_another_installation_are_refused():
    token = TicketSigner("other key").token_for("abcdefgh")
    assert TicketSigner("key").verify(token) is None
    assert fingerprint(token) != fingerprint(TicketSigner("key").token_for("abcdefgh"))


def test_manage_tokens_are_bound_to_the_registration_and_its_ticket():
    signer = TicketSigner("key")
    token = signer.manage_token(42, "secret-a")
    assert signer.manage_token_registration_id(token) == 42
    assert signer.check_manage_token(token, 42, "secret-a")
    assert not signer.check_manage_token(token, 42, "secret-b")  # ticket rotated
    assert not signer.check_manage_token(token.replace("42-", "43-"), 43, "secret-a")
    assert signer.manage_token_registration_id("abc") is None
